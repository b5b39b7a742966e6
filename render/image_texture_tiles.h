// Internals of ImageTexture shared by image_texture.cpp (upload) and image_renderer.cpp (drawing).
#pragma once

#include "render/gl_objects.h"
#include "render/image_texture.h"

#include <cstdint>
#include <vector>

namespace spinemark::render {

struct ImageTexture::Impl {
  struct Tile {
    Texture texture;
    int x = 0;  // image pixel position of the tile's top-left pixel
    int y = 0;
    int width = 0;
    int height = 0;
    int levels = 1;  // mipmap levels, down to 1x1
  };

  // Position at which the next uploadRows call continues.
  struct Cursor {
    std::size_t tile = 0;
    int level = 0;
    int row = 0;
  };

  int width = 0;
  int height = 0;
  std::vector<Tile> tiles;
  Cursor next;
  std::size_t totalBytes = 0;
  std::size_t uploadedBytes = 0;
  // Samples of the current tile's level next.level - 1 (when next.level >= 2) and next.level
  // (when next.level >= 1), row-major without padding; rows past next.row are not computed yet.
  std::vector<std::uint16_t> finerLevel;
  std::vector<std::uint16_t> currentLevel;
};

}  // namespace spinemark::render
