// Recovery journal cost on the UI thread per edit: core::toJson of the annotation plus one
// RecoveryJournal::recordEdit (two SHA-256 digests and one write(2)). It also measures what an
// fsync after each record would add, which the journal does not do (docs/reliability.md).
//
//   journal_bench [EDITS] [FOLDER]   default 300 edits in the system temporary folder; each edit
//                                    places one landmark, up to 17 complete vertebrae
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/annotation_json.h"
#include "core/annotation_session.h"
#include "core/recovery_journal.h"

namespace {

using namespace spinemark;
using Clock = std::chrono::steady_clock;

struct Costs {
  std::vector<double> recordUs;  // toJson + recordEdit
  std::vector<double> fsyncUs;   // fsync of the journal after the record, when measured
  std::size_t largestJson = 0;
};

double elapsedUs(Clock::time_point start)
{
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

void printSummary(const char* label, std::vector<double> values)
{
  if (values.empty()) {
    return;
  }
  std::sort(values.begin(), values.end());
  const auto quantile = [&values](double fraction) {
    return values[static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5)];
  };
  std::printf("%-36s median %8.1f us, p99 %8.1f us, max %8.1f us (n=%zu)\n", label, quantile(0.5),
              quantile(0.99), values.back(), values.size());
}

// Places edits landmarks from L5 upwards, journaling each one, and fsyncs after each when asked.
Costs measure(const std::filesystem::path& annotationPath, int edits, bool withFsync)
{
  Costs costs;
  core::AnnotationSession session(core::ImageAnnotation{}, core::Level::L5);
  session.setUser("bench");
  core::RecoveryJournal journal(annotationPath, std::string(core::NoAnnotationFile));
  const auto journalPath = core::recoveryJournalPath(annotationPath);
  for (int edit = 0; edit < edits; ++edit) {
    session.placeCurrent({1000.25 + edit % 6 * 40.0, 2300.5 - edit / 6 % 17 * 120.0});
    const auto start = Clock::now();
    std::string json = core::toJson(session.annotation());
    costs.largestJson = std::max(costs.largestJson, json.size());
    if (auto problem = journal.recordEdit(session.revision(), "bench", std::move(json))) {
      std::fprintf(stderr, "%s\n", problem->c_str());
      std::exit(1);
    }
    costs.recordUs.push_back(elapsedUs(start));
    if (withFsync) {
      const auto syncStart = Clock::now();
      const int descriptor = ::open(journalPath.c_str(), O_WRONLY | O_CLOEXEC);
      ::fsync(descriptor);
      ::close(descriptor);
      costs.fsyncUs.push_back(elapsedUs(syncStart));
    }
  }
  return costs;
}

}  // namespace

int main(int argc, char** argv)
{
  const int edits = argc > 1 ? std::max(10, std::atoi(argv[1])) : 300;
  const std::filesystem::path parent =
      argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path();
  const auto folder = parent / ("spinemark-journal-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);

  const Costs plain = measure(folder / "plain.dcm.json", edits, false);
  std::printf("largest annotation: %zu bytes of JSON\n", plain.largestJson);
  printSummary("UI thread: toJson + recordEdit", plain.recordUs);
  const Costs synced = measure(folder / "synced.dcm.json", edits, true);
  printSummary("fsync after each record (not done)", synced.fsyncUs);
  std::filesystem::remove_all(folder);
  return 0;
}
