#include "app/frame_log.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>

namespace spinemark::app {

double threadCpuMicroseconds()
{
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

FrameLog::FrameLog(const std::filesystem::path& path)
    : m_file(std::fopen(path.c_str(), "w")), m_start(Clock::now()), m_frameStart(m_start)
{
  if (m_file == nullptr) {
    throw std::runtime_error("failed to open the frame log " + path.string() + " for writing: " +
                             std::strerror(errno) + ". Check that its folder exists.");
  }
  std::fputs("frame time_ms work_us cpu_us events keys shown pending decoding uploaded upload_bytes upload_us\n",
             m_file);
}

FrameLog::~FrameLog()
{
  std::fclose(m_file);
}

void FrameLog::beginFrame()
{
  m_frameStart = Clock::now();
  m_frameStartCpuUs = threadCpuMicroseconds();
}

void FrameLog::endFrame(const FrameFacts& facts)
{
  const auto now = Clock::now();
  const double timeMs = std::chrono::duration<double, std::milli>(m_frameStart - m_start).count();
  const double workUs = std::chrono::duration<double, std::micro>(now - m_frameStart).count();
  const double cpuUs = threadCpuMicroseconds() - m_frameStartCpuUs;
  std::fprintf(m_file, "%d %.3f %.0f %.0f %d %d %d %d %d %d %zu %.0f\n", facts.frame, timeMs, workUs, cpuUs,
               facts.events, facts.keyPresses, facts.shownIndex, facts.pendingIndex, facts.decoding ? 1 : 0,
               facts.uploaded ? 1 : 0, facts.uploadBytes, facts.uploadUs);
  // Flushed per frame so that a test can read the log of a process that crashed.
  std::fflush(m_file);
}

}  // namespace spinemark::app
