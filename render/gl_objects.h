// Move-only owners for OpenGL object names, shader compilation with full error reports, and an
// optional glGetError check. Every function here needs a current OpenGL 3.3 core context, and
// each object must be created and destroyed on that context's thread.
#pragma once

#include <glad/gl.h>

#include <string_view>
#include <utility>

namespace spinemark::render {

// Turns the glGetError check in checkGlError on or off for the whole process. It starts on
// when the build defines SPINEMARK_GL_CHECK and off otherwise.
void setGlErrorCheck(bool enabled);
bool glErrorCheckEnabled();

// Returns the integer state value `name` (glGetIntegerv).
GLint getInteger(GLenum name);

// When the check is on, drains glGetError and throws std::runtime_error naming operation and
// every pending error (for example "GL_INVALID_ENUM"). Does nothing when the check is off.
void checkGlError(const char* operation);

// One owned GL name. Kind supplies `static GLuint create()` and `static void destroy(GLuint)`.
// A moved-from object is 0, and move assignment deletes its current name first.
template <typename Kind>
class GlObject {
 public:
  GlObject() = default;
  ~GlObject() { reset(); }

  GlObject(const GlObject&) = delete;
  GlObject& operator=(const GlObject&) = delete;

  GlObject(GlObject&& other) noexcept : m_id(std::exchange(other.m_id, 0)) {}
  GlObject& operator=(GlObject&& other) noexcept
  {
    if (this != &other) {
      reset();
      m_id = std::exchange(other.m_id, 0);
    }
    return *this;
  }

  // Generates a new name. Like glGen*, the object itself exists only after its first bind.
  static GlObject create() { return GlObject(Kind::create()); }

  // Takes ownership of a name created elsewhere (for example by glCreateShader).
  static GlObject adopt(GLuint id) { return GlObject(id); }

  GLuint id() const { return m_id; }
  explicit operator bool() const { return m_id != 0; }

  // Deletes the owned name, if any, and leaves this object empty.
  void reset()
  {
    if (m_id != 0) {
      Kind::destroy(m_id);
      m_id = 0;
    }
  }

 private:
  explicit GlObject(GLuint id) : m_id(id) {}

  GLuint m_id = 0;
};

struct TextureKind {
  static GLuint create();
  static void destroy(GLuint id);
};
struct BufferKind {
  static GLuint create();
  static void destroy(GLuint id);
};
struct VertexArrayKind {
  static GLuint create();
  static void destroy(GLuint id);
};
struct FramebufferKind {
  static GLuint create();
  static void destroy(GLuint id);
};
struct RenderbufferKind {
  static GLuint create();
  static void destroy(GLuint id);
};
// Shader and program names come from compileShader and linkProgram, not from create().
struct ShaderKind {
  static void destroy(GLuint id);
};
struct ProgramKind {
  static void destroy(GLuint id);
};

using Texture = GlObject<TextureKind>;
using Buffer = GlObject<BufferKind>;
using VertexArray = GlObject<VertexArrayKind>;
using Framebuffer = GlObject<FramebufferKind>;
using Renderbuffer = GlObject<RenderbufferKind>;
using Shader = GlObject<ShaderKind>;
using Program = GlObject<ProgramKind>;

// Compiles one stage (GL_VERTEX_SHADER or GL_FRAGMENT_SHADER). sourceName identifies the source in
// errors. Throws std::runtime_error with the stage, sourceName, the source's #version line and the
// whole info log when compilation fails.
Shader compileShader(GLenum stage, std::string_view source, std::string_view sourceName);

// Links the two stages into a program and detaches them again. Throws std::runtime_error with
// programName and the whole info log when linking fails.
Program linkProgram(const Shader& vertex, const Shader& fragment, std::string_view programName);

}  // namespace spinemark::render
