#include "bench/bench_data.h"

#include "core/dicom_reencode.h"
#include "core/phantom.h"

#include <gdcmTransferSyntax.h>

#include <cstdlib>

namespace spinemark::bench {
std::filesystem::path benchDataFolder()
{
  if (const char* folder = std::getenv("SPINEMARK_BENCH_DATA"); folder && *folder) {
    return folder;
  }
  return std::filesystem::temp_directory_path() / "spinemark-bench";
}

std::vector<EncodedFile> writeEncodedImages(const std::filesystem::path& folder)
{
  std::filesystem::create_directories(folder);
  const std::vector<std::pair<std::string, gdcm::TransferSyntax::TSType>> encodings = {
      {"explicit-le", gdcm::TransferSyntax::ExplicitVRLittleEndian},
      {"rle", gdcm::TransferSyntax::RLELossless},
      {"jpeg-lossless", gdcm::TransferSyntax::JPEGLosslessProcess14_1},
      {"jpeg-ls", gdcm::TransferSyntax::JPEGLSLossless},
      {"jpeg2000", gdcm::TransferSyntax::JPEG2000Lossless},
  };
  const auto plain = folder / "phantom-3000x2500-explicit-le.dcm";
  if (!std::filesystem::exists(plain)) {
    core::PhantomOptions options;
    options.width = BenchImageWidth;
    options.height = BenchImageHeight;
    options.vertebraCount = 17;
    const auto partial = std::filesystem::path(plain.string() + ".partial");
    core::writePhantomDicom(core::makePhantom(options), partial, 0.143);
    std::filesystem::rename(partial, plain);
  }
  std::vector<EncodedFile> files;
  for (const auto& [name, syntax] : encodings) {
    const auto path = folder / ("phantom-3000x2500-" + name + ".dcm");
    if (!std::filesystem::exists(path)) {
      core::reencodeDicom(plain, path, syntax);
    }
    files.push_back({name, path});
  }
  return files;
}

}  // namespace spinemark::bench
