// The in-app KPI panel: the same figures as `spinemark report`, for the open workspace, computed
// on a background thread from the annotation files each time the panel opens or is refreshed.
#pragma once

#include "core/quality/kpi_report.h"

#include <filesystem>
#include <future>
#include <optional>

namespace spinemark::app {

class KpiPanel {
 public:
  bool visible() const { return m_visible; }
  // Opens the panel and starts a computation, or closes it.
  void toggle(const std::filesystem::path& annotationsDir);
  void draw(const std::filesystem::path& annotationsDir);

 private:
  void refresh(const std::filesystem::path& annotationsDir);

  bool m_visible = false;
  std::future<core::quality::KpiReport> m_computing;
  std::optional<core::quality::KpiReport> m_report;
};

}  // namespace spinemark::app
