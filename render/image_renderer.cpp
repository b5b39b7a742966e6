#include "render/image_renderer.h"

#include "render/gl_objects.h"
#include "render/image_texture_tiles.h"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace spinemark::render {

namespace {

// Tiles stay at or below this edge even where GL_MAX_TEXTURE_SIZE is larger, so one GL_R16 texture
// stays at most about 45 MB (4096 x 4096 x 2 bytes, plus a third for mipmaps).
constexpr int DefaultMaxTileSize = 4096;

std::atomic<int> s_testMaxTileSize{0};

constexpr const char* VertexShaderSource = R"glsl(#version 330 core
// One quad per tile, drawn as a 4-vertex triangle strip without vertex buffers.
// u_ndcRect contains the tile's left, top, right and bottom edges in normalized device coordinates.
uniform vec4 u_ndcRect;
out vec2 v_texCoord;
void main()
{
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  // Texture row 0 is the image's top row, which sits at the rectangle's top edge.
  v_texCoord = corner;
  gl_Position = vec4(mix(u_ndcRect.xy, u_ndcRect.zw, corner), 0.0, 1.0);
}
)glsl";

// Same order as core::displayValue: window, MONOCHROME1 inversion, user invert, gamma. The body
// follows a "#version" line and a SHARPEN definition. The unsharp mask is a separate program, not
// a branch on a uniform: Mesa's llvmpipe runs both sides of such a branch for every pixel, and
// that made the plain draw five times slower.
constexpr const char* FragmentShaderBody = R"glsl(
uniform sampler2D u_image;
uniform float u_windowSlope;
uniform float u_windowIntercept;
uniform bool u_monochrome1;
uniform bool u_invert;
uniform float u_inverseGamma;
uniform float u_unsharpAmount;
in vec2 v_texCoord;
out vec4 fragColor;

// Unsharp mask for endplate edges: the texel minus a 3x3 blur sampled two texels apart, which
// matches the few-pixel width of an endplate better than direct neighbours.
float sharpened(float t)
{
  vec2 step = 2.0 / vec2(textureSize(u_image, 0));
  float blur = 0.0;
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) {
      blur += textureLod(u_image, v_texCoord + vec2(dx, dy) * step, 0.0).r;
    }
  }
  return t + u_unsharpAmount * (t - blur / 9.0);
}

void main()
{
#if SHARPEN
  float t = sharpened(textureLod(u_image, v_texCoord, 0.0).r);
#else
  float t = texture(u_image, v_texCoord).r;
#endif
  float value = clamp(t * u_windowSlope + u_windowIntercept, 0.0, 1.0);
  if (u_monochrome1) {
    value = 1.0 - value;
  }
  if (u_invert) {
    value = 1.0 - value;
  }
  // GLSL leaves pow(x, y) undefined for x = 0 when y <= 0 and computes it through exp2 and log2,
  // so zero skips pow, and so does gamma 1, which must leave the value exact.
  if (u_inverseGamma != 1.0 && value > 0.0) {
    value = pow(value, u_inverseGamma);
  }
  fragColor = vec4(value, value, value, 1.0);
}
)glsl";

// Saves the state ImageRenderer::draw changes and that ImGui's OpenGL 3 backend relies on:
// program, vertex array, texture and sampler of unit 0, active unit, viewport, blend, scissor,
// depth test and face culling.
class DrawStateGuard {
 public:
  DrawStateGuard()
      : m_program(getInteger(GL_CURRENT_PROGRAM)),
        m_vertexArray(getInteger(GL_VERTEX_ARRAY_BINDING)),
        m_activeTexture(getInteger(GL_ACTIVE_TEXTURE)),
        m_blend(glIsEnabled(GL_BLEND)),
        m_scissorTest(glIsEnabled(GL_SCISSOR_TEST)),
        m_depthTest(glIsEnabled(GL_DEPTH_TEST)),
        m_cullFace(glIsEnabled(GL_CULL_FACE))
  {
    glGetIntegerv(GL_VIEWPORT, m_viewport.data());
    glActiveTexture(GL_TEXTURE0);
    m_texture = getInteger(GL_TEXTURE_BINDING_2D);
    m_sampler = getInteger(GL_SAMPLER_BINDING);
  }
  ~DrawStateGuard()
  {
    glUseProgram(static_cast<GLuint>(m_program));
    glBindVertexArray(static_cast<GLuint>(m_vertexArray));
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(m_texture));
    glBindSampler(0, static_cast<GLuint>(m_sampler));
    glActiveTexture(static_cast<GLenum>(m_activeTexture));
    glViewport(m_viewport[0], m_viewport[1], m_viewport[2], m_viewport[3]);
    setEnabled(GL_BLEND, m_blend);
    setEnabled(GL_SCISSOR_TEST, m_scissorTest);
    setEnabled(GL_DEPTH_TEST, m_depthTest);
    setEnabled(GL_CULL_FACE, m_cullFace);
  }
  DrawStateGuard(const DrawStateGuard&) = delete;
  DrawStateGuard& operator=(const DrawStateGuard&) = delete;

 private:
  static void setEnabled(GLenum capability, GLboolean enabled)
  {
    if (enabled == GL_TRUE) {
      glEnable(capability);
    } else {
      glDisable(capability);
    }
  }

  GLint m_program;
  GLint m_vertexArray;
  GLint m_activeTexture;
  GLint m_texture = 0;
  GLint m_sampler = 0;
  std::array<GLint, 4> m_viewport{};
  GLboolean m_blend;
  GLboolean m_scissorTest;
  GLboolean m_depthTest;
  GLboolean m_cullFace;
};

// Saves what renderNativeSize changes on top of draw: framebuffer and renderbuffer bindings,
// the pack settings used by glReadPixels, and the clear colour.
class ReadbackStateGuard {
 public:
  ReadbackStateGuard()
      : m_drawFramebuffer(getInteger(GL_DRAW_FRAMEBUFFER_BINDING)),
        m_readFramebuffer(getInteger(GL_READ_FRAMEBUFFER_BINDING)),
        m_renderbuffer(getInteger(GL_RENDERBUFFER_BINDING)),
        m_packAlignment(getInteger(GL_PACK_ALIGNMENT)),
        m_packRowLength(getInteger(GL_PACK_ROW_LENGTH)),
        m_packBuffer(getInteger(GL_PIXEL_PACK_BUFFER_BINDING))
  {
    glGetFloatv(GL_COLOR_CLEAR_VALUE, m_clearColor.data());
  }
  ~ReadbackStateGuard()
  {
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, static_cast<GLuint>(m_drawFramebuffer));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(m_readFramebuffer));
    glBindRenderbuffer(GL_RENDERBUFFER, static_cast<GLuint>(m_renderbuffer));
    glPixelStorei(GL_PACK_ALIGNMENT, m_packAlignment);
    glPixelStorei(GL_PACK_ROW_LENGTH, m_packRowLength);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, static_cast<GLuint>(m_packBuffer));
    glClearColor(m_clearColor[0], m_clearColor[1], m_clearColor[2], m_clearColor[3]);
  }
  ReadbackStateGuard(const ReadbackStateGuard&) = delete;
  ReadbackStateGuard& operator=(const ReadbackStateGuard&) = delete;

 private:
  GLint m_drawFramebuffer;
  GLint m_readFramebuffer;
  GLint m_renderbuffer;
  GLint m_packAlignment;
  GLint m_packRowLength;
  GLint m_packBuffer;
  std::array<GLfloat, 4> m_clearColor{};
};

// The largest framebuffer edge renderNativeSize may use for one chunk.
int maxFramebufferChunk()
{
  std::array<GLint, 2> viewportDims{};
  glGetIntegerv(GL_MAX_VIEWPORT_DIMS, viewportDims.data());
  return std::min({maxTileSize(), getInteger(GL_MAX_RENDERBUFFER_SIZE), viewportDims[0], viewportDims[1]});
}

std::string framebufferStatusName(GLenum status)
{
  switch (status) {
    case GL_FRAMEBUFFER_INCOMPLETE_ATTACHMENT: return "GL_FRAMEBUFFER_INCOMPLETE_ATTACHMENT";
    case GL_FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT: return "GL_FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT";
    case GL_FRAMEBUFFER_UNSUPPORTED: return "GL_FRAMEBUFFER_UNSUPPORTED";
    default: return "status 0x" + std::to_string(status);
  }
}

void writePng(const std::filesystem::path& path, int width, int height, int channels, const std::uint8_t* data)
{
  errno = 0;
  if (stbi_write_png(path.c_str(), width, height, channels, data, width * channels) == 0) {
    const int error = errno;
    throw std::runtime_error("failed to write PNG " + path.string() +
                             (error != 0 ? std::string(": ") + std::strerror(error) : std::string()));
  }
}

}  // namespace

bool loadGl()
{
  const int version = gladLoadGL(glfwGetProcAddress);
  if (version == 0) {
    return false;
  }
  return GLAD_VERSION_MAJOR(version) * 100 + GLAD_VERSION_MINOR(version) >= 303;
}

std::string glDescription()
{
  const auto text = [](GLenum name) {
    const auto* value = reinterpret_cast<const char*>(glGetString(name));
    return std::string(value != nullptr ? value : "unknown");
  };
  return text(GL_VENDOR) + " / " + text(GL_RENDERER) + " / " + text(GL_VERSION);
}

int maxTileSize()
{
  int size = std::min(getInteger(GL_MAX_TEXTURE_SIZE), DefaultMaxTileSize);
  if (const int testCap = s_testMaxTileSize; testCap > 0) {
    size = std::min(size, testCap);
  }
  return size;
}

void setMaxTileSizeForTesting(int maxTileEdge) { s_testMaxTileSize = std::max(0, maxTileEdge); }

// ============================================================================ ImageRenderer

namespace {

// One linked variant of the image program and the locations of its uniforms. A uniform that the
// variant does not use has location -1, which glUniform* ignores.
struct ImageProgram {
  Program program;
  GLint ndcRect = -1;
  GLint image = -1;
  GLint windowSlope = -1;
  GLint windowIntercept = -1;
  GLint monochrome1 = -1;
  GLint invert = -1;
  GLint inverseGamma = -1;
  GLint unsharpAmount = -1;

  ImageProgram(const Shader& vertex, bool sharpen)
  {
    const std::string source =
        std::string("#version 330 core\n#define SHARPEN ") + (sharpen ? "1" : "0") + "\n" + FragmentShaderBody;
    const Shader fragment = compileShader(GL_FRAGMENT_SHADER, source,
                                          sharpen ? "image_renderer.cpp FragmentShaderBody, SHARPEN 1"
                                                  : "image_renderer.cpp FragmentShaderBody, SHARPEN 0");
    program = linkProgram(vertex, fragment, sharpen ? "image renderer, sharpened" : "image renderer");
    const GLuint id = program.id();
    ndcRect = glGetUniformLocation(id, "u_ndcRect");
    image = glGetUniformLocation(id, "u_image");
    windowSlope = glGetUniformLocation(id, "u_windowSlope");
    windowIntercept = glGetUniformLocation(id, "u_windowIntercept");
    monochrome1 = glGetUniformLocation(id, "u_monochrome1");
    invert = glGetUniformLocation(id, "u_invert");
    inverseGamma = glGetUniformLocation(id, "u_inverseGamma");
    unsharpAmount = glGetUniformLocation(id, "u_unsharpAmount");
  }
};

}  // namespace

struct ImageRenderer::Impl {
  std::unique_ptr<ImageProgram> plain;
  std::unique_ptr<ImageProgram> sharpened;
  // Core profile draws need a bound vertex array even when the shader reads no attributes.
  VertexArray vertexArray;
};

ImageRenderer::ImageRenderer() : m_impl(std::make_unique<Impl>())
{
  const Shader vertex = compileShader(GL_VERTEX_SHADER, VertexShaderSource, "image_renderer.cpp VertexShaderSource");
  m_impl->plain = std::make_unique<ImageProgram>(vertex, false);
  m_impl->sharpened = std::make_unique<ImageProgram>(vertex, true);
  m_impl->vertexArray = VertexArray::create();
  checkGlError("creating the image renderer");
}

ImageRenderer::~ImageRenderer() = default;

void ImageRenderer::draw(const ImageTexture& texture, const core::Image& image, const core::ViewTransform& view,
                         const core::DisplaySettings& settings, const DrawTarget& target)
{
  if (target.framebufferWidth <= 0 || target.framebufferHeight <= 0) {
    return;  // a minimized window has a 0x0 framebuffer
  }
  DrawStateGuard guard;

  glViewport(0, 0, target.framebufferWidth, target.framebufferHeight);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  const ImageProgram& program = settings.unsharpAmount > 0.0 ? *m_impl->sharpened : *m_impl->plain;
  glUseProgram(program.program.id());
  glBindVertexArray(m_impl->vertexArray.id());
  glActiveTexture(GL_TEXTURE0);
  glBindSampler(0, 0);

  const core::ShaderWindow window = core::shaderWindow(image, settings.window);
  glUniform1i(program.image, 0);
  glUniform1f(program.windowSlope, window.slope);
  glUniform1f(program.windowIntercept, window.intercept);
  glUniform1i(program.monochrome1, image.photometric == core::Photometric::Monochrome1 ? 1 : 0);
  glUniform1i(program.invert, settings.invert ? 1 : 0);
  // core::displayValue treats a gamma that is not positive and finite as 1.
  const bool gammaValid = settings.gamma > 0.0 && std::isfinite(settings.gamma);
  glUniform1f(program.inverseGamma, gammaValid ? static_cast<float>(1.0 / settings.gamma) : 1.0f);
  glUniform1f(program.unsharpAmount, static_cast<float>(settings.unsharpAmount));
  if (target.clip) {
    // Scissor works in device pixels with the origin at the bottom left.
    const auto& clip = *target.clip;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(std::floor(clip.x * target.framebufferScale)),
              static_cast<GLint>(std::floor(target.framebufferHeight - (clip.y + clip.height) * target.framebufferScale)),
              static_cast<GLsizei>(std::ceil(clip.width * target.framebufferScale)),
              static_cast<GLsizei>(std::ceil(clip.height * target.framebufferScale)));
  }

  // The filter follows device pixels per image pixel, so on a HiDPI screen a logical zoom of
  // 0.75 that still magnifies keeps sharp pixel edges.
  const double deviceZoom = view.zoom * target.framebufferScale;
  const bool magnified = deviceZoom >= 1.0;
  const GLint minFilter = magnified ? GL_NEAREST : GL_LINEAR_MIPMAP_LINEAR;
  const GLint magFilter = magnified ? GL_NEAREST : GL_LINEAR;

  const double toNdcX = 2.0 * target.framebufferScale / target.framebufferWidth;
  const double toNdcY = 2.0 * target.framebufferScale / target.framebufferHeight;
  for (const ImageTexture::Impl::Tile& tile : texture.impl().tiles) {
    const core::Point topLeft = view.imageToScreen({static_cast<double>(tile.x), static_cast<double>(tile.y)});
    const core::Point bottomRight = view.imageToScreen(
        {static_cast<double>(tile.x + tile.width), static_cast<double>(tile.y + tile.height)});
    glUniform4f(program.ndcRect, static_cast<float>(topLeft.x * toNdcX - 1.0),
                static_cast<float>(1.0 - topLeft.y * toNdcY), static_cast<float>(bottomRight.x * toNdcX - 1.0),
                static_cast<float>(1.0 - bottomRight.y * toNdcY));

    glBindTexture(GL_TEXTURE_2D, tile.texture.id());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, minFilter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, magFilter);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  }
  checkGlError("drawing the image");
}

// ============================================================================ offscreen output

std::vector<std::uint8_t> renderNativeSize(const core::Image& image, const core::DisplaySettings& settings)
{
  ReadbackStateGuard guard;
  const ImageTexture texture(image);
  ImageRenderer renderer;

  // Images larger than one framebuffer are drawn in chunks. Each chunk's view shifts the image so
  // that the chunk's first pixel lands on framebuffer pixel (0, 0). Zoom 1 puts every framebuffer
  // pixel centre on one image pixel centre.
  const int chunkEdge = maxFramebufferChunk();
  const int bufferWidth = std::min(chunkEdge, image.width);
  const int bufferHeight = std::min(chunkEdge, image.height);

  Renderbuffer color = Renderbuffer::create();
  glBindRenderbuffer(GL_RENDERBUFFER, color.id());
  glRenderbufferStorage(GL_RENDERBUFFER, GL_R8, bufferWidth, bufferHeight);
  Framebuffer framebuffer = Framebuffer::create();
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer.id());
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color.id());
  if (const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER); status != GL_FRAMEBUFFER_COMPLETE) {
    throw std::runtime_error("offscreen framebuffer of " + std::to_string(bufferWidth) + "x" +
                             std::to_string(bufferHeight) + " GL_R8 is incomplete: " + framebufferStatusName(status));
  }
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glPixelStorei(GL_PACK_ROW_LENGTH, 0);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  glClearColor(0.0f, 0.0f, 0.0f, 1.0f);

  const auto rowBytes = static_cast<std::size_t>(image.width);
  std::vector<std::uint8_t> gray(rowBytes * static_cast<std::size_t>(image.height));
  std::vector<std::uint8_t> chunk(static_cast<std::size_t>(bufferWidth) * static_cast<std::size_t>(bufferHeight));
  for (int chunkY = 0; chunkY < image.height; chunkY += bufferHeight) {
    for (int chunkX = 0; chunkX < image.width; chunkX += bufferWidth) {
      const int width = std::min(bufferWidth, image.width - chunkX);
      const int height = std::min(bufferHeight, image.height - chunkY);
      core::ViewTransform view;
      view.zoom = 1.0;
      view.offsetX = -chunkX;
      view.offsetY = -chunkY;

      glClear(GL_COLOR_BUFFER_BIT);
      renderer.draw(texture, image, view, settings, DrawTarget{width, height, 1.0, {}});
      glReadPixels(0, 0, width, height, GL_RED, GL_UNSIGNED_BYTE, chunk.data());
      checkGlError("reading back the offscreen framebuffer");

      // Framebuffer row 0 is the bottom row, but the output starts with the image's top row.
      for (int row = 0; row < height; ++row) {
        const std::uint8_t* source = chunk.data() + static_cast<std::size_t>(height - 1 - row) * width;
        std::uint8_t* target = gray.data() + static_cast<std::size_t>(chunkY + row) * rowBytes + chunkX;
        std::copy_n(source, width, target);
      }
    }
  }
  return gray;
}

void writeGrayPng(const std::filesystem::path& path, int width, int height, const std::vector<std::uint8_t>& gray)
{
  if (width <= 0 || height <= 0 || gray.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {
    throw std::invalid_argument("cannot write PNG " + path.string() + ": " + std::to_string(gray.size()) +
                                " bytes do not form a " + std::to_string(width) + "x" + std::to_string(height) +
                                " gray image");
  }
  writePng(path, width, height, 1, gray.data());
}

void writeFramebufferPng(const std::filesystem::path& path, int width, int height)
{
  if (width <= 0 || height <= 0) {
    throw std::invalid_argument("cannot write PNG " + path.string() + " of " + std::to_string(width) + "x" +
                                std::to_string(height) + " pixels");
  }
  const auto rowBytes = static_cast<std::size_t>(width) * 3;
  std::vector<std::uint8_t> bottomUp(rowBytes * static_cast<std::size_t>(height));
  {
    ReadbackStateGuard guard;
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, bottomUp.data());
    checkGlError("reading the framebuffer for a PNG");
  }
  std::vector<std::uint8_t> topDown(bottomUp.size());
  for (int row = 0; row < height; ++row) {
    std::copy_n(bottomUp.data() + static_cast<std::size_t>(height - 1 - row) * rowBytes, rowBytes,
                topDown.data() + static_cast<std::size_t>(row) * rowBytes);
  }
  writePng(path, width, height, 3, topDown.data());
}

}  // namespace spinemark::render
