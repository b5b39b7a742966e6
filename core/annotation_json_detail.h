// Internal to the annotation JSON reader and writer (core/annotation_json.cpp and
// core/annotation_json_review.cpp): text output helpers, the validating Reader, and the review
// sections of schema version 2. Not part of the public core API.
#pragma once

#include "core/annotation.h"
#include "core/annotation_json.h"

#include <simdjson.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core::json_detail {

// Largest accepted |x| or |y| in pixels. Images are at most 32768 pixels wide, and landmarks may
// lie somewhat outside the image, so anything beyond this is corrupt data.
constexpr double MaxCoordinate = 1e6;

void appendString(std::string& out, std::string_view text);
void appendNumber(std::string& out, double value);
void appendNumber(std::string& out, long long value);
void appendKey(std::string& out, int indent, std::string_view key);
void requireUtf8(std::string_view text, std::string_view field, const ImageAnnotation& annotation);
void requireFinite(Point point, Level level, const ImageAnnotation& annotation);

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

  bool boolean(simdjson::dom::element element, const std::string& where) const
  {
    bool result = false;
    if (element.get_bool().get(result) != simdjson::SUCCESS) {
      fail(where + " must be true or false");
    }
    return result;
  }

  simdjson::dom::array array(simdjson::dom::element element, const std::string& where) const
  {
    simdjson::dom::array result;
    if (element.get_array().get(result) != simdjson::SUCCESS) {
      fail(where + " must be an array" + (element.is_null() ? ", not null" : ""));
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

// Review sections of schema version 2 (core/annotation_json_review.cpp). Each writer appends one
// top-level key with its trailing comma, and each reader validates and returns one key.
void appendVariants(std::string& out, const ImageAnnotation& annotation);
void appendWorkflow(std::string& out, const ImageAnnotation& annotation);
void appendComments(std::string& out, const ImageAnnotation& annotation);
void appendActiveSeconds(std::string& out, const ImageAnnotation& annotation);
void appendHistory(std::string& out, const ImageAnnotation& annotation);
std::set<Level> readVariants(const Reader& reader, simdjson::dom::object root);
Workflow readWorkflow(const Reader& reader, simdjson::dom::object root);
std::vector<ReviewComment> readComments(const Reader& reader, simdjson::dom::object root, const Orientation& orientation);
std::map<std::string, double> readActiveSeconds(const Reader& reader, simdjson::dom::object root);
std::vector<HistoryEntry> readHistory(const Reader& reader, simdjson::dom::object root, const Orientation& orientation);

}  // namespace spinemark::core::json_detail
