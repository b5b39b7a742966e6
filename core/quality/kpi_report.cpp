#include "core/quality/kpi_report.h"

#include "core/atomic_file.h"
#include "core/csv_export.h"
#include "core/quality/annotation_files.h"
#include "core/quality/checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

namespace spinemark::core::quality {

namespace {

bool isReviewState(const std::string& state)
{
  return state == workflowStateName(WorkflowState::Approved) ||
         state == workflowStateName(WorkflowState::ChangesRequested) ||
         state == workflowStateName(WorkflowState::Corrected);
}

// Facts about one image drawn from its workflow history.
struct ImageWorkflowFacts {
  std::string owner;
  bool submitted = false;
  bool flagged = false;
  bool reviewed = false;
  bool changesRequested = false;
  std::optional<double> turnaroundHours;
};

ImageWorkflowFacts workflowFacts(const ImageAnnotation& annotation)
{
  ImageWorkflowFacts facts;
  std::optional<std::string> submittedAt;
  for (const HistoryEntry& entry : annotation.history) {
    if (entry.action != HistoryAction::Workflow) {
      continue;
    }
    const bool submission = entry.detail == workflowStateName(WorkflowState::Done) ||
                            entry.detail == workflowStateName(WorkflowState::Flagged);
    if (submission && !submittedAt) {
      submittedAt = entry.time;
      facts.owner = entry.user;
      facts.submitted = true;
    }
    facts.flagged = facts.flagged || entry.detail == workflowStateName(WorkflowState::Flagged);
    if (isReviewState(entry.detail)) {
      facts.reviewed = true;
      facts.changesRequested =
          facts.changesRequested || entry.detail == workflowStateName(WorkflowState::ChangesRequested);
      if (submittedAt && !facts.turnaroundHours) {
        facts.turnaroundHours = hoursBetween(*submittedAt, entry.time);
      }
    }
  }
  if (facts.owner.empty()) {
    const auto busiest = std::max_element(annotation.activeSeconds.begin(), annotation.activeSeconds.end(),
                                          [](const auto& a, const auto& b) { return a.second < b.second; });
    facts.owner = busiest != annotation.activeSeconds.end() ? busiest->first : annotation.annotator;
  }
  return facts;
}

struct AnnotatorSamples {
  AnnotatorKpi kpi;
  std::vector<double> activeSeconds;
  std::vector<double> turnaroundHours;
};

void addImage(AnnotatorSamples& samples, const ImageAnnotation& annotation, const ImageWorkflowFacts& facts)
{
  AnnotatorKpi& kpi = samples.kpi;
  ++kpi.images;
  kpi.imagesFinished += workflowFinished(annotation.workflow.state) ? 1 : 0;
  kpi.imagesSubmitted += facts.submitted ? 1 : 0;
  kpi.imagesFlagged += facts.flagged ? 1 : 0;
  kpi.imagesReviewed += facts.reviewed ? 1 : 0;
  kpi.imagesChangesRequested += facts.changesRequested ? 1 : 0;
  if (const auto active = annotation.activeSeconds.find(facts.owner);
      active != annotation.activeSeconds.end() && active->second > 0.0) {
    samples.activeSeconds.push_back(active->second);
  }
  if (facts.turnaroundHours) {
    samples.turnaroundHours.push_back(*facts.turnaroundHours);
  }
}

std::string optionalCell(const std::optional<double>& value)
{
  return value ? csvNumber(*value) : std::string();
}

}  // namespace

std::optional<double> percentile(std::vector<double> values, double share)
{
  if (values.empty()) {
    return std::nullopt;
  }
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least share of all values at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(share * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::optional<double> hoursBetween(const std::string& from, const std::string& to)
{
  const auto parse = [](const std::string& text) -> std::optional<std::time_t> {
    std::tm time{};
    char zone = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &time.tm_year, &time.tm_mon, &time.tm_mday,
                    &time.tm_hour, &time.tm_min, &time.tm_sec, &zone) != 7 ||
        zone != 'Z') {
      return std::nullopt;
    }
    time.tm_year -= 1900;
    time.tm_mon -= 1;
    return ::timegm(&time);
  };
  const auto start = parse(from);
  const auto end = parse(to);
  if (!start || !end) {
    return std::nullopt;
  }
  return std::difftime(*end, *start) / 3600.0;
}

KpiReport computeKpis(const std::vector<ImageAnnotation>& annotations)
{
  KpiReport report;
  std::map<std::string, AnnotatorSamples> byUser;
  std::map<Level, std::map<std::string, int>> findingsByLevel;
  for (const ImageAnnotation& annotation : annotations) {
    ++report.images;
    const auto findings = checkAnnotation(annotation);
    report.imagesWithErrors += hasErrors(findings) ? 1 : 0;
    for (const Finding& finding : findings) {
      ++findingsByLevel[finding.level][finding.code];
    }
    const ImageWorkflowFacts facts = workflowFacts(annotation);
    AnnotatorSamples& samples = byUser[facts.owner];
    samples.kpi.user = facts.owner;
    addImage(samples, annotation, facts);
  }

  for (auto& [user, samples] : byUser) {
    samples.kpi.activeSecondsMedian = percentile(samples.activeSeconds, 0.5);
    samples.kpi.activeSecondsP90 = percentile(samples.activeSeconds, 0.9);
    samples.kpi.turnaroundHoursMedian = percentile(samples.turnaroundHours, 0.5);
    samples.kpi.turnaroundHoursP90 = percentile(samples.turnaroundHours, 0.9);
    report.annotators.push_back(samples.kpi);
  }
  for (const auto& [level, counts] : findingsByLevel) {
    LevelFindings entry{level, {counts.begin(), counts.end()}};
    std::stable_sort(entry.codes.begin(), entry.codes.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    report.levels.push_back(std::move(entry));
  }
  return report;
}

void writeKpiCsv(const KpiReport& report, std::ostream& out)
{
  out << "section,key,metric,value\n";
  out << "project,all,images," << report.images << '\n';
  out << "project,all,images_with_errors," << report.imagesWithErrors << '\n';
  for (const AnnotatorKpi& kpi : report.annotators) {
    const std::string prefix = "annotator," + csvField(kpi.user) + ",";
    out << prefix << "images," << kpi.images << '\n';
    out << prefix << "images_done," << kpi.imagesFinished << '\n';
    out << prefix << "images_submitted," << kpi.imagesSubmitted << '\n';
    out << prefix << "active_seconds_median," << optionalCell(kpi.activeSecondsMedian) << '\n';
    out << prefix << "active_seconds_p90," << optionalCell(kpi.activeSecondsP90) << '\n';
    out << prefix << "flag_rate," << csvNumber(kpi.flagRate()) << '\n';
    out << prefix << "changes_requested_rate," << csvNumber(kpi.changesRequestedRate()) << '\n';
    out << prefix << "review_turnaround_hours_median," << optionalCell(kpi.turnaroundHoursMedian) << '\n';
    out << prefix << "review_turnaround_hours_p90," << optionalCell(kpi.turnaroundHoursP90) << '\n';
  }
  for (const LevelFindings& level : report.levels) {
    for (const auto& [code, count] : level.codes) {
      out << "level," << levelName(level.level) << ",finding_" << code << ',' << count << '\n';
    }
  }
}

std::vector<std::string> writeKpiReport(const std::filesystem::path& annotationsDir,
                                        const std::filesystem::path& outDir)
{
  AnnotationFolder folder = readAnnotationFolder(annotationsDir);
  std::vector<ImageAnnotation> annotations;
  for (AnnotationFile& file : folder.files) {
    annotations.push_back(std::move(file.annotation));
  }
  const KpiReport report = computeKpis(annotations);
  std::ostringstream csv;
  writeKpiCsv(report, csv);
  writeFileAtomically(outDir / "kpi.csv", csv.str());
  writeFileAtomically(outDir / "kpi.html", renderKpiHtml(report));
  return std::move(folder.errors);
}

}  // namespace spinemark::core::quality
