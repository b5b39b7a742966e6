// The workbench's use of the recovery journal (core/recovery_journal.h): opening and applying it
// when an image becomes editable, a record at every edit and submission, and clearing it once
// autosave has written everything it holds. All of it runs on the UI thread.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "core/annotation_json.h"
#include "core/workbench.h"

namespace spinemark::core {

// Read-only workspaces and images locked by someone else, changed or changed on disk neither
// write nor apply a journal: the journal is opened only when the image becomes editable.
void Workbench::openJournal()
{
  if (!m_session || m_journal || imageReadOnly()) {
    return;
  }
  const auto path = currentAnnotationPath();
  settleJournals();
  // Reopened before its last save was written: the session shows that save, which the journal
  // already contains, so there is nothing to recover.
  const auto closing =
      std::find_if(m_closingJournals.begin(), m_closingJournals.end(),
                   [&](const RecoveryJournal& journal) { return journal.annotationPath() == path; });
  if (closing != m_closingJournals.end()) {
    m_journal.emplace(std::move(*closing));
    m_closingJournals.erase(closing);
    return;
  }
  const std::string diskVersion = annotationDiskVersion(path);
  m_journal.emplace(path, diskVersion);
  recoverFromJournal(diskVersion);
}

void Workbench::recoverFromJournal(const std::string& diskVersion)
{
  const JournalContents contents = readRecoveryJournal(m_journal->path());
  const std::string journalName = m_journal->path().string();
  bool keptAside = false;
  if (!contents.damage.empty()) {
    const auto copy = m_journal->keepAside("damaged");
    if (copy.empty()) {
      // Appending would replace the file, so this image gets no journal until it is moved away.
      report(MessageSeverity::Error, "The recovery journal " + journalName + " is damaged (" +
                                         contents.damage +
                                         ") and could not be moved aside. Move it away yourself; until then, "
                                         "edits of this image are only autosaved.");
      m_journal.reset();
      return;
    }
    keptAside = true;
    report(MessageSeverity::Warning,
           "The recovery journal " + journalName + " is damaged (" + contents.damage + "). It was kept as " +
               copy.filename().string() +
               (contents.records.empty() ? "." : "; the edits recorded before the damage are used."));
  }
  if (contents.records.empty()) {
    if (!keptAside) {
      m_journal->reset(diskVersion);  // empty, or only a record cut short while it was appended
    }
    return;
  }

  const JournalRecord& newest = contents.records.back();
  switch (decideRecovery(newest, diskVersion)) {
    case RecoveryDecision::AlreadySaved:
      spdlog::debug("the recovery journal {} contains only saved edits; removed it", journalName);
      if (!keptAside) {
        m_journal->reset(diskVersion);
      }
      return;
    case RecoveryDecision::FileChanged: {
      const auto copy = keptAside ? std::filesystem::path() : m_journal->keepAside("unapplied");
      report(MessageSeverity::Warning,
             "The recovery journal " + journalName +
                 " was not applied: " + currentAnnotationPath().filename().string() +
                 " was saved after its last edit (" + newest.time + " by " + newest.user + ")" +
                 (copy.empty() ? "."
                               : ". It was kept as " + copy.filename().string() +
                                     "; its last record contains that annotation as JSON."));
      if (copy.empty() && !keptAside) {
        m_journal.reset();  // could not be moved aside, so it must not be appended to (and replaced)
      }
      return;
    }
    case RecoveryDecision::Apply:
      applyJournalRecord(newest, keptAside);
      return;
  }
}

void Workbench::applyJournalRecord(const JournalRecord& newest, bool keptAside)
{
  ImageAnnotation restored;
  try {
    restored = parseAnnotation(newest.annotationJson, m_journal->path());
  } catch (const AnnotationFormatError& problem) {
    const auto copy = keptAside ? std::filesystem::path() : m_journal->keepAside("damaged");
    report(MessageSeverity::Warning,
           std::string(problem.what()) + ". The recovery journal was not applied" +
               (copy.empty() ? "." : " and was kept as " + copy.filename().string() + "."));
    if (copy.empty() && !keptAside) {
      m_journal.reset();
    }
    return;
  }
  restored.image = m_session->annotation().image;  // the identity of the image as decoded now
  startSession(std::move(restored));
  m_submittedRevision = NeverSubmitted;

  JournalRecord restart = newest;
  restart.revision = m_session->revision();
  reportJournalProblem(m_journal->restartFrom(std::move(restart)));
  updateProgress();

  const unsigned long edits = std::max(newest.unsavedEdits, 1UL);
  const auto& name = m_workspace.images[static_cast<std::size_t>(m_currentIndex)].relativePath;
  report(MessageSeverity::Info, "Restored " + std::to_string(edits) +
                                    (edits == 1 ? " unsaved edit" : " unsaved edits") + " of " + name +
                                    " from the recovery journal (last change " + newest.time + " by " +
                                    newest.user + "); autosave writes them now.");
}

void Workbench::journalEdit()
{
  if (!m_journal || imageReadOnly()) {
    return;
  }
  std::string json;
  try {
    json = toJson(m_session->annotation());
  } catch (const std::invalid_argument&) {
    return;  // text that is not UTF-8 cannot be saved either, and submitSave reports it
  }
  reportJournalProblem(m_journal->recordEdit(m_session->revision(), m_options.user, std::move(json)));
}

void Workbench::journalSubmission(const std::string& content)
{
  if (m_journal) {
    reportJournalProblem(m_journal->recordSubmission(m_session->revision(), m_options.user, content));
  }
}

// Clears each journal once the worker has written every submission of its image. A closed image's
// journal is then dropped, which removes its file when it is clear.
void Workbench::settleJournals()
{
  if (m_journal && m_journal->hasUnsavedRecords() && !m_autosave.hasQueued(m_journal->annotationPath())) {
    m_journal->markWritten();
  }
  std::erase_if(m_closingJournals, [this](RecoveryJournal& journal) {
    if (m_autosave.hasQueued(journal.annotationPath())) {
      return false;
    }
    journal.markWritten();
    return true;
  });
}

void Workbench::reportJournalProblem(std::optional<std::string> problem)
{
  if (problem) {
    report(MessageSeverity::Warning, std::move(*problem));
  }
}

}  // namespace spinemark::core
