// The app's predictor front end: background loading, background refits after completed images,
// and the model file they save.
#include <gtest/gtest.h>

#include "core/assist/assistant.h"
#include "support/synthetic_spine.h"
#include "support/test_data.h"

namespace spinemark::core::assist {
namespace {

ImageAnnotation spine(const std::string& name, double scale)
{
  spinemark::testing::SpineParameters parameters;
  parameters.scale = scale;
  return spinemark::testing::syntheticSpine(parameters, name);
}

TEST(Assistant, LearnsCompletedImagesInBackground)
{
  const auto dir = spinemark::testing::makeScratchDir("assistant-learn") / "annotations";
  std::filesystem::create_directories(dir);
  Assistant assistant(dir);
  assistant.learnFrom(spine("one", 40));
  assistant.learnFrom(spine("two", 45));
  assistant.waitUntilReady();
  EXPECT_EQ(assistant.trainingImages(), 2u);
  EXPECT_TRUE(std::filesystem::exists(defaultModelPath(dir)));
  EXPECT_TRUE(assistant.takeMessages().empty());
}

TEST(Assistant, SavedModelHoldsEveryQueuedImage)
{
  const auto dir = spinemark::testing::makeScratchDir("assistant-save") / "annotations";
  std::filesystem::create_directories(dir);
  {
    Assistant assistant(dir);
    for (int i = 0; i < 5; ++i) {
      assistant.learnFrom(spine("image-" + std::to_string(i), 40 + i));
    }
  }  // the destructor waits for the refits, so the last save is complete
  const auto saved = LandmarkPredictor::load(defaultModelPath(dir));
  EXPECT_EQ(saved.imageCount(), 5u);
}

TEST(Assistant, ReportsUnwritableModelFile)
{
  const auto dir = spinemark::testing::makeScratchDir("assistant-unwritable") / "annotations";
  std::filesystem::create_directories(dir);
  // A folder where the model file belongs makes every save fail.
  std::filesystem::create_directories(defaultModelPath(dir) / "blocked");
  Assistant assistant(dir);
  assistant.learnFrom(spine("one", 40));
  assistant.waitUntilReady();
  const auto messages = assistant.takeMessages();
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.back().find("cannot save the landmark model"), std::string::npos) << messages.back();
  EXPECT_EQ(assistant.trainingImages(), 1u);
}

}  // namespace
}  // namespace spinemark::core::assist
