// GPU textures of the image on screen and of its prefetched neighbours. A neighbour's texture is
// uploaded ahead of time in row stripes, a byte budget per frame, so that stepping to it draws it
// at once and no frame stalls on a whole upload. Lives on the thread of the GL context.
#pragma once

#include "core/image_cache.h"
#include "render/image_texture.h"

#include <cstddef>
#include <memory>
#include <vector>

namespace spinemark::render {

class TextureCache {
 public:
  // Releases the textures of every index not in keep. Up to MaxSpareTextures of them are kept as
  // spares, which a later texture of the same size reuses instead of allocating: with Mesa's
  // llvmpipe a new texture for a 3000x2500 image costs a 20 MB clear and its page faults.
  void retain(const std::vector<int>& keep);
  static constexpr std::size_t MaxSpareTextures = 2;
  // Allocates a texture for index and queues its upload, unless index already has one. Queued
  // textures upload in the order of these calls. decoded stays referenced until its upload ends.
  void schedule(int index, std::shared_ptr<const core::DecodedImage> decoded);
  bool contains(int index) const;

  // Returns the texture of index after uploading whatever part of it is missing, creating it
  // when absent. image contains the samples of index. Adds the bytes sent to uploadedBytes.
  const ImageTexture& finish(int index, const core::Image& image, std::size_t& uploadedBytes);
  // Uploads queued textures, first queued first, and returns the bytes sent: at most maxBytes,
  // except that one row is always sent when anything is queued.
  std::size_t uploadQueued(std::size_t maxBytes);
  // True while a queued texture is incomplete.
  bool uploading() const;
  // Sample bytes of all textures held, spares and mipmaps included.
  std::size_t bytesHeld() const;
  // Deletes every texture. Call while the GL context is still current.
  void clear()
  {
    m_entries.clear();
    m_spares.clear();
  }

 private:
  struct Entry {
    int index = -1;
    std::unique_ptr<ImageTexture> texture;  // a stable address for the caller of finish
    std::shared_ptr<const core::DecodedImage> source;  // null once the texture is complete
  };

  Entry* find(int index);
  const Entry* find(int index) const;
  // A spare texture reused for image, or a new one.
  std::unique_ptr<ImageTexture> textureFor(const core::Image& image);

  std::vector<Entry> m_entries;  // in upload order
  std::vector<std::unique_ptr<ImageTexture>> m_spares;  // most recently released last
};

}  // namespace spinemark::render
