#include "core/quality/kpi_report.h"

#include "core/annotation_json.h"
#include "support/quality_annotations.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace spinemark::core::quality {
namespace {

namespace fs = std::filesystem;

void addWorkflowEntry(ImageAnnotation& annotation, const std::string& user, WorkflowState state,
                      const std::string& time)
{
  HistoryEntry entry;
  entry.time = time;
  entry.user = user;
  entry.action = HistoryAction::Workflow;
  entry.detail = std::string(workflowStateName(state));
  annotation.history.push_back(entry);
  annotation.workflow.state = state;
}

// alice: one image approved after 2 h, one flagged and sent back after 3 h. bob: one image
// done and not reviewed, one never submitted.
std::vector<ImageAnnotation> projectAnnotations()
{
  std::vector<ImageAnnotation> images(4, testing::emptyAnnotation());
  addWorkflowEntry(images[0], "alice", WorkflowState::InProgress, "2026-12-01T09:00:00Z");
  addWorkflowEntry(images[0], "alice", WorkflowState::Done, "2026-12-01T10:00:00Z");
  addWorkflowEntry(images[0], "rita", WorkflowState::Approved, "2026-12-01T12:00:00Z");
  images[0].activeSeconds = {{"alice", 600}, {"rita", 50}};
  images[0].vertebrae[Level::L4] = testing::boxVertebra(400, 1000, 200, 120);
  images[0].vertebrae[Level::L4].points[0].reset();

  addWorkflowEntry(images[1], "alice", WorkflowState::Flagged, "2026-12-01T10:00:00Z");
  addWorkflowEntry(images[1], "rita", WorkflowState::ChangesRequested, "2026-12-01T13:00:00Z");
  images[1].activeSeconds = {{"alice", 1200}};

  addWorkflowEntry(images[2], "bob", WorkflowState::Done, "2026-12-02T09:00:00Z");
  images[2].activeSeconds = {{"bob", 300}};

  images[3].workflow.state = WorkflowState::InProgress;
  images[3].activeSeconds = {{"bob", 100}, {"carol", 20}};
  return images;
}

TEST(KpiPercentile, NearestRank)
{
  EXPECT_FALSE(percentile({}, 0.5).has_value());
  EXPECT_EQ(percentile({7}, 0.9), 7.0);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 0.5), 2.0);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 0.9), 4.0);
  EXPECT_EQ(percentile({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.9), 90.0);
}

TEST(KpiHoursBetween, ParsesUtcTimes)
{
  EXPECT_EQ(hoursBetween("2026-12-01T10:00:00Z", "2026-12-02T11:30:00Z"), 25.5);
  EXPECT_FALSE(hoursBetween("2026-12-01 10:00", "2026-12-02T11:30:00Z").has_value());
}

TEST(KpiReport, PerAnnotatorFigures)
{
  const KpiReport report = computeKpis(projectAnnotations());
  EXPECT_EQ(report.images, 4);
  EXPECT_EQ(report.imagesWithErrors, 1);
  ASSERT_EQ(report.annotators.size(), 2u);

  const AnnotatorKpi& alice = report.annotators[0];
  EXPECT_EQ(alice.user, "alice");
  EXPECT_EQ(alice.images, 2);
  EXPECT_EQ(alice.imagesFinished, 1);
  EXPECT_EQ(alice.imagesSubmitted, 2);
  EXPECT_DOUBLE_EQ(alice.flagRate(), 0.5);
  EXPECT_DOUBLE_EQ(alice.changesRequestedRate(), 0.5);
  EXPECT_EQ(alice.activeSecondsMedian, 600.0);
  EXPECT_EQ(alice.activeSecondsP90, 1200.0);
  EXPECT_EQ(alice.turnaroundHoursMedian, 2.0);
  EXPECT_EQ(alice.turnaroundHoursP90, 3.0);

  const AnnotatorKpi& bob = report.annotators[1];
  EXPECT_EQ(bob.user, "bob");
  EXPECT_EQ(bob.images, 2);
  EXPECT_EQ(bob.imagesFinished, 1);
  EXPECT_EQ(bob.imagesSubmitted, 1);
  EXPECT_DOUBLE_EQ(bob.flagRate(), 0.0);
  EXPECT_EQ(bob.imagesReviewed, 0);
  EXPECT_EQ(bob.activeSecondsMedian, 100.0);
  EXPECT_EQ(bob.activeSecondsP90, 300.0);
  EXPECT_FALSE(bob.turnaroundHoursMedian.has_value());
}

TEST(KpiReport, MostFrequentFindingsPerLevel)
{
  const KpiReport report = computeKpis(projectAnnotations());
  ASSERT_EQ(report.levels.size(), 1u);
  EXPECT_EQ(report.levels[0].level, Level::L4);
  ASSERT_FALSE(report.levels[0].codes.empty());
  EXPECT_EQ(report.levels[0].codes[0].first, "missing_landmark");
  EXPECT_EQ(report.levels[0].codes[0].second, 1);
}

TEST(KpiReport, CsvRows)
{
  std::ostringstream csv;
  writeKpiCsv(computeKpis(projectAnnotations()), csv);
  const std::string text = csv.str();
  EXPECT_EQ(text.rfind("section,key,metric,value\n", 0), 0u);
  EXPECT_NE(text.find("annotator,alice,flag_rate,0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("annotator,alice,review_turnaround_hours_median,2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("annotator,bob,active_seconds_p90,300\n"), std::string::npos) << text;
  EXPECT_NE(text.find("level,L4,finding_missing_landmark,1\n"), std::string::npos) << text;
}

TEST(KpiReport, HtmlIsSelfContained)
{
  ImageAnnotation odd = testing::emptyAnnotation();
  addWorkflowEntry(odd, "<script>x</script>", WorkflowState::Done, "2026-12-01T10:00:00Z");
  const std::string html = renderKpiHtml(computeKpis({odd}));
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(KpiReport, WritesBothFiles)
{
  const fs::path dir = testing::makeScratchDir("kpi-files");
  const auto images = projectAnnotations();
  for (std::size_t i = 0; i < images.size(); ++i) {
    ImageAnnotation image = images[i];
    image.image.relativePath = "image" + std::to_string(i) + ".png";
    image.image.sha256 = std::string(64, 'a');
    fs::create_directories(dir / "annotations");
    std::ofstream(dir / "annotations" / (image.image.relativePath + ".json"), std::ios::binary) << toJson(image);
  }
  const auto errors = writeKpiReport(dir / "annotations", dir / "out");
  EXPECT_TRUE(errors.empty());
  std::ifstream csv(dir / "out" / "kpi.csv");
  std::stringstream text;
  text << csv.rdbuf();
  EXPECT_NE(text.str().find("annotator,alice,images,2\n"), std::string::npos) << text.str();
  EXPECT_TRUE(fs::exists(dir / "out" / "kpi.html"));
}

std::string findChromium()
{
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) {
      return name;
    }
  }
  return {};
}

// Counts pixels within a small tolerance of an RGB colour.
int countColour(const unsigned char* pixels, int pixelCount, int red, int green, int blue)
{
  int count = 0;
  for (int i = 0; i < pixelCount; ++i) {
    const unsigned char* p = pixels + 3 * i;
    if (std::abs(p[0] - red) <= 6 && std::abs(p[1] - green) <= 6 && std::abs(p[2] - blue) <= 6) {
      ++count;
    }
  }
  return count;
}

TEST(KpiReport, HtmlRendersInChromium)
{
  const std::string chromium = findChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium not installed (scripts/install-deps installs it)";
  }
  const fs::path dir = testing::makeScratchDir("kpi-chromium");
  const fs::path page = dir / "kpi.html";
  std::ofstream(page, std::ios::binary) << renderKpiHtml(computeKpis(projectAnnotations()));
  const fs::path screenshot = dir / "screenshot.png";
  // Only a file:// page is loaded; the flags keep Chromium from reaching any server.
  const std::string command =
      "timeout 120 " + chromium +
      " --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
      " --disable-sync --no-first-run --hide-scrollbars --user-data-dir='" + (dir / "profile").string() +
      "' --window-size=1000,2400 --screenshot='" + screenshot.string() + "' 'file://" + page.string() +
      "' >'" + (dir / "chromium.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << "chromium failed; see " << (dir / "chromium.log");

  int width = 0;
  int height = 0;
  int channels = 0;
  unsigned char* pixels = stbi_load(screenshot.string().c_str(), &width, &height, &channels, 3);
  ASSERT_NE(pixels, nullptr) << screenshot;
  const int pixelCount = width * height;
  const int white = countColour(pixels, pixelCount, 255, 255, 255);
  const int blue = countColour(pixels, pixelCount, 0x1f, 0x77, 0xb4);
  const int orange = countColour(pixels, pixelCount, 0xff, 0x7f, 0x0e);
  const int brown = countColour(pixels, pixelCount, 0x8c, 0x56, 0x4b);
  const int red = countColour(pixels, pixelCount, 0xd6, 0x27, 0x28);
  stbi_image_free(pixels);

  EXPECT_LT(white, pixelCount) << "screenshot is blank";
  EXPECT_GT(blue, 500) << "no 'done' or active-time bars";
  EXPECT_GT(orange, 500) << "no 90th-percentile bars";
  EXPECT_GT(brown, 200) << "no findings-per-level bar";
  EXPECT_GT(red, 200) << "no flag-rate bars";
}

}  // namespace
}  // namespace spinemark::core::quality
