#include "core/image.h"

#include "support/test_data.h"

#include <gdcmAttribute.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>
#include <gdcmReader.h>
#include <gdcmWriter.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

namespace spinemark::core {
namespace {

std::filesystem::path dicomDir()
{
  const auto shared = testing::sharedDataDir();
  return shared.empty() ? shared : shared / "dicom";
}

#define SKIP_WITHOUT_SHARED_DATA()                              \
  if (dicomDir().empty()) {                                     \
    GTEST_SKIP() << "shared test radiographs are not available"; \
  }

Image loadShared(const char* name)
{
  return loadImage(dicomDir() / name);
}

bool hasNotice(const Image& image, const std::string& text)
{
  for (const std::string& notice : image.notices) {
    if (notice.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

struct SharedFile {
  const char* name;
  int width;
  int height;
};

// Sizes as documented for the shared DICOM set.
const SharedFile SharedFiles[] = {
    {"RG2_UNC", 1760, 2140},
    {"RG2_RLE", 1760, 2140},
    {"RG2_JPLL", 1760, 2140},
    {"RG2_JPLY", 1760, 2140},
    {"RG2_JLSL", 1760, 2140},
    {"RG2_JLSN", 1760, 2140},
    {"RG2_J2KR", 1760, 2140},
    {"RG2_J2KI", 1760, 2140},
    {"RG1_J2KI", 1841, 1955},
    {"RG1_JLSN", 1841, 1955},
    {"CT1_UNC", 512, 512},
    {"CR-MONO1-10-chest", 440, 440},
    {"OutOfBoundsOverlay.dcm", 1318, 788},
    {"HasFragmentSequence.dcm", 512, 512},
    {"JPEG2KLossless_1s_1f_u_16_16.dcm", 1420, 1416},
    {"JPEGLossless_1s_1f_u_16_12.dcm", 1024, 1024},
    {"vlut_04.dcm", 512, 512},
    {"mlut_18.dcm", 512, 512},
    {"CT-BigEndianExplicit.dcm", 512, 512},
    {"SPINE-DX-162A-JLSL.dcm", 755, 2125},
    {"SPINE-DX-196B-MONO1-J2K.dcm", 1427, 3755},
};

TEST(DicomLoad, EverySharedFileDecodes)
{
  SKIP_WITHOUT_SHARED_DATA();
  for (const SharedFile& file : SharedFiles) {
    SCOPED_TRACE(file.name);
    const Image image = loadShared(file.name);
    EXPECT_EQ(image.format, ImageFormat::Dicom);
    EXPECT_EQ(image.width, file.width);
    EXPECT_EQ(image.height, file.height);
    EXPECT_EQ(image.pixels.size(), static_cast<std::size_t>(file.width) * file.height);
    EXPECT_LT(image.minValue, image.maxValue);
    EXPECT_FALSE(image.encoding.empty());
    EXPECT_FALSE(image.sopInstanceUid.empty());
    EXPECT_GT(image.defaultWindow.width, 0.0);
  }
}

TEST(DicomLoad, LosslessMatchesUncompressed)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image reference = loadShared("RG2_UNC");
  for (const char* name : {"RG2_RLE", "RG2_JPLL", "RG2_JLSL", "RG2_J2KR"}) {
    SCOPED_TRACE(name);
    const Image image = loadShared(name);
    EXPECT_TRUE(image.pixels == reference.pixels);
    EXPECT_EQ(image.valueScale, reference.valueScale);
    EXPECT_EQ(image.valueOffset, reference.valueOffset);
  }
}

TEST(DicomLoad, LossyCloseToUncompressed)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image reference = loadShared("RG2_UNC");
  for (const char* name : {"RG2_JPLY", "RG2_JLSN", "RG2_J2KI"}) {
    SCOPED_TRACE(name);
    const Image image = loadShared(name);
    ASSERT_EQ(image.pixels.size(), reference.pixels.size());
    double totalDifference = 0.0;
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
      totalDifference += std::abs(static_cast<double>(image.pixels[i]) - reference.pixels[i]);
    }
    // 10 bits stored: a mean error of 8 levels is under 1 % of the range.
    EXPECT_LT(totalDifference / static_cast<double>(image.pixels.size()), 8.0);
    EXPECT_FALSE(image.pixels == reference.pixels);
  }
}

TEST(DicomLoad, HeaderFactsOfCr)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("RG2_UNC");
  EXPECT_EQ(image.photometric, Photometric::Monochrome2);
  EXPECT_EQ(image.bitsStored, 10);
  EXPECT_EQ(image.encoding, "uncompressed (explicit VR little endian)");
  ASSERT_TRUE(image.headerWindow.has_value());
  EXPECT_DOUBLE_EQ(image.headerWindow->center, 511.0);
  EXPECT_DOUBLE_EQ(image.headerWindow->width, 1024.0);
  EXPECT_DOUBLE_EQ(image.defaultWindow.center, 511.0);
  EXPECT_GE(image.minValue, 0.0);
  EXPECT_LE(image.maxValue, 1023.0);
}

TEST(DicomLoad, EncodingNames)
{
  SKIP_WITHOUT_SHARED_DATA();
  EXPECT_EQ(loadShared("RG2_JLSL").encoding, "JPEG-LS lossless");
  EXPECT_EQ(loadShared("RG2_RLE").encoding, "RLE lossless");
  EXPECT_EQ(loadShared("RG2_J2KR").encoding, "JPEG 2000 lossless");
  EXPECT_EQ(loadShared("JPEGLossless_1s_1f_u_16_12.dcm").encoding, "JPEG lossless");
}

TEST(DicomLoad, Monochrome1Recorded)
{
  SKIP_WITHOUT_SHARED_DATA();
  for (const char* name : {"RG1_J2KI", "RG1_JLSN", "CR-MONO1-10-chest", "SPINE-DX-196B-MONO1-J2K.dcm"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(loadShared(name).photometric, Photometric::Monochrome1);
  }
}

TEST(DicomLoad, PixelSpacingCases)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image cr = loadShared("RG2_UNC");
  EXPECT_EQ(cr.spacing, (PixelSpacing{0.2, 0.2, SpacingSource::PixelSpacing}));

  const Image degenerate = loadShared("RG1_JLSN");
  EXPECT_FALSE(degenerate.spacing.known());

  const Image mammo = loadShared("OutOfBoundsOverlay.dcm");
  EXPECT_EQ(mammo.spacing, (PixelSpacing{0.085, 0.085, SpacingSource::ImagerPixelSpacing}));

  const Image spine = loadShared("SPINE-DX-162A-JLSL.dcm");
  EXPECT_EQ(spine.spacing, (PixelSpacing{0.15, 0.15, SpacingSource::ImagerPixelSpacing}));
}

TEST(DicomLoad, SpineOrientationAndPrivacy)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("SPINE-DX-162A-JLSL.dcm");
  EXPECT_EQ(image.orientation.view, ViewPosition::AP);
  EXPECT_EQ(image.orientation.rowDirection, "L");
  EXPECT_EQ(image.encoding, "JPEG-LS lossless");
  EXPECT_EQ(image.bitsStored, 12);

  // The patient name must not reach any text field of the Image.
  gdcm::Reader reader;
  reader.SetFileName((dicomDir() / "SPINE-DX-162A-JLSL.dcm").c_str());
  ASSERT_TRUE(reader.Read());
  gdcm::Attribute<0x0010, 0x0010> patientName;
  patientName.SetFromDataSet(reader.GetFile().GetDataSet());
  const std::string name = patientName.GetValue().Trim();
  ASSERT_FALSE(name.empty());
  std::vector<std::string> texts = image.notices;
  texts.push_back(image.encoding);
  texts.push_back(image.sopInstanceUid);
  texts.push_back(image.orientation.rowDirection);
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find(name), std::string::npos) << text;
  }
}

TEST(DicomLoad, ViewPositionOfChest)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("RG1_JLSN");
  EXPECT_EQ(image.orientation.view, ViewPosition::PA);
  EXPECT_EQ(image.orientation.rowDirection, "L");
  EXPECT_EQ(loadShared("RG2_UNC").orientation.view, ViewPosition::Unknown);
  EXPECT_EQ(loadShared("RG2_UNC").orientation.rowDirection, "");
}

TEST(DicomLoad, MultiFrameKeepsFirstFrame)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("HasFragmentSequence.dcm");
  EXPECT_TRUE(hasNotice(image, "first of 96 frames shown"));
  EXPECT_EQ(image.encoding, "JPEG baseline");
}

TEST(DicomLoad, SignedCtWithIntercept)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("CT1_UNC");
  EXPECT_LE(image.minValue, -1000.0);
  EXPECT_GT(image.maxValue, 0.0);
  EXPECT_FALSE(image.headerWindow.has_value());
  // Without a stored window the default spans the bulk of the values.
  EXPECT_GT(image.defaultWindow.width, 100.0);
}

TEST(DicomLoad, BigEndianCtWindow)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("CT-BigEndianExplicit.dcm");
  EXPECT_EQ(image.encoding, "uncompressed (explicit VR big endian)");
  ASSERT_TRUE(image.headerWindow.has_value());
  EXPECT_DOUBLE_EQ(image.headerWindow->center, 40.0);
  EXPECT_DOUBLE_EQ(image.headerWindow->width, 400.0);
  EXPECT_DOUBLE_EQ(image.defaultWindow.center, 40.0);
  EXPECT_LE(image.minValue, -900.0);
  EXPECT_GT(image.maxValue, 100.0);
}

TEST(DicomLoad, FileWithoutPreamble)
{
  SKIP_WITHOUT_SHARED_DATA();
  const auto path = dicomDir() / "CR-MONO1-10-chest";
  EXPECT_EQ(sniffImageFormat(path), ImageFormat::Dicom);
  const Image image = loadImage(path);
  EXPECT_EQ(image.orientation.view, ViewPosition::PA);
  ASSERT_TRUE(image.headerWindow.has_value());
  EXPECT_DOUBLE_EQ(image.headerWindow->center, 550.0);
  EXPECT_DOUBLE_EQ(image.headerWindow->width, 1024.0);
}

TEST(DicomLoad, WindowMissingValuesFallsBack)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("JPEG2KLossless_1s_1f_u_16_16.dcm");
  ASSERT_TRUE(image.headerWindow.has_value());
  EXPECT_DOUBLE_EQ(image.headerWindow->center, 2725.0);
  EXPECT_DOUBLE_EQ(image.headerWindow->width, 5310.0);
  EXPECT_NE(image.defaultWindow.center, 2725.0);
  EXPECT_TRUE(hasNotice(image, "misses every pixel value"));
  // The fallback window overlaps the values.
  EXPECT_LT(image.defaultWindow.center - image.defaultWindow.width / 2, image.maxValue);
  EXPECT_GT(image.defaultWindow.center + image.defaultWindow.width / 2, image.minValue);
}

TEST(DicomLoad, FractionalRescaleProcess14)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("JPEGLossless_1s_1f_u_16_12.dcm");
  EXPECT_DOUBLE_EQ(image.valueScale, 3.774114);
  EXPECT_DOUBLE_EQ(image.valueOffset, 0.000061);
  EXPECT_EQ(image.spacing, (PixelSpacing{0.195313, 0.195313, SpacingSource::PixelSpacing}));
}

// Raw pixels through GDCM directly, masked to 12 bits and sign-extended, for an independent check.
std::vector<int> rawSigned12(const std::filesystem::path& path)
{
  gdcm::ImageReader reader;
  reader.SetFileName(path.c_str());
  EXPECT_TRUE(reader.Read());
  const gdcm::Image& image = reader.GetImage();
  std::vector<char> buffer(image.GetBufferLength());
  EXPECT_TRUE(image.GetBuffer(buffer.data()));
  std::vector<int> values(buffer.size() / 2);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint16_t word;
    std::memcpy(&word, buffer.data() + 2 * i, 2);
    const int low12 = word & 0x0FFF;
    values[i] = low12 >= 2048 ? low12 - 4096 : low12;
  }
  return values;
}

// LUT Data of the first Modality LUT Sequence item, read straight from the file.
std::vector<std::uint16_t> modalityLutData(const std::filesystem::path& path)
{
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  EXPECT_TRUE(reader.Read());
  const auto sequence = reader.GetFile().GetDataSet().GetDataElement(gdcm::Tag(0x0028, 0x3000)).GetValueAsSQ();
  if (!sequence || sequence->GetNumberOfItems() != 1) {
    ADD_FAILURE() << "expected one Modality LUT Sequence item";
    return {};
  }
  const gdcm::ByteValue* data =
      sequence->GetItem(1).GetNestedDataSet().GetDataElement(gdcm::Tag(0x0028, 0x3006)).GetByteValue();
  std::vector<std::uint16_t> entries(data->GetLength() / 2);
  std::memcpy(entries.data(), data->GetPointer(), entries.size() * 2);
  return entries;
}

TEST(DicomLoad, ModalityLutApplied)
{
  SKIP_WITHOUT_SHARED_DATA();
  const auto path = dicomDir() / "mlut_18.dcm";
  const Image image = loadImage(path);
  const std::vector<int> raw = rawSigned12(path);
  const std::vector<std::uint16_t> lut = modalityLutData(path);
  // This file's LUT Descriptor is 4096\-2048\16: entry 0 maps the raw value -2048.
  ASSERT_EQ(lut.size(), 4096u);
  ASSERT_EQ(raw.size(), image.pixels.size());
  for (std::size_t i = 0; i < raw.size(); i += 97) {
    const double expected = lut[static_cast<std::size_t>(std::clamp(raw[i], -2048, 2047) + 2048)];
    ASSERT_EQ(image.modalityValue(image.pixels[i]), expected) << "pixel " << i;
  }
  EXPECT_EQ(image.bitsStored, 16);
}

TEST(DicomLoad, VoiLutGivesDefaultWindow)
{
  SKIP_WITHOUT_SHARED_DATA();
  const Image image = loadShared("vlut_04.dcm");
  EXPECT_FALSE(image.headerWindow.has_value());
  // The LUT maps inputs 0..255, so the window spans exactly that range.
  EXPECT_DOUBLE_EQ(image.defaultWindow.center, 128.0);
  EXPECT_DOUBLE_EQ(image.defaultWindow.width, 256.0);
}

// ---------------------------------------------------------------------------------------------
// Synthetic DICOM files.

struct SyntheticDicom {
  unsigned width = 0;
  unsigned height = 0;
  std::vector<std::uint16_t> words;
};

// Signed 12-bit values in 16-bit words whose high 4 bits carry garbage, written uncompressed.
void writeSignedTwelveBit(const std::filesystem::path& path, const SyntheticDicom& content, double slope,
                          double intercept)
{
  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(2);
  image.SetDimension(0, content.width);
  image.SetDimension(1, content.height);
  image.SetPixelFormat(gdcm::PixelFormat(1, 16, 12, 11, 1));
  image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
  image.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  image.SetSlope(slope);
  image.SetIntercept(intercept);
  gdcm::DataElement pixelData(gdcm::Tag(0x7fe0, 0x0010));
  pixelData.SetByteValue(reinterpret_cast<const char*>(content.words.data()),
                         static_cast<std::uint32_t>(content.words.size() * 2));
  image.SetDataElement(pixelData);
  writer.GetFile().GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  gdcm::DataSet& dataSet = writer.GetFile().GetDataSet();
  gdcm::Attribute<0x0008, 0x0016> sopClass{"1.2.840.10008.5.1.4.1.1.2"};  // CT Image Storage
  dataSet.Replace(sopClass.GetAsDataElement());
  writer.SetFileName(path.c_str());
  ASSERT_TRUE(writer.Write());
}

SyntheticDicom makeSignedTwelveBit(std::vector<int>& values)
{
  SyntheticDicom content;
  content.width = 8;
  content.height = 4;
  for (unsigned i = 0; i < content.width * content.height; ++i) {
    const int value = static_cast<int>(i * 131 % 4096) - 2048;  // covers both signs
    values.push_back(value);
    const auto garbage = static_cast<std::uint16_t>((i % 16) << 12);
    content.words.push_back(static_cast<std::uint16_t>(garbage | (value & 0x0FFF)));
  }
  return content;
}

// Unsigned 12-bit samples with garbage in the high 4 bits, in two frames of 40x3 pixels: more than
// one block of the masking loop plus a tail, and a second frame that must not reach the image.
TEST(DicomLoad, UnsignedTwelveBitFirstOfTwoFrames)
{
  const auto dir = testing::makeScratchDir("dicom-unsigned-frames");
  const auto path = dir / "unsigned12-frames.dcm";
  constexpr unsigned Width = 40;
  constexpr unsigned Height = 3;
  std::vector<std::uint16_t> words;
  for (unsigned i = 0; i < 2 * Width * Height; ++i) {
    const auto garbage = static_cast<std::uint16_t>((i % 16) << 12);
    words.push_back(static_cast<std::uint16_t>(garbage | ((i * 37 + 5) % 4096)));
  }
  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(3);
  image.SetDimension(0, Width);
  image.SetDimension(1, Height);
  image.SetDimension(2, 2);
  image.SetPixelFormat(gdcm::PixelFormat(1, 16, 12, 11, 0));
  image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
  image.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  gdcm::DataElement pixelData(gdcm::Tag(0x7fe0, 0x0010));
  pixelData.SetByteValue(reinterpret_cast<const char*>(words.data()), static_cast<std::uint32_t>(words.size() * 2));
  image.SetDataElement(pixelData);
  writer.GetFile().GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  gdcm::Attribute<0x0008, 0x0016> sopClass{"1.2.840.10008.5.1.4.1.1.7"};  // Secondary Capture
  writer.GetFile().GetDataSet().Replace(sopClass.GetAsDataElement());
  writer.SetFileName(path.c_str());
  ASSERT_TRUE(writer.Write());

  const Image loaded = loadImage(path);
  ASSERT_EQ(loaded.pixels.size(), std::size_t{Width * Height});
  std::uint16_t low = 0xFFFF;
  std::uint16_t high = 0;
  for (std::size_t i = 0; i < loaded.pixels.size(); ++i) {
    const auto expected = static_cast<std::uint16_t>(words[i] & 0x0FFF);
    EXPECT_EQ(loaded.pixels[i], expected) << "pixel " << i;
    low = std::min(low, expected);
    high = std::max(high, expected);
  }
  EXPECT_EQ(loaded.minValue, low);
  EXPECT_EQ(loaded.maxValue, high);
  EXPECT_TRUE(hasNotice(loaded, "first of 2 frames shown"));
}

TEST(DicomLoad, SignedTwelveBitWithGarbage)
{
  const auto dir = testing::makeScratchDir("dicom-signed");
  const auto path = dir / "signed12";
  std::vector<int> values;
  writeSignedTwelveBit(path, makeSignedTwelveBit(values), 0.5, -10.25);

  const Image image = loadImage(path);
  ASSERT_EQ(image.pixels.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(image.modalityValue(image.pixels[i]), values[i] * 0.5 - 10.25) << "pixel " << i;
  }
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  EXPECT_EQ(image.minValue, *low * 0.5 - 10.25);
  EXPECT_EQ(image.maxValue, *high * 0.5 - 10.25);
  EXPECT_EQ(image.bitsStored, 12);
}

TEST(DicomLoad, RgbBecomesLuminance)
{
  const auto dir = testing::makeScratchDir("dicom-rgb");
  const auto path = dir / "rgb.dcm";
  const std::vector<std::uint8_t> rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 10, 10};
  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(2);
  image.SetDimension(0, 4);
  image.SetDimension(1, 1);
  image.SetPixelFormat(gdcm::PixelFormat(3, 8, 8, 7, 0));
  image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::RGB);
  image.SetPlanarConfiguration(0);
  image.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  gdcm::DataElement pixelData(gdcm::Tag(0x7fe0, 0x0010));
  pixelData.SetByteValue(reinterpret_cast<const char*>(rgb.data()), static_cast<std::uint32_t>(rgb.size()));
  image.SetDataElement(pixelData);
  writer.SetFileName(path.c_str());
  ASSERT_TRUE(writer.Write());

  const Image loaded = loadImage(path);
  // Rec. 601 luma, rounded: 76.2, 149.7, 29.1 and 10.
  EXPECT_EQ(loaded.pixels, (std::vector<std::uint16_t>{76, 150, 29, 10}));
  EXPECT_TRUE(hasNotice(loaded, "colour image shown as luminance"));
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
    EXPECT_EQ(error.path(), path);
  }
}

TEST(DicomLoad, TruncatedFileRejected)
{
  const auto dir = testing::makeScratchDir("dicom-truncated");
  const auto path = dir / "truncated.dcm";
  std::vector<int> values;
  writeSignedTwelveBit(path, makeSignedTwelveBit(values), 1.0, 0.0);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 40);
  expectLoadErrorNaming(path, "truncated");
}

TEST(DicomLoad, CorruptFileRejected)
{
  const auto dir = testing::makeScratchDir("dicom-corrupt");
  const auto path = dir / "corrupt.dcm";
  std::string bytes(128, '\0');
  bytes += "DICM";
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>((i * 73 + 11) % 256));
  }
  std::ofstream(path, std::ios::binary) << bytes;
  expectLoadErrorNaming(path, "");
}

TEST(DicomLoad, HugeDeclaredSizeRejected)
{
  const auto dir = testing::makeScratchDir("dicom-huge");
  const auto small = dir / "small.dcm";
  std::vector<int> values;
  writeSignedTwelveBit(small, makeSignedTwelveBit(values), 1.0, 0.0);

  gdcm::Reader reader;
  reader.SetFileName(small.c_str());
  ASSERT_TRUE(reader.Read());
  gdcm::DataSet& dataSet = reader.GetFile().GetDataSet();
  dataSet.Replace(gdcm::Attribute<0x0028, 0x0010>{40000}.GetAsDataElement());  // Rows
  dataSet.Replace(gdcm::Attribute<0x0028, 0x0011>{40000}.GetAsDataElement());  // Columns
  const auto huge = dir / "huge.dcm";
  gdcm::Writer writer;
  writer.SetFile(reader.GetFile());
  writer.SetFileName(huge.c_str());
  ASSERT_TRUE(writer.Write());

  expectLoadErrorNaming(huge, "40000");
}

TEST(DicomLoad, UnknownFormatRejected)
{
  const auto dir = testing::makeScratchDir("dicom-unknown");
  const auto path = dir / "notes.txt";
  std::ofstream(path) << "not an image at all, just some text for the sniffer";
  EXPECT_EQ(sniffImageFormat(path), std::nullopt);
  expectLoadErrorNaming(path, "not a DICOM, PNG or JPEG");
}

}  // namespace
}  // namespace spinemark::core
