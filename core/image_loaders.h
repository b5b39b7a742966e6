// Format-specific decoders behind loadImage, and the steps they share. Internal to core: callers
// use loadImage, which sniffs the format first.
#pragma once

#include "core/image.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spinemark::core::detail {

// Decodes a DICOM file: loadNativeDicomImage when it applies, else loadDicomImageThroughGdcm,
// both after checkDicomElementLengths. Throws ImageLoadError.
Image loadDicomImage(const std::filesystem::path& path);
// Decodes through gdcm::ImageReader, for every transfer syntax GDCM reads. Throws ImageLoadError.
Image loadDicomImageThroughGdcm(const std::filesystem::path& path);
// Copies the first frame of uncompressed little endian Pixel Data from bytes, the file's contents,
// after GDCM has read the header up to Pixel Data. Applies to unsigned 16-bit MONOCHROME samples
// with High Bit = Bits Stored - 1 and no Modality LUT. ImageReader would copy the whole value into
// its own buffer and then into the image. Returns nullopt for any other file, and for one whose
// Pixel Data is shorter than declared, so that the GDCM path decodes or rejects it.
std::optional<Image> loadNativeDicomImage(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// Decode PNG and JPEG files through stb_image. Throw ImageLoadError.
Image loadPngImage(const std::filesystem::path& path);
Image loadJpegImage(const std::filesystem::path& path);

// Throws ImageLoadError when a data element or item of a DICOM file declares a value length
// beyond the end of the file, or the file ends inside an element header. Runs before GDCM reads
// the file, because GDCM allocates each declared length first. Returns the transfer syntax UID of
// the file meta header, or an empty string for a file without one.
std::string checkDicomElementLengths(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// Find what in the header of one fragment (JPEG 2000 codestream, or JPEG from SOI to SOS) makes
// GDCM 3.0.21 read outside the fragment or abort on an assertion. Return the problem, or an empty
// string. transferSyntax is the file's transfer syntax UID.
std::string findJpeg2000HeaderProblem(const std::uint8_t* data, std::size_t size);
std::string findJpegHeaderProblem(const std::uint8_t* data, std::size_t size, const std::string& transferSyntax);

// The image that the data set declares, which every frame's codestream must match.
struct DeclaredImage {
  unsigned columns = 0;
  unsigned rows = 0;
  unsigned samplesPerPixel = 1;
  unsigned bitsAllocated = 16;
};

// Compares the SIZ marker of a fragment that starts a JPEG 2000 codestream with the declared
// image: size, components, and a sample precision that fits Bits Allocated. GDCM 3.0.21 decodes
// into a buffer sized from the data set and writes what the codestream declares, so a larger
// codestream overwrites memory (found by fuzzing). For JPEG, GDCM sizes the image from the frame
// header instead. Returns the problem, or an empty string, also for a fragment that does not
// start a codestream.
std::string findJpeg2000FrameMismatch(const std::uint8_t* data, std::size_t size, const DeclaredImage& declared);

// Reads the whole file into memory. Throws ImageLoadError when it cannot be opened or read.
std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path);

// Throws ImageLoadError unless width and height are in 1..MaxImageDimension.
void checkDimensions(const std::filesystem::path& path, long long width, long long height);

// Sets image.minValue and image.maxValue from the samples present.
void setValueRange(Image& image);

}  // namespace spinemark::core::detail
