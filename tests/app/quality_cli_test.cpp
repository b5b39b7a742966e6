// The ground-truth and quality subcommands run as the real executable on two AASCE images: one
// with correct labels and one whose lowest vertebra has its corners out of order.
#include "app/gui_harness.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using spinemark::testing::readText;
using spinemark::testing::runSpinemark;

const std::string CleanImage = "sunhl-1th-02-Jan-2017-162 A AP.jpg";
const std::string DefectiveImage = "sunhl-1th-30-Dec-2016-161 A AP.jpg";

// Copies the header and the rows of the named images from the shared corners CSV.
fs::path writeSubsetCsv(const fs::path& aasce, const fs::path& dir)
{
  std::ifstream in(aasce / "corners-px.csv");
  const fs::path csvPath = dir / "corners.csv";
  std::ofstream out(csvPath, std::ios::binary);
  std::string line;
  std::getline(in, line);
  out << line << '\n';
  while (std::getline(in, line)) {
    if (line.rfind(CleanImage + ",", 0) == 0 || line.rfind(DefectiveImage + ",", 0) == 0) {
      out << line << '\n';
    }
  }
  return csvPath;
}

std::vector<std::string> linesOf(const std::string& text)
{
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

TEST(QualityCli, ImportCheckExportReport)
{
  const fs::path shared = spinemark::testing::sharedDataDir();
  if (shared.empty()) {
    GTEST_SKIP() << "shared AASCE data not found";
  }
  const fs::path aasce = shared / "aasce";
  const fs::path dir = spinemark::testing::makeScratchDir("quality-cli");
  const fs::path annotations = dir / "annotations";
  const std::string images = (aasce / "images").string();

  const auto imported = runSpinemark({"import", "--corners-csv", writeSubsetCsv(aasce, dir).string(), "--images",
                                      images, "--user", "truth", "--annotations", annotations.string()});
  ASSERT_EQ(imported.exitCode, 0) << imported.output;
  EXPECT_NE(imported.stdoutText.find("imported 2 of 2 images"), std::string::npos) << imported.output;
  EXPECT_TRUE(fs::exists(annotations / (CleanImage + ".json")));

  const auto checked = runSpinemark({"check", images, "--annotations", annotations.string()});
  EXPECT_EQ(checked.exitCode, 1) << checked.output;
  const auto lines = linesOf(checked.stdoutText);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "image,vertebra,landmark,severity,code,message");
  bool defectFound = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].find(CleanImage + ",") == 0 && lines[i].find(",error,") != std::string::npos, false)
        << lines[i];
    defectFound = defectFound || lines[i].rfind(DefectiveImage + ",L5,inferior_right,error,sides_swapped,", 0) == 0;
  }
  EXPECT_TRUE(defectFound) << checked.stdoutText;

  const auto exported =
      runSpinemark({"export", "--format", "morphometry-csv", images, "--annotations", annotations.string()});
  EXPECT_EQ(exported.exitCode, 0) << exported.output;
  const auto rows = linesOf(exported.stdoutText);
  ASSERT_EQ(rows.size(), 1u + 2u * 17u);
  EXPECT_EQ(rows[1].rfind(CleanImage + ",L5,AP,px,", 0), 0u) << rows[1];  // natural order: 02-Jan before 30-Dec
  EXPECT_EQ(rows[18].rfind(DefectiveImage + ",L5,AP,px,", 0), 0u) << rows[18];

  const auto reported = runSpinemark({"report", images, "--annotations", annotations.string(), "--out",
                                      (dir / "report").string()});
  EXPECT_EQ(reported.exitCode, 0) << reported.output;
  EXPECT_NE(readText(dir / "report" / "kpi.csv").find("annotator,truth,images_done,2\n"), std::string::npos);
  EXPECT_NE(readText(dir / "report" / "kpi.html").find("<svg"), std::string::npos);
}

}  // namespace
