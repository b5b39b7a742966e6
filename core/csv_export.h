// Export of a workspace's annotations as CSV for machine-learning pipelines.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace spinemark::core {

struct ExportReport {
  int filesRead = 0;
  int rowsWritten = 0;
  std::vector<std::string> errors;  // one message per annotation file that could not be read
};

// Writes "image,vertebra,landmark,x,y" and one row per placed landmark of every annotation file
// under annotationsDir, images in path order, vertebrae caudal to cranial, slots in order.
// Files that cannot be read are listed in errors and skipped. Throws std::runtime_error when
// annotationsDir is not a folder or when writing to out fails.
ExportReport exportLandmarksCsv(const std::filesystem::path& annotationsDir, std::ostream& out);

// Quotes a CSV field when it contains a comma, a quote or a line break (RFC 4180).
std::string csvField(const std::string& value);

// Formats a coordinate with std::to_chars: shortest text that parses back to the same double,
// independent of the locale.
std::string csvNumber(double value);

}  // namespace spinemark::core
