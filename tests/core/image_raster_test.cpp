#include "core/image.h"

#include "support/test_data.h"

#include <gtest/gtest.h>
#include <png.h>
#include <stb_image_write.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace spinemark::core {
namespace {

bool hasNotice(const Image& image, const std::string& text)
{
  for (const std::string& notice : image.notices) {
    if (notice.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void expectLoadErrorNaming(const std::filesystem::path& path, const std::string& reasonPart)
{
  try {
    loadImage(path);
    FAIL() << "expected ImageLoadError for " << path;
  } catch (const ImageLoadError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path.filename().string()), std::string::npos) << message;
    EXPECT_NE(message.find(reasonPart), std::string::npos) << message;
  }
}

// Writes 16-bit grayscale rows through libpng (PNG stores 16-bit samples big-endian).
void writeGray16Png(const std::filesystem::path& path, int width, int height, const std::vector<std::uint16_t>& values)
{
  FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  ASSERT_EQ(setjmp(png_jmpbuf(png)), 0);
  png_init_io(png, file);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 16, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  std::vector<png_byte> row(static_cast<std::size_t>(width) * 2);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::uint16_t value = values[static_cast<std::size_t>(y) * width + x];
      row[2 * x] = static_cast<png_byte>(value >> 8);
      row[2 * x + 1] = static_cast<png_byte>(value & 0xFF);
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(file);
}

void appendBigEndian32(std::string& bytes, std::uint32_t value)
{
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

// A PNG signature and an IHDR chunk declaring width x height, 8-bit gray, and nothing else.
void writePngHeaderOnly(const std::filesystem::path& path, std::uint32_t width, std::uint32_t height)
{
  std::string bytes("\x89PNG\r\n\x1a\n", 8);
  std::string chunk = "IHDR";
  appendBigEndian32(chunk, width);
  appendBigEndian32(chunk, height);
  chunk += std::string("\x08\x00\x00\x00\x00", 5);  // bit depth 8, gray, deflate, no filter, no interlace
  appendBigEndian32(bytes, 13);
  bytes += chunk;
  appendBigEndian32(bytes, static_cast<std::uint32_t>(
                               crc32(0, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(chunk.size()))));
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(RasterLoad, SixteenBitGrayPng)
{
  const auto dir = testing::makeScratchDir("png16");
  const auto path = dir / "gray16.png";
  const std::vector<std::uint16_t> values = {0, 1, 255, 256, 1234, 40000, 65534, 65535, 7, 9, 11, 13};
  writeGray16Png(path, 4, 3, values);

  EXPECT_EQ(sniffImageFormat(path), ImageFormat::Png);
  const Image image = loadImage(path);
  EXPECT_EQ(image.format, ImageFormat::Png);
  EXPECT_EQ(image.width, 4);
  EXPECT_EQ(image.height, 3);
  EXPECT_EQ(image.pixels, values);
  EXPECT_EQ(image.bitsStored, 16);
  EXPECT_EQ(image.encoding, "PNG 16-bit gray");
  EXPECT_EQ(image.minValue, 0.0);
  EXPECT_EQ(image.maxValue, 65535.0);
  EXPECT_FALSE(image.headerWindow.has_value());
  EXPECT_FALSE(image.spacing.known());
}

TEST(RasterLoad, EightBitRgbPngToLuma)
{
  const auto dir = testing::makeScratchDir("png-rgb");
  const auto path = dir / "rgb.png";
  const std::vector<std::uint8_t> rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 10, 10};
  ASSERT_NE(stbi_write_png(path.c_str(), 4, 1, 3, rgb.data(), 4 * 3), 0);

  const Image image = loadImage(path);
  ASSERT_EQ(image.pixels.size(), 4u);
  // Rec. 601: 0.299 * 255 = 76.2, 0.587 * 255 = 149.7, 0.114 * 255 = 29.1.
  EXPECT_EQ(image.pixels[0], 76);
  EXPECT_EQ(image.pixels[1], 150);
  EXPECT_EQ(image.pixels[2], 29);
  EXPECT_EQ(image.pixels[3], 10);
  EXPECT_EQ(image.bitsStored, 8);
  EXPECT_EQ(image.encoding, "PNG 8-bit RGB");
  EXPECT_TRUE(hasNotice(image, "luminance"));
  EXPECT_DOUBLE_EQ(image.defaultWindow.center, 128.0);
  EXPECT_DOUBLE_EQ(image.defaultWindow.width, 256.0);
}

TEST(RasterLoad, GrayAlphaPngIgnoresAlpha)
{
  const auto dir = testing::makeScratchDir("png-gray-alpha");
  const auto path = dir / "gray-alpha.png";
  const std::vector<std::uint8_t> grayAlpha = {10, 255, 200, 0, 77, 128};
  ASSERT_NE(stbi_write_png(path.c_str(), 3, 1, 2, grayAlpha.data(), 3 * 2), 0);

  const Image image = loadImage(path);
  EXPECT_EQ(image.pixels, (std::vector<std::uint16_t>{10, 200, 77}));
  EXPECT_EQ(image.encoding, "PNG 8-bit gray+alpha");
  EXPECT_FALSE(hasNotice(image, "luminance"));
}

// Baseline JPEG through stb_image_write, with an APP1 Exif segment inserted after SOI that contains
// one IFD entry: Orientation (0x0112), SHORT, count 1.
std::string jpegWithOrientation(int width, int height, const std::vector<std::uint8_t>& gray, int orientation)
{
  std::string jpeg;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  };
  EXPECT_NE(stbi_write_jpg_to_func(append, &jpeg, width, height, 1, gray.data(), 100), 0);

  std::string tiff("II*\0\x08\0\0\0", 8);                  // little-endian TIFF header, IFD at offset 8
  tiff += std::string("\x01\0", 2);                         // one entry
  tiff += std::string("\x12\x01\x03\0\x01\0\0\0", 8);       // tag 0x0112, type SHORT, count 1
  tiff += static_cast<char>(orientation);
  tiff += std::string("\0\0\0", 3);                         // value padded to 4 bytes
  tiff += std::string("\0\0\0\0", 4);                       // no next IFD
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const std::size_t segmentLength = payload.size() + 2;
  std::string app1("\xFF\xE1", 2);
  app1 += static_cast<char>(segmentLength >> 8);
  app1 += static_cast<char>(segmentLength & 0xFF);
  app1 += payload;
  jpeg.insert(2, app1);
  return jpeg;
}

// Stored 64x32 image: dark, with a bright 16x16 block in the top-left corner.
std::vector<std::uint8_t> cornerBlockImage(int width, int height)
{
  std::vector<std::uint8_t> gray(static_cast<std::size_t>(width) * height, 20);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      gray[static_cast<std::size_t>(y) * width + x] = 230;
    }
  }
  return gray;
}

TEST(RasterLoad, JpegExifOrientationSixRotates)
{
  const auto dir = testing::makeScratchDir("jpeg-exif6");
  const auto path = dir / "rotated.jpg";
  const int storedWidth = 64;
  const int storedHeight = 32;
  std::ofstream(path, std::ios::binary) << jpegWithOrientation(storedWidth, storedHeight,
                                                               cornerBlockImage(storedWidth, storedHeight), 6);

  EXPECT_EQ(sniffImageFormat(path), ImageFormat::Jpeg);
  const Image image = loadImage(path);
  EXPECT_EQ(image.format, ImageFormat::Jpeg);
  EXPECT_EQ(image.width, storedHeight);
  EXPECT_EQ(image.height, storedWidth);
  EXPECT_TRUE(hasNotice(image, "EXIF orientation 6"));
  // Rotating 90 degrees clockwise moves stored (x, y) to (H - 1 - y, x): the top-left block
  // lands in the top-right corner.
  const int storedX = 8;
  const int storedY = 8;
  EXPECT_GT(image.sampleAt(storedHeight - 1 - storedY, storedX), 200);
  EXPECT_LT(image.sampleAt(storedY, storedX), 50);
  EXPECT_LT(image.sampleAt(storedHeight - 1 - storedY, storedWidth - 1 - storedX), 50);
}

TEST(RasterLoad, JpegExifOrientationThreeRotates)
{
  const auto dir = testing::makeScratchDir("jpeg-exif3");
  const auto path = dir / "upside-down.jpg";
  std::ofstream(path, std::ios::binary) << jpegWithOrientation(64, 32, cornerBlockImage(64, 32), 3);

  const Image image = loadImage(path);
  EXPECT_EQ(image.width, 64);
  EXPECT_EQ(image.height, 32);
  EXPECT_GT(image.sampleAt(63 - 8, 31 - 8), 200);
  EXPECT_LT(image.sampleAt(8, 8), 50);
}

TEST(RasterLoad, JpegWithoutExifUnchanged)
{
  const auto dir = testing::makeScratchDir("jpeg-plain");
  const auto path = dir / "plain.jpg";
  const std::vector<std::uint8_t> gray = cornerBlockImage(64, 32);
  ASSERT_NE(stbi_write_jpg(path.c_str(), 64, 32, 1, gray.data(), 100), 0);

  const Image image = loadImage(path);
  EXPECT_EQ(image.width, 64);
  EXPECT_EQ(image.height, 32);
  EXPECT_GT(image.sampleAt(8, 8), 200);
  // stb_image_write stores gray as three equal YCbCr channels, which is not a colour image.
  EXPECT_TRUE(image.notices.empty());
  EXPECT_EQ(image.encoding.rfind("JPEG 8-bit", 0), 0u) << image.encoding;
}

TEST(RasterLoad, TruncatedPngRejected)
{
  const auto dir = testing::makeScratchDir("png-truncated");
  const auto path = dir / "truncated.png";
  std::vector<std::uint16_t> values(64 * 64);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<std::uint16_t>(i * 977);
  }
  writeGray16Png(path, 64, 64, values);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  expectLoadErrorNaming(path, "");
}

TEST(RasterLoad, HugeDeclaredPngRejected)
{
  const auto dir = testing::makeScratchDir("png-huge");
  const auto path = dir / "huge.png";
  writePngHeaderOnly(path, 100000, 20);
  expectLoadErrorNaming(path, "100000x20");
}

TEST(RasterLoad, CorruptJpegRejected)
{
  const auto dir = testing::makeScratchDir("jpeg-corrupt");
  const auto path = dir / "corrupt.jpg";
  std::string bytes("\xFF\xD8\xFF\xE0", 4);
  bytes += std::string(200, '\x5A');
  std::ofstream(path, std::ios::binary) << bytes;
  expectLoadErrorNaming(path, "");
}

struct AasceSize {
  int width = 0;
  int height = 0;
};

std::map<std::string, AasceSize> readAasceSizes(const std::filesystem::path& csvPath)
{
  std::map<std::string, AasceSize> sizes;
  std::ifstream csv(csvPath);
  std::string line;
  std::getline(csv, line);  // header: image,width,height,vertebra,corner,x,y
  while (std::getline(csv, line)) {
    std::stringstream fields(line);
    std::string name;
    std::string width;
    std::string height;
    std::getline(fields, name, ',');
    std::getline(fields, width, ',');
    std::getline(fields, height, ',');
    sizes[name] = AasceSize{std::stoi(width), std::stoi(height)};
  }
  return sizes;
}

TEST(RasterLoad, AasceSampleMatchesCsvSizes)
{
  const auto shared = testing::sharedDataDir();
  if (shared.empty()) {
    GTEST_SKIP() << "shared test radiographs are not available";
  }
  const auto sizes = readAasceSizes(shared / "aasce" / "corners-px.csv");
  ASSERT_GT(sizes.size(), 10u);
  const std::size_t step = sizes.size() / 10;
  std::size_t index = 0;
  for (const auto& [name, size] : sizes) {
    if (index++ % step != 0) {
      continue;
    }
    SCOPED_TRACE(name);
    const Image image = loadImage(shared / "aasce" / "images" / name);
    EXPECT_EQ(image.width, size.width);
    EXPECT_EQ(image.height, size.height);
    EXPECT_EQ(image.bitsStored, 8);
    EXPECT_EQ(image.encoding, "JPEG 8-bit gray");
    EXPECT_LT(image.minValue, image.maxValue);
  }
}

// The DICOM file was made from this JPEG with 12-bit values v * 16 + v / 16, so both decoders
// must agree up to JPEG decoder rounding.
TEST(RasterLoad, AasceJpegMatchesSpineDicom)
{
  const auto shared = testing::sharedDataDir();
  if (shared.empty()) {
    GTEST_SKIP() << "shared test radiographs are not available";
  }
  const Image jpeg = loadImage(shared / "aasce" / "images" / "sunhl-1th-02-Jan-2017-162 A AP.jpg");
  const Image dicom = loadImage(shared / "dicom" / "SPINE-DX-162A-JLSL.dcm");
  ASSERT_EQ(jpeg.width, dicom.width);
  ASSERT_EQ(jpeg.height, dicom.height);
  std::size_t close = 0;
  for (std::size_t i = 0; i < jpeg.pixels.size(); ++i) {
    const int v = jpeg.pixels[i];
    if (std::abs(static_cast<int>(dicom.pixels[i]) - (v * 16 + v / 16)) <= 17) {
      ++close;
    }
  }
  EXPECT_GT(static_cast<double>(close) / static_cast<double>(jpeg.pixels.size()), 0.99);
}

}  // namespace
}  // namespace spinemark::core
