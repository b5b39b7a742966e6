#include "core/annotation_json.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

// Reads and writes schema version 1, the only version so far. A version 2 must keep a reader for
// version 1 files beside its own.

namespace spinemark::core {

namespace {

constexpr std::string_view SchemaId = "urn:spinemark:annotation";

constexpr std::string_view CoordinateSystemText =
    "image pixel space of the image as displayed (JPEG EXIF orientation applied): origin at the "
    "top-left corner of the top-left pixel, x to the right, y down, pixel (column c, row r) has "
    "its centre at (c + 0.5, r + 0.5)";

// Largest accepted |x| or |y| in pixels. Images are at most 32768 pixels wide, and landmarks may
// lie somewhat outside the image, so anything beyond this is corrupt data.
constexpr double MaxCoordinate = 1e6;

// ---------------------------------------------------------------------------------------------
// Writing

void appendString(std::string& out, std::string_view text)
{
  static constexpr char Hex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out += Hex[byte >> 4];
          out += Hex[byte & 0xf];
        } else {
          out += c;  // UTF-8 sequences pass through unchanged
        }
    }
  }
  out += '"';
}

// Shortest text that parses back to the same double, independent of the global locale.
void appendNumber(std::string& out, double value)
{
  std::array<char, 32> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void appendNumber(std::string& out, long long value)
{
  std::array<char, 24> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void appendKey(std::string& out, int indent, std::string_view key)
{
  out.append(static_cast<std::size_t>(indent) * 2, ' ');
  appendString(out, key);
  out += ": ";
}

// JSON text must be UTF-8, and simdjson rejects anything else on reading, so a string that is not
// valid UTF-8 would make the saved file unreadable.
void requireUtf8(std::string_view text, std::string_view field, const ImageAnnotation& annotation)
{
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    // NOTE: a Linux file name in a legacy 8-bit encoding ends up here. Renaming the file is the fix.
    throw std::invalid_argument("Cannot save the annotation of " + annotation.image.relativePath + ": the " +
                                std::string(field) + " is not valid UTF-8. Rename the file or change the user name.");
  }
}

void requireFinite(Point point, Level level, const ImageAnnotation& annotation)
{
  if (!std::isfinite(point.x) || !std::isfinite(point.y)) {
    throw std::invalid_argument("Cannot save the annotation of " + annotation.image.relativePath + ": a landmark of " +
                                std::string(levelName(level)) + " has a non-finite coordinate. Undo the last edit.");
  }
}

std::string_view spacingSourceName(SpacingSource source)
{
  return source == SpacingSource::ImagerPixelSpacing ? "ImagerPixelSpacing" : "PixelSpacing";
}

std::string_view orientationSourceName(Orientation::Source source)
{
  switch (source) {
    case Orientation::Source::Default: return "default";
    case Orientation::Source::Dicom: return "dicom";
    case Orientation::Source::Annotator: return "annotator";
  }
  return "default";
}

void appendImage(std::string& out, const ImageIdentity& image)
{
  out += "  \"image\": {\n";
  appendKey(out, 2, "path");
  appendString(out, image.relativePath);
  out += ",\n";
  appendKey(out, 2, "width");
  appendNumber(out, static_cast<long long>(image.width));
  out += ",\n";
  appendKey(out, 2, "height");
  appendNumber(out, static_cast<long long>(image.height));
  out += ",\n";
  appendKey(out, 2, "sha256");
  appendString(out, image.sha256);
  if (!image.sopInstanceUid.empty()) {
    out += ",\n";
    appendKey(out, 2, "sop_instance_uid");
    appendString(out, image.sopInstanceUid);
  }
  if (image.spacing.known()) {
    out += ",\n";
    appendKey(out, 2, "pixel_spacing_mm");
    out += "{\"row\": ";
    appendNumber(out, image.spacing.rowMm);
    out += ", \"column\": ";
    appendNumber(out, image.spacing.columnMm);
    out += ", \"source\": ";
    appendString(out, spacingSourceName(image.spacing.source));
    out += "}";
  }
  out += "\n  },\n";
}

void appendOrientation(std::string& out, const Orientation& orientation)
{
  appendKey(out, 1, "orientation");
  out += "{\"view\": ";
  appendString(out, viewName(orientation.view));
  out += orientation.view == View::Lateral ? ", \"anterior_on\": " : ", \"patient_right_on\": ";
  appendString(out, orientation.firstSideIsRightOrAnterior ? "image_left" : "image_right");
  out += ", \"source\": ";
  appendString(out, orientationSourceName(orientation.source));
  out += "},\n";
}

void appendVertebra(std::string& out, Level level, const Vertebra& vertebra, const ImageAnnotation& annotation)
{
  out += "    {\"label\": ";
  appendString(out, levelName(level));
  out += ", \"points\": {";
  bool first = true;
  for (int i = 0; i < SlotCount; ++i) {
    const std::optional<Point>& point = vertebra.points[i];
    if (!point) {
      continue;
    }
    requireFinite(*point, level, annotation);
    out += first ? "\n" : ",\n";
    first = false;
    appendKey(out, 3, landmarkName(static_cast<Slot>(i), annotation.orientation));
    out += "{\"x\": ";
    appendNumber(out, point->x);
    out += ", \"y\": ";
    appendNumber(out, point->y);
    out += "}";
  }
  out += first ? "}}" : "\n    }}";
}

void appendVertebrae(std::string& out, const ImageAnnotation& annotation)
{
  appendKey(out, 1, "vertebrae");
  out += "[";
  bool first = true;
  // std::map orders by the Level enum, which runs caudal to cranial.
  for (const auto& [level, vertebra] : annotation.vertebrae) {
    if (vertebra.placedCount() == 0) {
      continue;
    }
    out += first ? "\n" : ",\n";
    first = false;
    appendVertebra(out, level, vertebra, annotation);
  }
  out += first ? "],\n" : "\n  ],\n";
}

void appendTextField(std::string& out, std::string_view key, std::string_view value, bool last)
{
  appendKey(out, 1, key);
  appendString(out, value);
  out += last ? "\n" : ",\n";
}

// ---------------------------------------------------------------------------------------------
// Reading

// Collects the file path for messages and turns each problem into AnnotationFormatError.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : m_path(path) {}

  [[noreturn]] void fail(const std::string& problem) const
  {
    throw AnnotationFormatError(m_path, problem + ". Correct the file, or move it aside to annotate the image again");
  }

  simdjson::dom::object object(simdjson::dom::element element, const std::string& where) const
  {
    simdjson::dom::object result;
    if (element.get_object().get(result) != simdjson::SUCCESS) {
      fail(where + " must be an object");
    }
    return result;
  }

  simdjson::dom::element field(simdjson::dom::object parent, std::string_view key, const std::string& where) const
  {
    simdjson::dom::element result;
    if (parent.at_key(key).get(result) != simdjson::SUCCESS) {
      fail("missing field \"" + joinPath(where, key) + "\"");
    }
    return result;
  }

  // The one helper for optional keys: nullopt when absent, so callers keep their defaults.
  std::optional<simdjson::dom::element> optionalField(simdjson::dom::object parent, std::string_view key) const
  {
    simdjson::dom::element result;
    if (parent.at_key(key).get(result) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    return result;
  }

  std::string string(simdjson::dom::element element, const std::string& where) const
  {
    std::string_view result;
    if (element.get_string().get(result) != simdjson::SUCCESS) {
      fail(where + " must be a string");
    }
    return std::string(result);
  }

  std::int64_t integer(simdjson::dom::element element, const std::string& where) const
  {
    std::int64_t result = 0;
    if (element.get_int64().get(result) != simdjson::SUCCESS) {
      fail(where + " must be an integer");
    }
    return result;
  }

  double number(simdjson::dom::element element, const std::string& where) const
  {
    double result = 0.0;
    if (element.get_double().get(result) != simdjson::SUCCESS) {
      fail(where + " must be a number");
    }
    return result;
  }

  std::string stringField(simdjson::dom::object parent, std::string_view key, const std::string& where) const
  {
    return string(field(parent, key, where), joinPath(where, key));
  }

  const std::filesystem::path& path() const { return m_path; }

  static std::string joinPath(const std::string& where, std::string_view key)
  {
    return where.empty() ? std::string(key) : where + "." + std::string(key);
  }

 private:
  std::filesystem::path m_path;
};

void checkSchema(const Reader& reader, simdjson::dom::object root)
{
  std::string schema = reader.stringField(root, "schema", "");
  if (schema != SchemaId) {
    reader.fail("this is not a spinemark annotation file: \"schema\" is \"" + schema + "\", expected \"" +
                std::string(SchemaId) + "\"");
  }
  std::int64_t version = reader.integer(reader.field(root, "schema_version", ""), "schema_version");
  if (version > AnnotationSchemaVersion) {
    throw AnnotationFormatError(reader.path(), "it uses annotation schema version " + std::to_string(version) +
                                                   ", but this spinemark reads versions up to " +
                                                   std::to_string(AnnotationSchemaVersion) +
                                                   ". Upgrade spinemark to open it, and do not edit it with this version");
  }
  if (version < 1) {
    reader.fail("schema_version " + std::to_string(version) + " is invalid; versions start at 1");
  }
}

int readDimension(const Reader& reader, simdjson::dom::object image, std::string_view key)
{
  std::string where = "image." + std::string(key);
  std::int64_t value = reader.integer(reader.field(image, key, "image"), where);
  if (value < 1 || value > MaxImageDimension) {
    reader.fail(where + " is " + std::to_string(value) + ", expected 1 to " + std::to_string(MaxImageDimension));
  }
  return static_cast<int>(value);
}

double readSpacingValue(const Reader& reader, simdjson::dom::object spacing, std::string_view key)
{
  std::string where = "image.pixel_spacing_mm." + std::string(key);
  double value = reader.number(reader.field(spacing, key, "image.pixel_spacing_mm"), where);
  if (!std::isfinite(value) || value <= 0.0) {
    reader.fail(where + " must be a positive number of millimetres");
  }
  return value;
}

PixelSpacing readSpacing(const Reader& reader, simdjson::dom::element element)
{
  simdjson::dom::object spacing = reader.object(element, "image.pixel_spacing_mm");
  PixelSpacing result;
  result.rowMm = readSpacingValue(reader, spacing, "row");
  result.columnMm = readSpacingValue(reader, spacing, "column");
  std::string source = reader.stringField(spacing, "source", "image.pixel_spacing_mm");
  if (source == "PixelSpacing") {
    result.source = SpacingSource::PixelSpacing;
  } else if (source == "ImagerPixelSpacing") {
    result.source = SpacingSource::ImagerPixelSpacing;
  } else {
    reader.fail("image.pixel_spacing_mm.source is \"" + source + "\", expected \"PixelSpacing\" or \"ImagerPixelSpacing\"");
  }
  return result;
}

ImageIdentity readImage(const Reader& reader, simdjson::dom::object root)
{
  simdjson::dom::object image = reader.object(reader.field(root, "image", ""), "image");
  ImageIdentity result;
  result.relativePath = reader.stringField(image, "path", "image");
  result.width = readDimension(reader, image, "width");
  result.height = readDimension(reader, image, "height");
  result.sha256 = reader.stringField(image, "sha256", "image");
  if (auto uid = reader.optionalField(image, "sop_instance_uid")) {
    result.sopInstanceUid = reader.string(*uid, "image.sop_instance_uid");
  }
  if (auto spacing = reader.optionalField(image, "pixel_spacing_mm")) {
    result.spacing = readSpacing(reader, *spacing);
  }
  return result;
}

bool readImageSide(const Reader& reader, simdjson::dom::object orientation, std::string_view key)
{
  std::string side = reader.stringField(orientation, key, "orientation");
  if (side != "image_left" && side != "image_right") {
    reader.fail("orientation." + std::string(key) + " is \"" + side + "\", expected \"image_left\" or \"image_right\"");
  }
  return side == "image_left";
}

Orientation readOrientation(const Reader& reader, simdjson::dom::object root)
{
  simdjson::dom::object orientation = reader.object(reader.field(root, "orientation", ""), "orientation");
  Orientation result;
  std::string view = reader.stringField(orientation, "view", "orientation");
  std::optional<View> parsedView = parseView(view);
  if (!parsedView) {
    reader.fail("orientation.view is \"" + view + "\", expected \"AP\", \"PA\" or \"lateral\"");
  }
  result.view = *parsedView;
  result.firstSideIsRightOrAnterior =
      readImageSide(reader, orientation, result.view == View::Lateral ? "anterior_on" : "patient_right_on");

  std::string source = reader.stringField(orientation, "source", "orientation");
  if (source == "default") {
    result.source = Orientation::Source::Default;
  } else if (source == "dicom") {
    result.source = Orientation::Source::Dicom;
  } else if (source == "annotator") {
    result.source = Orientation::Source::Annotator;
  } else {
    reader.fail("orientation.source is \"" + source + "\", expected \"default\", \"dicom\" or \"annotator\"");
  }
  return result;
}

double readCoordinate(const Reader& reader, simdjson::dom::object point, std::string_view key, const std::string& where)
{
  std::string fieldWhere = Reader::joinPath(where, key);
  double value = reader.number(reader.field(point, key, where), fieldWhere);
  if (!std::isfinite(value) || std::abs(value) > MaxCoordinate) {
    reader.fail(fieldWhere + " is out of range: coordinates must be finite image pixels within +-" +
                std::to_string(static_cast<long long>(MaxCoordinate)));
  }
  return value;
}

Vertebra readPoints(const Reader& reader, simdjson::dom::element element, const Orientation& orientation,
                    const std::string& where)
{
  Vertebra vertebra;
  for (auto [key, value] : reader.object(element, where)) {
    std::string pointWhere = where + "." + std::string(key);
    std::optional<Slot> slot = parseLandmarkName(key, orientation);
    if (!slot) {
      reader.fail(pointWhere + ": \"" + std::string(key) + "\" is not a landmark name of a " +
                  std::string(viewName(orientation.view)) + " view with this orientation");
    }
    std::optional<Point>& stored = vertebra.points[static_cast<int>(*slot)];
    if (stored) {
      reader.fail(pointWhere + " appears twice");
    }
    simdjson::dom::object point = reader.object(value, pointWhere);
    stored = Point{readCoordinate(reader, point, "x", pointWhere), readCoordinate(reader, point, "y", pointWhere)};
  }
  return vertebra;
}

std::map<Level, Vertebra> readVertebrae(const Reader& reader, simdjson::dom::object root, const Orientation& orientation)
{
  simdjson::dom::array list;
  if (reader.field(root, "vertebrae", "").get_array().get(list) != simdjson::SUCCESS) {
    reader.fail("vertebrae must be an array");
  }
  std::map<Level, Vertebra> result;
  std::size_t index = 0;
  for (simdjson::dom::element item : list) {
    std::string where = "vertebrae[" + std::to_string(index++) + "]";
    simdjson::dom::object entry = reader.object(item, where);
    std::string label = reader.stringField(entry, "label", where);
    std::optional<Level> level = parseLevel(label);
    if (!level) {
      reader.fail(where + ".label \"" + label + "\" is not a vertebra level (L6 to L1, T13 to T1)");
    }
    if (result.count(*level) != 0) {
      reader.fail(where + ".label \"" + label + "\" appears more than once");
    }
    Vertebra vertebra = readPoints(reader, reader.field(entry, "points", where), orientation, where + ".points");
    // The model keeps only vertebrae with points, so an empty one carries no data to lose.
    if (vertebra.placedCount() > 0) {
      result.emplace(*level, vertebra);
    }
  }
  return result;
}

}  // namespace

std::string toJson(const ImageAnnotation& annotation)
{
  requireUtf8(annotation.image.relativePath, "image path", annotation);
  requireUtf8(annotation.image.sopInstanceUid, "SOP Instance UID", annotation);
  requireUtf8(annotation.annotator, "annotator name", annotation);

  std::string out = "{\n";
  appendTextField(out, "schema", SchemaId, false);
  appendKey(out, 1, "schema_version");
  appendNumber(out, static_cast<long long>(AnnotationSchemaVersion));
  out += ",\n";
  appendImage(out, annotation.image);
  appendTextField(out, "coordinate_system", CoordinateSystemText, false);
  appendOrientation(out, annotation.orientation);
  appendVertebrae(out, annotation);
  appendTextField(out, "annotator", annotation.annotator, false);
  appendTextField(out, "created", annotation.created, false);
  appendTextField(out, "modified", annotation.modified, true);
  out += "}\n";
  return out;
}

AnnotationFormatError::AnnotationFormatError(const std::filesystem::path& path, const std::string& problem)
    : std::runtime_error("Cannot load annotation file " + path.string() + ": " + problem), m_path(path)
{
}

ImageAnnotation parseAnnotation(std::string_view json, const std::filesystem::path& path)
{
  Reader reader(path);
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element rootElement;
  if (auto error = parser.parse(padded).get(rootElement); error != simdjson::SUCCESS) {
    reader.fail(std::string("the file is not valid JSON (") + simdjson::error_message(error) + ")");
  }
  simdjson::dom::object root = reader.object(rootElement, "the top level");

  checkSchema(reader, root);
  ImageAnnotation result;
  result.image = readImage(reader, root);
  result.orientation = readOrientation(reader, root);
  result.vertebrae = readVertebrae(reader, root, result.orientation);
  result.annotator = reader.stringField(root, "annotator", "");
  result.created = reader.stringField(root, "created", "");
  result.modified = reader.stringField(root, "modified", "");
  return result;
}

ImageAnnotation readAnnotationFile(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw AnnotationFormatError(path, std::string("the file could not be opened (") + std::strerror(errno) +
                                          "). Check that it exists and is readable");
  }
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) {
    throw AnnotationFormatError(path, "reading the file failed. Check the disk and try again");
  }
  return parseAnnotation(content.str(), path);
}

}  // namespace spinemark::core
