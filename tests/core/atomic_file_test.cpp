#include "core/atomic_file.h"

#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <sys/stat.h>

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

// Names of every entry in dir other than keep, so leftover temporary files show in a failure.
std::vector<std::string> otherEntries(const fs::path& dir, const std::string& keep)
{
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename() != keep) {
      names.push_back(entry.path().filename().string());
    }
  }
  return names;
}

TEST(AtomicFileTest, WritesNewFile)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-new");
  writeFileAtomically(dir / "a.json", "first");
  EXPECT_EQ(readText(dir / "a.json"), "first");
  EXPECT_TRUE(otherEntries(dir, "a.json").empty());
  fs::remove_all(dir);
}

TEST(AtomicFileTest, ReplacesContent)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-replace");
  writeFileAtomically(dir / "a.json", std::string(100000, 'x'));
  writeFileAtomically(dir / "a.json", "short");
  EXPECT_EQ(readText(dir / "a.json"), "short");
  EXPECT_TRUE(otherEntries(dir, "a.json").empty());
  fs::remove_all(dir);
}

TEST(AtomicFileTest, SetsMode0644)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-mode");
  writeFileAtomically(dir / "a.json", "x");
  struct stat info {};
  ASSERT_EQ(::stat((dir / "a.json").c_str(), &info), 0);
  // The process umask can only remove bits.
  EXPECT_EQ(info.st_mode & 0777 & ~0644, 0u);
  EXPECT_NE(info.st_mode & S_IRUSR, 0u);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, CreatesMissingFolders)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-folders");
  writeFileAtomically(dir / "annotations" / "study 1" / "a.png.json", "content");
  EXPECT_EQ(readText(dir / "annotations" / "study 1" / "a.png.json"), "content");
  fs::remove_all(dir);
}

TEST(AtomicFileTest, ParentIsFileFails)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-parent-file");
  writeFileAtomically(dir / "blocker", "a regular file");
  fs::path target = dir / "blocker" / "a.json";
  try {
    writeFileAtomically(target, "new");
    FAIL() << "expected FileWriteError";
  } catch (const FileWriteError& error) {
    std::string message = error.what();
    EXPECT_EQ(error.path(), target);
    EXPECT_NE(message.find(target.string()), std::string::npos) << message;
    EXPECT_NE(message.find("free space and permissions"), std::string::npos) << message;
  }
  EXPECT_EQ(readText(dir / "blocker"), "a regular file");
  EXPECT_TRUE(otherEntries(dir, "blocker").empty());
  fs::remove_all(dir);
}

TEST(AtomicFileTest, ReadOnlyFolderKeepsOldContent)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-read-only");
  fs::path target = dir / "a.json";
  writeFileAtomically(target, "old");
  ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);

  bool threw = false;
  try {
    writeFileAtomically(target, "new");
  } catch (const FileWriteError& error) {
    threw = true;
    EXPECT_NE(std::string(error.what()).find("Permission denied"), std::string::npos) << error.what();
  }
  ::chmod(dir.c_str(), 0755);
  if (!threw) {
    fs::remove_all(dir);
    GTEST_SKIP() << "the write succeeded in a read-only folder, as it does for root";
  }
  EXPECT_EQ(readText(target), "old");
  EXPECT_TRUE(otherEntries(dir, "a.json").empty());
  fs::remove_all(dir);
}

TEST(AtomicFileTest, TargetIsFolderFails)
{
  fs::path dir = spinemark::testing::makeScratchDir("atomic-target-folder");
  fs::create_directories(dir / "a.json" / "inside");
  EXPECT_THROW(writeFileAtomically(dir / "a.json", "new"), FileWriteError);
  EXPECT_TRUE(fs::is_directory(dir / "a.json" / "inside"));
  EXPECT_TRUE(otherEntries(dir, "a.json").empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spinemark::core
