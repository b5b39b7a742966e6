#include "core/recovery_journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include "core/annotation.h"
#include "core/file_hash.h"

namespace spinemark::core {
namespace {

// Record header: magic, payload length (uint32 little endian), SHA-256 of the payload in hex.
constexpr std::string_view RecordMagic = "SMJ1";
constexpr std::size_t LengthBytes = 4;
constexpr std::size_t ChecksumBytes = 64;
constexpr std::size_t HeaderBytes = RecordMagic.size() + LengthBytes + ChecksumBytes;
// Annotation files are about 10 KB; this bound only stops a damaged length from being believed.
constexpr std::size_t MaxPayloadBytes = 256 * 1024 * 1024;

std::string encodeLength(std::size_t length)
{
  std::string bytes(LengthBytes, '\0');
  for (std::size_t i = 0; i < LengthBytes; ++i) {
    bytes[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
  }
  return bytes;
}

std::size_t decodeLength(std::string_view bytes)
{
  std::size_t length = 0;
  for (std::size_t i = 0; i < LengthBytes; ++i) {
    length |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return length;
}

std::string withoutLineBreaks(std::string text)
{
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string encodePayload(const JournalRecord& record)
{
  std::string payload;
  payload += "kind ";
  payload += record.kind == JournalRecord::Kind::Edit ? "edit" : "submission";
  payload += "\nrevision " + std::to_string(record.revision);
  payload += "\nunsaved " + std::to_string(record.unsavedEdits);
  payload += "\ntime " + withoutLineBreaks(record.time);
  payload += "\nuser " + withoutLineBreaks(record.user);
  payload += "\ndisk";
  for (const auto& version : record.diskVersions) {
    payload += " " + version;
  }
  payload += "\n\n";
  payload += record.annotationJson;
  return payload;
}

bool parseNumber(std::string_view text, unsigned long& value)
{
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  return parsed.ec == std::errc() && parsed.ptr == text.data() + text.size();
}

std::vector<std::string> splitWords(std::string_view text)
{
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find(' ', start), text.size());
    if (end > start) {
      words.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return words;
}

// Fills one header field of record from a "key value" line; unknown keys are skipped so that a
// newer version can add fields. Returns an error text or empty.
std::string parseField(std::string_view key, std::string_view value, JournalRecord& record)
{
  if (key == "kind") {
    if (value != "edit" && value != "submission") {
      return "unknown kind '" + std::string(value) + "'";
    }
    record.kind = value == "edit" ? JournalRecord::Kind::Edit : JournalRecord::Kind::Submission;
  } else if (key == "revision" && !parseNumber(value, record.revision)) {
    return "invalid revision";
  } else if (key == "unsaved" && !parseNumber(value, record.unsavedEdits)) {
    return "invalid unsaved edit count";
  } else if (key == "time") {
    record.time = value;
  } else if (key == "user") {
    record.user = value;
  } else if (key == "disk") {
    record.diskVersions = splitWords(value);
  }
  return {};
}

// Returns an error text, or empty when payload was a valid record.
std::string parsePayload(std::string_view payload, JournalRecord& record)
{
  const auto headerEnd = payload.find("\n\n");
  if (headerEnd == std::string_view::npos) {
    return "no blank line ends the record header";
  }
  std::string_view header = payload.substr(0, headerEnd + 1);
  while (!header.empty()) {
    const auto lineEnd = header.find('\n');
    const std::string_view line = header.substr(0, lineEnd);
    header.remove_prefix(lineEnd + 1);
    const auto space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view value =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (auto problem = parseField(key, value, record); !problem.empty()) {
      return problem;
    }
  }
  record.annotationJson = payload.substr(headerEnd + 2);
  if (record.diskVersions.empty() || record.annotationJson.empty()) {
    return "the record lists no disk version or has no annotation";
  }
  return {};
}

// Reads one record at offset. Returns the record's total size, 0 for a torn last record, or
// sets damage.
std::size_t readRecord(std::string_view bytes, std::size_t offset, JournalRecord& record, std::string& damage)
{
  const std::string_view rest = bytes.substr(offset);
  const std::string at = " at byte " + std::to_string(offset);
  if (rest.size() < HeaderBytes) {
    if (rest.substr(0, std::min(rest.size(), RecordMagic.size())) !=
        RecordMagic.substr(0, std::min(rest.size(), RecordMagic.size()))) {
      damage = "no record starts" + at;
    }
    return 0;
  }
  if (rest.substr(0, RecordMagic.size()) != RecordMagic) {
    damage = "no record starts" + at;
    return 0;
  }
  const std::size_t length = decodeLength(rest.substr(RecordMagic.size(), LengthBytes));
  if (length > MaxPayloadBytes) {
    damage = "the record" + at + " declares " + std::to_string(length) + " bytes";
    return 0;
  }
  if (rest.size() - HeaderBytes < length) {
    return 0;  // cut short while it was appended
  }
  const std::string_view checksum = rest.substr(RecordMagic.size() + LengthBytes, ChecksumBytes);
  const std::string_view payload = rest.substr(HeaderBytes, length);
  if (sha256Hex(payload) != checksum) {
    // The last record may have been cut inside a page that never reached the disk.
    if (rest.size() != HeaderBytes + length) {
      damage = "the checksum of the record" + at + " does not match";
    }
    return 0;
  }
  if (auto problem = parsePayload(payload, record); !problem.empty()) {
    damage = "the record" + at + " is invalid: " + problem;
    return 0;
  }
  return HeaderBytes + length;
}

bool writeAll(int descriptor, std::string_view bytes, std::string& error)
{
  while (!bytes.empty()) {
    const ssize_t written = ::write(descriptor, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

std::string fileStamp()
{
  std::string stamp = utcTimestamp();
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  return stamp;
}

}  // namespace

std::filesystem::path recoveryJournalPath(const std::filesystem::path& annotationPath)
{
  return annotationPath.parent_path() / ("." + annotationPath.filename().string() + ".journal");
}

std::string encodeJournalRecord(const JournalRecord& record)
{
  const std::string payload = encodePayload(record);
  return std::string(RecordMagic) + encodeLength(payload.size()) + sha256Hex(payload) + payload;
}

JournalContents readRecoveryJournal(const std::filesystem::path& journalPath)
{
  JournalContents contents;
  std::error_code error;
  if (!std::filesystem::exists(journalPath, error)) {
    return contents;
  }
  std::ifstream file(journalPath, std::ios::binary);
  if (!file) {
    contents.damage = "the file cannot be opened for reading";
    return contents;
  }
  const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  while (contents.validBytes < bytes.size()) {
    JournalRecord record;
    const std::size_t size = readRecord(bytes, contents.validBytes, record, contents.damage);
    if (size == 0) {
      contents.tornTail = contents.damage.empty();
      break;
    }
    contents.records.push_back(std::move(record));
    contents.validBytes += size;
  }
  return contents;
}

std::string diskVersionOf(const std::optional<std::string>& fileContent)
{
  return fileContent ? sha256Hex(*fileContent) : std::string(NoAnnotationFile);
}

std::string annotationDiskVersion(const std::filesystem::path& annotationPath)
{
  std::ifstream file(annotationPath, std::ios::binary);
  if (!file) {
    return std::string(NoAnnotationFile);
  }
  return sha256Hex(std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()));
}

RecoveryDecision decideRecovery(const JournalRecord& newest, const std::string& diskVersion)
{
  if (diskVersion == sha256Hex(newest.annotationJson)) {
    return RecoveryDecision::AlreadySaved;
  }
  const auto& versions = newest.diskVersions;
  if (std::find(versions.begin(), versions.end(), diskVersion) != versions.end()) {
    return RecoveryDecision::Apply;
  }
  return RecoveryDecision::FileChanged;
}

RecoveryJournal::RecoveryJournal(const std::filesystem::path& annotationPath, std::string diskVersion)
    : m_annotationPath(annotationPath),
      m_path(recoveryJournalPath(annotationPath)),
      m_diskVersions{std::move(diskVersion)}
{
}

RecoveryJournal::~RecoveryJournal()
{
  const bool ownsEmptyFile = m_descriptor >= 0 && m_recordCount == 0;
  closeFile();
  if (ownsEmptyFile) {
    ::unlink(m_path.c_str());
  }
}

RecoveryJournal::RecoveryJournal(RecoveryJournal&& other) noexcept { takeFrom(other); }

RecoveryJournal& RecoveryJournal::operator=(RecoveryJournal&& other) noexcept
{
  if (this != &other) {
    closeFile();
    takeFrom(other);
  }
  return *this;
}

void RecoveryJournal::takeFrom(RecoveryJournal& other) noexcept
{
  m_annotationPath = std::move(other.m_annotationPath);
  m_path = std::move(other.m_path);
  m_descriptor = std::exchange(other.m_descriptor, -1);
  m_size = other.m_size;
  m_recordCount = std::exchange(other.m_recordCount, 0);
  m_unsavedEdits = other.m_unsavedEdits;
  m_diskVersions = std::move(other.m_diskVersions);
  m_newestVersion = std::move(other.m_newestVersion);
  m_submittedVersion = std::move(other.m_submittedVersion);
  m_editSinceSubmission = other.m_editSinceSubmission;
  m_failing = other.m_failing;
}

std::optional<std::string> RecoveryJournal::recordEdit(unsigned long revision, const std::string& user,
                                                       std::string annotationJson)
{
  ++m_unsavedEdits;
  m_editSinceSubmission = true;
  return append(
      {JournalRecord::Kind::Edit, revision, m_unsavedEdits, {}, user, {}, std::move(annotationJson)});
}

std::optional<std::string> RecoveryJournal::recordSubmission(unsigned long revision, const std::string& user,
                                                             const std::string& content)
{
  m_submittedVersion = sha256Hex(content);
  m_editSinceSubmission = false;
  if (std::find(m_diskVersions.begin(), m_diskVersions.end(), m_submittedVersion) == m_diskVersions.end()) {
    m_diskVersions.push_back(m_submittedVersion);
  }
  if (m_submittedVersion == m_newestVersion) {
    return std::nullopt;
  }
  return append({JournalRecord::Kind::Submission, revision, m_unsavedEdits, {}, user, {}, content});
}

bool RecoveryJournal::markWritten()
{
  if (m_submittedVersion.empty()) {
    return false;
  }
  m_diskVersions = {m_submittedVersion};
  if (m_editSinceSubmission || m_recordCount == 0 || !truncate()) {
    return false;
  }
  m_unsavedEdits = 0;
  return true;
}

std::optional<std::string> RecoveryJournal::restartFrom(JournalRecord record)
{
  record.diskVersions = m_diskVersions;
  m_unsavedEdits = record.unsavedEdits;
  m_editSinceSubmission = true;
  m_newestVersion = sha256Hex(record.annotationJson);
  if (auto problem = replaceWith(encodeJournalRecord(record))) {
    return problem;
  }
  m_recordCount = 1;
  return std::nullopt;
}

void RecoveryJournal::reset(std::string diskVersion)
{
  truncate();  // a failure is logged, and the records then list versions the file no longer contains
  if (m_descriptor < 0) {
    std::error_code ignored;
    std::filesystem::remove(m_path, ignored);
  }
  m_unsavedEdits = 0;
  m_diskVersions = {std::move(diskVersion)};
  m_newestVersion.clear();
  m_submittedVersion.clear();
  m_editSinceSubmission = false;
}

std::filesystem::path RecoveryJournal::keepAside(const std::string& suffix)
{
  closeFile();
  m_size = 0;
  m_recordCount = 0;
  const std::string stamp = fileStamp();
  for (int attempt = 1; attempt <= 100; ++attempt) {
    auto copy = m_path;
    copy += "." + suffix + "-" + stamp + (attempt == 1 ? "" : "-" + std::to_string(attempt));
    // link(2) fails with EEXIST instead of replacing an earlier copy, as rename(2) would.
    if (::link(m_path.c_str(), copy.c_str()) == 0) {
      ::unlink(m_path.c_str());
      return copy;
    }
    if (errno != EEXIST) {
      spdlog::error("could not keep the recovery journal {} as {}: {}", m_path.string(), copy.string(),
                    std::strerror(errno));
      return {};
    }
  }
  return {};
}

std::optional<std::string> RecoveryJournal::append(JournalRecord record)
{
  record.time = utcTimestamp();
  record.diskVersions = m_diskVersions;
  const std::string newestVersion = sha256Hex(record.annotationJson);
  const std::string bytes = encodeJournalRecord(record);
  if (m_size > 0 && m_size + bytes.size() > CompactAfterBytes) {
    // Only the newest record is ever applied, and it lists every version the file may hold.
    if (auto problem = replaceWith(bytes)) {
      return problem;
    }
    m_recordCount = 1;
    m_newestVersion = newestVersion;
    return std::nullopt;
  }
  if (m_descriptor < 0) {
    m_descriptor = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (m_descriptor < 0) {
      return failure(std::strerror(errno));
    }
    m_size = 0;
  }
  std::string error;
  if (!writeAll(m_descriptor, bytes, error)) {
    // Cut off a partial record, so that the next one does not follow garbage.
    if (::ftruncate(m_descriptor, static_cast<off_t>(m_size)) != 0) {
      spdlog::debug("could not cut the partial record off {}: {}", m_path.string(), std::strerror(errno));
    }
    return failure(error);
  }
  m_size += bytes.size();
  ++m_recordCount;
  m_newestVersion = newestVersion;
  if (m_failing) {
    m_failing = false;
    spdlog::info("the recovery journal {} is written again", m_path.string());
  }
  return std::nullopt;
}

// Writes bytes to a temporary file and renames it over the journal, so that a kill at any moment
// leaves either the old journal or the new one.
std::optional<std::string> RecoveryJournal::replaceWith(const std::string& bytes)
{
  auto staging = m_path;
  staging += ".tmp-" + std::to_string(::getpid());
  const int descriptor = ::open(staging.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    return failure(std::strerror(errno));
  }
  std::string error;
  const bool written = writeAll(descriptor, bytes, error);
  ::close(descriptor);
  if (!written || ::rename(staging.c_str(), m_path.c_str()) != 0) {
    if (written) {
      error = std::strerror(errno);
    }
    ::unlink(staging.c_str());
    return failure(error);
  }
  closeFile();
  m_descriptor = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (m_descriptor < 0) {
    return failure(std::strerror(errno));
  }
  m_size = bytes.size();
  m_failing = false;
  return std::nullopt;
}

std::optional<std::string> RecoveryJournal::failure(const std::string& reason)
{
  if (m_failing) {
    spdlog::debug("recovery journal {} still fails: {}", m_path.string(), reason);
    return std::nullopt;
  }
  m_failing = true;
  return "Could not write the recovery journal " + m_path.string() + ": " + reason +
         ". Edits are still autosaved, but the newest edit may be lost if the app stops before its autosave.";
}

bool RecoveryJournal::truncate()
{
  if (m_descriptor >= 0 && ::ftruncate(m_descriptor, 0) != 0) {
    spdlog::warn("could not clear the recovery journal {}: {}", m_path.string(), std::strerror(errno));
    return false;
  }
  m_size = 0;
  m_recordCount = 0;
  return true;
}

void RecoveryJournal::closeFile()
{
  if (m_descriptor >= 0) {
    ::close(m_descriptor);
    m_descriptor = -1;
  }
}

}  // namespace spinemark::core
