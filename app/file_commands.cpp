// Subcommands that turn files into other files: export, render and sample-workspace.
#include "app/commands.h"

#include "core/coco_export.h"
#include "core/csv_export.h"
#include "core/phantom.h"
#include "core/quality/morphometry.h"
#include "render/render_command.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace spinemark::app {
namespace {

struct ExportOptions {
  std::string format = "csv";
  std::filesystem::path workspace;
  std::filesystem::path annotations;
  std::filesystem::path out;
};

core::ExportReport exportIn(const std::string& format, const std::filesystem::path& folder, std::ostream& out)
{
  if (format == "coco") {
    return core::exportCocoKeypoints(folder, out);
  }
  if (format == "morphometry-csv") {
    return core::quality::exportMorphometryCsv(folder, out);
  }
  return core::exportLandmarksCsv(folder, out);
}

int runExport(const ExportOptions& options)
{
  if (options.format != "csv" && options.format != "morphometry-csv" && options.format != "coco") {
    std::cerr << "spinemark export: unsupported format '" << options.format
              << "'; use --format csv, --format coco or --format morphometry-csv\n";
    return 2;
  }
  const auto folder = options.annotations.empty() ? options.workspace / "annotations" : options.annotations;
  if (!std::filesystem::is_directory(folder)) {
    std::cerr << "spinemark export: annotation folder " << folder << " not found; annotate first or pass "
              << "--annotations DIR\n";
    return 1;
  }
  std::ofstream file;
  if (!options.out.empty()) {
    file.open(options.out, std::ios::binary);
    if (!file) {
      std::cerr << "spinemark export: cannot write " << options.out << "\n";
      return 1;
    }
  }
  std::ostream& stream = options.out.empty() ? std::cout : file;
  const auto report = exportIn(options.format, folder, stream);
  for (const auto& error : report.errors) {
    std::cerr << "spinemark export: skipped " << error << "\n";
  }
  spdlog::debug("exported {} rows from {} files", report.rowsWritten, report.filesRead);
  return report.errors.empty() ? 0 : 1;
}

int runSampleWorkspace(const std::filesystem::path& folder)
{
  try {
    core::writeSampleWorkspace(folder);
  } catch (const std::exception& error) {
    std::cerr << "spinemark sample-workspace: " << error.what() << "\n";
    return 1;
  }
  std::cout << "sample workspace written to " << folder.string() << "\n";
  return 0;
}

void addExportCommand(CLI::App& cli, SubcommandList& commands)
{
  auto options = std::make_shared<ExportOptions>();
  auto* parser = cli.add_subcommand("export", "Print a workspace's landmarks for machine learning");
  parser
      ->add_option("--format", options->format,
                   "Output format: csv (landmarks), coco (COCO keypoint JSON) or morphometry-csv (heights, "
                   "ratios, Genant grade)")
      ->required();
  parser->add_option("workspace", options->workspace, "Workspace folder")->required();
  parser->add_option("--annotations", options->annotations, "Annotation folder (default WORKSPACE/annotations)");
  parser->add_option("--out", options->out, "Write to this file instead of standard output");
  commands.push_back({parser, [options] { return runExport(*options); }});
}

void addRenderCommand(CLI::App& cli, SubcommandList& commands)
{
  struct RenderOptions {
    std::filesystem::path image;
    std::filesystem::path out;
    std::vector<double> window;
  };
  auto options = std::make_shared<RenderOptions>();
  auto* parser = cli.add_subcommand("render", "Write an image at native size as the viewer shows it");
  parser->add_option("image", options->image, "Image file")->required();
  parser->add_option("--out", options->out, "Output PNG file")->required();
  parser->add_option("--window", options->window, "Window CENTER,WIDTH in modality units (default: the image's)")
      ->delimiter(',')
      ->expected(2);
  commands.push_back({parser, [options] {
                        std::optional<core::Window> window;
                        if (options->window.size() == 2) {
                          window = core::Window{options->window[0], options->window[1]};
                        }
                        return render::runRenderCommand(options->image, options->out, window);
                      }});
}

}  // namespace

void addFileCommands(CLI::App& cli, SubcommandList& commands)
{
  addRenderCommand(cli, commands);
  addExportCommand(cli, commands);
  auto folder = std::make_shared<std::filesystem::path>();
  auto* sample = cli.add_subcommand("sample-workspace", "Write the synthetic phantom sample workspace");
  sample->add_option("folder", *folder, "Folder to create")->required();
  commands.push_back({sample, [folder] { return runSampleWorkspace(*folder); }});
}

}  // namespace spinemark::app
