#include "core/assist/corners_csv.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <unordered_map>

namespace spinemark::core::assist {

namespace {

constexpr std::string_view ExpectedHeader = "image,width,height,vertebra,corner,x,y";
constexpr int ColumnCount = 7;
// Same bound as the annotation files: coordinates beyond it are corrupt data.
constexpr double MaxCoordinate = 1e6;

// Corner columns by image side, and the slot each one fills.
struct CornerName {
  std::string_view name;
  Slot slot;
};
constexpr std::array<CornerName, 4> CornerNames = {{
    {"superior_left", Slot::SuperiorFirst},
    {"superior_right", Slot::SuperiorSecond},
    {"inferior_left", Slot::InferiorFirst},
    {"inferior_right", Slot::InferiorSecond},
}};

// Splits one line on commas. A field in double quotes may contain commas; "" is a quote.
std::vector<std::string> splitCsvLine(std::string_view line)
{
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::optional<double> parseNumber(const std::string& text)
{
  double value = 0.0;
  const char* end = text.data() + text.size();
  auto [last, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || last != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

struct PendingVertebra {
  std::array<std::optional<Point>, 4> corners;  // in CornerNames order
  int firstLine = 0;
};

struct PendingImage {
  ImageAnnotation annotation;
  std::map<Level, PendingVertebra> vertebrae;
};

int parseSize(const std::string& text, const std::filesystem::path& path, int line, const char* what)
{
  const auto value = parseNumber(text);
  if (!value || *value < 1 || *value > 32768 || *value != std::floor(*value)) {
    throw CornersCsvError(path, line, std::string("invalid ") + what + " '" + text +
                                          "'; expected a whole number of pixels from 1 to 32768");
  }
  return static_cast<int>(*value);
}

void addRow(const std::vector<std::string>& fields, int line, const std::filesystem::path& path,
            std::unordered_map<std::string, std::size_t>& indexByName, std::vector<PendingImage>& images)
{
  if (fields.size() != ColumnCount) {
    throw CornersCsvError(path, line, "expected 7 fields (" + std::string(ExpectedHeader) + "), found " +
                                          std::to_string(fields.size()));
  }
  const std::string& name = fields[0];
  if (name.empty()) {
    throw CornersCsvError(path, line, "empty image name");
  }
  const int width = parseSize(fields[1], path, line, "width");
  const int height = parseSize(fields[2], path, line, "height");
  const auto level = parseLevel(fields[3]);
  if (!level) {
    throw CornersCsvError(path, line, "unknown vertebra '" + fields[3] + "'; expected L6..L1, T13..T1");
  }
  const auto corner = std::find_if(CornerNames.begin(), CornerNames.end(),
                                   [&](const CornerName& known) { return known.name == fields[4]; });
  if (corner == CornerNames.end()) {
    throw CornersCsvError(path, line, "unknown corner '" + fields[4] +
                                          "'; expected superior_left, superior_right, inferior_left or "
                                          "inferior_right");
  }
  const auto x = parseNumber(fields[5]);
  const auto y = parseNumber(fields[6]);
  if (!x || !y || std::abs(*x) > MaxCoordinate || std::abs(*y) > MaxCoordinate) {
    throw CornersCsvError(path, line, "invalid coordinate '" + fields[5] + "," + fields[6] +
                                          "'; expected finite numbers within +-1e6 pixels");
  }

  auto [found, inserted] = indexByName.try_emplace(name, images.size());
  if (inserted) {
    PendingImage image;
    image.annotation.image.relativePath = name;
    image.annotation.image.width = width;
    image.annotation.image.height = height;
    images.push_back(std::move(image));
  }
  PendingImage& image = images[found->second];
  if (image.annotation.image.width != width || image.annotation.image.height != height) {
    throw CornersCsvError(path, line, "image '" + name + "' has size " + std::to_string(width) + "x" +
                                          std::to_string(height) + " here but " +
                                          std::to_string(image.annotation.image.width) + "x" +
                                          std::to_string(image.annotation.image.height) + " on an earlier row");
  }
  PendingVertebra& vertebra = image.vertebrae[*level];
  if (vertebra.firstLine == 0) {
    vertebra.firstLine = line;
  }
  auto& slot = vertebra.corners[static_cast<std::size_t>(corner - CornerNames.begin())];
  if (slot) {
    throw CornersCsvError(path, line, "corner " + fields[4] + " of " + fields[3] + " in image '" + name +
                                          "' appears twice");
  }
  slot = Point{*x, *y};
}

Point midpoint(const Point& a, const Point& b)
{
  return {(a.x + b.x) / 2.0, (a.y + b.y) / 2.0};
}

ImageAnnotation finishImage(PendingImage& image, const std::filesystem::path& path)
{
  for (const auto& [level, pending] : image.vertebrae) {
    for (std::size_t i = 0; i < CornerNames.size(); ++i) {
      if (!pending.corners[i]) {
        throw CornersCsvError(path, pending.firstLine,
                              "vertebra " + std::string(levelName(level)) + " of image '" +
                                  image.annotation.image.relativePath + "' has no " +
                                  std::string(CornerNames[i].name) + " corner; each vertebra needs all 4");
      }
    }
    Vertebra vertebra;
    for (std::size_t i = 0; i < CornerNames.size(); ++i) {
      vertebra.points[static_cast<std::size_t>(CornerNames[i].slot)] = pending.corners[i];
    }
    const auto at = [&](Slot slot) { return *vertebra.points[static_cast<std::size_t>(slot)]; };
    vertebra.points[static_cast<std::size_t>(Slot::SuperiorMiddle)] =
        midpoint(at(Slot::SuperiorFirst), at(Slot::SuperiorSecond));
    vertebra.points[static_cast<std::size_t>(Slot::InferiorMiddle)] =
        midpoint(at(Slot::InferiorFirst), at(Slot::InferiorSecond));
    image.annotation.vertebrae[level] = vertebra;
  }
  return std::move(image.annotation);
}

}  // namespace

CornersCsvError::CornersCsvError(const std::filesystem::path& path, int line, const std::string& problem)
    : std::runtime_error(path.string() + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " +
                         problem),
      m_line(line)
{
}

std::vector<ImageAnnotation> parseCornersCsv(std::istream& in, const std::filesystem::path& path)
{
  std::string text;
  int line = 0;
  std::unordered_map<std::string, std::size_t> indexByName;
  std::vector<PendingImage> pending;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
    if (line == 1) {
      if (text.starts_with("\xEF\xBB\xBF")) {
        text.erase(0, 3);  // UTF-8 byte order mark written by some spreadsheet programs
      }
      if (text != ExpectedHeader) {
        throw CornersCsvError(path, line, "unexpected header '" + text + "'; expected '" +
                                              std::string(ExpectedHeader) + "'");
      }
      continue;
    }
    if (text.empty()) {
      continue;
    }
    addRow(splitCsvLine(text), line, path, indexByName, pending);
  }
  if (line == 0) {
    throw CornersCsvError(path, 0, "the file is empty; expected the header '" + std::string(ExpectedHeader) + "'");
  }
  std::vector<ImageAnnotation> images;
  images.reserve(pending.size());
  for (auto& image : pending) {
    images.push_back(finishImage(image, path));
  }
  return images;
}

std::vector<ImageAnnotation> readCornersCsv(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw CornersCsvError(path, 0, "cannot open the file; check the path");
  }
  return parseCornersCsv(file, path);
}

}  // namespace spinemark::core::assist
