// Re-encoding of DICOM images through GDCM, for the sample, benchmark, fuzzing and test files
// that spinemark generates in each transfer syntax it reads.
#pragma once

#include <gdcmTransferSyntax.h>

#include <filesystem>

namespace spinemark::core {

// Writes the image of the DICOM file source to target in the transfer syntax given, with the
// other data elements of source. target appears complete or not at all: it is written under
// another name first and renamed. Throws std::runtime_error when GDCM cannot read, encode or
// write.
void reencodeDicom(const std::filesystem::path& source, const std::filesystem::path& target,
                   gdcm::TransferSyntax::TSType syntax);

}  // namespace spinemark::core
