// libFuzzer target: core::loadImage on arbitrary bytes. Built once per format
// (SPINEMARK_FUZZ_FORMAT is Dicom, Png or Jpeg) so that each fuzzer spends its time in one decoder:
// inputs that the sniffer assigns to another format return -1, which keeps them out of the corpus.
// A well-formed rejection is an ImageLoadError; any other exception, crash or sanitizer report is a
// finding.
#include "core/image.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#ifndef SPINEMARK_FUZZ_FORMAT
#error "define SPINEMARK_FUZZ_FORMAT as Dicom, Png or Jpeg"
#endif

namespace {

// loadImage reads from a path (GDCM and the DICOM truncation check read the file), so each input
// goes through one file per process. /dev/shm keeps that write in memory where it exists.
std::filesystem::path scratchPath()
{
  const std::filesystem::path shm("/dev/shm");
  const std::filesystem::path folder = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
  return folder / ("spinemark-fuzz-" + std::to_string(getpid()) + ".input");
}

const std::filesystem::path& inputPath()
{
  static const std::filesystem::path s_path = scratchPath();
  return s_path;
}

bool writeInput(const std::uint8_t* data, std::size_t size)
{
  std::FILE* file = std::fopen(inputPath().c_str(), "wb");
  if (file == nullptr) {
    return false;
  }
  const bool written = std::fwrite(data, 1, size, file) == size;
  return std::fclose(file) == 0 && written;
}

void removeInput()
{
  std::error_code ignored;
  std::filesystem::remove(inputPath(), ignored);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
  spdlog::set_level(spdlog::level::off);
  std::atexit(removeInput);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using spinemark::core::ImageFormat;
  if (!writeInput(data, size)) {
    std::perror("fuzz_image_loader: cannot write the scratch input file");
    std::abort();
  }
  if (spinemark::core::sniffImageFormat(inputPath()) != ImageFormat::SPINEMARK_FUZZ_FORMAT) {
    return -1;
  }
  try {
    const spinemark::core::Image image = spinemark::core::loadImage(inputPath());
    // Every decoded image must be as large as it claims, or the renderer would read past its end.
    if (image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height)) {
      std::fprintf(stderr, "fuzz_image_loader: %zu samples for %dx%d pixels\n", image.pixels.size(), image.width,
                   image.height);
      std::abort();
    }
  } catch (const spinemark::core::ImageLoadError&) {
  }
  return 0;
}
