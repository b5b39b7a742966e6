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
//   spinemark_autosave_stress edit-unsaved WORKSPACE
//                                              saves edit K (restored from the previous run's
//                                              journal), prints "start K", makes edit K+1 with an
//                                              autosave delay of one hour, prints "edit K+1" and
//                                              waits to be killed, so only the recovery journal
//                                              contains that edit
//   spinemark_autosave_stress save WORKSPACE   prints "start K", saves and exits
//
// Every mode takes over the stale lock a killed run left, which applies that run's journal.
#include "reliability/stress_edits.h"

#include "core/workbench.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <string_view>
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

// Saves what the previous run left (its journal restored it), then makes one edit and stops
// ticking, like an app killed within the autosave delay of its newest edit.
int runOneUnsavedEdit(Workbench& workbench)
{
  const long start = spinemark::testing::stressEditOf(workbench.session().annotation());
  workbench.saveNow();
  workbench.tick(Workbench::Clock::now());
  std::printf("start %ld\n", start);
  std::fflush(stdout);
  workbench.session().setVertebraPoints(Level::L5, spinemark::testing::stressPoints(start + 1));
  std::printf("edit %ld\n", start + 1);
  std::fflush(stdout);
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

int runSave(Workbench& workbench)
{
  std::printf("start %ld\n", spinemark::testing::stressEditOf(workbench.session().annotation()));
  std::fflush(stdout);
  workbench.saveNow();
  return workbench.saveStatus().lastError ? 1 : 0;
}

bool knownMode(std::string_view mode)
{
  return mode == "edit" || mode == "hold" || mode == "edit-unsaved" || mode == "save";
}

}  // namespace

int main(int argc, char** argv)
{
  if (argc != 3 || !knownMode(argv[1])) {
    std::fprintf(stderr, "usage: %s edit|hold|edit-unsaved|save WORKSPACE\n", argv[0]);
    return 2;
  }
  const std::string_view mode = argv[1];
  // stdout carries the progress lines the parent parses, so log to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stress"));
  spdlog::set_level(spdlog::level::warn);
  try {
    spinemark::core::WorkbenchOptions options;
    options.user = "stress";
    options.autosaveDelay = mode == "edit-unsaved" ? std::chrono::milliseconds(std::chrono::hours(1))
                                                   : std::chrono::milliseconds(0);
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
    if (mode == "edit") {
      return runEdits(workbench);
    }
    if (mode == "edit-unsaved") {
      return runOneUnsavedEdit(workbench);
    }
    if (mode == "save") {
      return runSave(workbench);
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
