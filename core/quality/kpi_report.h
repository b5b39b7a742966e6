// Key performance indicators of an annotation project, computed from the annotation files'
// workflow history, active times and quality findings, and written as CSV and as a
// self-contained HTML page with inline SVG plots (no scripts, no network).
//
// An image belongs to the annotator who first submitted it, by marking it done or flagging it.
// An image never submitted belongs to the user with the most active time on it, else to the user
// who last changed it.
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace spinemark::core::quality {

struct AnnotatorKpi {
  std::string user;
  int images = 0;          // images that belong to this annotator
  int imagesFinished = 0;  // of those, now done, approved or corrected
  int imagesSubmitted = 0;  // marked done or flagged at least once
  int imagesFlagged = 0;    // flagged at least once
  int imagesReviewed = 0;   // approved, corrected or sent back at least once
  int imagesChangesRequested = 0;  // sent back with changes requested at least once
  // Active editing time of this annotator per image with any active time, in seconds.
  std::optional<double> activeSecondsMedian;
  std::optional<double> activeSecondsP90;
  // Hours from the first submission to the first review action after it, per reviewed image.
  std::optional<double> turnaroundHoursMedian;
  std::optional<double> turnaroundHoursP90;

  double flagRate() const { return imagesSubmitted > 0 ? double(imagesFlagged) / imagesSubmitted : 0.0; }
  double changesRequestedRate() const
  {
    return imagesReviewed > 0 ? double(imagesChangesRequested) / imagesReviewed : 0.0;
  }
};

struct LevelFindings {
  Level level = Level::L5;
  std::vector<std::pair<std::string, int>> codes;  // finding code and count, most frequent first
};

struct KpiReport {
  int images = 0;
  int imagesWithErrors = 0;
  std::vector<AnnotatorKpi> annotators;  // by user name
  std::vector<LevelFindings> levels;     // caudal to cranial, only levels with findings
};

// Nearest-rank percentile (0 < share <= 1) of values, or nullopt when values is empty.
std::optional<double> percentile(std::vector<double> values, double share);

// Hours from one ISO 8601 UTC time ("2026-12-04T20:31:07Z") to another, or nullopt when either
// does not parse.
std::optional<double> hoursBetween(const std::string& from, const std::string& to);

KpiReport computeKpis(const std::vector<ImageAnnotation>& annotations);

// "section,key,metric,value" rows: one per annotator metric and one per level and finding code.
void writeKpiCsv(const KpiReport& report, std::ostream& out);

// Returns a complete HTML page with bar charts as inline SVG.
std::string renderKpiHtml(const KpiReport& report);

// Reads the annotation files below annotationsDir and writes kpi.csv and kpi.html into outDir
// (created when missing). Returns messages for files that could not be read. Throws
// std::runtime_error for an unreadable folder and FileWriteError when writing fails.
std::vector<std::string> writeKpiReport(const std::filesystem::path& annotationsDir,
                                        const std::filesystem::path& outDir);

}  // namespace spinemark::core::quality
