// Decoding workspace images off the UI thread: a small worker pool decodes the image the annotator
// asked for first, then its neighbours, and keeps the results in memory within a byte budget.
// The UI thread asks for an image with setCurrent and collects finished decodes with find().
//
// Supported: priorities by distance from the current image, cancellation of queued jobs when the
// current image changes, LRU eviction within the budget (the current image and its prefetch
// window are evicted last), a wake-up callback for an event-driven UI loop.
// NOTE: a decode already running inside GDCM or stb cannot be interrupted. It finishes, and its
// result is kept when it is still wanted and fits the budget, otherwise dropped.
#pragma once

#include "core/image.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace spinemark::core {

struct ImageCacheOptions {
  int workers = 2;       // decoding threads
  int prefetch = 2;      // images decoded ahead on each side of the current one (0: none)
  // Largest sum of decoded sample bytes held. The current image is kept even when it alone is larger.
  std::size_t budgetBytes = std::size_t{512} << 20;
  // Time after setCurrent before a neighbour's decode may start, so that the frame showing the
  // new image does not share the CPU with it. The current image's decode starts at once.
  std::chrono::milliseconds prefetchDelay{30};
};

// One decoded file: the image and the SHA-256 of the file's bytes, which the annotation records.
struct DecodedImage {
  Image image;
  std::string sha256;

  // Bytes of sample memory, the part that the budget counts.
  std::size_t sampleBytes() const { return image.pixels.size() * sizeof(std::uint16_t); }
};

// Decodes one file. Throws (ImageLoadError, std::runtime_error) when the file cannot be read.
using ImageDecoder = std::function<DecodedImage(const std::filesystem::path&)>;

// loadImage plus sha256File: the decoder the app uses.
DecodedImage decodeImageFile(const std::filesystem::path& path);

struct ImageCacheStats {
  std::size_t bytesHeld = 0;    // sample bytes of every cached image
  int imagesHeld = 0;
  int decoded = 0;              // decodes that finished (kept or not)
  int failed = 0;               // decodes that threw
  int cancelled = 0;            // queued jobs removed before they started
  int dropped = 0;              // finished decodes not kept (no longer wanted, or over budget)
  int evicted = 0;              // cached images removed to make room
};

class ImageCache {
 public:
  // paths: the workspace images by index. decoder is called on the worker threads.
  ImageCache(std::vector<std::filesystem::path> paths, ImageCacheOptions options,
             ImageDecoder decoder = decodeImageFile);
  // Stops the workers. Queued jobs are abandoned; decodes already running finish first.
  ~ImageCache();
  ImageCache(const ImageCache&) = delete;
  ImageCache& operator=(const ImageCache&) = delete;

  // Makes index the current image: cancels queued jobs, then queues index (unless it is cached or
  // being decoded) and its prefetch window, nearest first and the next image before the previous.
  void setCurrent(int index);
  int current() const;

  // Returns the cached image at index and marks it recently used, or null when it is not cached.
  std::shared_ptr<const DecodedImage> find(int index);
  // The message of a failed decode of index since it was last queued, if any.
  std::optional<std::string> error(int index) const;
  // True while index is queued or being decoded.
  bool isPending(int index) const;
  // True when no decode is queued or running.
  bool idle() const;

  // Decodes index on the calling thread unless it is cached, stores it (over budget if need be,
  // since the caller is about to use it), and returns it. Throws what the decoder throws.
  std::shared_ptr<const DecodedImage> loadNow(int index);

  // Called on a worker thread after each finished decode, kept or not, so that a UI waiting for
  // events can wake up (glfwPostEmptyEvent). Set it before the first setCurrent.
  void setOnFinished(std::function<void()> callback);

  ImageCacheStats stats() const;
  const ImageCacheOptions& options() const { return m_options; }
  // index followed by its prefetch window, in decode priority order: nearest first, and at each
  // distance the next image before the previous. Empty when index is out of range.
  std::vector<int> prefetchWindow(int index) const;

 private:
  struct Entry {
    std::shared_ptr<const DecodedImage> decoded;
    std::list<int>::iterator recency;  // position in m_recency, most recent first
  };

  void work(std::stop_token stop);
  // Waits until the queue's first job may start; returns false when stop is requested.
  bool waitForJob(std::unique_lock<std::mutex>& lock, std::stop_token stop);
  bool wantedLocked(int index) const;
  // Inserts decoded for index when wanted and within budget; returns false when it was dropped.
  bool storeLocked(int index, std::shared_ptr<const DecodedImage> decoded, bool force);
  void evictLocked(std::size_t incomingBytes);
  void touchLocked(int index);

  std::vector<std::filesystem::path> m_paths;
  ImageCacheOptions m_options;
  ImageDecoder m_decoder;

  mutable std::mutex m_mutex;
  std::condition_variable_any m_wake;
  std::function<void()> m_onFinished;
  int m_current = -1;
  std::chrono::steady_clock::time_point m_currentSince;  // when setCurrent last ran
  std::deque<int> m_queue;      // indexes to decode, highest priority first
  std::set<int> m_inFlight;     // indexes a worker is decoding
  std::map<int, Entry> m_entries;
  std::list<int> m_recency;
  std::map<int, std::string> m_errors;
  ImageCacheStats m_stats;
  std::vector<std::jthread> m_workers;  // last member: joins before the state above is destroyed
};

}  // namespace spinemark::core
