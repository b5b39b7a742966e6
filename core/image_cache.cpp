#include "core/image_cache.h"

#include "core/file_hash.h"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <exception>

namespace spinemark::core {

DecodedImage decodeImageFile(const std::filesystem::path& path)
{
  DecodedImage decoded;
  decoded.image = loadImage(path);
  decoded.sha256 = sha256File(path);
  return decoded;
}

namespace {

// Nice value added to decoder threads. Decoding then yields to the UI thread and to the GL
// driver's threads: with Mesa's llvmpipe on two cores, prefetch decodes at normal priority slowed
// the frame after a keypress. Threads started from a decoder thread inherit the value.
constexpr int DecoderNiceIncrement = 10;

void lowerThreadPriority()
{
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, 0);  // 0: the calling thread, on Linux
  if (errno != 0 || ::setpriority(PRIO_PROCESS, 0, current + DecoderNiceIncrement) != 0) {
    // Decoding works the same at normal priority, so this is not an error.
    spdlog::debug("failed to lower the priority of a decoder thread: {}", std::strerror(errno));
  }
}

}  // namespace

ImageCache::ImageCache(std::vector<std::filesystem::path> paths, ImageCacheOptions options, ImageDecoder decoder)
    : m_paths(std::move(paths)), m_options(options), m_decoder(std::move(decoder))
{
  m_options.workers = std::max(1, m_options.workers);
  m_options.prefetch = std::max(0, m_options.prefetch);
  for (int i = 0; i < m_options.workers; ++i) {
    m_workers.emplace_back([this](std::stop_token stop) { work(stop); });
  }
}

ImageCache::~ImageCache()
{
  for (auto& worker : m_workers) {
    worker.request_stop();
  }
  m_workers.clear();  // joins; condition_variable_any wakes on the stop request
}

void ImageCache::setOnFinished(std::function<void()> callback)
{
  std::lock_guard lock(m_mutex);
  m_onFinished = std::move(callback);
}

std::vector<int> ImageCache::prefetchWindow(int index) const
{
  std::vector<int> window;
  const int count = static_cast<int>(m_paths.size());
  if (index < 0 || index >= count) {
    return window;
  }
  window.push_back(index);
  // Annotators mostly step forwards, so at each distance the next image comes before the previous.
  for (int distance = 1; distance <= m_options.prefetch; ++distance) {
    if (index + distance < count) {
      window.push_back(index + distance);
    }
    if (index - distance >= 0) {
      window.push_back(index - distance);
    }
  }
  return window;
}

bool ImageCache::wantedLocked(int index) const
{
  return m_current >= 0 && std::abs(index - m_current) <= m_options.prefetch;
}

void ImageCache::setCurrent(int index)
{
  {
    std::lock_guard lock(m_mutex);
    m_current = index;
    m_currentSince = std::chrono::steady_clock::now();
    const std::set<int> previouslyQueued(m_queue.begin(), m_queue.end());
    m_queue.clear();
    for (const int wanted : prefetchWindow(index)) {
      if (m_entries.count(wanted) == 0 && m_inFlight.count(wanted) == 0) {
        m_errors.erase(wanted);
        m_queue.push_back(wanted);
      }
    }
    // A job queued for the previous window and queued again now is moved, not cancelled.
    for (const int old : previouslyQueued) {
      if (std::find(m_queue.begin(), m_queue.end(), old) == m_queue.end()) {
        ++m_stats.cancelled;
      }
    }
  }
  m_wake.notify_all();
}

int ImageCache::current() const
{
  std::lock_guard lock(m_mutex);
  return m_current;
}

std::shared_ptr<const DecodedImage> ImageCache::find(int index)
{
  std::lock_guard lock(m_mutex);
  const auto found = m_entries.find(index);
  if (found == m_entries.end()) {
    return nullptr;
  }
  touchLocked(index);
  return found->second.decoded;
}

std::optional<std::string> ImageCache::error(int index) const
{
  std::lock_guard lock(m_mutex);
  const auto found = m_errors.find(index);
  if (found == m_errors.end()) {
    return std::nullopt;
  }
  return found->second;
}

bool ImageCache::isPending(int index) const
{
  std::lock_guard lock(m_mutex);
  return m_inFlight.count(index) != 0 || std::find(m_queue.begin(), m_queue.end(), index) != m_queue.end();
}

bool ImageCache::idle() const
{
  std::lock_guard lock(m_mutex);
  return m_queue.empty() && m_inFlight.empty();
}

std::shared_ptr<const DecodedImage> ImageCache::loadNow(int index)
{
  if (auto cached = find(index)) {
    return cached;
  }
  auto decoded = std::make_shared<const DecodedImage>(m_decoder(m_paths.at(static_cast<std::size_t>(index))));
  std::lock_guard lock(m_mutex);
  ++m_stats.decoded;
  if (m_entries.count(index) == 0) {
    storeLocked(index, decoded, true);
  }
  return decoded;
}

ImageCacheStats ImageCache::stats() const
{
  std::lock_guard lock(m_mutex);
  ImageCacheStats stats = m_stats;
  stats.imagesHeld = static_cast<int>(m_entries.size());
  return stats;
}

void ImageCache::touchLocked(int index)
{
  Entry& entry = m_entries.at(index);
  m_recency.splice(m_recency.begin(), m_recency, entry.recency);
}

void ImageCache::evictLocked(std::size_t incomingBytes)
{
  // Victims in order: least recently used outside the prefetch window, then window images farthest
  // from the current one. The current image itself is never evicted.
  while (m_stats.bytesHeld + incomingBytes > m_options.budgetBytes) {
    std::optional<int> victim;
    for (auto it = m_recency.rbegin(); it != m_recency.rend(); ++it) {
      if (!wantedLocked(*it)) {
        victim = *it;
        break;
      }
    }
    if (!victim) {
      int farthest = 0;
      for (const auto& [index, entry] : m_entries) {
        const int distance = std::abs(index - m_current);
        if (index != m_current && distance > farthest) {
          farthest = distance;
          victim = index;
        }
      }
    }
    if (!victim) {
      return;
    }
    const auto found = m_entries.find(*victim);
    m_stats.bytesHeld -= found->second.decoded->sampleBytes();
    m_recency.erase(found->second.recency);
    m_entries.erase(found);
    ++m_stats.evicted;
  }
}

bool ImageCache::storeLocked(int index, std::shared_ptr<const DecodedImage> decoded, bool force)
{
  const std::size_t bytes = decoded->sampleBytes();
  if (!force && !wantedLocked(index)) {
    return false;
  }
  if (!force && index != m_current) {
    // A prefetched image may only displace images farther from the current one than itself.
    const int distance = std::abs(index - m_current);
    std::size_t freeable = 0;
    for (const auto& [held, entry] : m_entries) {
      if (held != m_current && (!wantedLocked(held) || std::abs(held - m_current) > distance)) {
        freeable += entry.decoded->sampleBytes();
      }
    }
    if (m_stats.bytesHeld - freeable + bytes > m_options.budgetBytes) {
      return false;
    }
  }
  evictLocked(bytes);
  m_recency.push_front(index);
  m_entries[index] = Entry{std::move(decoded), m_recency.begin()};
  m_stats.bytesHeld += bytes;
  return true;
}

bool ImageCache::waitForJob(std::unique_lock<std::mutex>& lock, std::stop_token stop)
{
  while (true) {
    if (!m_wake.wait(lock, stop, [this] { return !m_queue.empty(); })) {
      return false;
    }
    if (m_queue.front() == m_current) {
      return true;
    }
    // A neighbour: wait out the delay, unless setCurrent puts the current image first meanwhile.
    // setCurrent also moves the deadline, so it is computed again on every pass.
    const auto readyAt = m_currentSince + m_options.prefetchDelay;
    if (std::chrono::steady_clock::now() >= readyAt) {
      return true;
    }
    m_wake.wait_until(lock, stop, readyAt, [this] { return !m_queue.empty() && m_queue.front() == m_current; });
    if (stop.stop_requested()) {
      return false;
    }
  }
}

void ImageCache::work(std::stop_token stop)
{
  lowerThreadPriority();
  while (true) {
    int index = -1;
    {
      std::unique_lock lock(m_mutex);
      if (!waitForJob(lock, stop)) {
        return;  // stop requested
      }
      index = m_queue.front();
      m_queue.pop_front();
      m_inFlight.insert(index);
    }

    std::shared_ptr<const DecodedImage> decoded;
    std::string failure;
    try {
      decoded = std::make_shared<const DecodedImage>(m_decoder(m_paths[static_cast<std::size_t>(index)]));
    } catch (const std::exception& error) {
      failure = error.what();
    }

    std::function<void()> onFinished;
    {
      std::lock_guard lock(m_mutex);
      m_inFlight.erase(index);
      if (decoded) {
        ++m_stats.decoded;
        // loadNow on the UI thread may have stored the same image meanwhile.
        if (m_entries.count(index) != 0 || !storeLocked(index, std::move(decoded), index == m_current)) {
          ++m_stats.dropped;
        }
      } else {
        ++m_stats.failed;
        m_errors[index] = failure;
      }
      onFinished = m_onFinished;
    }
    if (!failure.empty()) {
      spdlog::debug("background decode of image {} failed: {}", index, failure);
    }
    if (onFinished) {
      onFinished();
    }
  }
}

}  // namespace spinemark::core
