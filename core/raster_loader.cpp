// PNG and JPEG decoding through stb_image, with EXIF orientation for JPEG through libexif.
// Supported: 8- and 16-bit PNG (gray, gray+alpha, RGB, RGBA, palette) and baseline/progressive
// 8-bit JPEG. Not supported: 12-bit JPEG and arithmetic coding, which stb_image rejects.
#include "core/image_loaders.h"

#include "core/window_level.h"

#include <libexif/exif-data.h>
#include <spdlog/spdlog.h>
#include <stb_image.h>
#include <zlib.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

namespace spinemark::core::detail {

namespace {

struct StbFree {
  void operator()(void* pixels) const { stbi_image_free(pixels); }
};

struct RasterInfo {
  int width = 0;
  int height = 0;
  int channels = 0;
  bool sixteenBit = false;
};

struct RasterPixels {
  int width = 0;
  int height = 0;
  std::vector<std::uint16_t> samples;
  bool hasColour = false;  // some pixel had unequal red, green and blue
};

std::string failureReason()
{
  const char* reason = stbi_failure_reason();
  return reason ? reason : "unknown stb_image error";
}

std::uint32_t readBigEndian32(const std::uint8_t* bytes)
{
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

// Walks the PNG chunks and checks each length and the CRC of each critical chunk (upper-case first
// letter), as libpng does by default. stb_image checks neither, so a damaged IDAT would otherwise
// show as a silently wrong image. Ancillary chunks with a bad CRC are ignored, as in libpng.
void checkPngChunks(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes)
{
  std::size_t offset = 8;  // after the signature
  while (offset + 12 <= bytes.size()) {
    const std::uint32_t length = readBigEndian32(bytes.data() + offset);
    const std::string type(reinterpret_cast<const char*>(bytes.data()) + offset + 4, 4);
    if (length > bytes.size() - offset - 12) {
      throw ImageLoadError(path, "chunk " + type + " at byte " + std::to_string(offset) + " declares " +
                                     std::to_string(length) + " bytes, past the end of the file; it is truncated");
    }
    const bool critical = (bytes[offset + 4] & 0x20) == 0;
    const auto crcInput = static_cast<uInt>(length + 4);  // type and data
    const auto computed = static_cast<std::uint32_t>(crc32(0, bytes.data() + offset + 4, crcInput));
    if (critical && computed != readBigEndian32(bytes.data() + offset + 8 + length)) {
      throw ImageLoadError(path, "chunk " + type + " at byte " + std::to_string(offset) +
                                     " fails its CRC check; the file is damaged, copy or export it again");
    }
    if (type == "IEND") {
      return;
    }
    offset += 12 + std::size_t{length};
  }
  throw ImageLoadError(path, "the file ends before the IEND chunk; it is truncated");
}

std::string truncatedJpegReason(std::size_t offset)
{
  return "the JPEG data ends at byte " + std::to_string(offset) + " before its EOI marker; the file is truncated";
}

// Huffman tables defined so far by DHT segments: [class][id], class 0 for DC and 1 for AC.
using HuffmanTables = std::array<std::array<bool, 4>, 2>;

// Marks the tables that a DHT segment (value from begin to end) defines.
void recordHuffmanTables(const std::vector<std::uint8_t>& bytes, std::size_t begin, std::size_t end,
                         HuffmanTables& defined)
{
  while (begin + 17 <= end) {
    const int tableClass = bytes[begin] >> 4;
    const int id = bytes[begin] & 0x0F;
    std::size_t codeCount = 0;
    for (std::size_t i = 1; i <= 16; ++i) {
      codeCount += bytes[begin + i];
    }
    if (tableClass <= 1 && id <= 3) {
      defined[tableClass][id] = true;
    }
    begin += 17 + codeCount;
  }
}

// stb_image 2.27 decodes a scan with a Huffman table that no DHT defined, and crashed doing so
// in fuzz_jpeg_loader (a SEGV in libstb). So each table that an SOS segment (value from begin to
// end) uses must be defined before it. Sequential
// scans use both tables of each component; progressive scans use the DC table in a first DC scan
// (Ss = 0, Ah = 0) and the AC table when Se > 0 (ITU-T T.81, G.1.2).
void checkScanTables(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes, std::size_t begin,
                     std::size_t end, bool progressive, const HuffmanTables& defined)
{
  const std::size_t componentCount = begin < end ? bytes[begin] : 0;
  if (begin + 1 + 2 * componentCount + 3 > end) {
    return;  // a malformed SOS header, which stb_image rejects
  }
  const std::size_t spectral = begin + 1 + 2 * componentCount;
  const bool usesDc = !progressive || (bytes[spectral] == 0 && (bytes[spectral + 2] >> 4) == 0);
  const bool usesAc = !progressive || bytes[spectral + 1] > 0;
  for (std::size_t i = 0; i < componentCount; ++i) {
    const std::uint8_t tables = bytes[begin + 2 + 2 * i];
    const int dc = tables >> 4;
    const int ac = tables & 0x0F;
    if ((usesDc && dc <= 3 && !defined[0][dc]) || (usesAc && ac <= 3 && !defined[1][ac])) {
      throw ImageLoadError(path, "a scan at byte " + std::to_string(begin) +
                                     " uses a Huffman table that no DHT segment defines; the file is damaged");
    }
  }
}

// stb_image 2.27 rejects a JPEG that ends before EOI only with "expected marker", so the markers
// are walked from SOI to EOI first to say where the file ends, and to check the Huffman tables of
// each scan. Segment lengths skip the headers, and entropy-coded data ends at the first 0xFF
// followed by neither 0x00 (a stuffed byte) nor a restart marker (ITU-T T.81, B.1.1.5 and F.1.2.3).
void checkJpegMarkers(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes)
{
  const std::size_t size = bytes.size();
  HuffmanTables defined{};
  bool progressive = false;
  std::size_t at = 2;  // after SOI
  while (true) {
    if (at >= size || bytes[at] != 0xFF) {
      throw ImageLoadError(path, at >= size ? truncatedJpegReason(at)
                                            : "no JPEG marker at byte " + std::to_string(at) + "; the file is damaged");
    }
    while (at < size && bytes[at] == 0xFF) {
      ++at;  // a marker may be preceded by fill bytes
    }
    if (at >= size) {
      throw ImageLoadError(path, truncatedJpegReason(at));
    }
    const std::uint8_t marker = bytes[at++];
    if (marker == 0xD9) {
      return;  // EOI; anything after it is ignored, as by other decoders
    }
    const bool standalone = marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);  // TEM and RSTn
    if (standalone) {
      continue;
    }
    if (at + 2 > size) {
      throw ImageLoadError(path, truncatedJpegReason(at));
    }
    const std::size_t length = (std::size_t{bytes[at]} << 8) | bytes[at + 1];
    if (length < 2 || length > size - at) {
      throw ImageLoadError(path, truncatedJpegReason(size));
    }
    const std::size_t valueBegin = at + 2;
    at += length;
    if (marker == 0xC2) {
      progressive = true;  // SOF2, the only progressive frame stb_image decodes
    } else if (marker == 0xC4) {
      recordHuffmanTables(bytes, valueBegin, at, defined);
    } else if (marker == 0xDA) {  // SOS: entropy-coded data follows its header
      checkScanTables(path, bytes, valueBegin, at, progressive, defined);
      while (at + 1 < size &&
             !(bytes[at] == 0xFF && bytes[at + 1] != 0x00 && (bytes[at + 1] < 0xD0 || bytes[at + 1] > 0xD7))) {
        ++at;
      }
      if (at + 1 >= size) {
        throw ImageLoadError(path, truncatedJpegReason(size));
      }
    }
  }
}

// Rejects a declared size that the file is too small to encode, before stb_image allocates the
// output: stb_image decodes blocks missing from a scan as grey, so a 600-byte file declaring
// 30000x30000 pixels would take gigabytes. Both bounds hold for every valid file:
// - JPEG codes each 8x8 block of its full-resolution component with at least one bit (the DC
//   difference), so the file has at least one byte per 8 blocks (ITU-T T.81, F.1.2.1).
// - PNG stores at least one filter byte plus one bit per pixel per row, and deflate expands at
//   most 1032 to 1 (RFC 1951: a 258-byte match in as little as 2 bits).
void checkDeclaredSizeFits(const std::filesystem::path& path, const RasterInfo& info, std::size_t fileSize,
                           ImageFormat format)
{
  const auto width = static_cast<unsigned long long>(info.width);
  const auto height = static_cast<unsigned long long>(info.height);
  unsigned long long minimumBytes = 0;
  if (format == ImageFormat::Jpeg) {
    minimumBytes = ((width + 7) / 8) * ((height + 7) / 8) / 8;
  } else {
    minimumBytes = height * (1 + (width + 7) / 8) / 1032;
  }
  if (fileSize < minimumBytes) {
    throw ImageLoadError(path, "declared size " + std::to_string(width) + "x" + std::to_string(height) +
                                   " needs at least " + std::to_string(minimumBytes) +
                                   " bytes of image data, but the file has " + std::to_string(fileSize) +
                                   "; it is truncated or its header is damaged");
  }
}

// Reads the header only, so that the declared size is checked before any pixel allocation.
RasterInfo readRasterInfo(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes, ImageFormat format)
{
  RasterInfo info;
  // stb_image rejects a PNG whose width times height exceeds 2^30 with only "unknown image type",
  // so the IHDR size is checked here first to name it in the message.
  if (format == ImageFormat::Png && bytes.size() >= 24 && std::memcmp(bytes.data() + 12, "IHDR", 4) == 0) {
    checkDimensions(path, readBigEndian32(bytes.data() + 16), readBigEndian32(bytes.data() + 20));
  }
  const auto length = static_cast<int>(bytes.size());
  if (stbi_info_from_memory(bytes.data(), length, &info.width, &info.height, &info.channels) == 0) {
    throw ImageLoadError(path, "the header is invalid (" + failureReason() + ")");
  }
  checkDimensions(path, info.width, info.height);
  checkDeclaredSizeFits(path, info, bytes.size(), format);
  if (format == ImageFormat::Png) {
    checkPngChunks(path, bytes);
  } else {
    checkJpegMarkers(path, bytes);
  }
  info.sixteenBit = stbi_is_16_bit_from_memory(bytes.data(), length) != 0;
  return info;
}

// Rec. 601 luma weights, in 1/1000 units so the sum stays integral.
template <typename Sample>
std::uint16_t lumaOf(const Sample* pixel, int channels)
{
  if (channels < 3) {
    return pixel[0];  // gray or gray+alpha: alpha is ignored
  }
  const std::uint32_t weighted = 299u * pixel[0] + 587u * pixel[1] + 114u * pixel[2];
  return static_cast<std::uint16_t>((weighted + 500u) / 1000u);
}

template <typename Sample>
bool isColourPixel(const Sample* pixel, int channels)
{
  return channels >= 3 && (pixel[0] != pixel[1] || pixel[1] != pixel[2]);
}

// Converts to one sample per pixel and records whether any pixel had distinct colour channels,
// because gray content stored as RGB (common for JPEG) needs no colour notice.
template <typename Sample>
void toLuminance(const Sample* decoded, int channels, RasterPixels& result)
{
  const std::size_t pixelCount = static_cast<std::size_t>(result.width) * result.height;
  result.samples.resize(pixelCount);
  for (std::size_t i = 0; i < pixelCount; ++i) {
    const Sample* pixel = decoded + i * static_cast<std::size_t>(channels);
    result.samples[i] = lumaOf(pixel, channels);
    result.hasColour = result.hasColour || isColourPixel(pixel, channels);
  }
}

RasterPixels decodeRaster(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes,
                          const RasterInfo& info)
{
  RasterPixels result;
  int channels = 0;
  const auto length = static_cast<int>(bytes.size());
  if (info.sixteenBit) {
    std::unique_ptr<stbi_us, StbFree> decoded(
        stbi_load_16_from_memory(bytes.data(), length, &result.width, &result.height, &channels, 0));
    if (!decoded) {
      throw ImageLoadError(path, "decoding failed (" + failureReason() + ")");
    }
    toLuminance(decoded.get(), channels, result);
  } else {
    std::unique_ptr<stbi_uc, StbFree> decoded(
        stbi_load_from_memory(bytes.data(), length, &result.width, &result.height, &channels, 0));
    if (!decoded) {
      throw ImageLoadError(path, "decoding failed (" + failureReason() + ")");
    }
    toLuminance(decoded.get(), channels, result);
  }
  if (result.width != info.width || result.height != info.height) {
    throw ImageLoadError(path, "decoded size differs from the header size");
  }
  return result;
}

std::string channelDescription(int channels)
{
  switch (channels) {
    case 1:
      return "gray";
    case 2:
      return "gray+alpha";
    case 3:
      return "RGB";
    default:
      return "RGBA";
  }
}

Image makeRasterImage(RasterPixels&& pixels, const RasterInfo& info, ImageFormat format)
{
  Image image;
  image.format = format;
  image.width = pixels.width;
  image.height = pixels.height;
  image.pixels = std::move(pixels.samples);
  image.bitsStored = info.sixteenBit ? 16 : 8;
  setValueRange(image);
  if (info.sixteenBit) {
    image.defaultWindow = histogramWindow(image);
  } else {
    // Window over the whole 8-bit range, so that the display matches other image viewers.
    image.defaultWindow = Window{128.0, 256.0};
  }
  if (pixels.hasColour) {
    image.notices.push_back("colour image shown as luminance");
  }
  return image;
}

// EXIF Orientation (0112) of a JPEG, 1 when absent or invalid. libexif finds the APP1 segment
// itself when given the whole file.
int readExifOrientation(const std::vector<std::uint8_t>& bytes)
{
  std::unique_ptr<ExifData, decltype(&exif_data_unref)> exif(
      exif_data_new_from_data(bytes.data(), static_cast<unsigned int>(bytes.size())), &exif_data_unref);
  if (!exif) {
    return 1;
  }
  ExifEntry* entry = exif_data_get_entry(exif.get(), EXIF_TAG_ORIENTATION);
  if (!entry || entry->format != EXIF_FORMAT_SHORT || entry->components < 1) {
    return 1;
  }
  const int orientation = exif_get_short(entry->data, exif_data_get_byte_order(exif.get()));
  return orientation >= 1 && orientation <= 8 ? orientation : 1;
}

// For each EXIF orientation, where output pixel (x, y) reads from in the stored image:
// index = base + x * strideX + y * strideY, with W and H the stored width and height.
struct OrientationWalk {
  std::ptrdiff_t base = 0;
  std::ptrdiff_t strideX = 1;
  std::ptrdiff_t strideY = 0;
  bool swapsAxes = false;
};

OrientationWalk orientationWalk(int orientation, std::ptrdiff_t w, std::ptrdiff_t h)
{
  switch (orientation) {
    case 2:  // mirrored horizontally
      return {w - 1, -1, w, false};
    case 3:  // rotated 180 degrees
      return {(h - 1) * w + w - 1, -1, -w, false};
    case 4:  // mirrored vertically
      return {(h - 1) * w, 1, -w, false};
    case 5:  // transposed
      return {0, w, 1, true};
    case 6:  // needs 90 degrees clockwise
      return {(h - 1) * w, -w, 1, true};
    case 7:  // transversed
      return {(h - 1) * w + w - 1, -w, -1, true};
    case 8:  // needs 90 degrees counter-clockwise
      return {w - 1, w, -1, true};
    default:
      return {0, 1, w, false};
  }
}

void applyOrientation(RasterPixels& pixels, int orientation)
{
  const OrientationWalk walk = orientationWalk(orientation, pixels.width, pixels.height);
  const int outWidth = walk.swapsAxes ? pixels.height : pixels.width;
  const int outHeight = walk.swapsAxes ? pixels.width : pixels.height;
  std::vector<std::uint16_t> oriented(pixels.samples.size());
  std::size_t out = 0;
  for (int y = 0; y < outHeight; ++y) {
    std::ptrdiff_t in = walk.base + y * walk.strideY;
    for (int x = 0; x < outWidth; ++x, in += walk.strideX) {
      oriented[out++] = pixels.samples[static_cast<std::size_t>(in)];
    }
  }
  pixels.samples = std::move(oriented);
  pixels.width = outWidth;
  pixels.height = outHeight;
}

const char* orientationDescription(int orientation)
{
  switch (orientation) {
    case 2:
      return "mirrored horizontally";
    case 3:
      return "rotated 180 degrees";
    case 4:
      return "mirrored vertically";
    case 5:
      return "transposed";
    case 6:
      return "rotated 90 degrees clockwise";
    case 7:
      return "transversed";
    default:
      return "rotated 90 degrees counter-clockwise";
  }
}

}  // namespace

Image loadPngImage(const std::filesystem::path& path)
{
  const std::vector<std::uint8_t> bytes = readFileBytes(path);
  const RasterInfo info = readRasterInfo(path, bytes, ImageFormat::Png);
  Image image = makeRasterImage(decodeRaster(path, bytes, info), info, ImageFormat::Png);
  image.encoding = "PNG " + std::to_string(image.bitsStored) + "-bit " + channelDescription(info.channels);
  spdlog::debug("decoded PNG {}: {}x{}, {} channels", path.string(), image.width, image.height, info.channels);
  return image;
}

Image loadJpegImage(const std::filesystem::path& path)
{
  const std::vector<std::uint8_t> bytes = readFileBytes(path);
  const RasterInfo info = readRasterInfo(path, bytes, ImageFormat::Jpeg);
  RasterPixels pixels = decodeRaster(path, bytes, info);
  const int orientation = readExifOrientation(bytes);
  if (orientation != 1) {
    applyOrientation(pixels, orientation);
  }
  Image image = makeRasterImage(std::move(pixels), info, ImageFormat::Jpeg);
  image.encoding = "JPEG 8-bit " + channelDescription(info.channels);
  if (orientation != 1) {
    image.notices.push_back(std::string("EXIF orientation ") + std::to_string(orientation) + " applied: image " +
                            orientationDescription(orientation));
  }
  spdlog::debug("decoded JPEG {}: {}x{}, EXIF orientation {}", path.string(), image.width, image.height,
                orientation);
  return image;
}

}  // namespace spinemark::core::detail
