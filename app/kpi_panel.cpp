#include "app/kpi_panel.h"

#include "core/quality/annotation_files.h"

#include <imgui.h>

#include <chrono>
#include <string>

namespace spinemark::app {
namespace {

core::quality::KpiReport computeFromFolder(const std::filesystem::path& annotationsDir)
{
  std::vector<core::ImageAnnotation> annotations;
  std::error_code error;
  if (std::filesystem::is_directory(annotationsDir, error)) {
    for (auto& file : core::quality::readAnnotationFolder(annotationsDir).files) {
      annotations.push_back(std::move(file.annotation));
    }
  }
  return core::quality::computeKpis(annotations);
}

std::string minutesText(const std::optional<double>& seconds)
{
  if (!seconds) {
    return "-";
  }
  const int total = static_cast<int>(*seconds);
  return std::to_string(total / 60) + ":" + (total % 60 < 10 ? "0" : "") + std::to_string(total % 60);
}

std::string hoursText(const std::optional<double>& hours)
{
  if (!hours) {
    return "-";
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f h", *hours);
  return text;
}

void drawAnnotators(const core::quality::KpiReport& report)
{
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("annotators", 7, flags)) {
    return;
  }
  for (const char* header : {"Annotator", "Done", "Active median", "Active p90", "Flag rate", "Sent back",
                             "Turnaround"}) {
    ImGui::TableSetupColumn(header);
  }
  ImGui::TableHeadersRow();
  for (const auto& row : report.annotators) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(row.user.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d / %d", row.imagesFinished, row.images);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(minutesText(row.activeSecondsMedian).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(minutesText(row.activeSecondsP90).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.0f%%", row.flagRate() * 100.0);
    ImGui::TableNextColumn();
    ImGui::Text("%.0f%%", row.changesRequestedRate() * 100.0);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(hoursText(row.turnaroundHoursMedian).c_str());
  }
  ImGui::EndTable();
}

void drawLevels(const core::quality::KpiReport& report)
{
  for (const auto& level : report.levels) {
    std::string line(core::levelName(level.level));
    line += ":";
    for (std::size_t i = 0; i < level.codes.size() && i < 3; ++i) {
      line += " " + level.codes[i].first + " (" + std::to_string(level.codes[i].second) + ")";
    }
    ImGui::BulletText("%s", line.c_str());
  }
}

}  // namespace

void KpiPanel::toggle(const std::filesystem::path& annotationsDir)
{
  m_visible = !m_visible;
  if (m_visible) {
    refresh(annotationsDir);
  }
}

void KpiPanel::refresh(const std::filesystem::path& annotationsDir)
{
  if (!m_computing.valid()) {
    m_computing = std::async(std::launch::async, computeFromFolder, annotationsDir);
  }
}

void KpiPanel::draw(const std::filesystem::path& annotationsDir)
{
  if (m_computing.valid() && m_computing.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    m_report = m_computing.get();
  }
  if (!m_visible) {
    return;
  }
  ImGui::SetNextWindowSize(ImVec2(720, 420), ImGuiCond_Appearing);
  if (ImGui::Begin("Project KPIs", &m_visible, ImGuiWindowFlags_NoSavedSettings)) {
    if (ImGui::Button("Refresh")) {
      refresh(annotationsDir);
    }
    ImGui::SameLine();
    if (m_computing.valid()) {
      ImGui::TextDisabled("reading annotation files...");
    }
    if (m_report) {
      ImGui::Text("%d annotated images, %d with check errors", m_report->images, m_report->imagesWithErrors);
      drawAnnotators(*m_report);
      ImGui::Separator();
      ImGui::TextUnformatted("Most frequent findings per level");
      drawLevels(*m_report);
    }
  }
  ImGui::End();
}

}  // namespace spinemark::app
