// The recovery journal: records read back, a record cut short or damaged, compaction, and the
// workbench restoring, clearing, ignoring and keeping aside journals. A crash is simulated by
// copying the annotation file and the journal while an edit is not saved yet, letting the
// workbench close, and then putting both copies back.
#include "core/recovery_journal.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "core/annotation_json.h"
#include "core/file_hash.h"
#include "core/phantom.h"
#include "core/workbench.h"
#include "support/test_data.h"

namespace spinemark::core {
namespace {

std::string readBytes(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << bytes;
}

std::string joined(const std::vector<UserMessage>& messages)
{
  std::string text;
  for (const auto& message : messages) {
    text += message.text + "\n";
  }
  return text;
}

// The files a kill would leave behind: the annotation file and its journal at that moment.
struct CrashState {
  std::optional<std::string> annotation;
  std::string journal;
};

class RecoveryJournalTest : public ::testing::Test {
 protected:
  void SetUp() override
  {
    m_dir = spinemark::testing::makeScratchDir("recovery-journal");
    PhantomOptions phantom;
    phantom.width = 256;
    phantom.height = 512;
    phantom.vertebraCount = 2;
    writePhantomPng(makePhantom(phantom), m_dir / "a.png");
    m_settings.user = "reader1";
    m_settings.autosaveDelay = std::chrono::hours(1);  // nothing is autosaved unless a test saves
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::unique_ptr<Workbench> open()
  {
    auto workbench = std::make_unique<Workbench>(openWorkspace(m_dir), m_settings);
    EXPECT_TRUE(workbench->openImage(0));
    return workbench;
  }
  std::filesystem::path annotationPath() const { return m_dir / "annotations" / "a.png.json"; }
  std::filesystem::path journalPath() const { return recoveryJournalPath(annotationPath()); }

  CrashState capture() const
  {
    CrashState state;
    if (std::filesystem::exists(annotationPath())) {
      state.annotation = readBytes(annotationPath());
    }
    state.journal = readBytes(journalPath());
    return state;
  }
  void restore(const CrashState& state) const
  {
    if (state.annotation) {
      writeBytes(annotationPath(), *state.annotation);
    } else {
      std::filesystem::remove(annotationPath());
    }
    writeBytes(journalPath(), state.journal);
  }
  // Saves one point, then places a second one that only the journal holds, and returns the files
  // as a kill at that moment would leave them.
  CrashState crashAfterUnsavedEdit()
  {
    auto workbench = open();
    workbench->session().placeCurrent({10, 20});
    workbench->saveNow();
    workbench->tick(Workbench::Clock::now());
    workbench->session().placeCurrent({30, 40});
    return capture();
  }
  std::vector<std::filesystem::path> filesNamed(const std::string& prefix) const
  {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(annotationPath().parent_path())) {
      if (entry.path().filename().string().rfind(prefix, 0) == 0) {
        found.push_back(entry.path());
      }
    }
    return found;
  }

  std::filesystem::path m_dir;
  WorkbenchOptions m_settings;
};

TEST_F(RecoveryJournalTest, RecordsReadBack)
{
  std::filesystem::create_directories(annotationPath().parent_path());
  {
    RecoveryJournal journal(annotationPath(), std::string(NoAnnotationFile));
    EXPECT_FALSE(journal.recordEdit(1, "reader1", "{\"first\": 1}"));
    EXPECT_FALSE(journal.recordEdit(2, "reader1", "{\"second\": 2}"));
    const auto contents = readRecoveryJournal(journalPath());
    EXPECT_TRUE(contents.damage.empty()) << contents.damage;
    EXPECT_FALSE(contents.tornTail);
    ASSERT_EQ(contents.records.size(), 2u);
    const auto& newest = contents.records[1];
    EXPECT_EQ(newest.kind, JournalRecord::Kind::Edit);
    EXPECT_EQ(newest.revision, 2u);
    EXPECT_EQ(newest.unsavedEdits, 2u);
    EXPECT_EQ(newest.user, "reader1");
    EXPECT_FALSE(newest.time.empty());
    EXPECT_EQ(newest.diskVersions, std::vector<std::string>{std::string(NoAnnotationFile)});
    EXPECT_EQ(newest.annotationJson, "{\"second\": 2}");
    EXPECT_EQ(contents.validBytes, std::filesystem::file_size(journalPath()));
  }
  // A journal destroyed with unsaved records keeps its file.
  EXPECT_TRUE(std::filesystem::exists(journalPath()));
}

TEST_F(RecoveryJournalTest, MissingJournalHasNoRecords)
{
  const auto contents = readRecoveryJournal(journalPath());
  EXPECT_TRUE(contents.records.empty());
  EXPECT_TRUE(contents.damage.empty());
  EXPECT_FALSE(contents.tornTail);
}

TEST_F(RecoveryJournalTest, TornLastRecordIgnored)
{
  std::filesystem::create_directories(annotationPath().parent_path());
  const std::string first =
      encodeJournalRecord({JournalRecord::Kind::Edit, 1, 1, "t", "u", {"none"}, "{\"a\": 1}"});
  const std::string second =
      encodeJournalRecord({JournalRecord::Kind::Edit, 2, 2, "t", "u", {"none"}, "{\"b\": 2}"});
  // Every cut inside the second record, header included.
  for (std::size_t kept = 1; kept < second.size(); ++kept) {
    writeBytes(journalPath(), first + second.substr(0, kept));
    const auto contents = readRecoveryJournal(journalPath());
    ASSERT_TRUE(contents.damage.empty()) << "cut after " << kept << " bytes: " << contents.damage;
    EXPECT_TRUE(contents.tornTail) << "cut after " << kept << " bytes";
    ASSERT_EQ(contents.records.size(), 1u) << "cut after " << kept << " bytes";
    EXPECT_EQ(contents.records[0].annotationJson, "{\"a\": 1}");
    EXPECT_EQ(contents.validBytes, first.size());
  }
  // A last record of full length whose bytes never reached the disk (zeros) is cut short too.
  writeBytes(journalPath(), first + second.substr(0, 72) + std::string(second.size() - 72, '\0'));
  const auto zeros = readRecoveryJournal(journalPath());
  EXPECT_TRUE(zeros.damage.empty()) << zeros.damage;
  EXPECT_TRUE(zeros.tornTail);
  EXPECT_EQ(zeros.records.size(), 1u);
}

TEST_F(RecoveryJournalTest, DamagedRecordReported)
{
  std::filesystem::create_directories(annotationPath().parent_path());
  const std::string first =
      encodeJournalRecord({JournalRecord::Kind::Edit, 1, 1, "t", "u", {"none"}, "{\"a\": 1}"});
  const std::string second =
      encodeJournalRecord({JournalRecord::Kind::Edit, 2, 2, "t", "u", {"none"}, "{\"b\": 2}"});

  std::string flipped = first + second;
  flipped[first.size() - 3] ^= 0x01;  // inside the first record's annotation
  writeBytes(journalPath(), flipped);
  auto contents = readRecoveryJournal(journalPath());
  EXPECT_NE(contents.damage.find("checksum of the record at byte 0"), std::string::npos) << contents.damage;
  EXPECT_TRUE(contents.records.empty());
  EXPECT_FALSE(contents.tornTail);

  writeBytes(journalPath(), first + "not a record, but more than one header long: " + std::string(80, 'x'));
  contents = readRecoveryJournal(journalPath());
  EXPECT_NE(contents.damage.find("no record starts at byte " + std::to_string(first.size())),
            std::string::npos)
      << contents.damage;
  ASSERT_EQ(contents.records.size(), 1u);

  const std::string noDiskVersion =
      encodeJournalRecord({JournalRecord::Kind::Edit, 1, 1, "t", "u", {}, "{}"});
  writeBytes(journalPath(), noDiskVersion + first);
  contents = readRecoveryJournal(journalPath());
  EXPECT_NE(contents.damage.find("is invalid"), std::string::npos) << contents.damage;
}

TEST_F(RecoveryJournalTest, SubmissionRecordedOnlyWhenNewer)
{
  std::filesystem::create_directories(annotationPath().parent_path());
  RecoveryJournal journal(annotationPath(), std::string(NoAnnotationFile));
  EXPECT_FALSE(journal.recordEdit(1, "reader1", "{\"edit\": 1}"));
  EXPECT_FALSE(journal.recordSubmission(1, "reader1", "{\"edit\": 1}"));
  EXPECT_EQ(readRecoveryJournal(journalPath()).records.size(), 1u);
  // Active time changes the content without an edit.
  EXPECT_FALSE(journal.recordSubmission(1, "reader1", "{\"edit\": 1, \"active\": 2}"));
  const auto contents = readRecoveryJournal(journalPath());
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(contents.records[1].kind, JournalRecord::Kind::Submission);
  // Both submissions may be on disk until the worker reports them written.
  EXPECT_EQ(contents.records[1].diskVersions.size(), 3u);
  EXPECT_TRUE(journal.markWritten());
  EXPECT_EQ(std::filesystem::file_size(journalPath()), 0u);
}

TEST_F(RecoveryJournalTest, EditAfterSubmissionKeepsJournal)
{
  std::filesystem::create_directories(annotationPath().parent_path());
  RecoveryJournal journal(annotationPath(), std::string(NoAnnotationFile));
  EXPECT_FALSE(journal.recordEdit(1, "reader1", "{\"edit\": 1}"));
  EXPECT_FALSE(journal.recordSubmission(1, "reader1", "{\"edit\": 1}"));
  EXPECT_FALSE(journal.recordEdit(2, "reader1", "{\"edit\": 2}"));
  EXPECT_FALSE(journal.markWritten());
  const auto contents = readRecoveryJournal(journalPath());
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(journal.recordEdit(3, "reader1", "{\"edit\": 3}"), std::nullopt);
  // The file now contains the first edit, so later records are applied only over it.
  EXPECT_EQ(readRecoveryJournal(journalPath()).records.back().diskVersions,
            std::vector<std::string>{sha256Hex("{\"edit\": 1}")});
}

TEST_F(RecoveryJournalTest, LargeJournalCompacted)
{
  std::filesystem::create_directories(annotationPath().parent_path());
  RecoveryJournal journal(annotationPath(), std::string(NoAnnotationFile));
  const std::string filler(100 * 1024, 'x');
  for (unsigned long edit = 1; edit <= 100; ++edit) {
    EXPECT_FALSE(journal.recordEdit(edit, "reader1",
                                    "{\"edit\": " + std::to_string(edit) + ", \"" + filler + "\": 0}"));
  }
  EXPECT_LE(std::filesystem::file_size(journalPath()), RecoveryJournal::CompactAfterBytes);
  const auto contents = readRecoveryJournal(journalPath());
  ASSERT_FALSE(contents.records.empty());
  EXPECT_TRUE(contents.damage.empty()) << contents.damage;
  EXPECT_EQ(contents.records.back().revision, 100u);
  EXPECT_EQ(contents.records.back().unsavedEdits, 100u);
  EXPECT_EQ(contents.records.back().diskVersions, std::vector<std::string>{std::string(NoAnnotationFile)});
}

TEST_F(RecoveryJournalTest, DecisionComparesDiskVersion)
{
  JournalRecord newest{JournalRecord::Kind::Edit, 2, 1, "t", "u", {"aaa", "bbb"}, "{\"b\": 2}"};
  EXPECT_EQ(decideRecovery(newest, sha256Hex("{\"b\": 2}")), RecoveryDecision::AlreadySaved);
  EXPECT_EQ(decideRecovery(newest, "bbb"), RecoveryDecision::Apply);
  EXPECT_EQ(decideRecovery(newest, "ccc"), RecoveryDecision::FileChanged);
  EXPECT_EQ(decideRecovery(newest, std::string(NoAnnotationFile)), RecoveryDecision::FileChanged);
}

TEST_F(RecoveryJournalTest, EveryEditJournaledBeforeSave)
{
  auto workbench = open();
  workbench->session().placeCurrent({10, 20});
  workbench->session().placeCurrent({30, 40});
  workbench->session().undo();
  EXPECT_FALSE(std::filesystem::exists(annotationPath()));
  const auto contents = readRecoveryJournal(journalPath());
  ASSERT_EQ(contents.records.size(), 3u);
  EXPECT_EQ(contents.records.back().annotationJson, toJson(workbench->session().annotation()));
  EXPECT_EQ(contents.records.back().revision, workbench->session().revision());
}

TEST_F(RecoveryJournalTest, UnsavedEditRestoredAfterCrash)
{
  const CrashState crash = crashAfterUnsavedEdit();
  restore(crash);

  auto workbench = open();
  const std::string messages = joined(workbench->takeMessages());
  EXPECT_NE(messages.find("Restored 1 unsaved edit of a.png from the recovery journal"), std::string::npos)
      << messages;
  const auto& vertebra = workbench->session().annotation().vertebrae.at(Level::L5);
  EXPECT_EQ(vertebra.placedCount(), 2);
  EXPECT_EQ(vertebra.points[1], (Point{30, 40}));
  EXPECT_TRUE(workbench->hasUnsavedChanges());

  // Autosave writes the restored edit; the journal is cleared then, and removed at close.
  workbench->tick(Workbench::Clock::now());
  workbench->saveNow();
  workbench->tick(Workbench::Clock::now());
  EXPECT_EQ(readAnnotationFile(annotationPath()).vertebrae.at(Level::L5).placedCount(), 2);
  EXPECT_EQ(std::filesystem::file_size(journalPath()), 0u);
  workbench.reset();
  EXPECT_FALSE(std::filesystem::exists(journalPath()));
}

TEST_F(RecoveryJournalTest, ClearedAfterSave)
{
  auto workbench = open();
  workbench->session().placeCurrent({10, 20});
  EXPECT_EQ(readRecoveryJournal(journalPath()).records.size(), 1u);
  workbench->saveNow();
  workbench->tick(Workbench::Clock::now());
  EXPECT_EQ(std::filesystem::file_size(journalPath()), 0u);

  // An edit after the save starts the journal again, and closing the workbench clears it.
  workbench->session().placeCurrent({30, 40});
  EXPECT_EQ(readRecoveryJournal(journalPath()).records.size(), 1u);
  workbench.reset();
  EXPECT_FALSE(std::filesystem::exists(journalPath()));
  EXPECT_EQ(readAnnotationFile(annotationPath()).vertebrae.at(Level::L5).placedCount(), 2);
}

TEST_F(RecoveryJournalTest, SavedJournalNotReapplied)
{
  CrashState crash = crashAfterUnsavedEdit();
  // The kill came after autosave wrote the edit but before the journal was cleared: closing the
  // workbench saved the edit.
  crash.annotation = readBytes(annotationPath());
  restore(crash);

  auto workbench = open();
  const std::string messages = joined(workbench->takeMessages());
  EXPECT_EQ(messages.find("recovery journal"), std::string::npos) << messages;
  EXPECT_FALSE(workbench->hasUnsavedChanges());
  EXPECT_FALSE(std::filesystem::exists(journalPath()));
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 2);
}

TEST_F(RecoveryJournalTest, OlderThanFileIgnored)
{
  const CrashState crash = crashAfterUnsavedEdit();
  // Someone else saved a newer version over the crashed one. The journal is moved away meanwhile,
  // as an instance that does not know of journals would leave it.
  restore(crash);
  std::filesystem::remove(journalPath());
  {
    auto other = open();
    other->session().setVertebraStatus(Level::L4, VertebraStatus::NotVisible);
  }
  const std::string newer = readBytes(annotationPath());
  writeBytes(journalPath(), crash.journal);

  auto workbench = open();
  const std::string messages = joined(workbench->takeMessages());
  EXPECT_NE(messages.find("was not applied"), std::string::npos) << messages;
  EXPECT_NE(messages.find(journalPath().string()), std::string::npos) << messages;
  EXPECT_EQ(readBytes(annotationPath()), newer);
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 1);
  EXPECT_FALSE(workbench->hasUnsavedChanges());
  const auto kept = filesNamed(".a.png.json.journal.unapplied-");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(readBytes(kept[0]), crash.journal);
}

TEST_F(RecoveryJournalTest, DamagedJournalKeptAside)
{
  const CrashState crash = crashAfterUnsavedEdit();
  CrashState damaged = crash;
  damaged.journal =
      "garbage that is no journal record at all, longer than one record header, "
      "so it is not taken for a record cut short";
  restore(damaged);

  auto workbench = open();
  const std::string messages = joined(workbench->takeMessages());
  EXPECT_NE(messages.find("The recovery journal " + journalPath().string() + " is damaged"),
            std::string::npos)
      << messages;
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 1);
  const auto kept = filesNamed(".a.png.json.journal.damaged-");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(readBytes(kept[0]), damaged.journal);

  // The image is editable and journaled again.
  workbench->session().placeCurrent({50, 60});
  EXPECT_EQ(readRecoveryJournal(journalPath()).records.size(), 1u);
}

TEST_F(RecoveryJournalTest, LockedImageNeitherWritesNorApplies)
{
  const CrashState crash = crashAfterUnsavedEdit();
  restore(crash);
  // Another live process (this test's parent) holds the lock.
  LockHolder other = currentProcessHolder("reader2");
  other.pid = static_cast<long>(::getppid());
  std::optional<ImageLock> lock;
  ASSERT_TRUE(ImageLock::acquire(annotationPath(), other, lock).acquired);

  auto workbench = open();
  ASSERT_TRUE(workbench->imageReadOnly());
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 1);
  workbench->session().placeCurrent({50, 60});
  workbench.reset();
  EXPECT_EQ(readBytes(journalPath()), crash.journal);
  EXPECT_EQ(readBytes(annotationPath()), *crash.annotation);
}

TEST_F(RecoveryJournalTest, StaleLockTakeoverRestoresJournal)
{
  const CrashState crash = crashAfterUnsavedEdit();
  restore(crash);
  // The crashed instance left its lock, naming a process of this host that is gone.
  const pid_t child = ::fork();
  if (child == 0) {
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  LockHolder crashed = currentProcessHolder("reader1");
  crashed.pid = static_cast<long>(child);
  std::optional<ImageLock> lock;
  ASSERT_TRUE(ImageLock::acquire(annotationPath(), crashed, lock).acquired);

  auto workbench = open();
  ASSERT_TRUE(workbench->imageReadOnly());
  ASSERT_TRUE(workbench->lockIsStale());
  std::string messages = joined(workbench->takeMessages());
  EXPECT_NE(messages.find("taking over the lock restores them"), std::string::npos) << messages;
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 1);
  EXPECT_EQ(readBytes(journalPath()), crash.journal);

  ASSERT_TRUE(workbench->takeOverLock());
  messages = joined(workbench->takeMessages());
  EXPECT_NE(messages.find("Restored 1 unsaved edit of a.png"), std::string::npos) << messages;
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 2);
  EXPECT_TRUE(workbench->hasUnsavedChanges());
}

TEST_F(RecoveryJournalTest, ChangedImageAppliesJournalOnAccept)
{
  const CrashState crash = crashAfterUnsavedEdit();
  restore(crash);
  // The image file was replaced by other pixels of the same size after the crash.
  PhantomOptions phantom;
  phantom.width = 256;
  phantom.height = 512;
  phantom.vertebraCount = 3;
  writePhantomPng(makePhantom(phantom), m_dir / "a.png");

  auto workbench = open();
  ASSERT_TRUE(workbench->imageChanged());
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 1);
  EXPECT_EQ(readBytes(journalPath()), crash.journal);

  workbench->acceptChangedImage();
  const std::string messages = joined(workbench->takeMessages());
  EXPECT_NE(messages.find("Restored 1 unsaved edit of a.png"), std::string::npos) << messages;
  EXPECT_EQ(workbench->session().annotation().vertebrae.at(Level::L5).placedCount(), 2);
  workbench->saveNow();
  const auto saved = readAnnotationFile(annotationPath());
  EXPECT_EQ(saved.vertebrae.at(Level::L5).placedCount(), 2);
  EXPECT_EQ(saved.image.sha256, workbench->session().annotation().image.sha256);
}

}  // namespace
}  // namespace spinemark::core
