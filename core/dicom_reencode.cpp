#include "core/dicom_reencode.h"

#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>

#include <stdexcept>
#include <string>

namespace spinemark::core {

void reencodeDicom(const std::filesystem::path& source, const std::filesystem::path& target,
                   gdcm::TransferSyntax::TSType syntax)
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
    throw std::runtime_error(std::string("GDCM failed to encode ") + source.string() + " as " +
                             gdcm::TransferSyntax::GetTSString(syntax));
  }
  gdcm::ImageWriter writer;
  writer.SetFile(reader.GetFile());
  writer.SetImage(change.GetOutput());
  const std::filesystem::path partial(target.string() + ".partial");
  writer.SetFileName(partial.c_str());
  if (!writer.Write()) {
    throw std::runtime_error("GDCM failed to write " + partial.string());
  }
  std::filesystem::rename(partial, target);
}

}  // namespace spinemark::core
