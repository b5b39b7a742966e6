// The shorter DICOM path: GDCM reads the header up to Pixel Data, and the first frame is copied
// from the file's bytes. For an uncompressed 3000x2500 radiograph, gdcm::ImageReader would copy
// the 15 MB value into its own buffer and then again into the image.
#include "core/dicom_steps.h"
#include "core/image_loaders.h"

#include <gdcmReader.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core::detail {

namespace {

// A little endian US value of the data set, or nullopt. gdcm::PixelFormat::GetHighBit asserts
// (aborting in Debian's build) when High Bit is not below Bits Stored, so it is read here.
std::optional<int> readWord(const gdcm::DataSet& dataSet, const gdcm::Tag& tag)
{
  if (!dataSet.FindDataElement(tag)) {
    return std::nullopt;
  }
  const gdcm::ByteValue* value = dataSet.GetDataElement(tag).GetByteValue();
  if (value == nullptr || value->GetLength() != 2) {
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(value->GetPointer());
  return bytes[0] | bytes[1] << 8;
}

// Position and length of the value of a native (not encapsulated) Pixel Data element in the file.
struct ValueSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Reads the Pixel Data element header at position. Returns nullopt unless the bytes there are
// that header with a defined length inside the file.
std::optional<ValueSpan> findPixelDataValue(std::span<const std::uint8_t> bytes, std::size_t position, bool explicitVr)
{
  const std::size_t headerBytes = explicitVr ? 12 : 8;
  if (position > bytes.size() || bytes.size() - position < headerBytes) {
    return std::nullopt;
  }
  const std::uint8_t* header = bytes.data() + position;
  const auto word = [header](std::size_t at) { return static_cast<std::uint32_t>(header[at] | header[at + 1] << 8); };
  if (word(0) != 0x7FE0 || word(2) != 0x0010) {
    return std::nullopt;
  }
  if (explicitVr) {
    const std::string_view vr(reinterpret_cast<const char*>(header + 4), 2);
    if ((vr != "OW" && vr != "OB" && vr != "UN") || word(6) != 0) {
      return std::nullopt;
    }
  }
  const std::size_t lengthAt = headerBytes - 4;
  const std::uint32_t length = word(lengthAt) | word(lengthAt + 2) << 16;
  if (length == 0xFFFFFFFFu || length > bytes.size() - position - headerBytes) {
    return std::nullopt;
  }
  return ValueSpan{position + headerBytes, length};
}

// Header facts that the shorter path needs, read from the data elements themselves. The getters
// of gdcm::ImageHelper and gdcm::PixelFormat are not used, because they assert (aborting in
// Debian's build) on an unknown Photometric Interpretation or a High Bit not below Bits Stored,
// which ImageReader reads without aborting.
struct NativeLayout {
  unsigned columns = 0;
  unsigned rows = 0;
  unsigned long long frames = 1;
  int bitsStored = 16;
  gdcm::PhotometricInterpretation photometric;
};

// The layout of an unsigned 16-bit single-sample MONOCHROME image without Modality LUT, or nullopt
// for any other image and for any value that is missing or out of range.
std::optional<NativeLayout> readNativeLayout(const gdcm::DataSet& dataSet)
{
  const std::optional<int> bitsStored = readWord(dataSet, tags::BitsStored);
  if (readWord(dataSet, tags::SamplesPerPixel) != 1 || readWord(dataSet, tags::BitsAllocated) != 16 ||
      !bitsStored || *bitsStored < 1 || *bitsStored > 16 || readWord(dataSet, tags::HighBit) != *bitsStored - 1 ||
      readWord(dataSet, tags::PixelRepresentation) != 0 || dataSet.FindDataElement(tags::ModalityLutSequence)) {
    return std::nullopt;
  }
  NativeLayout layout;
  layout.bitsStored = *bitsStored;
  const std::string photometric = readString(dataSet, tags::PhotometricInterpretation);
  if (photometric == "MONOCHROME1") {
    layout.photometric = gdcm::PhotometricInterpretation::MONOCHROME1;
  } else if (photometric == "MONOCHROME2") {
    layout.photometric = gdcm::PhotometricInterpretation::MONOCHROME2;
  } else {
    return std::nullopt;
  }
  const std::optional<int> columns = readWord(dataSet, tags::Columns);
  const std::optional<int> rows = readWord(dataSet, tags::Rows);
  if (!columns || !rows || *columns < 1 || *rows < 1 || *columns > MaxImageDimension || *rows > MaxImageDimension) {
    return std::nullopt;
  }
  layout.columns = static_cast<unsigned>(*columns);
  layout.rows = static_cast<unsigned>(*rows);
  if (dataSet.FindDataElement(tags::NumberOfFrames)) {
    const std::optional<double> frames = readDecimal(dataSet, tags::NumberOfFrames);
    if (!frames || *frames < 1.0 || *frames != std::floor(*frames) || *frames > 1e9) {
      return std::nullopt;
    }
    layout.frames = static_cast<unsigned long long>(*frames);
  }
  return layout;
}

}  // namespace

std::optional<Image> loadNativeDicomImage(const std::filesystem::path& path, std::span<const std::uint8_t> bytes)
{
  silenceGdcmTrace();
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  if (!reader.ReadUpToTag(tags::PixelData, {tags::PixelData})) {
    return std::nullopt;
  }
  const gdcm::File& file = reader.GetFile();
  const gdcm::TransferSyntax syntax = file.GetHeader().GetDataSetTransferSyntax();
  const bool explicitVr = syntax == gdcm::TransferSyntax::ExplicitVRLittleEndian;
  if (!explicitVr && syntax != gdcm::TransferSyntax::ImplicitVRLittleEndian) {
    return std::nullopt;
  }
  const gdcm::DataSet& dataSet = file.GetDataSet();
  const std::optional<NativeLayout> layout = readNativeLayout(dataSet);
  if (!layout) {
    return std::nullopt;
  }
  const std::size_t pixelCount = static_cast<std::size_t>(layout->columns) * layout->rows;
  // Listing Pixel Data among the tags to skip stops the reader right after its element header.
  const std::size_t headerEnd = reader.GetStreamCurrentPosition();
  const std::size_t headerBytes = explicitVr ? 12 : 8;
  const std::optional<ValueSpan> value =
      headerEnd >= headerBytes ? findPixelDataValue(bytes, headerEnd - headerBytes, explicitVr) : std::nullopt;
  if (!value || layout->frames > MaxDecodedBytes / (pixelCount * 2) ||
      value->length < layout->frames * pixelCount * 2) {
    return std::nullopt;  // the GDCM path reports what is wrong
  }

  Image image = imageShell(syntax, layout->columns, layout->rows, layout->bitsStored, layout->photometric);
  image.pixels.resize(pixelCount);
  std::memcpy(image.pixels.data(), bytes.data() + value->offset, pixelCount * sizeof(std::uint16_t));
  keepStoredBits(image, layout->bitsStored, readDecimal(dataSet, tags::RescaleSlope).value_or(1.0),
                 readDecimal(dataSet, tags::RescaleIntercept).value_or(0.0));
  readHeaderFacts(image, dataSet, layout->frames);
  spdlog::debug("read DICOM {} from its bytes: {}x{}, {} frames, {}, bits stored {}", path.string(), image.width,
                image.height, layout->frames, image.encoding, layout->bitsStored);
  return image;
}

}  // namespace spinemark::core::detail
