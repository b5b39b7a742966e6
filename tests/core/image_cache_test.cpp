#include "core/image_cache.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> numberedPaths(int count)
{
  std::vector<fs::path> paths;
  for (int i = 0; i < count; ++i) {
    paths.emplace_back(std::to_string(i));
  }
  return paths;
}

// A decoder that makes a 10x10 image (200 sample bytes) whose first sample is the file's index,
// records every call, and can hold decodes until released.
class FakeDecoder {
 public:
  ImageDecoder function()
  {
    return [this](const fs::path& path) {
      const int index = std::stoi(path.string());
      {
        std::unique_lock lock(m_mutex);
        m_calls.insert(index);
        m_released.wait(lock, [this] { return !m_holding; });
      }
      if (index == m_failingIndex) {
        throw std::runtime_error("file " + path.string() + " is damaged");
      }
      DecodedImage decoded;
      decoded.image.width = 10;
      decoded.image.height = 10;
      decoded.image.pixels.assign(100, 0);
      decoded.image.pixels[0] = static_cast<std::uint16_t>(index);
      decoded.sha256 = "hash" + path.string();
      return decoded;
    };
  }

  void hold()
  {
    std::lock_guard lock(m_mutex);
    m_holding = true;
  }
  void release()
  {
    {
      std::lock_guard lock(m_mutex);
      m_holding = false;
    }
    m_released.notify_all();
  }
  void failOn(int index) { m_failingIndex = index; }
  std::set<int> calls()
  {
    std::lock_guard lock(m_mutex);
    return m_calls;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_released;
  bool m_holding = false;
  std::set<int> m_calls;
  std::atomic<int> m_failingIndex{-1};
};

// Waits until condition holds; the 10 s limit only keeps a broken cache from hanging the suite.
template <typename Condition>
bool waitFor(Condition condition)
{
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return condition();
}

bool idle(const ImageCache& cache, int from, int to)
{
  for (int i = from; i <= to; ++i) {
    if (cache.isPending(i)) {
      return false;
    }
  }
  return true;
}

TEST(ImageCacheTest, DecodesCurrentAndPrefetchWindow)
{
  FakeDecoder decoder;
  ImageCache cache(numberedPaths(10), {2, 1, 1 << 20}, decoder.function());
  cache.setCurrent(5);
  ASSERT_TRUE(waitFor([&] { return cache.find(4) && cache.find(5) && cache.find(6); }));
  EXPECT_EQ(cache.find(5)->image.pixels[0], 5);
  EXPECT_EQ(cache.find(5)->sha256, "hash5");
  EXPECT_EQ(decoder.calls(), (std::set<int>{4, 5, 6}));
  EXPECT_EQ(cache.stats().imagesHeld, 3);
  EXPECT_EQ(cache.stats().bytesHeld, 600u);
}

// Decoders run below the priority of the thread that made the cache (the UI thread), so that
// prefetching does not slow the frames drawn meanwhile.
TEST(ImageCacheTest, DecodersRunAtLowerPriority)
{
  errno = 0;
  const int uiNice = ::getpriority(PRIO_PROCESS, 0);
  ASSERT_EQ(errno, 0);
  std::atomic<int> decoderNice{-100};
  ImageCache cache(numberedPaths(1), {1, 0, 1 << 20}, [&decoderNice](const fs::path&) {
    decoderNice = ::getpriority(PRIO_PROCESS, 0);  // 0: the calling thread, on Linux
    DecodedImage decoded;
    decoded.image.width = 1;
    decoded.image.height = 1;
    decoded.image.pixels = {0};
    return decoded;
  });
  cache.setCurrent(0);
  ASSERT_TRUE(waitFor([&] { return cache.find(0) != nullptr; }));
  EXPECT_EQ(decoderNice, std::min(19, uiNice + 10));
  EXPECT_EQ(::getpriority(PRIO_PROCESS, 0), uiNice);
}

// With the current image already decoded, the frame that shows it should have the CPU to itself,
// so its neighbours' decodes start only after the prefetch delay.
TEST(ImageCacheTest, NeighboursWaitForPrefetchDelay)
{
  using Clock = std::chrono::steady_clock;
  std::mutex mutex;
  std::map<int, Clock::time_point> started;
  const auto decoder = [&](const fs::path& path) {
    {
      std::lock_guard lock(mutex);
      started.emplace(std::stoi(path.string()), Clock::now());
    }
    DecodedImage decoded;
    decoded.image.width = 1;
    decoded.image.height = 1;
    decoded.image.pixels = {0};
    return decoded;
  };
  ImageCacheOptions options{2, 1, 1 << 20};
  options.prefetchDelay = std::chrono::milliseconds(200);
  ImageCache cache(numberedPaths(10), options, decoder);
  ASSERT_NE(cache.loadNow(5), nullptr);

  const Clock::time_point requested = Clock::now();
  cache.setCurrent(5);
  ASSERT_TRUE(waitFor([&] { return cache.find(4) != nullptr; }));
  ASSERT_TRUE(waitFor([&] { return cache.find(6) != nullptr; }));
  std::lock_guard lock(mutex);
  for (const int neighbour : {4, 6}) {
    EXPECT_GE(started.at(neighbour) - requested, options.prefetchDelay) << "image " << neighbour;
  }
}

TEST(ImageCacheTest, PrefetchStopsAtWorkspaceEnds)
{
  FakeDecoder decoder;
  ImageCache cache(numberedPaths(3), {2, 3, 1 << 20}, decoder.function());
  cache.setCurrent(0);
  ASSERT_TRUE(waitFor([&] { return cache.stats().decoded == 3; }));
  EXPECT_EQ(decoder.calls(), (std::set<int>{0, 1, 2}));
}

TEST(ImageCacheTest, JumpCancelsQueuedJobs)
{
  FakeDecoder decoder;
  decoder.hold();
  ImageCache cache(numberedPaths(100), {1, 3, 1 << 20}, decoder.function());
  cache.setCurrent(0);
  // The single worker is stuck in the decode of image 0; 1, 2 and 3 wait in the queue.
  ASSERT_TRUE(waitFor([&] { return decoder.calls().count(0) == 1; }));
  cache.setCurrent(50);
  EXPECT_EQ(cache.stats().cancelled, 3);
  decoder.release();
  ASSERT_TRUE(waitFor([&] { return cache.find(50) != nullptr && idle(cache, 47, 53); }));
  const auto calls = decoder.calls();
  EXPECT_EQ(calls.count(1), 0u);
  EXPECT_EQ(calls.count(2), 0u);
  EXPECT_EQ(calls.count(3), 0u);
  // Image 0 finished after the jump and is outside the new window, so it was dropped.
  EXPECT_EQ(cache.find(0), nullptr);
  EXPECT_GE(cache.stats().dropped, 1);
}

TEST(ImageCacheTest, BudgetKeepsNearestImages)
{
  FakeDecoder decoder;
  // Room for three 200-byte images, but the window has five.
  ImageCache cache(numberedPaths(20), {1, 2, 600}, decoder.function());
  cache.setCurrent(10);
  ASSERT_TRUE(waitFor([&] { return cache.stats().decoded == 5; }));
  EXPECT_LE(cache.stats().bytesHeld, 600u);
  EXPECT_NE(cache.find(10), nullptr);
  EXPECT_NE(cache.find(11), nullptr);
  EXPECT_NE(cache.find(9), nullptr);
  EXPECT_EQ(cache.find(12), nullptr);
  EXPECT_EQ(cache.find(8), nullptr);
}

TEST(ImageCacheTest, StepEvictsImagesLeftBehind)
{
  FakeDecoder decoder;
  ImageCache cache(numberedPaths(20), {1, 1, 600}, decoder.function());
  for (int index = 0; index < 10; ++index) {
    cache.setCurrent(index);
    ASSERT_TRUE(waitFor([&] { return cache.find(index) != nullptr && idle(cache, 0, 19); }));
    EXPECT_LE(cache.stats().bytesHeld, 600u);
  }
  EXPECT_NE(cache.find(10), nullptr);
  EXPECT_EQ(cache.find(0), nullptr);
  EXPECT_GE(cache.stats().evicted, 7);
}

TEST(ImageCacheTest, CurrentImageKeptOverBudget)
{
  FakeDecoder decoder;
  ImageCache cache(numberedPaths(5), {1, 1, 100}, decoder.function());
  cache.setCurrent(2);
  ASSERT_TRUE(waitFor([&] { return cache.find(2) != nullptr && idle(cache, 0, 4); }));
  EXPECT_EQ(cache.stats().imagesHeld, 1);
  EXPECT_EQ(cache.stats().dropped, 2);
}

TEST(ImageCacheTest, FailedDecodeRecordsError)
{
  FakeDecoder decoder;
  decoder.failOn(3);
  ImageCache cache(numberedPaths(5), {1, 0, 1 << 20}, decoder.function());
  cache.setCurrent(3);
  ASSERT_TRUE(waitFor([&] { return cache.error(3).has_value(); }));
  EXPECT_NE(cache.error(3)->find("damaged"), std::string::npos);
  EXPECT_EQ(cache.find(3), nullptr);
  EXPECT_EQ(cache.stats().failed, 1);
}

TEST(ImageCacheTest, LoadNowDecodesOnCaller)
{
  FakeDecoder decoder;
  ImageCache cache(numberedPaths(5), {1, 0, 1 << 20}, decoder.function());
  const auto decoded = cache.loadNow(4);
  ASSERT_NE(decoded, nullptr);
  EXPECT_EQ(decoded->image.pixels[0], 4);
  EXPECT_EQ(cache.find(4), decoded);
  EXPECT_EQ(decoder.calls(), (std::set<int>{4}));
}

TEST(ImageCacheTest, FinishedCallbackRunsPerDecode)
{
  FakeDecoder decoder;
  std::atomic<int> wakeUps{0};
  ImageCache cache(numberedPaths(5), {2, 1, 1 << 20}, decoder.function());
  cache.setOnFinished([&] { ++wakeUps; });
  cache.setCurrent(2);
  ASSERT_TRUE(waitFor([&] { return wakeUps == 3; }));
}

TEST(ImageCacheTest, DecodesRealFileWithHash)
{
  // The default decoder on a file that is not an image reports the loader's error.
  const fs::path path = fs::temp_directory_path() / "spinemark-image-cache-not-an-image.txt";
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("plain text", file);
    std::fclose(file);
  }
  ImageCache cache({path}, {1, 0, 1 << 20});
  EXPECT_THROW(cache.loadNow(0), ImageLoadError);
  fs::remove(path);
}

}  // namespace
}  // namespace spinemark::core
