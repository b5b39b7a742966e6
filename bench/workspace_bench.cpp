// Opening a workspace of 5,000 images that each have an annotation file: the folder scan that
// classifies files by their first bytes (core::openWorkspace) and the status of every image read
// from its annotation file (the core::Workbench constructor). No image is decoded. Target: both
// together within 1 s on a 2-core machine.
//
// The workspace is generated once into <bench data>/workspace-5000: 64x64 phantom DICOM files in
// 50 folders of 100, and one annotation per image, a third each without landmarks, with 8
// vertebrae placed, and with all 17 levels from L5 to T1 complete.
#include "bench/bench_data.h"
#include "core/annotation_json.h"
#include "core/phantom.h"
#include "core/workbench.h"
#include "core/workspace.h"
#include "core/workspace_opener.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace {

using namespace spinemark;
namespace fs = std::filesystem;

constexpr int ImageCount = 5000;
constexpr int ImagesPerFolder = 100;

core::ImageAnnotation annotationWith(const std::string& relativePath, int vertebraCount)
{
  core::ImageAnnotation annotation;
  annotation.image.relativePath = relativePath;
  annotation.image.width = 64;
  annotation.image.height = 64;
  annotation.image.sha256 = std::string(64, '0');
  annotation.annotator = "bench";
  annotation.created = "2026-12-04T20:00:00Z";
  annotation.modified = annotation.created;
  std::optional<core::Level> level = core::Level::L5;
  for (int v = 0; v < vertebraCount && level; ++v, level = core::levelAbove(*level)) {
    core::Vertebra vertebra;
    for (int slot = 0; slot < core::SlotCount; ++slot) {
      vertebra.points[static_cast<std::size_t>(slot)] = core::Point{10.0 + slot, 60.0 - 3.0 * v};
      vertebra.authors[static_cast<std::size_t>(slot)].by = "bench";
    }
    annotation.vertebrae[*level] = vertebra;
  }
  return annotation;
}

fs::path writeLargeWorkspace(const fs::path& root)
{
  const auto done = root / ".complete";
  if (fs::exists(done)) {
    return root;
  }
  fs::remove_all(root);
  fs::create_directories(root / "annotations");
  core::PhantomOptions options;
  options.width = 64;
  options.height = 64;
  options.vertebraCount = 3;
  const auto model = root / "model.dcm.tmp";
  core::writePhantomDicom(core::makePhantom(options), model, 1.0);
  for (int i = 0; i < ImageCount; ++i) {
    const std::string folder = "series-" + std::to_string(i / ImagesPerFolder);
    const std::string relativePath = folder + "/image-" + std::to_string(i) + ".dcm";
    fs::create_directories(root / folder);
    fs::copy_file(model, root / relativePath);
    const int vertebrae = (i % 3) * 17 / 2;  // 0, 8 or 17
    const auto annotationPath = root / "annotations" / (relativePath + ".json");
    fs::create_directories(annotationPath.parent_path());
    std::ofstream(annotationPath, std::ios::binary) << core::toJson(annotationWith(relativePath, vertebrae));
  }
  fs::remove(model);
  std::ofstream(done) << "generated\n";
  return root;
}

fs::path s_root;

void openWorkspaceScan(benchmark::State& state)
{
  for (auto _ : state) {
    core::Workspace workspace = core::openWorkspace(s_root);
    if (workspace.images.size() != ImageCount) {
      state.SkipWithError("the generated workspace does not list every image");
      return;
    }
    benchmark::DoNotOptimize(workspace.images.data());
  }
}

void openWorkspaceWithStatus(benchmark::State& state)
{
  int complete = 0;
  for (auto _ : state) {
    core::Workbench workbench(core::openWorkspace(s_root), core::WorkbenchOptions{"bench", core::Level::L5});
    complete = 0;
    for (int i = 0; i < ImageCount; ++i) {
      complete += workbench.progress(i) == core::ImageProgress::Complete ? 1 : 0;
    }
  }
  state.counters["complete_images"] = complete;
}

// The same through core::WorkspaceOpener, as the app opens it: a background thread with progress
// counters, and the UI thread waiting for the result.
void openWorkspaceInBackground(benchmark::State& state)
{
  for (auto _ : state) {
    core::WorkspaceOpener opener([](core::OpenProgress& progress) {
      return std::make_unique<core::Workbench>(core::openWorkspace(s_root, {}, &progress),
                                               core::WorkbenchOptions{"bench", core::Level::L5}, &progress);
    });
    const auto workbench = opener.take();
    if (opener.progress().statusesRead != ImageCount) {
      state.SkipWithError("the opener did not count every annotation file");
      return;
    }
  }
}

}  // namespace

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  s_root = writeLargeWorkspace(bench::benchDataFolder() / "workspace-5000");
  benchmark::RegisterBenchmark("workspace_scan/5000", openWorkspaceScan)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("workspace_open_with_status/5000", openWorkspaceWithStatus)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("workspace_open_in_background/5000", openWorkspaceInBackground)
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
