// One decode of one file and nothing else, for instruction counts under callgrind, which counts
// reliably on a shared machine where wall times vary by a factor of two (docs/benchmarks.md).
//
//   spinemark_decode_once none FILE    start-up only, to subtract from the other two
//   spinemark_decode_once gdcm FILE    gdcm::ImageReader::Read plus Image::GetBuffer, as gdcm_decode
//   spinemark_decode_once load FILE    core::loadImage, as spinemark_load
#include "core/image.h"

#include <gdcmImageReader.h>
#include <gdcmTrace.h>

#include <cstdio>
#include <string_view>
#include <vector>

int main(int argc, char** argv)
{
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s none|gdcm|load FILE\n", argv[0]);
    return 2;
  }
  const std::string_view mode = argv[1];
  gdcm::Trace::WarningOff();
  if (mode == "gdcm") {
    gdcm::ImageReader reader;
    reader.SetFileName(argv[2]);
    if (!reader.Read()) {
      std::fprintf(stderr, "GDCM failed to read %s; check that it is a DICOM image\n", argv[2]);
      return 1;
    }
    std::vector<char> buffer(reader.GetImage().GetBufferLength());
    if (!reader.GetImage().GetBuffer(buffer.data())) {
      std::fprintf(stderr, "GDCM failed to decode the pixel data of %s\n", argv[2]);
      return 1;
    }
  } else if (mode == "load") {
    try {
      spinemark::core::loadImage(argv[2]);
    } catch (const spinemark::core::ImageLoadError& error) {
      std::fprintf(stderr, "%s\n", error.what());
      return 1;
    }
  }
  return 0;
}
