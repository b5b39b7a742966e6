// Steps of DICOM decoding shared by the GDCM path (dicom_loader.cpp) and the path that copies
// uncompressed pixels from the file (dicom_native.cpp). Internal to core.
#pragma once

#include "core/image.h"

#include <gdcmDataSet.h>
#include <gdcmPhotometricInterpretation.h>
#include <gdcmTag.h>
#include <gdcmTransferSyntax.h>

#include <optional>
#include <string>

namespace spinemark::core::detail {

// Header values. Only the tags named here are read, and none of them identifies the patient.
namespace tags {
inline const gdcm::Tag SopInstanceUid(0x0008, 0x0018);
inline const gdcm::Tag ImagerPixelSpacing(0x0018, 0x1164);
inline const gdcm::Tag ViewPosition(0x0018, 0x5101);
inline const gdcm::Tag PatientOrientation(0x0020, 0x0020);
inline const gdcm::Tag PixelSpacing(0x0028, 0x0030);
inline const gdcm::Tag SamplesPerPixel(0x0028, 0x0002);
inline const gdcm::Tag PhotometricInterpretation(0x0028, 0x0004);
inline const gdcm::Tag NumberOfFrames(0x0028, 0x0008);
inline const gdcm::Tag Rows(0x0028, 0x0010);
inline const gdcm::Tag Columns(0x0028, 0x0011);
inline const gdcm::Tag BitsAllocated(0x0028, 0x0100);
inline const gdcm::Tag BitsStored(0x0028, 0x0101);
inline const gdcm::Tag HighBit(0x0028, 0x0102);
inline const gdcm::Tag PixelRepresentation(0x0028, 0x0103);
inline const gdcm::Tag WindowCenter(0x0028, 0x1050);
inline const gdcm::Tag WindowWidth(0x0028, 0x1051);
inline const gdcm::Tag RescaleIntercept(0x0028, 0x1052);
inline const gdcm::Tag RescaleSlope(0x0028, 0x1053);
inline const gdcm::Tag ModalityLutSequence(0x0028, 0x3000);
inline const gdcm::Tag LutDescriptor(0x0028, 0x3002);
inline const gdcm::Tag LutData(0x0028, 0x3006);
inline const gdcm::Tag VoiLutSequence(0x0028, 0x3010);
inline const gdcm::Tag PixelData(0x7FE0, 0x0010);
}  // namespace tags

// Largest decoded pixel buffer (all frames, as GDCM returns them) accepted before decoding.
// 4 GiB allows one frame of MaxImageDimension squared at 32 bits per sample.
inline constexpr unsigned long long MaxDecodedBytes = 4ull << 30;

// The value of a string element without its padding (trailing spaces and NULs), or an empty
// string when the element is absent or empty.
std::string readString(const gdcm::DataSet& dataSet, const gdcm::Tag& tag);

// The first number of a decimal string (DS) element, or nullopt when absent or not a number.
std::optional<double> readDecimal(const gdcm::DataSet& dataSet, const gdcm::Tag& tag);

// An image with the header facts that do not depend on the pixels.
Image imageShell(const gdcm::TransferSyntax& syntax, unsigned int columns, unsigned int rows, int bitsStored,
                 const gdcm::PhotometricInterpretation& photometric);

// Keeps the Bits Stored low bits of the image's unsigned 16-bit samples and sets the rescale and
// the value range.
void keepStoredBits(Image& image, int bitsStored, double slope, double intercept);

// Header values read after the pixels, because the default window depends on the value range:
// notices, header and default window, pixel spacing, orientation and SOP Instance UID.
void readHeaderFacts(Image& image, const gdcm::DataSet& dataSet, unsigned long long frameCount);

// Switches GDCM's warning and error output off, once per process. Failures reach the user as
// ImageLoadError instead.
void silenceGdcmTrace();

}  // namespace spinemark::core::detail
