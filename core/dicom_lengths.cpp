// A walk over the raw data elements of a DICOM file that checks every defined value length
// against the file size before GDCM reads it. GDCM (3.0) allocates and clears a value's declared
// length before reading it, so one damaged length of 0xFFFFFFF0 costs 4 GiB, and the Debian
// build asserts (aborting the process) when a file meta element is cut short.
#include "core/image_loaders.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace spinemark::core::detail {

namespace {

constexpr std::uint32_t UndefinedLength = 0xFFFFFFFF;
constexpr std::uint16_t ItemGroup = 0xFFFE;
constexpr std::uint16_t ItemElement = 0xE000;
constexpr std::uint16_t SequenceDelimiterElement = 0xE0DD;

struct Encoding {
  bool explicitVr = true;
  bool bigEndian = false;
};

class ElementWalker {
 public:
  ElementWalker(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes)
      : m_path(path), m_bytes(bytes)
  {
  }

  void walk()
  {
    std::size_t offset = startOffset();
    // The file meta group is explicit VR little endian. GDCM reads an element without a valid VR
    // as implicit VR instead (and asserts when that value is cut short), so such an element is
    // checked with the implicit 32-bit length too.
    while (offset < m_bytes.size() && readGroup(offset, Encoding{}) == 0x0002) {
      offset = walkElement(offset, Encoding{hasLetterVr(offset), false});
    }
    if (m_deflated) {
      return;  // the rest is a deflate stream, which GDCM inflates with its own checks
    }
    while (offset < m_bytes.size()) {
      offset = walkElement(offset, m_dataSet);
    }
  }

 private:
  // After the preamble and "DICM", or 0 for a file that starts with its first data element.
  std::size_t startOffset()
  {
    if (m_bytes.size() >= 132 && std::memcmp(m_bytes.data() + 128, "DICM", 4) == 0) {
      return 132;
    }
    // Without a file meta group the encoding is guessed as GDCM does: an explicit VR has two
    // upper-case letters after the tag.
    m_dataSet.explicitVr = m_bytes.size() >= 6 && std::isupper(m_bytes[4]) && std::isupper(m_bytes[5]);
    return 0;
  }

  bool hasLetterVr(std::size_t offset) const
  {
    return offset + 6 <= m_bytes.size() && std::isupper(m_bytes[offset + 4]) && std::isupper(m_bytes[offset + 5]);
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
                                     ", " + problem + "; the file is truncated or damaged");
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
    std::size_t header = 8;
    std::uint32_t length = 0;
    bool sequence = false;
    if (encoding.explicitVr) {
      const std::string_view vr(reinterpret_cast<const char*>(m_bytes.data()) + offset + 4, 2);
      static constexpr std::string_view LongVrs[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                                     "SV", "UC", "UN", "UR", "UT", "UV"};
      bool longForm = false;
      for (std::string_view candidate : LongVrs) {
        longForm = longForm || vr == candidate;
      }
      if (longForm) {
        require(offset, 12, "the header of element " + tagName(group, element) + " ends early");
        length = read32(offset + 8, encoding.bigEndian);
        header = 12;
      } else {
        length = read16(offset + 6, encoding.bigEndian);
      }
      sequence = vr == "SQ";
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
    return m_inFragments ? value + length : value;
  }

  void readTransferSyntax(std::size_t value, std::uint32_t length)
  {
    std::string uid(reinterpret_cast<const char*>(m_bytes.data()) + value, length);
    while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) {
      uid.pop_back();
    }
    m_dataSet.explicitVr = uid != "1.2.840.10008.1.2";  // Implicit VR Little Endian
    m_dataSet.bigEndian = uid == "1.2.840.10008.1.2.2";  // Explicit VR Big Endian (retired)
    m_deflated = uid == "1.2.840.10008.1.2.1.99";        // Deflated Explicit VR Little Endian
  }

  const std::filesystem::path& m_path;
  const std::vector<std::uint8_t>& m_bytes;
  Encoding m_dataSet;
  bool m_deflated = false;
  bool m_inFragments = false;
};

}  // namespace

void checkDicomElementLengths(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes)
{
  ElementWalker(path, bytes).walk();
}

}  // namespace spinemark::core::detail
