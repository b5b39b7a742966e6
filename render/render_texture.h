// An offscreen RGBA8 colour texture with its framebuffer, for drawing the image into a small
// inset (the loupe) that Dear ImGui then shows like any other texture.
#pragma once

#include "render/gl_objects.h"

namespace spinemark::render {

class RenderTexture {
 public:
  // Allocates or reallocates storage of width x height device pixels; no-op when unchanged.
  void resize(int width, int height);
  // Binds the framebuffer and sets the viewport to its size; unbind() restores framebuffer 0.
  void bind() const;
  static void unbind();

  GLuint textureId() const { return m_texture.id(); }
  int width() const { return m_width; }
  int height() const { return m_height; }

 private:
  Texture m_texture;
  Framebuffer m_framebuffer;
  int m_width = 0;
  int m_height = 0;
};

}  // namespace spinemark::render
