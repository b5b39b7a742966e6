#include "render/render_texture.h"

#include <stdexcept>
#include <string>

namespace spinemark::render {

void RenderTexture::resize(int width, int height)
{
  if (width == m_width && height == m_height && m_texture) {
    return;
  }
  if (width <= 0 || height <= 0) {
    throw std::invalid_argument("render texture size must be positive, got " + std::to_string(width) + "x" +
                                std::to_string(height));
  }
  GLint previousTexture = 0;
  GLint previousFramebuffer = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previousTexture);
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previousFramebuffer);

  m_texture = Texture::create();
  glBindTexture(GL_TEXTURE_2D, m_texture.id());
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);

  m_framebuffer = Framebuffer::create();
  glBindFramebuffer(GL_FRAMEBUFFER, m_framebuffer.id());
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, m_texture.id(), 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);

  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previousTexture));
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previousFramebuffer));
  if (status != GL_FRAMEBUFFER_COMPLETE) {
    m_texture.reset();
    m_framebuffer.reset();
    throw std::runtime_error("loupe framebuffer of " + std::to_string(width) + "x" + std::to_string(height) +
                             " RGBA8 is incomplete (status " + std::to_string(status) + ")");
  }
  m_width = width;
  m_height = height;
}

void RenderTexture::bind() const
{
  glBindFramebuffer(GL_FRAMEBUFFER, m_framebuffer.id());
  glViewport(0, 0, m_width, m_height);
}

void RenderTexture::unbind()
{
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

}  // namespace spinemark::render
