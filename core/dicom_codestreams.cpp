// Checks of the compressed codestream headers in DICOM fragments, for the header parsers and
// decoders that GDCM 3.0.21 runs on them without bounds or consistency checks. The length walk in
// core/dicom_lengths.cpp runs the header checks before GDCM reads the file. The loader compares
// JPEG 2000 frame sizes with the data set before GDCM decodes.
#include "core/image_loaders.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

namespace spinemark::core::detail {

namespace {

// Compares the JPEG process of a fragment with the file's transfer syntax. GDCM 3.0.21 derives a
// transfer syntax from the JPEG header while ImageReader::Read runs, and asserts that it matches
// the file's (gdcmPixmapReader.cxx:1075) at least when Columns is missing. The check accepts
// baseline-coded data in an extended file, which every extended decoder reads.
std::string findJpegProcessMismatch(std::uint8_t frameMarker, std::uint8_t precision, int predictor,
                                    const std::string& transferSyntax)
{
  std::string derived;
  if (frameMarker == 0xC3 && (precision < 2 || precision > 16)) {
    // ITU-T T.81 allows 2 to 16 bits in lossless mode. GDCM 3.0.21 picks its 8, 12 or 16-bit
    // decoder by the precision and dereferences a null pointer when none fits (found by fuzzing).
    return "the lossless JPEG frame header declares " + std::to_string(precision) +
           "-bit samples, but lossless JPEG allows 2 to 16";
  }
  if (frameMarker == 0xC3) {  // lossless, Huffman
    derived = predictor == 1 ? "1.2.840.10008.1.2.4.70" : "1.2.840.10008.1.2.4.57";
  } else if ((frameMarker == 0xC0 || frameMarker == 0xC1) && precision <= 8) {
    derived = "1.2.840.10008.1.2.4.50";
  } else if ((frameMarker == 0xC0 || frameMarker == 0xC1) && precision <= 12) {
    derived = "1.2.840.10008.1.2.4.51";
  } else {
    char name[8];
    std::snprintf(name, sizeof name, "FF%02X", frameMarker);
    return "the JPEG frame header " + std::string(name) + " with " + std::to_string(precision) +
           "-bit samples is not baseline, extended or lossless Huffman coding";
  }
  const bool baselineAsExtended = derived == "1.2.840.10008.1.2.4.50" && transferSyntax == "1.2.840.10008.1.2.4.51";
  if (derived != transferSyntax && !baselineAsExtended) {
    return "the JPEG data is coded for transfer syntax " + derived + ", but the file declares " + transferSyntax;
  }
  return {};
}

}  // namespace

// Finds a JPEG 2000 main header marker segment that runs past the end of its fragment, as GDCM
// 3.0.21 reads them (JPEG2000Codec::GetHeaderInfo, through ImageReader::Read). GDCM skips each
// segment's declared length without comparing it with the bytes left and reads 10 bytes of COD,
// so such a segment makes it read outside the buffer (found by fuzz_dicom_loader as a SEGV).
// Returns the problem, or an empty string. Walks up to SOD, where GDCM stops.
// NOTE: a JP2 file format wrapper (boxes before the codestream) is not walked.
std::string findJpeg2000HeaderProblem(const std::uint8_t* data, std::size_t size)
{
  constexpr unsigned StartOfData = 0xFF93;
  constexpr unsigned CodingStyleDefault = 0xFF52;
  std::size_t offset = 0;
  while (offset + 2 <= size) {
    const unsigned marker = (unsigned{data[offset]} << 8) | data[offset + 1];
    offset += 2;
    // SOC, SOD, EOC, EPH and the reserved FF30..FF3F have no length field.
    const bool noLength = marker == 0xFF4F || marker == StartOfData || marker == 0xFFD9 || marker == 0xFF92 ||
                          (marker >= 0xFF30 && marker <= 0xFF3F);
    if (marker == StartOfData) {
      return {};
    }
    if (noLength) {
      continue;
    }
    if (offset + 2 > size) {
      return {};  // GDCM stops where no length can be read
    }
    const std::size_t length = (std::size_t{data[offset]} << 8) | data[offset + 1];
    if (length < 2) {
      return {};
    }
    char name[8];
    std::snprintf(name, sizeof name, "%04X", marker);
    if (length - 2 > size - offset - 2) {
      return "the JPEG 2000 marker " + std::string(name) + " at byte " + std::to_string(offset - 2) +
             " of its fragment declares " + std::to_string(length) + " bytes, but only " +
             std::to_string(size - offset) + " follow";
    }
    if (marker == CodingStyleDefault && length < 12) {
      return "the JPEG 2000 COD marker declares " + std::to_string(length) + " bytes, fewer than the 12 it needs";
    }
    offset += length;
  }
  return {};
}

// Finds what makes GDCM 3.0.21 abort in JPEGBITSCodec::GetHeaderInfo, which ImageReader::Read
// calls on a JPEG fragment. GDCM asserts on every libjpeg warning but one. libjpeg warns about
// bytes between marker segments and about a header that ends before SOS. Returns the problem, or
// an empty string, and walks from SOI up to SOS.
// NOTE: libjpeg's other header warnings (a JFIF major version other than 1, an unknown Adobe
// transform) are not checked.
std::string findJpegHeaderProblem(const std::uint8_t* data, std::size_t size, const std::string& transferSyntax)
{
  constexpr std::uint8_t StartOfScan = 0xDA;
  std::uint8_t frameMarker = 0;  // SOFn
  std::uint8_t precision = 0;
  std::size_t offset = 2;  // after SOI
  while (true) {
    if (offset >= size) {
      return "the JPEG header ends before its scan begins";
    }
    if (data[offset] != 0xFF) {
      return "the JPEG header has extraneous bytes at byte " + std::to_string(offset) +
             " of its fragment, where a marker should begin";
    }
    while (offset < size && data[offset] == 0xFF) {
      ++offset;  // a marker may be preceded by fill bytes 0xFF
    }
    if (offset + 3 > size) {
      return "the JPEG header ends before its scan begins";
    }
    const std::uint8_t marker = data[offset];
    const std::size_t length = (std::size_t{data[offset + 1]} << 8) | data[offset + 2];
    if (length < 2 || length > size - offset - 1) {
      char name[8];
      std::snprintf(name, sizeof name, "FF%02X", marker);
      return "the JPEG marker " + std::string(name) + " at byte " + std::to_string(offset - 1) +
             " of its fragment declares " + std::to_string(length) + " bytes, but only " +
             std::to_string(size - offset - 1) + " follow";
    }
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC && length >= 3) {
      frameMarker = marker;
      precision = data[offset + 3];
    }
    if (marker == StartOfScan) {
      // The predictor Ss follows Ns and the Ns component selectors.
      const std::size_t components = length >= 3 ? data[offset + 3] : 0;
      const std::size_t predictorOffset = offset + 4 + 2 * components;
      const int predictor = 4 + 2 * components < length ? data[predictorOffset] : -1;
      return findJpegProcessMismatch(frameMarker, precision, predictor, transferSyntax);
    }
    offset += 1 + length;
  }
}

namespace {

std::uint32_t bigEndian16(const std::uint8_t* bytes) { return (std::uint32_t{bytes[0]} << 8) | bytes[1]; }

std::uint32_t bigEndian32(const std::uint8_t* bytes) { return (bigEndian16(bytes) << 16) | bigEndian16(bytes + 2); }

std::string frameMismatch(const char* codestream, unsigned columns, unsigned rows, unsigned components,
                          unsigned precision, const DeclaredImage& declared)
{
  if (columns == declared.columns && rows == declared.rows && components == declared.samplesPerPixel &&
      precision <= declared.bitsAllocated) {
    return {};
  }
  return std::string("the ") + codestream + " data declares " + std::to_string(columns) + "x" + std::to_string(rows) +
         " pixels of " + std::to_string(components) + " components at " + std::to_string(precision) +
         " bits, but the DICOM header declares " + std::to_string(declared.columns) + "x" +
         std::to_string(declared.rows) + " pixels of " + std::to_string(declared.samplesPerPixel) + " samples in " +
         std::to_string(declared.bitsAllocated) + " bits";
}

}  // namespace

std::string findJpeg2000FrameMismatch(const std::uint8_t* data, std::size_t size, const DeclaredImage& declared)
{
  // SOC, then SIZ: Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, four tile fields, Csiz, then Ssiz, XRsiz
  // and YRsiz per component.
  constexpr std::size_t ComponentsAt = 4 + 2 + 2 + 8 * 4;
  if (size < ComponentsAt + 2 || bigEndian16(data) != 0xFF4F || bigEndian16(data + 2) != 0xFF51) {
    return {};
  }
  const std::uint32_t width = bigEndian32(data + 8) - std::min(bigEndian32(data + 8), bigEndian32(data + 16));
  const std::uint32_t height = bigEndian32(data + 12) - std::min(bigEndian32(data + 12), bigEndian32(data + 20));
  const unsigned components = bigEndian16(data + ComponentsAt);
  unsigned precision = 0;
  for (unsigned component = 0; component < components; ++component) {
    const std::size_t at = ComponentsAt + 2 + 3 * std::size_t{component};
    if (at + 3 > size) {
      return "the JPEG 2000 SIZ marker ends inside its component " + std::to_string(component);
    }
    precision = std::max(precision, (data[at] & 0x7Fu) + 1);
    if (data[at + 1] != 1 || data[at + 2] != 1) {
      return "the JPEG 2000 component " + std::to_string(component) + " is subsampled, which spinemark does not read";
    }
  }
  return frameMismatch("JPEG 2000", width, height, components, precision, declared);
}

}  // namespace spinemark::core::detail
