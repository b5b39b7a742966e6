// Subcommands for ground truth and quality: import (corners CSV to annotation files), check
// (one CSV line per finding) and report (KPI CSV and HTML page).
#include "app/commands.h"

#include "core/csv_export.h"
#include "core/quality/annotation_files.h"
#include "core/quality/checks.h"
#include "core/quality/corners_import.h"
#include "core/quality/kpi_report.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>

namespace spinemark::app {
namespace {

namespace fs = std::filesystem;

int runImport(const core::quality::CornersImportOptions& options)
{
  try {
    const auto report = core::quality::importCorners(options);
    for (const auto& message : report.skipped) {
      std::cerr << "spinemark import: skipped " << message << "\n";
    }
    std::cout << "imported " << report.filesWritten << " of " << report.imagesInCsv << " images\n";
    return report.skipped.empty() ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "spinemark import: " << error.what() << "\n";
    return 1;
  }
}

void addImportCommand(CLI::App& cli, SubcommandList& commands)
{
  auto options = std::make_shared<core::quality::CornersImportOptions>();
  auto* parser = cli.add_subcommand("import", "Turn vertebra-corner ground truth into annotation files");
  parser->add_option("--corners-csv", options->cornersCsv, "CSV of image,width,height,vertebra,corner,x,y")
      ->required();
  parser->add_option("--images", options->imagesDir, "Folder of the images the CSV names (the workspace)")
      ->required();
  parser->add_option("--user", options->user, "Annotator name recorded in the files")->required();
  parser->add_option("--annotations", options->annotationsDir, "Annotation folder (default IMAGES/annotations)");
  parser->add_flag("--overwrite", options->overwrite, "Replace existing annotation files");
  commands.push_back({parser, [options] { return runImport(*options); }});
}

struct CheckOptions {
  fs::path workspace;
  fs::path annotations;
};

int runCheck(const CheckOptions& options)
{
  const fs::path folder = options.annotations.empty() ? options.workspace / "annotations" : options.annotations;
  core::quality::AnnotationFolder files;
  try {
    files = core::quality::readAnnotationFolder(folder);
  } catch (const std::exception& error) {
    std::cerr << "spinemark check: " << error.what() << "\n";
    return 2;
  }
  bool anyError = false;
  std::cout << "image,vertebra,landmark,severity,code,message\n";
  for (const auto& file : files.files) {
    for (const auto& finding : core::quality::checkAnnotation(file.annotation)) {
      const std::string landmark =
          finding.slot ? core::landmarkName(*finding.slot, file.annotation.orientation) : std::string();
      std::cout << core::csvField(file.imagePath) << ',' << core::levelName(finding.level) << ',' << landmark << ','
                << core::quality::severityName(finding.severity) << ',' << finding.code << ','
                << core::csvField(finding.message) << '\n';
      anyError = anyError || finding.severity == core::quality::Severity::Error;
    }
  }
  for (const auto& message : files.errors) {
    std::cerr << "spinemark check: skipped " << message << "\n";
  }
  spdlog::debug("checked {} annotation files in {}", files.files.size(), folder.string());
  return anyError || !files.errors.empty() ? 1 : 0;
}

void addCheckCommand(CLI::App& cli, SubcommandList& commands)
{
  auto options = std::make_shared<CheckOptions>();
  auto* parser = cli.add_subcommand("check", "Print the quality findings of every annotation as CSV");
  parser->add_option("workspace", options->workspace, "Workspace folder")->required();
  parser->add_option("--annotations", options->annotations, "Annotation folder (default WORKSPACE/annotations)");
  commands.push_back({parser, [options] { return runCheck(*options); }});
}

struct ReportOptions {
  fs::path workspace;
  fs::path annotations;
  fs::path out;
};

int runReport(const ReportOptions& options)
{
  const fs::path folder = options.annotations.empty() ? options.workspace / "annotations" : options.annotations;
  try {
    const auto errors = core::quality::writeKpiReport(folder, options.out);
    for (const auto& message : errors) {
      std::cerr << "spinemark report: skipped " << message << "\n";
    }
    std::cout << "wrote " << (options.out / "kpi.csv").string() << " and " << (options.out / "kpi.html").string()
              << "\n";
    return errors.empty() ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "spinemark report: " << error.what() << "\n";
    return 1;
  }
}

void addReportCommand(CLI::App& cli, SubcommandList& commands)
{
  auto options = std::make_shared<ReportOptions>();
  auto* parser = cli.add_subcommand("report", "Write KPIs per annotator and per level as CSV and HTML");
  parser->add_option("workspace", options->workspace, "Workspace folder")->required();
  parser->add_option("--out", options->out, "Folder for kpi.csv and kpi.html (created when missing)")->required();
  parser->add_option("--annotations", options->annotations, "Annotation folder (default WORKSPACE/annotations)");
  commands.push_back({parser, [options] { return runReport(*options); }});
}

}  // namespace

void addQualityCommands(CLI::App& cli, SubcommandList& commands)
{
  addImportCommand(cli, commands);
  addCheckCommand(cli, commands);
  addReportCommand(cli, commands);
}

}  // namespace spinemark::app
