// Files the benchmarks read, generated on demand into a folder: one 3000x2500 12-bit radiograph
// (the spine phantom of core/phantom.h) in each DICOM encoding that annotators meet.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace spinemark::bench {

struct EncodedFile {
  std::string name;  // short label used in benchmark names, e.g. "jpeg-ls"
  std::filesystem::path path;
};

inline constexpr int BenchImageWidth = 3000;
inline constexpr int BenchImageHeight = 2500;

// Writes the phantom as explicit VR little endian, RLE lossless, JPEG lossless (process 14, first
// order prediction), JPEG-LS lossless and JPEG 2000 lossless into folder, unless the files exist
// already, and returns them in that order. Throws std::runtime_error when GDCM fails to encode.
std::vector<EncodedFile> writeEncodedImages(const std::filesystem::path& folder);

// The folder the benchmarks share: $SPINEMARK_BENCH_DATA, or spinemark-bench in the temp folder.
std::filesystem::path benchDataFolder();

}  // namespace spinemark::bench
