#include "bench/bench_data.h"

#include "core/phantom.h"

#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>
#include <gdcmTransferSyntax.h>

#include <cstdlib>
#include <stdexcept>

namespace spinemark::bench {
namespace {

void reencode(const std::filesystem::path& source, const std::filesystem::path& target, gdcm::TransferSyntax syntax)
{
  gdcm::ImageReader reader;
  reader.SetFileName(source.c_str());
  if (!reader.Read()) {
    throw std::runtime_error("GDCM failed to read " + source.string());
  }
  gdcm::ImageChangeTransferSyntax change;
  change.SetTransferSyntax(syntax);
  change.SetInput(reader.GetImage());
  if (!change.Change()) {
    throw std::runtime_error(std::string("GDCM failed to encode ") + gdcm::TransferSyntax::GetTSString(syntax));
  }
  gdcm::ImageWriter writer;
  writer.SetFile(reader.GetFile());
  writer.SetImage(change.GetOutput());
  const auto partial = std::filesystem::path(target.string() + ".partial");
  writer.SetFileName(partial.c_str());
  if (!writer.Write()) {
    throw std::runtime_error("GDCM failed to write " + partial.string());
  }
  std::filesystem::rename(partial, target);
}

}  // namespace

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
      reencode(plain, path, syntax);
    }
    files.push_back({name, path});
  }
  return files;
}

}  // namespace spinemark::bench
