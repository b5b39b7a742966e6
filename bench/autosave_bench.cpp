// Autosave cost, split by thread. The worker thread runs core::writeFileAtomically (temporary
// file, fsync, rename, fsync of the folder) per save; the UI thread only serialises the annotation
// (core::toJson) and hands the text to core::AutosaveWorker::submit. A frame can only wait on a
// save through that UI-side part, so its maximum is the proof that no frame waited on the disk.
//
//   autosave_bench [SAVES]      default 300; the annotation has 17 complete vertebrae
#include "core/annotation_json.h"
#include "core/atomic_file.h"
#include "core/autosave.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace spinemark;
using Clock = std::chrono::steady_clock;

core::ImageAnnotation fullAnnotation()
{
  core::ImageAnnotation annotation;
  annotation.image.relativePath = "series/image.dcm";
  annotation.image.width = 3000;
  annotation.image.height = 2500;
  annotation.image.sha256 = std::string(64, 'a');
  annotation.annotator = "bench";
  annotation.created = "2026-12-04T20:00:00Z";
  annotation.modified = annotation.created;
  std::optional<core::Level> level = core::Level::L5;
  for (int v = 0; level; ++v, level = core::levelAbove(*level)) {
    core::Vertebra vertebra;
    for (int slot = 0; slot < core::SlotCount; ++slot) {
      vertebra.points[static_cast<std::size_t>(slot)] = core::Point{1000.25 + 40 * slot, 2300.5 - 120.0 * v};
      vertebra.authors[static_cast<std::size_t>(slot)].by = "bench";
    }
    annotation.vertebrae[*level] = vertebra;
  }
  return annotation;
}

double microseconds(Clock::duration duration)
{
  return std::chrono::duration<double, std::micro>(duration).count();
}

void printPercentiles(const char* label, std::vector<double> values)
{
  std::sort(values.begin(), values.end());
  const auto at = [&values](double fraction) {
    return values[static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5)];
  };
  std::printf("%-44s median %8.1f us, p99 %8.1f us, max %8.1f us (n=%zu)\n", label, at(0.5), at(0.99),
              values.back(), values.size());
}

}  // namespace

int main(int argc, char** argv)
{
  const int saves = argc > 1 ? std::max(10, std::atoi(argv[1])) : 300;
  const auto folder = std::filesystem::temp_directory_path() / ("spinemark-autosave-bench-" + std::to_string(::getpid()));
  core::ImageAnnotation annotation = fullAnnotation();
  std::printf("annotation of 17 vertebrae: %zu bytes of JSON\n", core::toJson(annotation).size());

  // Worker side: the write the autosave thread performs for each save.
  std::vector<double> writeUs;
  for (int i = 0; i < saves; ++i) {
    annotation.modified = "2026-12-04T20:00:" + std::to_string(10 + i % 50) + "Z";
    const std::string json = core::toJson(annotation);
    const auto start = Clock::now();
    core::writeFileAtomically(folder / "worker" / "image.dcm.json", json);
    writeUs.push_back(microseconds(Clock::now() - start));
  }
  printPercentiles("worker thread: writeFileAtomically per save", writeUs);

  // UI side: serialise and submit while the worker writes, paced like edits every 4 ms.
  std::vector<double> uiUs;
  {
    core::AutosaveWorker worker;
    for (int i = 0; i < saves; ++i) {
      annotation.modified = "2026-12-04T20:01:" + std::to_string(10 + i % 50) + "Z";
      const auto start = Clock::now();
      worker.submit(folder / "ui" / "image.dcm.json", core::toJson(annotation));
      uiUs.push_back(microseconds(Clock::now() - start));
      std::this_thread::sleep_for(std::chrono::milliseconds(4));
    }
    worker.flush();
    const auto status = worker.status();
    std::printf("submitted %lu, written %lu (newer submissions replace unwritten ones), failed %lu\n",
                status.submitted, status.written, status.failed);
  }
  printPercentiles("UI thread: toJson + submit per save", uiUs);
  std::filesystem::remove_all(folder);
  return 0;
}
