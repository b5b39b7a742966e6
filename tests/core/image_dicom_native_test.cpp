// The shorter path for uncompressed unsigned 16-bit monochrome DICOM files
// (detail::loadNativeDicomImage) must give exactly what the GDCM path gives, and must leave every
// other file to GDCM.
#include "core/image.h"
#include "core/image_loaders.h"
#include "support/test_data.h"

#include <gdcmAttribute.h>
#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageWriter.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

struct NativeCase {
  const char* name;
  unsigned width = 16;
  unsigned height = 8;
  unsigned frames = 1;
  gdcm::PixelFormat format{1, 16, 12, 11, 0};
  gdcm::PhotometricInterpretation photometric{gdcm::PhotometricInterpretation::MONOCHROME2};
  gdcm::TransferSyntax syntax{gdcm::TransferSyntax::ExplicitVRLittleEndian};
  double slope = 1.0;
  double intercept = 0.0;
  bool window = false;
  std::size_t pixelBytesRemoved = 0;  // cut from the end of Pixel Data, to damage the file
  // Written into High Bit after GDCM has written the file, because gdcm::PixelFormat asserts
  // that High Bit is below Bits Stored. Negative: keep Bits Stored - 1.
  int highBit = -1;
};

// Words of every frame: values over the stored bits with garbage in the bits above them.
std::vector<std::uint16_t> wordsFor(const NativeCase& c)
{
  std::vector<std::uint16_t> words;
  const unsigned stored = c.format.GetBitsStored();
  const unsigned mask = stored >= 16 ? 0xFFFFu : (1u << stored) - 1u;
  for (unsigned i = 0; i < c.width * c.height * c.frames; ++i) {
    const unsigned garbage = stored >= 16 ? 0u : (i % 7u) << stored;
    words.push_back(static_cast<std::uint16_t>(((i * 2654435761u >> 7) & mask) | garbage));
  }
  return words;
}

// Overwrites the value that follows the first occurrence of header (an element's tag, VR and
// length in explicit VR little endian) in the file at path.
void patchValue(const fs::path& path, const std::vector<std::uint8_t>& header, const std::string& value)
{
  std::vector<std::uint8_t> bytes = detail::readFileBytes(path);
  const auto at = std::search(bytes.begin(), bytes.end(), header.begin(), header.end());
  ASSERT_NE(at, bytes.end()) << "element not found in " << path;
  ASSERT_GE(static_cast<std::size_t>(bytes.end() - at), header.size() + value.size());
  std::copy(value.begin(), value.end(), at + static_cast<std::ptrdiff_t>(header.size()));
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// Overwrites the 2-byte value of High Bit (0028,0102).
void setHighBit(const fs::path& path, std::uint16_t highBit)
{
  patchValue(path, {0x28, 0x00, 0x02, 0x01, 'U', 'S', 0x02, 0x00},
             std::string{static_cast<char>(highBit & 0xFF), static_cast<char>(highBit >> 8)});
}

fs::path writeCase(const fs::path& folder, const NativeCase& c)
{
  const fs::path path = folder / (std::string(c.name) + ".dcm");
  const std::vector<std::uint16_t> words = wordsFor(c);
  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(c.frames > 1 ? 3 : 2);
  image.SetDimension(0, c.width);
  image.SetDimension(1, c.height);
  if (c.frames > 1) {
    image.SetDimension(2, c.frames);
  }
  image.SetPixelFormat(c.format);
  image.SetPhotometricInterpretation(c.photometric);
  image.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  image.SetSlope(c.slope);
  image.SetIntercept(c.intercept);
  gdcm::DataElement pixelData(gdcm::Tag(0x7fe0, 0x0010));
  pixelData.SetByteValue(reinterpret_cast<const char*>(words.data()),
                         static_cast<std::uint32_t>(words.size() * 2 - c.pixelBytesRemoved));
  image.SetDataElement(pixelData);
  gdcm::DataSet& dataSet = writer.GetFile().GetDataSet();
  dataSet.Replace(gdcm::Attribute<0x0008, 0x0016>{"1.2.840.10008.5.1.4.1.1.1.1"}.GetAsDataElement());  // DX
  dataSet.Replace(gdcm::Attribute<0x0028, 0x0030>{{0.15, 0.125}}.GetAsDataElement());
  if (c.window) {
    for (const auto& [element, value] : {std::pair<std::uint16_t, const char*>{0x1050, "700 "}, {0x1051, "900 "}}) {
      gdcm::DataElement window(gdcm::Tag(0x0028, element));
      window.SetVR(gdcm::VR::DS);
      window.SetByteValue(value, 4);
      dataSet.Replace(window);
    }
  }
  if (c.syntax != gdcm::TransferSyntax::ExplicitVRLittleEndian) {
    gdcm::ImageChangeTransferSyntax change;
    change.SetTransferSyntax(c.syntax);
    change.SetInput(image);
    EXPECT_TRUE(change.Change()) << c.name;
    writer.SetImage(change.GetOutput());
  }
  writer.GetFile().GetHeader().SetDataSetTransferSyntax(c.syntax);
  writer.SetFileName(path.c_str());
  EXPECT_TRUE(writer.Write()) << c.name;
  if (c.highBit >= 0) {
    setHighBit(path, static_cast<std::uint16_t>(c.highBit));
  }
  return path;
}

void expectSameImage(const Image& actual, const Image& expected)
{
  EXPECT_EQ(actual.width, expected.width);
  EXPECT_EQ(actual.height, expected.height);
  EXPECT_TRUE(actual.pixels == expected.pixels);
  EXPECT_EQ(actual.valueScale, expected.valueScale);
  EXPECT_EQ(actual.valueOffset, expected.valueOffset);
  EXPECT_EQ(actual.minValue, expected.minValue);
  EXPECT_EQ(actual.maxValue, expected.maxValue);
  EXPECT_EQ(actual.photometric, expected.photometric);
  EXPECT_EQ(actual.headerWindow.has_value(), expected.headerWindow.has_value());
  EXPECT_EQ(actual.defaultWindow.center, expected.defaultWindow.center);
  EXPECT_EQ(actual.defaultWindow.width, expected.defaultWindow.width);
  EXPECT_TRUE(actual.spacing == expected.spacing);
  EXPECT_EQ(actual.orientation.view, expected.orientation.view);
  EXPECT_EQ(actual.format, expected.format);
  EXPECT_EQ(actual.encoding, expected.encoding);
  EXPECT_EQ(actual.bitsStored, expected.bitsStored);
  EXPECT_EQ(actual.sopInstanceUid, expected.sopInstanceUid);
  EXPECT_EQ(actual.notices, expected.notices);
}

std::optional<Image> loadNative(const fs::path& path)
{
  return detail::loadNativeDicomImage(path, detail::readFileBytes(path));
}

TEST(DicomNativePath, MatchesGdcmPath)
{
  const fs::path folder = testing::makeScratchDir("dicom-native");
  std::vector<NativeCase> cases(4);
  cases[0].name = "twelve-bit-two-frames-rescaled";
  cases[0].frames = 2;
  cases[0].slope = 0.5;
  cases[0].intercept = -10.25;
  cases[1].name = "implicit-vr-sixteen-bit-monochrome1-odd-width";
  cases[1].width = 333;
  cases[1].height = 7;
  cases[1].format = gdcm::PixelFormat(1, 16, 16, 15, 0);
  cases[1].photometric = gdcm::PhotometricInterpretation::MONOCHROME1;
  cases[1].syntax = gdcm::TransferSyntax::ImplicitVRLittleEndian;
  cases[2].name = "ten-bit-with-window";
  cases[2].format = gdcm::PixelFormat(1, 16, 10, 9, 0);
  cases[2].window = true;
  cases[3].name = "one-pixel";
  cases[3].width = 1;
  cases[3].height = 1;

  for (const NativeCase& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path path = writeCase(folder, c);
    const std::optional<Image> native = loadNative(path);
    ASSERT_TRUE(native.has_value());
    const Image throughGdcm = detail::loadDicomImageThroughGdcm(path);
    expectSameImage(*native, throughGdcm);
    expectSameImage(loadImage(path), throughGdcm);
    ASSERT_EQ(native->pixels.size(), std::size_t{c.width} * c.height);
    const std::vector<std::uint16_t> words = wordsFor(c);
    const unsigned stored = c.format.GetBitsStored();
    const unsigned mask = stored >= 16 ? 0xFFFFu : (1u << stored) - 1u;
    for (std::size_t i = 0; i < native->pixels.size(); ++i) {
      ASSERT_EQ(native->pixels[i], words[i] & mask) << "pixel " << i;
    }
  }
}

TEST(DicomNativePath, OtherLayoutsAreLeftToGdcm)
{
  const fs::path folder = testing::makeScratchDir("dicom-native-others");
  std::vector<NativeCase> cases(4);
  cases[0].name = "signed";
  cases[0].format = gdcm::PixelFormat(1, 16, 12, 11, 1);
  cases[1].name = "high-bit-not-below-stored-bits";
  cases[1].highBit = 15;
  cases[2].name = "rle";
  cases[2].syntax = gdcm::TransferSyntax::RLELossless;
  cases[3].name = "big-endian";
  cases[3].syntax = gdcm::TransferSyntax::ExplicitVRBigEndian;
  for (const NativeCase& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path path = writeCase(folder, c);
    EXPECT_FALSE(loadNative(path).has_value());
    EXPECT_EQ(loadImage(path).pixels.size(), std::size_t{c.width} * c.height);
  }
}

// A Photometric Interpretation that names no known value made gdcm::ImageHelper assert, which
// aborted the process (found by fuzzing). The file must load or be rejected with a message.
TEST(DicomNativePath, UnknownPhotometricDoesNotAbort)
{
  const fs::path folder = testing::makeScratchDir("dicom-native-photometric");
  NativeCase c;
  c.name = "unknown-photometric";
  const fs::path path = writeCase(folder, c);
  patchValue(path, {0x28, 0x00, 0x04, 0x00, 'C', 'S', 0x0C, 0x00}, std::string("MO\xb2\xab") + "CHROME2 ");

  EXPECT_FALSE(loadNative(path).has_value());
  try {
    const Image image = loadImage(path);
    EXPECT_EQ(image.pixels.size(), std::size_t{c.width} * c.height);
  } catch (const ImageLoadError& error) {
    EXPECT_NE(std::string(error.what()).find(path.filename().string()), std::string::npos) << error.what();
  }
}

// A side beyond MaxImageDimension is rejected on the GDCM path, and the shorter path must not
// load such a file either.
TEST(DicomNativePath, OversizedWidthIsRejected)
{
  const fs::path folder = testing::makeScratchDir("dicom-native-wide");
  NativeCase c;
  c.name = "wide";
  c.width = MaxImageDimension + 1;
  c.height = 1;
  const fs::path path = writeCase(folder, c);

  EXPECT_FALSE(loadNative(path).has_value());
  try {
    loadImage(path);
    FAIL() << "a " << c.width << "-pixel wide image loaded";
  } catch (const ImageLoadError& error) {
    EXPECT_NE(std::string(error.what()).find("outside 1..32768"), std::string::npos) << error.what();
  }
}

TEST(DicomNativePath, ShortPixelDataIsReportedByGdcmPath)
{
  const fs::path folder = testing::makeScratchDir("dicom-native-short");
  NativeCase c;
  c.name = "short";
  c.pixelBytesRemoved = 6;
  const fs::path path = writeCase(folder, c);
  EXPECT_FALSE(loadNative(path).has_value());
  try {
    loadImage(path);
    FAIL() << "Pixel Data 6 bytes short loaded";
  } catch (const ImageLoadError& error) {
    EXPECT_NE(std::string(error.what()).find("Pixel Data value has"), std::string::npos) << error.what();
  }
}

TEST(DicomNativePath, SharedUncompressedFilesMatchGdcmPath)
{
  const fs::path dicom = testing::sharedDataDir().empty() ? fs::path() : testing::sharedDataDir() / "dicom";
  if (dicom.empty() || !fs::is_directory(dicom)) {
    GTEST_SKIP() << "shared test radiographs are not available";
  }
  int native = 0;
  for (const auto& entry : fs::directory_iterator(dicom)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file() || path.extension() == ".md" || path.extension() == ".txt") {
      continue;
    }
    SCOPED_TRACE(path.filename().string());
    std::optional<Image> image;
    try {
      image = loadNative(path);
    } catch (const ImageLoadError&) {
      continue;  // rejected by the loader, which image_dicom_test covers
    }
    if (image) {
      ++native;
      expectSameImage(*image, detail::loadDicomImageThroughGdcm(path));
    }
  }
  EXPECT_GE(native, 1) << "no shared file took the native path; RG2_UNC should";
}

}  // namespace
}  // namespace spinemark::core
