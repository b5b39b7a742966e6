// libFuzzer target: core::parseAnnotation on arbitrary bytes. A well-formed rejection is an
// AnnotationFormatError; any other exception, crash or sanitizer report is a finding.
#include "core/annotation_json.h"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const spinemark::core::ImageAnnotation annotation = spinemark::core::parseAnnotation(json, "fuzz-input.json");
    // Writing back what was read must work for every accepted file, as the app saves it again.
    const std::string written = spinemark::core::toJson(annotation);
    (void)spinemark::core::parseAnnotation(written, "fuzz-rewritten.json");
  } catch (const spinemark::core::AnnotationFormatError&) {
  }
  return 0;
}
