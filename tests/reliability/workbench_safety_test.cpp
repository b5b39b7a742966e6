// Workbench protections against a full disk, a read-only workspace, a second instance, a replaced
// image and unusual paths. The disk tests mount a small tmpfs, which needs root (CI runs as root);
// without it they are skipped with the reason.
#include "reliability/child_process.h"

#include "core/annotation_json.h"
#include "core/annotation_store.h"
#include "core/atomic_file.h"
#include "core/phantom.h"
#include "core/workbench.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include <sys/mount.h>

namespace spinemark::testing {
namespace {

using core::Workbench;

std::string readBytes(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string joined(const std::vector<core::UserMessage>& messages)
{
  std::string text;
  for (const auto& message : messages) {
    text += message.text + "\n";
  }
  return text;
}

void writePhantom(const std::filesystem::path& path, int vertebraCount = 2)
{
  core::PhantomOptions options;
  options.width = 256;
  options.height = 512;
  options.vertebraCount = vertebraCount;
  std::filesystem::create_directories(path.parent_path());
  core::writePhantomPng(core::makePhantom(options), path);
}

core::WorkbenchOptions settings()
{
  core::WorkbenchOptions options;
  options.user = "reader1";
  return options;
}

// A tmpfs of the given size mounted on a fresh folder, unmounted at the end of the test.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(const std::filesystem::path& folder, const char* size) : m_folder(folder)
  {
    std::filesystem::create_directories(folder);
    const std::string options = std::string("size=") + size;
    if (::mount("tmpfs", folder.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      m_error = std::string("mount -t tmpfs failed: ") + std::strerror(errno);
    }
  }
  ~SmallTmpfs()
  {
    if (m_error.empty()) {
      ::umount2(m_folder.c_str(), MNT_DETACH);
    }
  }
  const std::string& error() const { return m_error; }
  bool remountReadOnly() { return ::mount("tmpfs", m_folder.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0; }

 private:
  std::filesystem::path m_folder;
  std::string m_error;
};

// Fills the file system of folder with one file until a write fails with ENOSPC.
void fillDisk(const std::filesystem::path& filler)
{
  std::FILE* file = std::fopen(filler.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::setvbuf(file, nullptr, _IONBF, 0);
  const std::string block(4096, 'x');
  while (std::fwrite(block.data(), 1, block.size(), file) == block.size()) {
  }
  const std::string byte(1, 'x');
  while (std::fwrite(byte.data(), 1, 1, file) == 1) {
  }
  std::fclose(file);
}

TEST(WorkbenchSafetyTest, FullDiskKeepsFileAndRetries)
{
  const auto dir = makeScratchDir("full-disk");
  writePhantom(dir / "images" / "a.png");
  SmallTmpfs disk(dir / "annotations", "256k");
  if (!disk.error().empty()) {
    GTEST_SKIP() << disk.error();
  }
  const auto annotationPath = dir / "annotations" / "a.png.json";

  Workbench workbench(core::openWorkspace(dir / "images", dir / "annotations"), settings());
  ASSERT_TRUE(workbench.openImage(0));
  workbench.session().placeCurrent({10, 20});
  workbench.saveNow();
  const std::string firstVersion = readBytes(annotationPath);
  ASSERT_FALSE(firstVersion.empty());

  fillDisk(dir / "annotations" / "filler");
  workbench.session().placeCurrent({30, 40});
  workbench.saveNow();

  const auto failed = workbench.saveStatus();
  ASSERT_TRUE(failed.lastError.has_value());
  EXPECT_NE(failed.lastError->find(annotationPath.string()), std::string::npos) << *failed.lastError;
  EXPECT_NE(failed.lastError->find("No space left"), std::string::npos) << *failed.lastError;
  EXPECT_TRUE(workbench.hasUnsavedChanges());
  EXPECT_EQ(readBytes(annotationPath), firstVersion);

  std::filesystem::remove(dir / "annotations" / "filler");
  // The worker retries every RetryInterval by itself; no save call is made here.
  const auto deadline = Workbench::Clock::now() + 3 * core::AutosaveWorker::RetryInterval;
  while (workbench.saveStatus().pending && Workbench::Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto resumed = workbench.saveStatus();
  EXPECT_FALSE(resumed.pending);
  EXPECT_FALSE(resumed.lastError.has_value());
  const auto saved = core::readAnnotationFile(annotationPath);
  EXPECT_EQ(saved.vertebrae.at(core::Level::L5).placedCount(), 2);
}

TEST(WorkbenchSafetyTest, ReadOnlyWorkspaceWritesNothing)
{
  const auto dir = makeScratchDir("read-only");
  writePhantom(dir / "images" / "a.png");
  SmallTmpfs disk(dir / "annotations", "1m");
  if (!disk.error().empty()) {
    GTEST_SKIP() << disk.error();
  }
  const auto annotationPath = dir / "annotations" / "a.png.json";
  {
    Workbench writer(core::openWorkspace(dir / "images", dir / "annotations"), settings());
    ASSERT_TRUE(writer.openImage(0));
    writer.session().placeCurrent({10, 20});
  }
  const std::string saved = readBytes(annotationPath);
  ASSERT_FALSE(saved.empty());
  ASSERT_TRUE(disk.remountReadOnly()) << std::strerror(errno);

  Workbench workbench(core::openWorkspace(dir / "images", dir / "annotations"), settings());
  EXPECT_TRUE(workbench.readOnly());
  EXPECT_NE(joined(workbench.takeMessages()).find("Opened read-only"), std::string::npos);
  ASSERT_TRUE(workbench.openImage(0));
  EXPECT_TRUE(workbench.imageReadOnly());
  EXPECT_NE(workbench.readOnlyReason().find("Read-only"), std::string::npos);
  EXPECT_EQ(workbench.session().annotation().vertebrae.at(core::Level::L5).placedCount(), 1);

  workbench.session().placeCurrent({30, 40});
  workbench.tick(Workbench::Clock::now() + std::chrono::seconds(10));
  workbench.saveNow();
  const auto status = workbench.saveStatus();
  EXPECT_EQ(status.submitted, 0u);
  EXPECT_EQ(status.failed, 0u);
  EXPECT_FALSE(status.lastError.has_value());
  EXPECT_EQ(readBytes(annotationPath), saved);
}

TEST(WorkbenchSafetyTest, LockedImageOpensReadOnly)
{
  const auto dir = makeScratchDir("locked");
  writePhantom(dir / "a.png");
  const auto annotationPath = dir / "annotations" / "a.png.json";
  ChildProcess holder({SPINEMARK_STRESS_HELPER, "hold", dir.string()});
  ASSERT_TRUE(holder.started());
  const auto line = holder.readLine(ChildProcess::Clock::now() + std::chrono::seconds(30));
  ASSERT_TRUE(line.has_value());
  ASSERT_EQ(*line, "holding locked");

  Workbench workbench(core::openWorkspace(dir), settings());
  ASSERT_TRUE(workbench.openImage(0));
  EXPECT_TRUE(workbench.imageReadOnly());
  ASSERT_TRUE(workbench.lockHolder().has_value());
  EXPECT_EQ(workbench.lockHolder()->pid, static_cast<long>(holder.pid()));
  EXPECT_EQ(workbench.lockHolder()->user, "stress");
  EXPECT_FALSE(workbench.lockIsStale());
  EXPECT_NE(joined(workbench.takeMessages()).find("being edited by stress"), std::string::npos);

  workbench.session().placeCurrent({10, 20});
  workbench.saveNow();
  EXPECT_EQ(workbench.saveStatus().submitted, 0u);
  EXPECT_FALSE(std::filesystem::exists(annotationPath));
  EXPECT_FALSE(workbench.takeOverLock()) << "a live lock must not be taken over";

  holder.kill();
  ASSERT_TRUE(workbench.takeOverLock());  // the holder's process is gone, so its lock is stale
  EXPECT_FALSE(workbench.imageReadOnly());
  workbench.saveNow();
  EXPECT_EQ(core::readAnnotationFile(annotationPath).vertebrae.at(core::Level::L5).placedCount(), 1);
  const auto lock = core::readLock(core::lockPathFor(annotationPath));
  ASSERT_TRUE(lock.has_value());
  EXPECT_EQ(lock->pid, static_cast<long>(::getpid()));
}

TEST(WorkbenchSafetyTest, StaleLockFromDeadProcess)
{
  const auto dir = makeScratchDir("stale-lock");
  writePhantom(dir / "a.png");
  const auto lockPath = core::lockPathFor(dir / "annotations" / "a.png.json");
  {
    ChildProcess holder({SPINEMARK_STRESS_HELPER, "hold", dir.string()});
    ASSERT_TRUE(holder.started());
    ASSERT_TRUE(holder.readLine(ChildProcess::Clock::now() + std::chrono::seconds(30)).has_value());
  }  // killed with SIGKILL, so its lock stays behind
  ASSERT_TRUE(std::filesystem::exists(lockPath));

  Workbench workbench(core::openWorkspace(dir), settings());
  ASSERT_TRUE(workbench.openImage(0));
  EXPECT_TRUE(workbench.imageReadOnly());
  EXPECT_TRUE(workbench.lockIsStale());
  EXPECT_NE(workbench.readOnlyReason().find("stale"), std::string::npos);
}

TEST(WorkbenchSafetyTest, ClosingReleasesLock)
{
  const auto dir = makeScratchDir("lock-release");
  writePhantom(dir / "a.png");
  writePhantom(dir / "b.png");
  const auto lockA = core::lockPathFor(dir / "annotations" / "a.png.json");
  const auto lockB = core::lockPathFor(dir / "annotations" / "b.png.json");
  {
    Workbench workbench(core::openWorkspace(dir), settings());
    ASSERT_TRUE(workbench.openImage(0));
    EXPECT_TRUE(std::filesystem::exists(lockA));
    workbench.session().placeCurrent({10, 20});
    ASSERT_TRUE(workbench.openImage(1));
    EXPECT_TRUE(std::filesystem::exists(lockB));
    workbench.saveNow();
    workbench.tick(Workbench::Clock::now());
    EXPECT_FALSE(std::filesystem::exists(lockA)) << "a closed image whose save is written is unlocked";
  }
  EXPECT_FALSE(std::filesystem::exists(lockB));
}

TEST(WorkbenchSafetyTest, ReopenedImageKeepsOwnLock)
{
  const auto dir = makeScratchDir("lock-reopen");
  writePhantom(dir / "a.png");
  writePhantom(dir / "b.png");
  const auto annotationPath = dir / "annotations" / "a.png.json";
  Workbench workbench(core::openWorkspace(dir), settings());
  ASSERT_TRUE(workbench.openImage(0));
  workbench.session().placeCurrent({10, 20});
  // No tick between the switches, so the lock of a.png is still waiting for its save.
  ASSERT_TRUE(workbench.openImage(1));
  ASSERT_TRUE(workbench.openImage(0));
  EXPECT_FALSE(workbench.imageReadOnly()) << workbench.readOnlyReason();
  workbench.session().placeCurrent({30, 40});
  workbench.saveNow();
  EXPECT_EQ(core::readAnnotationFile(annotationPath).vertebrae.at(core::Level::L5).placedCount(), 2);
}

TEST(WorkbenchSafetyTest, ChangedImageKeptAndFlagged)
{
  const auto dir = makeScratchDir("changed-image");
  writePhantom(dir / "a.png", 2);
  const auto annotationPath = dir / "annotations" / "a.png.json";
  {
    Workbench workbench(core::openWorkspace(dir), settings());
    ASSERT_TRUE(workbench.openImage(0));
    workbench.session().placeCurrent({10, 20});
  }
  const std::string saved = readBytes(annotationPath);
  const std::string oldHash = core::readAnnotationFile(annotationPath).image.sha256;
  writePhantom(dir / "a.png", 3);  // other pixels under the same name

  Workbench workbench(core::openWorkspace(dir), settings());
  ASSERT_TRUE(workbench.openImage(0));
  EXPECT_TRUE(workbench.imageChanged());
  EXPECT_TRUE(workbench.imageReadOnly());
  EXPECT_NE(joined(workbench.takeMessages()).find("content hash differs"), std::string::npos);
  EXPECT_EQ(workbench.session().annotation().vertebrae.at(core::Level::L5).placedCount(), 1);
  workbench.session().placeCurrent({30, 40});
  workbench.saveNow();
  EXPECT_EQ(readBytes(annotationPath), saved) << "landmarks were applied to the changed image unconfirmed";

  workbench.acceptChangedImage();
  workbench.saveNow();
  const auto accepted = core::readAnnotationFile(annotationPath);
  EXPECT_NE(accepted.image.sha256, oldHash);
  EXPECT_EQ(accepted.vertebrae.at(core::Level::L5).placedCount(), 2);
}

// Writes another person's version of the annotation file: the saved one with one more landmark.
std::string writeTheirVersion(const std::filesystem::path& annotationPath)
{
  auto theirs = core::readAnnotationFile(annotationPath);
  theirs.vertebrae[core::Level::L4].points[0] = core::Point{99, 99};
  theirs.annotator = "reader2";
  const std::string content = core::toJson(theirs);
  core::writeFileAtomically(annotationPath, content);
  return content;
}

TEST(WorkbenchSafetyTest, ExternalChangeStopsAutosave)
{
  const auto dir = makeScratchDir("external-change");
  writePhantom(dir / "a.png");
  const auto annotationPath = dir / "annotations" / "a.png.json";
  Workbench workbench(core::openWorkspace(dir), settings());
  ASSERT_TRUE(workbench.openImage(0));
  workbench.session().placeCurrent({10, 20});
  workbench.saveNow();
  const std::string theirs = writeTheirVersion(annotationPath);

  workbench.tick(Workbench::Clock::now() + 2 * Workbench::ExternalChangeCheckInterval);
  EXPECT_TRUE(workbench.externalChange());
  EXPECT_TRUE(workbench.imageReadOnly());
  EXPECT_NE(joined(workbench.takeMessages()).find("changed on disk by someone else"), std::string::npos);
  workbench.session().placeCurrent({30, 40});
  workbench.saveNow();
  EXPECT_EQ(readBytes(annotationPath), theirs) << "their version was overwritten";

  ASSERT_TRUE(workbench.reloadFromDisk());
  EXPECT_FALSE(workbench.externalChange());
  EXPECT_EQ(workbench.session().annotation().annotator, "reader2");
  EXPECT_EQ(workbench.session().annotation().vertebrae.at(core::Level::L4).placedCount(), 1);
}

TEST(WorkbenchSafetyTest, ExternalChangeCheckedBeforeSave)
{
  const auto dir = makeScratchDir("external-change-save");
  writePhantom(dir / "a.png");
  const auto annotationPath = dir / "annotations" / "a.png.json";
  Workbench workbench(core::openWorkspace(dir), settings());
  ASSERT_TRUE(workbench.openImage(0));
  workbench.session().placeCurrent({10, 20});
  workbench.saveNow();
  const std::string theirs = writeTheirVersion(annotationPath);

  // No tick: the save itself must notice the change before it overwrites the file.
  workbench.session().placeCurrent({30, 40});
  workbench.saveNow();
  EXPECT_TRUE(workbench.externalChange());
  EXPECT_EQ(readBytes(annotationPath), theirs);

  const auto copy = workbench.keepBothVersions();
  ASSERT_FALSE(copy.empty());
  EXPECT_NE(copy.filename().string().find("a.png.json.mine-"), std::string::npos);
  EXPECT_EQ(core::readAnnotationFile(copy).vertebrae.at(core::Level::L5).placedCount(), 2);
  EXPECT_EQ(readBytes(annotationPath), theirs);
  EXPECT_EQ(workbench.session().annotation().annotator, "reader2");
  EXPECT_FALSE(workbench.imageReadOnly());
}

TEST(WorkbenchSafetyTest, UnusualPathsSaveAndReload)
{
  const auto dir = makeScratchDir("unusual-paths");
  // Spaces, non-ASCII letters in several scripts, and a 200-byte file name: the lock, backup and
  // temporary names add about 25 bytes, which must stay under the usual 255-byte NAME_MAX.
  std::string longName = "scan ü日本 ";
  while (longName.size() < 196) {
    longName += "x";
  }
  longName += ".png";
  ASSERT_EQ(longName.size(), 200u);
  const auto imagePath = dir / "folder with spaces" / "Ünïcödé 日本語 папка" / longName;
  writePhantom(imagePath);

  const auto workspace = core::openWorkspace(dir);
  ASSERT_EQ(workspace.images.size(), 1u);
  EXPECT_EQ(workspace.images[0].relativePath, "folder with spaces/Ünïcödé 日本語 папка/" + longName);
  const auto annotationPath = workspace.annotationPath(workspace.images[0]);
  {
    Workbench workbench(workspace, settings());
    ASSERT_TRUE(workbench.openImage(0));
    EXPECT_FALSE(workbench.imageReadOnly());
    workbench.session().placeCurrent({10, 20});
    workbench.saveNow();
    EXPECT_FALSE(workbench.saveStatus().lastError.has_value());
  }
  ASSERT_TRUE(std::filesystem::exists(annotationPath));
  Workbench reopened(core::openWorkspace(dir), settings());
  ASSERT_TRUE(reopened.openImage(0));
  EXPECT_EQ(reopened.session().annotation().vertebrae.at(core::Level::L5).placedCount(), 1);
  EXPECT_EQ(reopened.session().annotation().image.relativePath, workspace.images[0].relativePath);
}

}  // namespace
}  // namespace spinemark::testing
