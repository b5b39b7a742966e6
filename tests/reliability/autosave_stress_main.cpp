// spinemark_autosave_stress: a child process for the crash-safety tests. It drives the real save
// path (Workbench, AnnotationSession, AutosaveWorker) over a workspace and reports progress on
// stdout, one flushed line per step, so a parent can kill it with SIGKILL at any moment and then
// check what reached the disk.
//
//   spinemark_autosave_stress edit WORKSPACE   edits image 0 forever: edit N puts all six L5
//                                              landmarks at stressPoint(N, slot); prints
//                                              "start K" (K read back from the file), then
//                                              "edit N written W" after each edit, W being the
//                                              autosaves written so far
//   spinemark_autosave_stress hold WORKSPACE   opens image 0 (taking its lock), prints "holding"
//                                              and waits to be killed
#include "reliability/stress_edits.h"

#include "core/workbench.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

using spinemark::core::Level;
using spinemark::core::Workbench;

namespace {

int runEdits(Workbench& workbench)
{
  const long start = spinemark::testing::stressEditOf(workbench.session().annotation());
  std::printf("start %ld\n", start);
  std::fflush(stdout);
  for (long edit = start + 1;; ++edit) {
    workbench.session().setVertebraPoints(Level::L5, spinemark::testing::stressPoints(edit));
    workbench.tick(Workbench::Clock::now());
    std::printf("edit %ld written %lu\n", edit, workbench.saveStatus().written);
    std::fflush(stdout);
    // About 500 edits a second, faster than any annotator, so the worker always has a newer
    // version queued while it writes.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

int main(int argc, char** argv)
{
  if (argc != 3 || (std::strcmp(argv[1], "edit") != 0 && std::strcmp(argv[1], "hold") != 0)) {
    std::fprintf(stderr, "usage: %s edit|hold WORKSPACE\n", argv[0]);
    return 2;
  }
  // stdout carries the progress lines the parent parses, so log to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stress"));
  spdlog::set_level(spdlog::level::warn);
  try {
    spinemark::core::WorkbenchOptions options;
    options.user = "stress";
    options.autosaveDelay = std::chrono::milliseconds(0);
    Workbench workbench(spinemark::core::openWorkspace(argv[2]), options);
    if (!workbench.openImage(0)) {
      std::fprintf(stderr, "could not open the first image of %s\n", argv[2]);
      return 1;
    }
    // A killed run leaves its lock behind. Taking it over here stands for the user's confirmation.
    if (workbench.lockHolder() && workbench.lockIsStale() && !workbench.takeOverLock()) {
      std::fprintf(stderr, "could not take over the stale lock of %s\n", workbench.currentAnnotationPath().c_str());
      return 1;
    }
    if (std::strcmp(argv[1], "edit") == 0) {
      return runEdits(workbench);
    }
    std::printf("holding %s\n", workbench.imageReadOnly() ? "read-only" : "locked");
    std::fflush(stdout);
    for (;;) {
      workbench.tick(Workbench::Clock::now());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spinemark_autosave_stress failed: %s\n", error.what());
    return 1;
  }
}
