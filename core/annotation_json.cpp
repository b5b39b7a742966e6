#include "core/annotation_json.h"

#include "core/annotation_json_detail.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

// Writes schema version 2 and reads versions 1 and 2. Version 1 lacks vertebra statuses,
// variants, point authors, workflow, comments, history and active time; its points are credited to
// the file's annotator. A version 3 must keep this reader for the older files beside its own.

namespace spinemark::core {

using namespace json_detail;

namespace {

constexpr std::string_view SchemaId = "urn:spinemark:annotation";

constexpr std::string_view CoordinateSystemText =
    "image pixel space of the image as displayed (JPEG EXIF orientation applied): origin at the "
    "top-left corner of the top-left pixel, x to the right, y down, pixel (column c, row r) has "
    "its centre at (c + 0.5, r + 0.5)";

// ---------------------------------------------------------------------------------------------
// Writing

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

void appendCoordinates(std::string& out, Point point)
{
  out += "{\"x\": ";
  appendNumber(out, point.x);
  out += ", \"y\": ";
  appendNumber(out, point.y);
}

void appendPoint(std::string& out, Point point, const PointAuthor& author)
{
  appendCoordinates(out, point);
  if (!author.by.empty()) {
    out += ", \"by\": ";
    appendString(out, author.by);
  }
  if (author.original) {
    out += ", \"original\": ";
    appendCoordinates(out, author.original->position);
    out += ", \"by\": ";
    appendString(out, author.original->by);
    out += "}";
  }
  out += "}";
}

void appendVertebra(std::string& out, Level level, const Vertebra& vertebra, const ImageAnnotation& annotation)
{
  out += "    {\"label\": ";
  appendString(out, levelName(level));
  out += ", \"status\": ";
  appendString(out, vertebraStatusName(vertebra.status));
  out += ", \"points\": {";
  bool first = true;
  for (int i = 0; i < SlotCount; ++i) {
    const std::optional<Point>& point = vertebra.points[i];
    if (!point) {
      continue;
    }
    const PointAuthor& author = vertebra.authors[i];
    requireFinite(*point, level, annotation);
    if (author.original) {
      requireFinite(author.original->position, level, annotation);
    }
    requireUtf8(author.by, "user name of a point", annotation);
    out += first ? "\n" : ",\n";
    first = false;
    appendKey(out, 3, landmarkName(static_cast<Slot>(i), annotation.orientation));
    appendPoint(out, *point, author);
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
    if (vertebra.empty()) {
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

int checkSchema(const Reader& reader, simdjson::dom::object root)
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
  return static_cast<int>(version);
}

// simdjson keeps the first of two equal keys and ignores the second, so a file edited by hand
// could silently lose data. JSON (RFC 8259) leaves duplicates undefined; spinemark rejects them.
void checkDuplicateKeys(const Reader& reader, simdjson::dom::element element, const std::string& where)
{
  if (element.is_object()) {
    std::set<std::string_view> keys;
    for (auto [key, value] : simdjson::dom::object(element)) {
      std::string path = Reader::joinPath(where, key);
      if (!keys.insert(key).second) {
        reader.fail("the key \"" + path + "\" appears twice");
      }
      checkDuplicateKeys(reader, value, path);
    }
  } else if (element.is_array()) {
    std::size_t index = 0;
    for (simdjson::dom::element item : simdjson::dom::array(element)) {
      checkDuplicateKeys(reader, item, where + "[" + std::to_string(index++) + "]");
    }
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

Point readXy(const Reader& reader, simdjson::dom::object point, const std::string& where)
{
  return Point{readCoordinate(reader, point, "x", where), readCoordinate(reader, point, "y", where)};
}

// Version 2 points carry "by" and, once another user moved them, "original". Version 1 points
// are credited to the file's annotator.
PointAuthor readAuthor(const Reader& reader, simdjson::dom::object point, const std::string& where,
                       const std::string& fileAnnotator)
{
  PointAuthor author;
  author.by = fileAnnotator;
  if (auto by = reader.optionalField(point, "by")) {
    author.by = reader.string(*by, where + ".by");
  }
  if (auto original = reader.optionalField(point, "original")) {
    std::string originalWhere = where + ".original";
    simdjson::dom::object object = reader.object(*original, originalWhere);
    author.original = OriginalPlacement{readXy(reader, object, originalWhere),
                                        reader.stringField(object, "by", originalWhere)};
  }
  return author;
}

Vertebra readPoints(const Reader& reader, simdjson::dom::element element, const Orientation& orientation,
                    const std::string& where, const std::string& fileAnnotator)
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
    stored = readXy(reader, point, pointWhere);
    vertebra.authors[static_cast<int>(*slot)] = readAuthor(reader, point, pointWhere, fileAnnotator);
  }
  return vertebra;
}

VertebraStatus readStatus(const Reader& reader, simdjson::dom::object entry, const std::string& where, int version)
{
  if (version < 2) {
    return VertebraStatus::Visible;
  }
  std::string name = reader.stringField(entry, "status", where);
  std::optional<VertebraStatus> status = parseVertebraStatus(name);
  if (!status) {
    reader.fail(where + ".status is \"" + name + "\", expected \"visible\", \"not_visible\" or \"not_assessable\"");
  }
  return *status;
}

std::map<Level, Vertebra> readVertebrae(const Reader& reader, simdjson::dom::object root, const Orientation& orientation,
                                        int version, const std::string& fileAnnotator)
{
  simdjson::dom::array list = reader.array(reader.field(root, "vertebrae", ""), "vertebrae");
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
    Vertebra vertebra =
        readPoints(reader, reader.field(entry, "points", where), orientation, where + ".points", fileAnnotator);
    vertebra.status = readStatus(reader, entry, where, version);
    if (vertebra.skipped() && vertebra.placedCount() > 0) {
      reader.fail(where + " is marked " + std::string(vertebraStatusName(vertebra.status)) +
                  " but has points; a vertebra that is not visible or not assessable has none");
    }
    // The model keeps only vertebrae with data, so an empty visible one carries nothing to lose.
    if (!vertebra.empty()) {
      result.emplace(*level, vertebra);
    }
  }
  return result;
}

// Messages for text that simdjson would only call "not valid JSON", so the user learns what
// happened to the file.
void checkText(const Reader& reader, std::string_view json)
{
  if (json.empty()) {
    reader.fail("the file is empty (0 bytes); a crash or a full disk during an earlier save can cause this");
  }
  if (json.find_first_not_of('\0') == std::string_view::npos) {
    reader.fail("the file contains only NUL bytes (" + std::to_string(json.size()) +
                "); a crash during an earlier save on some file systems leaves this");
  }
  if (json.substr(0, 3) == "\xEF\xBB\xBF") {
    reader.fail("the file starts with a UTF-8 byte order mark, which JSON files must not have (RFC 8259). "
                "Save it again without the mark");
  }
  if (!simdjson::validate_utf8(json.data(), json.size())) {
    reader.fail("the file is not valid UTF-8 text");
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Output helpers shared with core/annotation_json_review.cpp

namespace json_detail {

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

}  // namespace json_detail

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
  appendVariants(out, annotation);
  appendVertebrae(out, annotation);
  appendWorkflow(out, annotation);
  appendComments(out, annotation);
  appendActiveSeconds(out, annotation);
  appendHistory(out, annotation);
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
  checkText(reader, json);
  if (auto error = parser.parse(padded).get(rootElement); error != simdjson::SUCCESS) {
    if (error == simdjson::NUMBER_ERROR) {
      reader.fail("the file is not valid JSON: a number is malformed or beyond the range of a 64-bit "
                  "floating-point value");
    }
    // NaN and Infinity end up here: JSON has no literal for them.
    reader.fail(std::string("the file is not valid JSON (") + simdjson::error_message(error) +
                "); it may be cut short or contain a value JSON does not allow, such as NaN");
  }
  simdjson::dom::object root = reader.object(rootElement, "the top level");

  int version = checkSchema(reader, root);
  checkDuplicateKeys(reader, rootElement, "");
  ImageAnnotation result;
  result.image = readImage(reader, root);
  result.orientation = readOrientation(reader, root);
  result.annotator = reader.stringField(root, "annotator", "");
  result.created = reader.stringField(root, "created", "");
  result.modified = reader.stringField(root, "modified", "");
  result.vertebrae =
      readVertebrae(reader, root, result.orientation, version, version < 2 ? result.annotator : std::string());
  if (version >= 2) {
    result.variants = readVariants(reader, root);
    result.workflow = readWorkflow(reader, root);
    result.comments = readComments(reader, root, result.orientation);
    result.activeSeconds = readActiveSeconds(reader, root);
    result.history = readHistory(reader, root, result.orientation);
  }
  // A variant with data belongs to the sequence even when the file does not list it (version 1).
  for (Level variant : {Level::L6, Level::T13}) {
    if (result.vertebrae.count(variant) != 0) {
      result.variants.insert(variant);
    }
  }
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
