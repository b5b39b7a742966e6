#include "render/image_texture.h"

#include "render/image_renderer.h"
#include "render/image_texture_tiles.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>
#include <string>

namespace spinemark::render {

namespace {

// Saves the pixel-unpack settings and texture binding of texture unit 0 and restores them on
// destruction, so an upload leaves the caller's state (ImGui's included) as it found it.
class UploadStateGuard {
 public:
  UploadStateGuard()
      : m_activeTexture(getInteger(GL_ACTIVE_TEXTURE)),
        m_alignment(getInteger(GL_UNPACK_ALIGNMENT)),
        m_rowLength(getInteger(GL_UNPACK_ROW_LENGTH)),
        m_skipPixels(getInteger(GL_UNPACK_SKIP_PIXELS)),
        m_skipRows(getInteger(GL_UNPACK_SKIP_ROWS)),
        m_swapBytes(getInteger(GL_UNPACK_SWAP_BYTES)),
        m_unpackBuffer(getInteger(GL_PIXEL_UNPACK_BUFFER_BINDING))
  {
    glActiveTexture(GL_TEXTURE0);
    m_texture = getInteger(GL_TEXTURE_BINDING_2D);
    // Rows of 16-bit samples start on 2-byte boundaries, and the samples come from client memory.
    glPixelStorei(GL_UNPACK_ALIGNMENT, 2);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
    glPixelStorei(GL_UNPACK_SWAP_BYTES, GL_FALSE);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  }
  ~UploadStateGuard()
  {
    glPixelStorei(GL_UNPACK_ALIGNMENT, m_alignment);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, m_rowLength);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, m_skipPixels);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, m_skipRows);
    glPixelStorei(GL_UNPACK_SWAP_BYTES, m_swapBytes);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, static_cast<GLuint>(m_unpackBuffer));
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(m_texture));
    glActiveTexture(static_cast<GLenum>(m_activeTexture));
  }
  UploadStateGuard(const UploadStateGuard&) = delete;
  UploadStateGuard& operator=(const UploadStateGuard&) = delete;

 private:
  GLint m_activeTexture;
  GLint m_alignment;
  GLint m_rowLength;
  GLint m_skipPixels;
  GLint m_skipRows;
  GLint m_swapBytes;
  GLint m_unpackBuffer;
  GLint m_texture = 0;
};

// Edge of mipmap level `level` for a level-0 edge, as OpenGL sizes it: floor(edge / 2^level), at least 1.
int levelEdge(int edge, int level) { return std::max(1, edge >> level); }

int levelCount(int width, int height)
{
  return std::bit_width(static_cast<unsigned>(std::max(width, height)));
}

std::size_t levelBytes(int width, int height, int level)
{
  return static_cast<std::size_t>(levelEdge(width, level)) * static_cast<std::size_t>(levelEdge(height, level)) *
         sizeof(std::uint16_t);
}

// A level's samples as rows in memory: first sample, row stride in samples, and size.
struct LevelView {
  const std::uint16_t* first = nullptr;
  std::size_t stride = 0;
  int width = 0;
  int height = 0;

  std::uint16_t at(int x, int y) const
  {
    return first[static_cast<std::size_t>(std::min(y, height - 1)) * stride + static_cast<std::size_t>(std::min(x, width - 1))];
  }
};

// Writes rows [firstRow, firstRow + rowCount) of the next coarser level, each sample the rounded
// mean of the 2x2 block under it in finer. Because level sizes round down, an odd last row or
// column of finer is left out, and a finer level 1 sample wide repeats its only column or row.
void averageRows(const LevelView& finer, int firstRow, int rowCount, int width, std::uint16_t* out)
{
  for (int y = firstRow; y < firstRow + rowCount; ++y) {
    std::uint16_t* row = out + static_cast<std::size_t>(y) * static_cast<std::size_t>(width);
    if (finer.width >= 2 && finer.height >= 2) {
      // Every 2x2 block lies inside finer, so the loop reads two rows directly and the compiler
      // can vectorise it.
      const std::uint16_t* top = finer.first + static_cast<std::size_t>(2 * y) * finer.stride;
      const std::uint16_t* bottom = top + finer.stride;
      for (int x = 0; x < width; ++x) {
        const unsigned sum = top[2 * x] + top[2 * x + 1] + bottom[2 * x] + bottom[2 * x + 1];
        row[x] = static_cast<std::uint16_t>((sum + 2) / 4);
      }
      continue;
    }
    for (int x = 0; x < width; ++x) {
      const unsigned sum = finer.at(2 * x, 2 * y) + finer.at(2 * x + 1, 2 * y) + finer.at(2 * x, 2 * y + 1) +
                           finer.at(2 * x + 1, 2 * y + 1);
      row[x] = static_cast<std::uint16_t>((sum + 2) / 4);
    }
  }
}

void checkImage(const core::Image& image)
{
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height)) {
    throw std::invalid_argument("cannot upload image of " + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + " with " + std::to_string(image.pixels.size()) +
                                " samples");
  }
}

}  // namespace

ImageTexture::ImageTexture() : m_impl(std::make_unique<Impl>()) {}

ImageTexture::ImageTexture(const core::Image& image) : ImageTexture(allocate(image))
{
  uploadRows(image, std::numeric_limits<std::size_t>::max());
}

ImageTexture ImageTexture::allocate(const core::Image& image)
{
  checkImage(image);
  ImageTexture texture;
  Impl& impl = *texture.m_impl;
  impl.width = image.width;
  impl.height = image.height;
  const int tileEdge = maxTileSize();

  UploadStateGuard guard;
  for (int tileY = 0; tileY < image.height; tileY += tileEdge) {
    for (int tileX = 0; tileX < image.width; tileX += tileEdge) {
      Impl::Tile tile;
      tile.x = tileX;
      tile.y = tileY;
      tile.width = std::min(tileEdge, image.width - tileX);
      tile.height = std::min(tileEdge, image.height - tileY);
      tile.levels = levelCount(tile.width, tile.height);
      tile.texture = Texture::create();

      glBindTexture(GL_TEXTURE_2D, tile.texture.id());
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, 0);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, tile.levels - 1);
      for (int level = 0; level < tile.levels; ++level) {
        glTexImage2D(GL_TEXTURE_2D, level, GL_R16, levelEdge(tile.width, level), levelEdge(tile.height, level), 0,
                     GL_RED, GL_UNSIGNED_SHORT, nullptr);
        impl.totalBytes += levelBytes(tile.width, tile.height, level);
      }
      // NOTE: each tile has its own mipmaps and clamps at its edge, so when zoomed out the
      // filtered values next to a tile seam ignore the neighbouring tile. Only images wider or
      // taller than the tile edge (4096 by default) have seams.
      checkGlError("allocating an image tile");
      impl.tiles.push_back(std::move(tile));
    }
  }
  return texture;
}

bool ImageTexture::reuseFor(const core::Image& image)
{
  checkImage(image);
  Impl& impl = *m_impl;
  const int tileEdge = maxTileSize();
  const Impl::Tile& first = impl.tiles.front();
  if (image.width != impl.width || image.height != impl.height || first.width != std::min(tileEdge, image.width) ||
      first.height != std::min(tileEdge, image.height)) {
    return false;
  }
  impl.next = {};
  impl.uploadedBytes = 0;
  impl.finerLevel = {};
  impl.currentLevel = {};
  return true;
}

ImageTexture::~ImageTexture() = default;
ImageTexture::ImageTexture(ImageTexture&&) noexcept = default;
ImageTexture& ImageTexture::operator=(ImageTexture&&) noexcept = default;

std::size_t ImageTexture::uploadRows(const core::Image& image, std::size_t maxBytes)
{
  Impl& impl = *m_impl;
  if (image.width != impl.width || image.height != impl.height) {
    throw std::invalid_argument("cannot upload image of " + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + " into a texture of " + std::to_string(impl.width) +
                                "x" + std::to_string(impl.height));
  }
  UploadStateGuard guard;
  std::size_t sent = 0;
  while (!complete()) {
    Impl::Cursor& next = impl.next;
    const Impl::Tile& tile = impl.tiles[next.tile];
    const int width = levelEdge(tile.width, next.level);
    const int height = levelEdge(tile.height, next.level);
    const std::size_t rowBytes = static_cast<std::size_t>(width) * sizeof(std::uint16_t);
    if (sent > 0 && (sent >= maxBytes || maxBytes - sent < rowBytes)) {
      break;
    }
    const std::size_t room = sent < maxBytes ? maxBytes - sent : 0;
    const int rows = static_cast<int>(std::clamp<std::size_t>(room / rowBytes, 1, static_cast<std::size_t>(height - next.row)));

    const std::uint16_t* first = nullptr;
    if (next.level == 0) {
      glPixelStorei(GL_UNPACK_ROW_LENGTH, image.width);
      first = image.pixels.data() + static_cast<std::size_t>(tile.y + next.row) * static_cast<std::size_t>(image.width) +
              static_cast<std::size_t>(tile.x);
    } else {
      const LevelView finer =
          next.level == 1
              ? LevelView{image.pixels.data() + static_cast<std::size_t>(tile.y) * static_cast<std::size_t>(image.width) +
                              static_cast<std::size_t>(tile.x),
                          static_cast<std::size_t>(image.width), tile.width, tile.height}
              : LevelView{impl.finerLevel.data(), static_cast<std::size_t>(levelEdge(tile.width, next.level - 1)),
                          levelEdge(tile.width, next.level - 1), levelEdge(tile.height, next.level - 1)};
      averageRows(finer, next.row, rows, width, impl.currentLevel.data());
      glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
      first = impl.currentLevel.data() + static_cast<std::size_t>(next.row) * static_cast<std::size_t>(width);
    }
    glBindTexture(GL_TEXTURE_2D, tile.texture.id());
    glTexSubImage2D(GL_TEXTURE_2D, next.level, 0, next.row, width, rows, GL_RED, GL_UNSIGNED_SHORT, first);
    checkGlError("uploading image rows");
    sent += rowBytes * static_cast<std::size_t>(rows);
    next.row += rows;

    if (next.row == height) {
      // Level done: it becomes the source of the next level, or the next tile starts.
      next.row = 0;
      next.level += 1;
      impl.finerLevel = std::move(impl.currentLevel);
      if (next.level == tile.levels) {
        next.level = 0;
        next.tile += 1;
        impl.finerLevel = {};
        impl.currentLevel = {};
      } else {
        impl.currentLevel.assign(levelBytes(tile.width, tile.height, next.level) / sizeof(std::uint16_t), 0);
      }
    }
  }
  impl.uploadedBytes += sent;
  return sent;
}

bool ImageTexture::complete() const { return m_impl->next.tile == m_impl->tiles.size(); }

std::size_t ImageTexture::totalBytes() const { return m_impl->totalBytes; }

std::size_t ImageTexture::uploadedBytes() const { return m_impl->uploadedBytes; }

std::size_t ImageTexture::nextRowBytes() const
{
  if (complete()) {
    return 0;
  }
  const Impl::Tile& tile = m_impl->tiles[m_impl->next.tile];
  return static_cast<std::size_t>(levelEdge(tile.width, m_impl->next.level)) * sizeof(std::uint16_t);
}

int ImageTexture::width() const { return m_impl->width; }

int ImageTexture::height() const { return m_impl->height; }

int ImageTexture::tileCount() const { return static_cast<int>(m_impl->tiles.size()); }

}  // namespace spinemark::render
