// A walk over the raw data elements of a DICOM file that checks every defined value length
// against the file size before GDCM reads it. GDCM (3.0) allocates and clears a value's declared
// length before reading it, so one damaged length of 0xFFFFFFF0 costs 4 GiB, and the Debian
// build asserts (aborting the process) on several kinds of damaged file meta group.
#include "core/image_loaders.h"

#include <gdcmDict.h>
#include <gdcmDicts.h>
#include <gdcmGlobal.h>
#include <gdcmVR.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

namespace spinemark::core::detail {

namespace {

constexpr std::uint32_t UndefinedLength = 0xFFFFFFFF;
constexpr std::uint16_t ItemGroup = 0xFFFE;
constexpr std::uint16_t ItemElement = 0xE000;
constexpr std::uint16_t ItemDelimiterElement = 0xE00D;
constexpr std::uint16_t SequenceDelimiterElement = 0xE0DD;

struct Encoding {
  bool explicitVr = true;
  bool bigEndian = false;
};

// The value representations in GDCM 3.0's VR table (gdcmVR.cxx), and those of them whose explicit
// VR header has 2 reserved bytes and a 32-bit length.
constexpr std::string_view KnownVrs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
                                         "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST",
                                         "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"};
constexpr std::string_view LongVrs[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};

bool contains(const std::string_view* begin, const std::string_view* end, std::string_view vr)
{
  return std::find(begin, end, vr) != end;
}

bool isKnownVr(std::string_view vr)
{
  return contains(std::begin(KnownVrs), std::end(KnownVrs), vr);
}

// GDCM 3.0 reads two printable ASCII characters that name no known VR as UN, which has the 32-bit
// length, so such an element is walked as UN too.
bool hasLongLength(std::string_view vr)
{
  return contains(std::begin(LongVrs), std::end(LongVrs), vr) || !isKnownVr(vr);
}

bool isPrintableVr(std::string_view vr)
{
  return std::all_of(vr.begin(), vr.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// Returns the VR that GDCM's dictionary gives an image attribute (group 0028, and Imager Pixel
// Spacing) when its explicit VR is not compatible with it, or an empty string. GDCM 3.0.21 reads
// many of these through gdcm::Attribute while ImageReader::Read runs, which asserts that the VRs
// are compatible. UN, and unknown VRs that GDCM reads as UN, are accepted as GDCM accepts them.
std::string mismatchedImageVr(std::uint16_t group, std::uint16_t element, std::string_view vr)
{
  const bool imageAttribute = group == 0x0028 || (group == 0x0018 && element == 0x1164);
  if (!imageAttribute || vr == "UN" || !isKnownVr(vr)) {
    return {};
  }
  const gdcm::VR expected = gdcm::Global::GetInstance().GetDicts().GetDictEntry(gdcm::Tag(group, element)).GetVR();
  if (expected == gdcm::VR::INVALID || expected == gdcm::VR::VR_END) {
    return {};  // not in the dictionary
  }
  const std::string name(vr);
  if (expected.Compatible(gdcm::VR(gdcm::VR::GetVRType(name.c_str())))) {
    return {};
  }
  const char* expectedName = gdcm::VR::GetVRString(expected);
  return expectedName ? expectedName : "another VR";
}

class ElementWalker {
 public:
  ElementWalker(const std::filesystem::path& path, std::span<const std::uint8_t> bytes)
      : m_path(path), m_bytes(bytes)
  {
  }

  // Returns the transfer syntax UID of the file meta header, or an empty string without one.
  std::string walk()
  {
    std::size_t offset = walkFileMeta(startOffset());
    if (m_deflated) {
      return m_transferSyntax;  // the rest is a deflate stream, which GDCM inflates with its own checks
    }
    while (offset < m_bytes.size()) {
      offset = walkElement(offset, m_dataSet);
    }
    return m_transferSyntax;
  }

 private:
  // After the preamble and "DICM", or 0 for a file that starts with its first data element.
  std::size_t startOffset()
  {
    if (m_bytes.size() >= 132 && std::memcmp(m_bytes.data() + 128, "DICM", 4) == 0) {
      m_preamble = true;
      return 132;
    }
    // Without a file meta group the encoding is guessed as GDCM does: an explicit VR has two
    // upper-case letters after the tag.
    m_dataSet.explicitVr = m_bytes.size() >= 6 && std::isupper(m_bytes[4]) && std::isupper(m_bytes[5]);
    return 0;
  }

  // Walks the group 0002 elements as GDCM 3.0.21 reads them (gdcm::FileMetaInformation::Read and
  // ReadCompat) and returns the offset of the first data set element. GDCM's Debian build aborts
  // on an assertion where a meta element is a sequence, has an undefined length or runs past the
  // end of the file, and where the file ends right after the meta group.
  std::size_t walkFileMeta(std::size_t offset)
  {
    if (readGroup(offset, Encoding{}) != 0x0002) {
      return offset;
    }
    // GDCM reads the group as explicit VR when it starts with (0002,0000) UL after the preamble,
    // or when the VR of its first element is a known one, and as implicit VR otherwise.
    const bool explicitVr = (m_preamble && startsWithGroupLength(offset)) || (offset + 6 <= m_bytes.size() &&
                                                                               isKnownVr(vrAt(offset)));
    while (offset < m_bytes.size() && readGroup(offset, Encoding{}) == 0x0002) {
      checkMetaElement(offset, explicitVr);
      offset = walkElement(offset, Encoding{explicitVr, false});
    }
    require(offset, 8, "the file ends after the file meta information, where the data set should begin");
    return offset;
  }

  bool startsWithGroupLength(std::size_t offset) const
  {
    return offset + 6 <= m_bytes.size() && read16(offset + 2, false) == 0x0000 && vrAt(offset) == "UL";
  }

  void checkMetaElement(std::size_t offset, bool explicitVr) const
  {
    require(offset, 8, "a file meta element header ends early");
    const std::string name = "file meta element " + tagName(0x0002, read16(offset + 2, false));
    if (explicitVr && !isPrintableVr(vrAt(offset))) {
      fail(offset, name + " has no valid VR, although the file meta information is explicit VR");
    }
    if (explicitVr && vrAt(offset) == "SQ") {
      fail(offset, name + " is a sequence, which the file meta information cannot contain");
    }
    const bool longLength = !explicitVr || hasLongLength(vrAt(offset));
    const std::size_t lengthOffset = offset + (explicitVr ? 8 : 4);
    require(offset, lengthOffset + 4 - offset, "the header of " + name + " ends early");
    if (longLength && read32(lengthOffset, false) == UndefinedLength) {
      fail(offset, name + " has an undefined length, which the file meta information cannot contain");
    }
  }

  std::string_view vrAt(std::size_t offset) const
  {
    return {reinterpret_cast<const char*>(m_bytes.data()) + offset + 4, 2};
  }

  std::uint16_t read16(std::size_t offset, bool bigEndian) const
  {
    const std::uint8_t* b = m_bytes.data() + offset;
    return bigEndian ? static_cast<std::uint16_t>((b[0] << 8) | b[1]) : static_cast<std::uint16_t>(b[0] | (b[1] << 8));
  }

  std::uint32_t read32(std::size_t offset, bool bigEndian) const
  {
    const std::uint8_t* b = m_bytes.data() + offset;
    if (bigEndian) {
      return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    }
    return (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[1]} << 8) | b[0];
  }

  std::uint16_t readGroup(std::size_t offset, const Encoding& encoding) const
  {
    return offset + 2 <= m_bytes.size() ? read16(offset, encoding.bigEndian) : 0;
  }

  std::string tagName(std::uint16_t group, std::uint16_t element) const
  {
    char text[16];
    std::snprintf(text, sizeof text, "(%04X,%04X)", group, element);
    return text;
  }

  // Raises the error for something found at offset, which problem describes.
  [[noreturn]] void fail(std::size_t offset, const std::string& problem) const
  {
    throw ImageLoadError(m_path, "at byte " + std::to_string(offset) + " of " + std::to_string(m_bytes.size()) +
                                     ", " + problem +
                                     "; the file is truncated or damaged, so copy or export it again from its source");
  }

  void require(std::size_t offset, std::size_t count, const std::string& problem) const
  {
    if (count > m_bytes.size() - offset) {
      fail(offset, problem);
    }
  }

  std::string lengthProblem(const std::string& what, std::uint32_t length, std::size_t value) const
  {
    return what + " declares " + std::to_string(length) + " bytes of value, but only " +
           std::to_string(m_bytes.size() - value) + " follow";
  }

  // Checks one element or item header and returns the offset of what follows it: the next element,
  // or the first element inside a sequence or item, which are walked like the top level.
  std::size_t walkElement(std::size_t offset, const Encoding& encoding)
  {
    require(offset, 8, "a data element header ends early");
    const std::uint16_t group = read16(offset, encoding.bigEndian);
    const std::uint16_t element = read16(offset + 2, encoding.bigEndian);
    if (group == ItemGroup) {
      return walkItem(offset, encoding, element);
    }
    if (m_inFragments) {
      // GDCM reads the whole data set again with another parser when this happens, which found
      // lengths of gigabytes inside the compressed bytes.
      fail(offset, "the encapsulated Pixel Data contains " + tagName(group, element) +
                       " where DICOM requires an item or the sequence delimiter");
    }
    std::size_t header = 8;
    std::uint32_t length = 0;
    bool sequence = false;
    if (encoding.explicitVr && !isPrintableVr(vrAt(offset))) {
      // GDCM reads an element without a VR in an explicit VR little endian data set as implicit
      // VR. In a big endian data set it reads everything again as little endian, with lengths
      // that this walk cannot predict, so such a file is rejected.
      if (encoding.bigEndian) {
        fail(offset, "element " + tagName(group, element) + " has no valid VR in an explicit VR big endian data set");
      }
      length = read32(offset + 4, encoding.bigEndian);
    } else if (encoding.explicitVr) {
      const std::string_view vr = vrAt(offset);
      const std::string expected = mismatchedImageVr(group, element, vr);
      if (!expected.empty()) {
        fail(offset, "element " + tagName(group, element) + " has VR " + std::string(vr) + ", but DICOM defines " +
                         expected + " for it");
      }
      if (hasLongLength(vr)) {
        require(offset, 12, "the header of element " + tagName(group, element) + " ends early");
        length = read32(offset + 8, encoding.bigEndian);
        header = 12;
      } else {
        length = read16(offset + 6, encoding.bigEndian);
      }
      sequence = vr == "SQ";
      checkUndefinedLength(offset, group, element, vr, length);
    } else {
      length = read32(offset + 4, encoding.bigEndian);
    }
    const std::size_t value = offset + header;
    if (length == UndefinedLength) {
      // A sequence, or encapsulated Pixel Data whose items are fragments of compressed data.
      m_inFragments = group == 0x7FE0 && element == 0x0010;
      return value;
    }
    if (length > m_bytes.size() - value) {
      fail(offset, lengthProblem("element " + tagName(group, element), length, value));
    }
    if (group == 0x0002 && element == 0x0010) {
      readTransferSyntax(value, length);
      checkTransferSyntax(offset);
    }
    if (group == 0x0028 && element == 0x0002) {
      checkSamplesPerPixel(offset, value, length, encoding);
    }
    if (group == 0x0028 && element == 0x0100) {
      checkBitsAllocated(offset, value, length, encoding);
    }
    // An implicit VR sequence shows itself by an item tag at the start of its value. Pixel Data
    // is excluded because its first samples may have those values.
    const bool pixelData = group == 0x7FE0 && element == 0x0010;
    const bool startsWithItem = !pixelData && length >= 4 && read16(value, encoding.bigEndian) == ItemGroup &&
                                read16(value + 2, encoding.bigEndian) == ItemElement;
    if (sequence || (!encoding.explicitVr && startsWithItem)) {
      m_inFragments = false;
      return value;
    }
    return value + length;
  }

  std::size_t walkItem(std::size_t offset, const Encoding& encoding, std::uint16_t element)
  {
    // Item and delimiter headers are a tag and a 32-bit length in every transfer syntax.
    const std::uint32_t length = read32(offset + 4, encoding.bigEndian);
    const std::size_t value = offset + 8;
    // GDCM 3.0.21 reads a delimiter's length like a fragment's and allocates it, so a delimiter
    // that declares 2 GB costs 2 GB. DICOM requires 0 there.
    if ((element == SequenceDelimiterElement || element == ItemDelimiterElement) && length != 0) {
      fail(offset, "the delimitation item " + tagName(ItemGroup, element) + " declares " + std::to_string(length) +
                       " bytes, but DICOM requires 0");
    }
    if (element == SequenceDelimiterElement) {
      m_inFragments = false;
      return value;
    }
    if (element != ItemElement || length == UndefinedLength) {
      return value;  // an item delimiter, or an item of undefined length whose elements follow
    }
    if (length > m_bytes.size() - value) {
      fail(offset, lengthProblem("an item", length, value));
    }
    // A fragment holds compressed pixel bytes, not elements; an item of a sequence holds elements.
    if (!m_inFragments) {
      return value;
    }
    const bool startsWith0xFF = length >= 2 && m_bytes[value] == 0xFF;
    std::string problem;
    if (m_jpeg2000 && startsWith0xFF && m_bytes[value + 1] == 0x4F) {  // SOC
      problem = findJpeg2000HeaderProblem(m_bytes.data() + value, length);
    } else if (m_jpeg && startsWith0xFF && m_bytes[value + 1] == 0xD8) {  // SOI
      problem = findJpegHeaderProblem(m_bytes.data() + value, length, m_transferSyntax);
    }
    if (!problem.empty()) {
      fail(offset, problem);
    }
    return value + length;
  }

  // GDCM 3.0.21 asserts in ExplicitDataElement::ReadValue that an explicit VR element of undefined
  // length is a sequence, Pixel Data of VR OB, OW or UN, or another element of VR UN. A VR that
  // GDCM does not know counts as UN.
  void checkUndefinedLength(std::size_t offset, std::uint16_t group, std::uint16_t element, std::string_view vr,
                            std::uint32_t length) const
  {
    if (length != UndefinedLength || !isKnownVr(vr)) {
      return;
    }
    const bool pixelData = group == 0x7FE0 && element == 0x0010;
    const bool accepted = pixelData ? (vr == "OB" || vr == "OW" || vr == "UN") : (vr == "SQ" || vr == "UN");
    if (!accepted) {
      fail(offset, "element " + tagName(group, element) + " of VR " + std::string(vr) +
                       " has an undefined length, which DICOM allows only for sequences and encapsulated Pixel Data");
    }
  }

  // GDCM 3.0.21 aborts on an assertion (gdcm::PixelFormat::SetSamplesPerPixel) in
  // ImageReader::Read when Samples per Pixel is not 1, 3 or 4, at any level of the data set.
  void checkSamplesPerPixel(std::size_t offset, std::size_t value, std::uint32_t length,
                            const Encoding& encoding) const
  {
    const unsigned samples = length == 2 ? read16(value, encoding.bigEndian) : 0;
    if (samples != 1 && samples != 3 && samples != 4) {
      fail(offset, "Samples per Pixel (0028,0002) is " +
                       (length == 2 ? std::to_string(samples) : "a value of " + std::to_string(length) + " bytes") +
                       ", but DICOM allows only 1, 3 or 4");
    }
  }

  // Rejects a transfer syntax that spinemark does not decode. GDCM also recognizes retired ones,
  // such as JPEG extended processes 3 and 5, and can assert on their JPEG headers (see
  // findJpegProcessMismatch).
  void checkTransferSyntax(std::size_t offset) const
  {
    static constexpr std::string_view Supported[] = {
        "1.2.840.10008.1.2",      "1.2.840.10008.1.2.1",    "1.2.840.10008.1.2.2",    "1.2.840.10008.1.2.1.99",
        "1.2.840.10008.1.2.5",    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
        "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90",
        "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93"};
    if (!contains(std::begin(Supported), std::end(Supported), m_transferSyntax)) {
      throw ImageLoadError(m_path, "transfer syntax " + m_transferSyntax + " (at byte " + std::to_string(offset) +
                                       ") is not supported; convert the file to explicit VR little endian, "
                                       "for example with gdcmconv --raw");
    }
  }

  // GDCM 3.0.21 picks its JPEG decoder by the bits per sample and asserts (gdcmJPEGCodec.cxx:259)
  // while ImageReader::Read runs when none fits, as for Bits Allocated 4129. spinemark decodes 8,
  // 16 and 32 bits, and icon images may use 1.
  void checkBitsAllocated(std::size_t offset, std::size_t value, std::uint32_t length, const Encoding& encoding) const
  {
    const unsigned bits = length == 2 ? read16(value, encoding.bigEndian) : 0;
    if (bits != 1 && bits != 8 && bits != 16 && bits != 32) {
      fail(offset, "Bits Allocated (0028,0100) is " +
                       (length == 2 ? std::to_string(bits) : "a value of " + std::to_string(length) + " bytes") +
                       ", but only 1, 8, 16 and 32 are read");
    }
  }

  void readTransferSyntax(std::size_t value, std::uint32_t length)
  {
    std::string uid(reinterpret_cast<const char*>(m_bytes.data()) + value, length);
    while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) {
      uid.pop_back();
    }
    m_transferSyntax = uid;
    m_dataSet.explicitVr = uid != "1.2.840.10008.1.2";  // Implicit VR Little Endian
    m_dataSet.bigEndian = uid == "1.2.840.10008.1.2.2";  // Explicit VR Big Endian (retired)
    m_deflated = uid == "1.2.840.10008.1.2.1.99";        // Deflated Explicit VR Little Endian
    // The JPEG syntaxes that GDCM decodes with libjpeg: baseline, extended and the two lossless.
    m_jpeg = uid == "1.2.840.10008.1.2.4.50" || uid == "1.2.840.10008.1.2.4.51" ||
             uid == "1.2.840.10008.1.2.4.57" || uid == "1.2.840.10008.1.2.4.70";
    // JPEG 2000 (lossless only, lossy, and the two Part 2 multi-component syntaxes).
    m_jpeg2000 = uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" ||
                 uid == "1.2.840.10008.1.2.4.92" || uid == "1.2.840.10008.1.2.4.93";
  }

  const std::filesystem::path& m_path;
  std::span<const std::uint8_t> m_bytes;
  Encoding m_dataSet;
  bool m_preamble = false;
  bool m_deflated = false;
  std::string m_transferSyntax;
  bool m_jpeg = false;
  bool m_jpeg2000 = false;
  bool m_inFragments = false;
};

}  // namespace

std::string checkDicomElementLengths(const std::filesystem::path& path, std::span<const std::uint8_t> bytes)
{
  return ElementWalker(path, bytes).walk();
}

}  // namespace spinemark::core::detail
