// Format detection and dispatch for loadImage, and the steps every decoder shares.
#include "core/image.h"

#include "core/image_loaders.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>

namespace spinemark::core {

namespace {

std::string describeError(const std::filesystem::path& path, const std::string& reason)
{
  return "Cannot load image " + path.string() + ": " + reason;
}

std::uint16_t readLe16(const unsigned char* bytes)
{
  return static_cast<std::uint16_t>(bytes[0] | (bytes[1] << 8));
}

std::uint32_t readLe32(const unsigned char* bytes)
{
  return static_cast<std::uint32_t>(bytes[0]) | (static_cast<std::uint32_t>(bytes[1]) << 8) |
         (static_cast<std::uint32_t>(bytes[2]) << 16) | (static_cast<std::uint32_t>(bytes[3]) << 24);
}

// A file without preamble starts directly with a data element of the file meta group (0002) or
// the identifying group (0008). Its next bytes are either an explicit VR (two upper-case letters)
// or an implicit 32-bit length that fits in the file.
bool looksLikeBareDataSet(const unsigned char* bytes, std::size_t count, std::uintmax_t fileSize)
{
  if (count < 8) {
    return false;
  }
  const std::uint16_t group = readLe16(bytes);
  if (group != 0x0002 && group != 0x0008) {
    return false;
  }
  const bool explicitVr = std::isupper(bytes[4]) && std::isupper(bytes[5]);
  return explicitVr || readLe32(bytes + 4) <= fileSize;
}

}  // namespace

ImageLoadError::ImageLoadError(const std::filesystem::path& path, const std::string& reason)
    : std::runtime_error(describeError(path, reason)), m_path(path), m_reason(reason)
{
}

std::optional<ImageFormat> sniffImageFormat(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  std::array<unsigned char, 132> head{};
  file.read(reinterpret_cast<char*>(head.data()), head.size());
  const auto count = static_cast<std::size_t>(file.gcount());

  static constexpr unsigned char PngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (count >= 8 && std::memcmp(head.data(), PngSignature, 8) == 0) {
    return ImageFormat::Png;
  }
  // SOI marker followed by the first marker's 0xFF.
  if (count >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) {
    return ImageFormat::Jpeg;
  }
  if (count >= 132 && std::memcmp(head.data() + 128, "DICM", 4) == 0) {
    return ImageFormat::Dicom;
  }
  std::error_code error;
  const std::uintmax_t fileSize = std::filesystem::file_size(path, error);
  if (!error && looksLikeBareDataSet(head.data(), count, fileSize)) {
    return ImageFormat::Dicom;
  }
  return std::nullopt;
}

Image loadImage(const std::filesystem::path& path)
{
  if (!std::filesystem::is_regular_file(path)) {
    throw ImageLoadError(path, "the file does not exist or is not a regular file");
  }
  const std::optional<ImageFormat> format = sniffImageFormat(path);
  if (!format) {
    throw ImageLoadError(path, "not a DICOM, PNG or JPEG file (unrecognised first bytes)");
  }
  switch (*format) {
    case ImageFormat::Dicom:
      return detail::loadDicomImage(path);
    case ImageFormat::Png:
      return detail::loadPngImage(path);
    case ImageFormat::Jpeg:
      return detail::loadJpegImage(path);
  }
  throw ImageLoadError(path, "unhandled image format");
}

namespace detail {

std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) {
    throw ImageLoadError(path, "the file cannot be opened for reading");
  }
  const std::streamsize size = file.tellg();
  if (size < 0) {
    throw ImageLoadError(path, "the file size cannot be determined");
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  file.seekg(0);
  if (!file.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw ImageLoadError(path, "reading the file failed");
  }
  return bytes;
}

void checkDimensions(const std::filesystem::path& path, long long width, long long height)
{
  if (width < 1 || height < 1 || width > MaxImageDimension || height > MaxImageDimension) {
    throw ImageLoadError(path, "declared size " + std::to_string(width) + "x" + std::to_string(height) +
                                   " is outside 1.." + std::to_string(MaxImageDimension) + " pixels per side");
  }
}

void setValueRange(Image& image)
{
  if (image.pixels.empty()) {
    return;
  }
  const auto [low, high] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  const double first = image.modalityValue(*low);
  const double second = image.modalityValue(*high);
  // A negative slope turns the smallest sample into the largest modality value.
  image.minValue = std::min(first, second);
  image.maxValue = std::max(first, second);
}

}  // namespace detail

}  // namespace spinemark::core
