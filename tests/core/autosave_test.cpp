#include "core/autosave.h"

#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

std::string readText(const fs::path& path)
{
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void writeText(const fs::path& path, const std::string& text)
{
  std::ofstream file(path, std::ios::binary);
  file << text;
}

TEST(AutosaveTest, FlushWritesNewestContent)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-newest");
  AutosaveWorker worker;
  for (int i = 0; i < 500; ++i) {
    worker.submit(dir / "a.json", "revision " + std::to_string(i));
    worker.submit(dir / "b.json", "other " + std::to_string(i));
  }
  worker.flush();
  EXPECT_EQ(readText(dir / "a.json"), "revision 499");
  EXPECT_EQ(readText(dir / "b.json"), "other 499");
  SaveStatus status = worker.status();
  EXPECT_EQ(status.submitted, 1000u);
  EXPECT_FALSE(status.pending);
  EXPECT_EQ(status.failed, 0u);
  EXPECT_FALSE(status.lastError.has_value());
  fs::remove_all(dir);
}

TEST(AutosaveTest, SubmissionsCoalesce)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-coalesce");
  AutosaveWorker worker;
  for (int i = 0; i < 2000; ++i) {
    worker.submit(dir / "a.json", std::string(10000, 'a') + std::to_string(i));
  }
  worker.flush();
  SaveStatus status = worker.status();
  // Each write takes at least an fsync, so 2000 submissions in a tight loop cannot all be written.
  EXPECT_LT(status.written, 2000u);
  EXPECT_GE(status.written, 1u);
  EXPECT_EQ(readText(dir / "a.json"), std::string(10000, 'a') + "1999");
  fs::remove_all(dir);
}

TEST(AutosaveTest, DestructorWritesQueued)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-destructor");
  {
    AutosaveWorker worker;
    worker.submit(dir / "a.json", "last words");
  }
  EXPECT_EQ(readText(dir / "a.json"), "last words");
  fs::remove_all(dir);
}

TEST(AutosaveTest, FailureReportedThenRecovered)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-recover");
  writeText(dir / "blocker", "a file where a folder should be");
  fs::path target = dir / "blocker" / "a.json";

  AutosaveWorker worker;
  worker.submit(target, "content");
  worker.flush();  // returns although the write fails
  SaveStatus failedStatus = worker.status();
  ASSERT_TRUE(failedStatus.lastError.has_value());
  EXPECT_NE(failedStatus.lastError->find(target.string()), std::string::npos) << *failedStatus.lastError;
  EXPECT_GE(failedStatus.failed, 1u);
  EXPECT_TRUE(failedStatus.pending);

  fs::remove(dir / "blocker");
  fs::create_directory(dir / "blocker");
  worker.flush();
  SaveStatus recovered = worker.status();
  EXPECT_FALSE(recovered.lastError.has_value());
  EXPECT_FALSE(recovered.pending);
  EXPECT_EQ(readText(target), "content");
  fs::remove_all(dir);
}

TEST(AutosaveTest, RetriesWithoutFlush)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-retry");
  writeText(dir / "blocker", "x");
  fs::path target = dir / "blocker" / "a.json";

  AutosaveWorker worker;
  worker.submit(target, "content");
  worker.flush();
  ASSERT_TRUE(worker.status().lastError.has_value());
  fs::remove(dir / "blocker");
  fs::create_directory(dir / "blocker");

  // The worker retries after RetryInterval on its own; allow a generous margin for a busy machine.
  auto deadline = std::chrono::steady_clock::now() + AutosaveWorker::RetryInterval * 5;
  while (worker.status().pending && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(worker.status().pending);
  EXPECT_FALSE(worker.status().lastError.has_value());
  EXPECT_EQ(readText(target), "content");
  fs::remove_all(dir);
}

TEST(AutosaveTest, FailingPathDoesNotBlockOthers)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-independent");
  writeText(dir / "blocker", "x");
  AutosaveWorker worker;
  worker.submit(dir / "blocker" / "a.json", "never");
  worker.submit(dir / "good.json", "fine");
  worker.flush();
  EXPECT_EQ(readText(dir / "good.json"), "fine");
  SaveStatus status = worker.status();
  EXPECT_TRUE(status.pending);
  ASSERT_TRUE(status.lastError.has_value());
  EXPECT_NE(status.lastError->find("blocker"), std::string::npos);
  fs::remove_all(dir);
}

TEST(AutosaveTest, ReplacingFailedEntryClearsError)
{
  fs::path dir = spinemark::testing::makeScratchDir("autosave-replace");
  writeText(dir / "blocker", "x");
  fs::path target = dir / "blocker" / "a.json";
  AutosaveWorker worker;
  worker.submit(target, "old");
  worker.flush();
  ASSERT_TRUE(worker.status().lastError.has_value());
  fs::remove(dir / "blocker");
  fs::create_directory(dir / "blocker");
  worker.submit(target, "new");
  worker.flush();
  EXPECT_EQ(readText(target), "new");
  EXPECT_FALSE(worker.status().lastError.has_value());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spinemark::core
