// A 16-bit image on the GPU: GL_R16 textures, tiled when the image exceeds maxTileSize(), each
// tile with a full mipmap chain computed on the CPU (2x2 box average). The samples can go up all
// at once or a few rows per call, so that a frame loop spreads a large image over several frames.
// Every function here needs a current OpenGL 3.3 core context on the calling thread.
#pragma once

#include "core/image.h"

#include <cstddef>
#include <memory>

namespace spinemark::render {

class ImageTexture {
 public:
  // Allocates the tiles and uploads every level of image before returning.
  explicit ImageTexture(const core::Image& image);
  // Allocates the tiles and their levels without uploading any sample; uploadRows fills them.
  // Throws std::invalid_argument when image is empty or its sample count does not match its size.
  static ImageTexture allocate(const core::Image& image);

  // Prepares the texture to receive image from its first row, keeping the GL storage, when image
  // needs the same tiles and levels. Returns false and changes nothing otherwise. Until uploadRows
  // completes again, the texture contains a mix of old and new samples.
  bool reuseFor(const core::Image& image);

  ~ImageTexture();
  ImageTexture(ImageTexture&&) noexcept;
  ImageTexture& operator=(ImageTexture&&) noexcept;
  ImageTexture(const ImageTexture&) = delete;
  ImageTexture& operator=(const ImageTexture&) = delete;

  // Uploads the next row stripes, tile by tile and level by level, finest level first, and
  // returns the bytes sent. Stops before a stripe would take the total past maxBytes, except that
  // the first stripe is always sent, so every call makes progress. Level k > 0 rows are averaged
  // from level k - 1 as they are sent. image must contain the samples given to allocate.
  std::size_t uploadRows(const core::Image& image, std::size_t maxBytes);
  // True when every level of every tile is on the GPU; only then does drawing show the image.
  bool complete() const;
  // Sample bytes of all levels of all tiles, and how many of them uploadRows has sent.
  std::size_t totalBytes() const;
  std::size_t uploadedBytes() const;
  // Bytes of the row uploadRows sends next (its smallest possible stripe); 0 when complete.
  std::size_t nextRowBytes() const;

  int width() const;
  int height() const;
  int tileCount() const;

  struct Impl;
  const Impl& impl() const { return *m_impl; }

 private:
  ImageTexture();
  std::unique_ptr<Impl> m_impl;
};

}  // namespace spinemark::render
