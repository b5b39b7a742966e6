// The KPI report as one self-contained HTML page: tables and grouped bar charts drawn as inline
// SVG, so the page opens offline and in locked-down browsers.
#include "core/quality/kpi_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace spinemark::core::quality {

namespace {

// Plot colours (the Tableau 10 palette), also checked by the screenshot test.
constexpr const char* Blue = "#1f77b4";
constexpr const char* Orange = "#ff7f0e";
constexpr const char* Green = "#2ca02c";
constexpr const char* Red = "#d62728";
constexpr const char* Purple = "#9467bd";
constexpr const char* Brown = "#8c564b";

std::string escapeHtml(const std::string& text)
{
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

struct Series {
  std::string name;
  const char* colour;
  std::vector<double> values;  // one per category
};

// A grouped bar chart: one group of bars per category, one bar per series, with the value
// printed above each bar.
std::string barChart(const std::string& title, const std::string& unit, const std::vector<std::string>& categories,
                     const std::vector<Series>& series)
{
  constexpr double BarWidth = 28.0;
  constexpr double GroupGap = 24.0;
  constexpr double PlotHeight = 180.0;
  constexpr double Top = 40.0;
  constexpr double Left = 50.0;
  const double groupWidth = BarWidth * static_cast<double>(series.size()) + GroupGap;
  const double width = std::max(320.0, Left + groupWidth * static_cast<double>(categories.size()) + 20.0);
  const double height = Top + PlotHeight + 60.0;
  double maxValue = 0.0;
  for (const Series& one : series) {
    for (double value : one.values) {
      maxValue = std::max(maxValue, value);
    }
  }
  const double scale = maxValue > 0.0 ? PlotHeight / maxValue : 0.0;

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" role=\"img\" "
      "aria-label=\"{}\">\n<text x=\"{}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
      width, height, escapeHtml(title), Left, escapeHtml(title + " (" + unit + ")"));
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2:.0f}\" y2=\"{1}\" stroke=\"#333\"/>\n", Left,
                     Top + PlotHeight, width - 10.0);
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double groupLeft = Left + groupWidth * static_cast<double>(c) + GroupGap / 2.0;
    for (std::size_t s = 0; s < series.size(); ++s) {
      const double value = series[s].values[c];
      const double barHeight = value * scale;
      const double x = groupLeft + BarWidth * static_cast<double>(s);
      svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n", x,
                         Top + PlotHeight - barHeight, BarWidth - 2.0, barHeight, series[s].colour);
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"middle\">{:.3g}</text>\n",
                         x + BarWidth / 2.0 - 1.0, Top + PlotHeight - barHeight - 3.0, value);
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n",
                       groupLeft + BarWidth * static_cast<double>(series.size()) / 2.0, Top + PlotHeight + 16.0,
                       escapeHtml(categories[c]));
  }
  double legendX = Left;
  for (const Series& one : series) {
    svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
                       "<text x=\"{:.0f}\" y=\"{:.0f}\" font-size=\"12\">{}</text>\n",
                       legendX, height - 24.0, one.colour, legendX + 16.0, height - 14.0, escapeHtml(one.name));
    legendX += 30.0 + 7.0 * static_cast<double>(one.name.size());
  }
  return svg + "</svg>\n";
}

std::string cell(const std::optional<double>& value, const char* format = "{:.1f}")
{
  return value ? fmt::format(fmt::runtime(format), *value) : std::string("&ndash;");
}

std::string annotatorTable(const KpiReport& report)
{
  std::string html =
      "<table>\n<tr><th>annotator</th><th>images</th><th>done</th><th>active min/image (median)</th>"
      "<th>active min/image (90th pct.)</th><th>flag rate</th><th>changes requested rate</th>"
      "<th>review turnaround h (median)</th><th>review turnaround h (90th pct.)</th></tr>\n";
  const auto minutes = [](const std::optional<double>& seconds) {
    return seconds ? std::optional<double>(*seconds / 60.0) : std::nullopt;
  };
  for (const AnnotatorKpi& kpi : report.annotators) {
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0f}%</td><td>{:.0f}%</td>"
                        "<td>{}</td><td>{}</td></tr>\n",
                        escapeHtml(kpi.user.empty() ? "(unknown)" : kpi.user), kpi.images, kpi.imagesFinished,
                        cell(minutes(kpi.activeSecondsMedian)), cell(minutes(kpi.activeSecondsP90)),
                        kpi.flagRate() * 100.0, kpi.changesRequestedRate() * 100.0, cell(kpi.turnaroundHoursMedian),
                        cell(kpi.turnaroundHoursP90));
  }
  return html + "</table>\n";
}

std::string levelTable(const KpiReport& report)
{
  std::string html = "<table>\n<tr><th>level</th><th>findings</th><th>most frequent</th></tr>\n";
  for (const LevelFindings& level : report.levels) {
    int total = 0;
    std::string frequent;
    for (std::size_t i = 0; i < level.codes.size(); ++i) {
      total += level.codes[i].second;
      if (i < 3) {
        frequent += fmt::format("{}{} ({})", i > 0 ? ", " : "", escapeHtml(level.codes[i].first), level.codes[i].second);
      }
    }
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", levelName(level.level), total, frequent);
  }
  return html + "</table>\n";
}

std::string annotatorCharts(const KpiReport& report)
{
  std::vector<std::string> users;
  Series done{"done", Blue, {}};
  Series activeMedian{"median", Blue, {}};
  Series activeP90{"90th percentile", Orange, {}};
  Series flagRate{"flag rate", Red, {}};
  Series changesRate{"changes requested rate", Purple, {}};
  Series turnaround{"median", Green, {}};
  Series turnaroundP90{"90th percentile", Orange, {}};
  for (const AnnotatorKpi& kpi : report.annotators) {
    users.push_back(kpi.user.empty() ? "(unknown)" : kpi.user);
    done.values.push_back(kpi.imagesFinished);
    activeMedian.values.push_back(kpi.activeSecondsMedian.value_or(0.0) / 60.0);
    activeP90.values.push_back(kpi.activeSecondsP90.value_or(0.0) / 60.0);
    flagRate.values.push_back(kpi.flagRate() * 100.0);
    changesRate.values.push_back(kpi.changesRequestedRate() * 100.0);
    turnaround.values.push_back(kpi.turnaroundHoursMedian.value_or(0.0));
    turnaroundP90.values.push_back(kpi.turnaroundHoursP90.value_or(0.0));
  }
  return barChart("Images done per annotator", "images", users, {done}) +
         barChart("Active time per image", "minutes", users, {activeMedian, activeP90}) +
         barChart("Flag and changes-requested rates", "% of submitted or reviewed images", users,
                  {flagRate, changesRate}) +
         barChart("Review turnaround", "hours", users, {turnaround, turnaroundP90});
}

std::string levelChart(const KpiReport& report)
{
  std::vector<std::string> levels;
  Series findings{"findings", Brown, {}};
  for (const LevelFindings& level : report.levels) {
    levels.emplace_back(levelName(level.level));
    double total = 0.0;
    for (const auto& [code, count] : level.codes) {
      total += count;
    }
    findings.values.push_back(total);
  }
  return barChart("Quality findings per level", "findings", levels, {findings});
}

}  // namespace

std::string renderKpiHtml(const KpiReport& report)
{
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>spinemark KPI report</title>\n"
      "<style>body{font-family:sans-serif;margin:24px;background:#fff;color:#111}"
      "table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #bbb;padding:4px 8px;"
      "text-align:right}td:first-child,th:first-child{text-align:left}svg{display:block;margin:12px 0}</style>\n"
      "</head>\n<body>\n<h1>spinemark KPI report</h1>\n";
  html += fmt::format("<p>{} images, {} with at least one quality error.</p>\n", report.images,
                      report.imagesWithErrors);
  html += "<h2>Annotators</h2>\n" + annotatorTable(report) + annotatorCharts(report);
  html += "<h2>Findings per level</h2>\n" + levelTable(report) + levelChart(report);
  return html + "</body>\n</html>\n";
}

}  // namespace spinemark::core::quality
