// Per-frame facts written to a text file (`spinemark --frame-log FILE`), for tests and
// benchmarks that must know what each frame did: which image it showed, whether it handled a key,
// and how much CPU and wall time its work took. Format: docs/scripting.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace spinemark::app {

struct FrameFacts {
  int frame = 0;
  int events = 0;        // input events handled (keys, buttons, cursor moves, scroll)
  int keyPresses = 0;    // key press events among them
  int shownIndex = -1;   // workspace index of the image drawn, -1 for none
  int pendingIndex = -1; // image requested but not decoded yet, -1 for none
  bool decoding = false; // a requested image or a prefetch was still being decoded
  bool uploaded = false; // the frame showed an image whose texture it had to upload whole
  std::size_t uploadBytes = 0;  // texture sample bytes sent to GL in the frame, mipmaps included
  double uploadUs = 0.0;        // wall time of those uploads, in µs
};

class FrameLog {
 public:
  // Opens path for writing and writes the header line. Throws std::runtime_error on failure.
  explicit FrameLog(const std::filesystem::path& path);
  ~FrameLog();
  FrameLog(const FrameLog&) = delete;
  FrameLog& operator=(const FrameLog&) = delete;

  // Marks the start of a frame's work: after the wait for events, before any processing.
  void beginFrame();
  // Writes one line for the frame begun last, with its wall and thread CPU time so far.
  void endFrame(const FrameFacts& facts);

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* m_file = nullptr;
  Clock::time_point m_start;
  Clock::time_point m_frameStart;
  double m_frameStartCpuUs = 0.0;
};

// CPU time consumed by the calling thread, in microseconds.
double threadCpuMicroseconds();

}  // namespace spinemark::app
