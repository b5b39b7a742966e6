#include "render/texture_cache.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace spinemark::render {

void TextureCache::retain(const std::vector<int>& keep)
{
  std::erase_if(m_entries, [this, &keep](Entry& entry) {
    if (std::find(keep.begin(), keep.end(), entry.index) != keep.end()) {
      return false;
    }
    m_spares.push_back(std::move(entry.texture));
    return true;
  });
  if (m_spares.size() > MaxSpareTextures) {
    m_spares.erase(m_spares.begin(), m_spares.end() - MaxSpareTextures);
  }
}

std::unique_ptr<ImageTexture> TextureCache::textureFor(const core::Image& image)
{
  for (auto spare = m_spares.rbegin(); spare != m_spares.rend(); ++spare) {
    if ((*spare)->reuseFor(image)) {
      std::unique_ptr<ImageTexture> texture = std::move(*spare);
      m_spares.erase(std::next(spare).base());
      return texture;
    }
  }
  return std::make_unique<ImageTexture>(ImageTexture::allocate(image));
}

void TextureCache::schedule(int index, std::shared_ptr<const core::DecodedImage> decoded)
{
  if (contains(index) || !decoded) {
    return;
  }
  std::unique_ptr<ImageTexture> texture = textureFor(decoded->image);
  m_entries.push_back({index, std::move(texture), std::move(decoded)});
}

bool TextureCache::contains(int index) const { return find(index) != nullptr; }

const ImageTexture& TextureCache::finish(int index, const core::Image& image, std::size_t& uploadedBytes)
{
  Entry* entry = find(index);
  if (entry == nullptr) {
    m_entries.push_back({index, textureFor(image), nullptr});
    entry = &m_entries.back();
  }
  if (!entry->texture->complete()) {
    uploadedBytes += entry->texture->uploadRows(image, std::numeric_limits<std::size_t>::max());
  }
  entry->source.reset();
  return *entry->texture;
}

std::size_t TextureCache::uploadQueued(std::size_t maxBytes)
{
  std::size_t sent = 0;
  for (Entry& entry : m_entries) {
    if (entry.texture->complete()) {
      continue;
    }
    // uploadRows always sends one row, which must still fit when an earlier texture sent some.
    if (sent > 0 && (sent >= maxBytes || maxBytes - sent < entry.texture->nextRowBytes())) {
      break;
    }
    sent += entry.texture->uploadRows(entry.source->image, maxBytes - sent);
    if (entry.texture->complete()) {
      entry.source.reset();
    }
  }
  return sent;
}

bool TextureCache::uploading() const
{
  return std::any_of(m_entries.begin(), m_entries.end(),
                     [](const Entry& entry) { return !entry.texture->complete(); });
}

std::size_t TextureCache::bytesHeld() const
{
  std::size_t bytes = 0;
  for (const Entry& entry : m_entries) {
    bytes += entry.texture->totalBytes();
  }
  for (const auto& spare : m_spares) {
    bytes += spare->totalBytes();
  }
  return bytes;
}

TextureCache::Entry* TextureCache::find(int index)
{
  const auto found =
      std::find_if(m_entries.begin(), m_entries.end(), [index](const Entry& entry) { return entry.index == index; });
  return found == m_entries.end() ? nullptr : &*found;
}

const TextureCache::Entry* TextureCache::find(int index) const
{
  return const_cast<TextureCache*>(this)->find(index);
}

}  // namespace spinemark::render
