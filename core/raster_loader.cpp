// PNG and JPEG decoding through stb_image, with EXIF orientation for JPEG through libexif.
// Supported: 8- and 16-bit PNG (gray, gray+alpha, RGB, RGBA, palette) and baseline/progressive
// 8-bit JPEG. Not supported: 12-bit JPEG and arithmetic coding, which stb_image rejects.
#include "core/image_loaders.h"

#include "core/window_level.h"

#include <libexif/exif-data.h>
#include <spdlog/spdlog.h>
#include <stb_image.h>

#include <cstddef>
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

// Reads the header only, so that the declared size is checked before any pixel allocation.
RasterInfo readRasterInfo(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes)
{
  RasterInfo info;
  const auto length = static_cast<int>(bytes.size());
  if (stbi_info_from_memory(bytes.data(), length, &info.width, &info.height, &info.channels) == 0) {
    throw ImageLoadError(path, "the header is invalid (" + failureReason() + ")");
  }
  checkDimensions(path, info.width, info.height);
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
  const RasterInfo info = readRasterInfo(path, bytes);
  Image image = makeRasterImage(decodeRaster(path, bytes, info), info, ImageFormat::Png);
  image.encoding = "PNG " + std::to_string(image.bitsStored) + "-bit " + channelDescription(info.channels);
  spdlog::debug("decoded PNG {}: {}x{}, {} channels", path.string(), image.width, image.height, info.channels);
  return image;
}

Image loadJpegImage(const std::filesystem::path& path)
{
  const std::vector<std::uint8_t> bytes = readFileBytes(path);
  const RasterInfo info = readRasterInfo(path, bytes);
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
