// Stepping through a workspace of 3000x2500 radiographs the way an annotator does, with the
// Workbench's background decoding: the time from "next image" to the image being open (with and
// without prefetch), and the peak memory of the process against its prefetch budget.
// A whole-process program rather than a Google Benchmark, because peak RSS (VmHWM) belongs to the
// process: run it once per configuration.
//
//   prefetch_bench [--images N] [--prefetch P] [--cache-mb M] [--dwell-ms D]
//
// Memory target: VmHWM <= 2.5 x (largest sum of decoded sample bytes held) + 100 MiB.
#include "bench/bench_data.h"
#include "core/workbench.h"
#include "core/workspace.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace spinemark;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Settings {
  int images = 24;
  int prefetch = 2;
  int cacheMb = 256;
  int dwellMs = 300;
};

Settings parseArguments(int argc, char** argv)
{
  Settings settings;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (name == "--images") {
      settings.images = std::max(2, value);
    } else if (name == "--prefetch") {
      settings.prefetch = std::max(0, value);
    } else if (name == "--cache-mb") {
      settings.cacheMb = std::max(1, value);
    } else if (name == "--dwell-ms") {
      settings.dwellMs = std::max(0, value);
    } else {
      std::fprintf(stderr, "prefetch_bench: unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  return settings;
}

// Peak resident set size of this process in KiB, from /proc/self/status.
long peakRssKib()
{
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return -1;
}

// A workspace of count images, copies of the benchmark encodings in turn (so decodes differ in cost).
fs::path writeSteppingWorkspace(int count)
{
  const auto files = bench::writeEncodedImages(bench::benchDataFolder());
  const auto root = bench::benchDataFolder() / ("stepping-" + std::to_string(count));
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "image-%03d.dcm", i);
    const auto target = root / name;
    if (!fs::exists(target)) {
      fs::create_directories(root);
      fs::copy_file(files[static_cast<std::size_t>(i) % files.size()].path, target);
    }
  }
  return root;
}

double percentile(std::vector<double> values, double fraction)
{
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv)
{
  const Settings settings = parseArguments(argc, argv);
  spdlog::set_level(spdlog::level::warn);  // one line per opened image would bury the summary
  const fs::path root = writeSteppingWorkspace(settings.images);
  const fs::path annotations = fs::temp_directory_path() / ("spinemark-prefetch-bench-" + std::to_string(::getpid()));
  const long baselineKib = peakRssKib();

  core::WorkbenchOptions options{"bench", core::Level::L5};
  options.cache.prefetch = settings.prefetch;
  options.cache.budgetBytes = static_cast<std::size_t>(settings.cacheMb) << 20;
  std::size_t maxHeldBytes = 0;
  std::vector<double> stepMs;
  {
    core::Workbench workbench(core::openWorkspace(root, annotations), options);
    workbench.requestImage(0);
    for (int step = 0; step < settings.images; ++step) {
      const auto requested = Clock::now();
      if (step > 0 && !workbench.requestNext()) {
        break;
      }
      while (workbench.pendingIndex() >= 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        workbench.poll();
      }
      stepMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - requested).count());
      // The annotator looks at the image while the decoders prefetch the next ones.
      const auto dwellEnd = Clock::now() + std::chrono::milliseconds(settings.dwellMs);
      while (Clock::now() < dwellEnd) {
        maxHeldBytes = std::max(maxHeldBytes, workbench.cacheStats().bytesHeld);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      maxHeldBytes = std::max(maxHeldBytes, workbench.cacheStats().bytesHeld);
    }
    const auto stats = workbench.cacheStats();
    std::printf("decoded %d, dropped %d, cancelled %d, evicted %d, failed %d\n", stats.decoded, stats.dropped,
                stats.cancelled, stats.evicted, stats.failed);
  }
  fs::remove_all(annotations);

  const double peakMib = static_cast<double>(peakRssKib()) / 1024.0;
  const double heldMib = static_cast<double>(maxHeldBytes) / (1024.0 * 1024.0);
  const double targetMib = 2.5 * heldMib + 100.0;
  // The first step opens image 0 from nothing; the rest measure "next image".
  std::vector<double> nextMs(stepMs.begin() + 1, stepMs.end());
  std::printf("images %d, prefetch %d, cache %d MiB, dwell %d ms\n", settings.images, settings.prefetch,
              settings.cacheMb, settings.dwellMs);
  std::printf("next image open: median %.2f ms, p90 %.2f ms, max %.2f ms (%zu steps)\n", percentile(nextMs, 0.5),
              percentile(nextMs, 0.9), percentile(nextMs, 1.0), nextMs.size());
  std::printf("peak RSS %.1f MiB (before opening %.1f MiB); decoded bytes held at most %.1f MiB; "
              "target 2.5 x held + 100 = %.1f MiB; ratio %.2f\n",
              peakMib, static_cast<double>(baselineKib) / 1024.0, heldMib, targetMib, peakMib / targetMib);
  return 0;
}
