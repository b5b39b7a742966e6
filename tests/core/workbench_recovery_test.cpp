// Workbench opening an image whose annotation file is bad: the message names the file, the bad
// file is kept, and the image opens with the backup of the last valid save.
#include "core/workbench.h"

#include "core/annotation_json.h"
#include "core/annotation_store.h"
#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>

namespace spinemark::core {
namespace {

std::string joinedMessages(const std::vector<UserMessage>& messages)
{
  std::string text;
  for (const auto& message : messages) {
    text += message.text + "\n";
  }
  return text;
}

TEST(WorkbenchRecoveryTest, BadFileOpensBackup)
{
  auto dir = spinemark::testing::makeScratchDir("workbench-recovery");
  PhantomOptions options;
  options.width = 256;
  options.height = 512;
  options.vertebraCount = 2;
  writePhantomPng(makePhantom(options), dir / "a.png");
  WorkbenchOptions settings;
  settings.user = "reader1";
  const auto annotationPath = dir / "annotations" / "a.png.json";

  {
    Workbench workbench(openWorkspace(dir), settings);
    ASSERT_TRUE(workbench.openImage(0));
    workbench.session().placeCurrent({10, 20});
    workbench.saveNow();
    workbench.session().placeCurrent({30, 40});
    workbench.saveNow();
  }
  ASSERT_TRUE(std::filesystem::exists(annotationBackupPath(annotationPath)));
  {
    std::ofstream truncated(annotationPath, std::ios::binary | std::ios::trunc);
    truncated << "{\"schema\": \"urn:spinemark:annotation\", \"schema_ver";
  }

  Workbench workbench(openWorkspace(dir), settings);
  ASSERT_TRUE(workbench.openImage(0));
  std::string messages = joinedMessages(workbench.takeMessages());
  EXPECT_NE(messages.find(annotationPath.string()), std::string::npos) << messages;
  EXPECT_NE(messages.find("not valid JSON"), std::string::npos) << messages;
  EXPECT_NE(messages.find("from its backup"), std::string::npos) << messages;
  // The backup contains the first save: one point.
  const auto& vertebrae = workbench.session().annotation().vertebrae;
  ASSERT_EQ(vertebrae.count(Level::L5), 1u);
  EXPECT_EQ(vertebrae.at(Level::L5).placedCount(), 1);
  EXPECT_EQ(vertebrae.at(Level::L5).points[0], (Point{10, 20}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spinemark::core
