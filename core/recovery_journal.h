// The recovery journal of one annotation file. Every edit appends a snapshot of the whole
// annotation to the hidden file .NAME.json.journal next to NAME.json, synchronously on the UI
// thread. An edit therefore survives the process being killed before autosave wrote it. Records
// are appended with write(2) and not fsynced: the page cache survives the death of the process but
// not a power loss, which the fsynced autosave covers up to its delay.
//
// Each record is self-checking: a 4-byte magic, the payload length (32-bit little endian) and the
// SHA-256 of the payload. A record cut short at the end of the file (killed mid-append) is ignored;
// a bad record followed by more data makes the journal damaged.
//
// A record also lists the SHA-256 of every annotation file content that may be on disk when it is
// written (the content at open, and each one submitted to autosave and not yet known written). A
// record is applied only over one of those, so it never replaces a file someone saved afterwards.
//
// Not supported yet: keeping the journal across a power loss (see docs/reliability.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core {

// Stands for "no annotation file" in JournalRecord::diskVersions.
inline constexpr std::string_view NoAnnotationFile = "none";

struct JournalRecord {
  enum class Kind { Edit, Submission };
  Kind kind = Kind::Edit;
  unsigned long revision = 0;      // AnnotationSession::revision() of the snapshot
  unsigned long unsavedEdits = 0;  // edits since the annotation file last held the session's content
  std::string time;                // UTC, ISO 8601 with Z
  std::string user;
  std::vector<std::string> diskVersions;  // SHA-256 (hex) of the file contents it may be applied over
  std::string annotationJson;             // the whole annotation, as core::toJson writes it
};

struct JournalContents {
  std::vector<JournalRecord> records;  // every valid record before the end or the damage, oldest first
  std::size_t validBytes = 0;          // length of those records in the file
  bool tornTail = false;               // the last record was cut short and ignored
  std::string damage;                  // what is wrong and at which byte, empty when not damaged
};

// ".NAME.json.journal" in the folder of annotationPath.
std::filesystem::path recoveryJournalPath(const std::filesystem::path& annotationPath);

// The bytes of one record: header and payload.
std::string encodeJournalRecord(const JournalRecord& record);

// Reads every valid record of a journal. A missing file gives no records; an unreadable one is
// reported as damage.
JournalContents readRecoveryJournal(const std::filesystem::path& journalPath);

// The disk version of annotation file content, as JournalRecord::diskVersions lists it.
std::string diskVersionOf(const std::optional<std::string>& fileContent);
// The disk version of the file at annotationPath (NoAnnotationFile when it cannot be read).
std::string annotationDiskVersion(const std::filesystem::path& annotationPath);

enum class RecoveryDecision {
  AlreadySaved,  // the file contains the record's annotation
  Apply,         // the file contains a version the record was made over, so the record is newer
  FileChanged,   // the file contains something else, written after the record (or by someone else)
};

// Compares the newest record of a journal with the disk version of the annotation file.
RecoveryDecision decideRecovery(const JournalRecord& newest, const std::string& diskVersion);

// The journal an open, editable image appends to. It does not read an existing file: the first
// record replaces it, so read it with readRecoveryJournal before. The file is created at the first
// record and removed when the journal is destroyed while cleared. A failed write is returned as a
// message, not thrown, and only the first one after a success, so the caller tells the user once.
class RecoveryJournal {
 public:
  RecoveryJournal(const std::filesystem::path& annotationPath, std::string diskVersion);
  ~RecoveryJournal();
  RecoveryJournal(RecoveryJournal&& other) noexcept;
  RecoveryJournal& operator=(RecoveryJournal&& other) noexcept;
  RecoveryJournal(const RecoveryJournal&) = delete;
  RecoveryJournal& operator=(const RecoveryJournal&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  const std::filesystem::path& annotationPath() const { return m_annotationPath; }

  // Appends an edit's snapshot.
  std::optional<std::string> recordEdit(unsigned long revision, const std::string& user,
                                        std::string annotationJson);
  // Records content handed to autosave, before the worker may write it. Appends a record when the
  // content differs from the newest record, so the journal's newest record is never older than
  // what the file may hold.
  std::optional<std::string> recordSubmission(unsigned long revision, const std::string& user,
                                              const std::string& content);
  // Clears the journal when the worker has written every submission (the file now contains the
  // newest one) and no edit came after it. Returns true when the journal is cleared.
  bool markWritten();
  // Starts again from a restored record: the file is replaced by one holding only that record.
  std::optional<std::string> restartFrom(JournalRecord record);
  // Drops every record because the file now contains diskVersion (the user reloaded it).
  void reset(std::string diskVersion);
  // Moves the file aside as NAME.json.journal.SUFFIX-TIME (never over an existing file) and starts
  // empty. Returns the new path, or an empty path when it could not be renamed.
  std::filesystem::path keepAside(const std::string& suffix);
  // True when records exist that the annotation file may not hold yet.
  bool hasUnsavedRecords() const { return m_recordCount > 0; }
  // Compact the file once it grows past this size, by replacing it with its newest record.
  static constexpr std::size_t CompactAfterBytes = 4 * 1024 * 1024;

 private:
  std::optional<std::string> append(JournalRecord record);
  std::optional<std::string> replaceWith(const std::string& bytes);
  std::optional<std::string> failure(const std::string& reason);
  bool truncate();
  void closeFile();
  void takeFrom(RecoveryJournal& other) noexcept;

  std::filesystem::path m_annotationPath;
  std::filesystem::path m_path;
  int m_descriptor = -1;
  std::size_t m_size = 0;  // bytes of valid records in the file
  unsigned long m_recordCount = 0;
  unsigned long m_unsavedEdits = 0;
  std::vector<std::string> m_diskVersions;  // what the annotation file may hold now
  std::string m_newestVersion;              // disk version of the newest record's annotation
  std::string m_submittedVersion;           // disk version of the newest submission
  bool m_editSinceSubmission = false;       // an edit was recorded after the newest submission
  bool m_failing = false;                   // the previous write failed
};

}  // namespace spinemark::core
