// Damaged, truncated and hostile DICOM, PNG and JPEG files: each must raise an ImageLoadError that
// names the file, and none may make the loader allocate memory for a size that the file cannot
// contain. Loads that could allocate run in a forked child that reports its peak RSS growth.
#include "core/image.h"
#include "core/dicom_reencode.h"
#include "core/phantom.h"

#include "support/test_data.h"

#include <gdcmAttribute.h>
#include <gdcmReader.h>
#include <gdcmWriter.h>
#include <gtest/gtest.h>
#include <stb_image_write.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace spinemark::core {
namespace {

// Far below what any of the rejected declared sizes would take (at least 900 MB), and far above
// what decoding a small header takes.
constexpr long MaxPeakGrowthKb = 64 * 1024;

struct ChildLoad {
  std::string error;  // ImageLoadError::what(), or a description of any other outcome
  bool rejected = false;
  long peakGrowthKb = 0;
};

long peakRssKb()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

// Loads path in a forked child, so that the peak RSS (which never drops) measures this load alone.
ChildLoad loadInChild(const std::filesystem::path& path)
{
  int channel[2];
  if (pipe(channel) != 0) {
    ADD_FAILURE() << "pipe failed";
    return {};
  }
  const pid_t child = fork();
  if (child == 0) {
    close(channel[0]);
    const long before = peakRssKb();
    std::string outcome;
    try {
      loadImage(path);
      outcome = "loaded";
    } catch (const ImageLoadError& error) {
      outcome = std::string("rejected ") + error.what();
    } catch (const std::exception& error) {
      outcome = std::string("other exception ") + error.what();
    }
    const std::string report = std::to_string(peakRssKb() - before) + " " + outcome;
    const ssize_t written = write(channel[1], report.data(), report.size());
    _exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  close(channel[1]);
  std::string report;
  char buffer[4096];
  for (ssize_t count = 0; (count = read(channel[0], buffer, sizeof buffer)) > 0;) {
    report.append(buffer, static_cast<std::size_t>(count));
  }
  close(channel[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the loading child crashed on " << path;

  ChildLoad load;
  std::istringstream fields(report);
  fields >> load.peakGrowthKb;
  std::getline(fields >> std::ws, load.error);
  load.rejected = load.error.rfind("rejected ", 0) == 0;
  return load;
}

void expectRejectedWithoutAllocating(const std::filesystem::path& path, const std::string& reasonPart)
{
  const ChildLoad load = loadInChild(path);
  EXPECT_TRUE(load.rejected) << load.error;
  EXPECT_NE(load.error.find(path.filename().string()), std::string::npos) << load.error;
  EXPECT_NE(load.error.find(reasonPart), std::string::npos) << load.error;
  EXPECT_LT(load.peakGrowthKb, MaxPeakGrowthKb) << load.error;
}

void expectRejected(const std::filesystem::path& path, const std::string& reasonPart)
{
  try {
    loadImage(path);
    ADD_FAILURE() << "expected ImageLoadError for " << path;
  } catch (const ImageLoadError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path.filename().string()), std::string::npos) << message;
    EXPECT_NE(message.find(reasonPart), std::string::npos) << message;
  }
}

std::string readBytes(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
  std::ofstream(path, std::ios::binary) << bytes;
}

Phantom smallPhantom()
{
  PhantomOptions options;
  options.width = 64;
  options.height = 96;
  options.vertebraCount = 2;
  return makePhantom(options);
}

// ---------------------------------------------------------------------------------------------
// DICOM: a 64x96 phantom (16 bits allocated, explicit VR little endian) with header edits.

std::filesystem::path writeSmallDicom(const std::filesystem::path& dir)
{
  const auto path = dir / "phantom.dcm";
  writePhantomDicom(smallPhantom(), path, 0.2);
  return path;
}

template <typename Edit>
std::filesystem::path editDicom(const std::filesystem::path& source, const std::filesystem::path& target, Edit edit)
{
  gdcm::Reader reader;
  reader.SetFileName(source.c_str());
  EXPECT_TRUE(reader.Read());
  edit(reader.GetFile().GetDataSet());
  gdcm::Writer writer;
  writer.SetFile(reader.GetFile());
  writer.SetFileName(target.c_str());
  EXPECT_TRUE(writer.Write());
  return target;
}

// Offset of the 4-byte value length of the explicit VR little endian Pixel Data element.
std::size_t pixelDataLengthOffset(const std::string& bytes)
{
  const std::size_t tag = bytes.rfind(std::string("\xE0\x7F\x10\x00", 4));
  EXPECT_NE(tag, std::string::npos);
  return tag + 8;  // tag, VR "OW", two reserved bytes
}

void setLe32(std::string& bytes, std::size_t offset, std::uint32_t value)
{
  for (int i = 0; i < 4; ++i) {
    bytes[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

TEST(HostileDicom, HugeSizeWithTinyPixelData)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-huge");
  const auto path = editDicom(writeSmallDicom(dir), dir / "huge-rows.dcm", [](gdcm::DataSet& dataSet) {
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0010>{30000}.GetAsDataElement());  // Rows
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0011>{30000}.GetAsDataElement());  // Columns
  });
  expectRejectedWithoutAllocating(path, "Pixel Data value has 12288 bytes");
}

TEST(HostileDicom, MaximumRowsColumnsRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-max");
  const auto path = editDicom(writeSmallDicom(dir), dir / "max-rows.dcm", [](gdcm::DataSet& dataSet) {
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0010>{65535}.GetAsDataElement());
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0011>{65535}.GetAsDataElement());
  });
  expectRejectedWithoutAllocating(path, "65535x65535");
}

TEST(HostileDicom, ManyFramesWithOneFrameOfData)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-frames");
  const auto path = editDicom(writeSmallDicom(dir), dir / "frames.dcm", [](gdcm::DataSet& dataSet) {
    gdcm::Attribute<0x0028, 0x0008> frames;  // Number of Frames, an IS string
    frames.SetValue(50000);
    dataSet.Replace(frames.GetAsDataElement());
  });
  expectRejectedWithoutAllocating(path, "50000 frames");
}

TEST(HostileDicom, FramesBeyondDecodingLimit)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-limit");
  const auto path = editDicom(writeSmallDicom(dir), dir / "limit.dcm", [](gdcm::DataSet& dataSet) {
    gdcm::Attribute<0x0028, 0x0008> frames;  // 400000 frames of 12288 bytes: 4.6 GiB
    frames.SetValue(400000);
    dataSet.Replace(frames.GetAsDataElement());
  });
  expectRejectedWithoutAllocating(path, "exceeds the 4 GiB decoding limit");
}

TEST(HostileDicom, BitsAllocatedOneRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-bits1");
  const auto path = editDicom(writeSmallDicom(dir), dir / "bits1.dcm", [](gdcm::DataSet& dataSet) {
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0100>{1}.GetAsDataElement());  // Bits Allocated
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0101>{1}.GetAsDataElement());  // Bits Stored
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0102>{0}.GetAsDataElement());  // High Bit
  });
  expectRejected(path, "Bits Allocated 1");
}

// fuzz_dicom_loader found this: GDCM 3.0 aborts on an assertion while reading the header when
// Samples per Pixel is not 1, 3 or 4, so the raw bytes are checked before GDCM reads them.
TEST(HostileDicom, SamplesPerPixelTwoRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-spp");
  const auto path = editDicom(writeSmallDicom(dir), dir / "spp2.dcm", [](gdcm::DataSet& dataSet) {
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0002>{2}.GetAsDataElement());
  });
  expectRejectedWithoutAllocating(path, "Samples per Pixel (0028,0002) is 2");
}

TEST(HostileDicom, BitsAllocatedThirtyTwoNeedsTwiceTheData)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-bits32");
  const auto path = editDicom(writeSmallDicom(dir), dir / "bits32.dcm", [](gdcm::DataSet& dataSet) {
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0100>{32}.GetAsDataElement());
  });
  expectRejected(path, "need 24576");
}

TEST(HostileDicom, OddPixelDataLength)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-odd");
  std::string bytes = readBytes(writeSmallDicom(dir));
  setLe32(bytes, pixelDataLengthOffset(bytes), 12287);
  const auto path = dir / "odd-length.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "");
}

TEST(HostileDicom, NegativePixelDataLength)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-negative");
  std::string bytes = readBytes(writeSmallDicom(dir));
  setLe32(bytes, pixelDataLengthOffset(bytes), 0xFFFFFFF0u);  // -16 as a signed 32-bit length
  const auto path = dir / "negative-length.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "");
}

// fuzz_dicom_loader found this: GDCM read the meta element as implicit VR, took "\xAB\xAC\x04\x00"
// as its length and aborted on a failed assertion when the value ran past the end of the file.
TEST(HostileDicom, MetaElementWithoutVrRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-meta-vr");
  std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t groupLength = bytes.find(std::string("\x02\x00\x00\x00UL", 6));
  ASSERT_NE(groupLength, std::string::npos);
  bytes[groupLength + 4] = '\xAB';
  bytes[groupLength + 5] = '\xAC';
  const auto path = dir / "meta-without-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0002,0000) declares");
}

// Offset of the file meta element (0002,element) in a file written by GDCM (explicit VR).
std::size_t metaElementOffset(const std::string& bytes, std::uint16_t element, const std::string& vr)
{
  const std::string header = std::string("\x02\x00", 2) + static_cast<char>(element & 0xFF) +
                             static_cast<char>(element >> 8) + vr;
  const std::size_t offset = bytes.find(header, 132);
  EXPECT_NE(offset, std::string::npos) << "no (0002," << element << ") " << vr;
  return offset;
}

// fuzz_dicom_loader found this. GDCM 3.0 reads a meta element whose VR is two printable characters
// but no known VR as UN, so it takes a 32-bit length from the value bytes. It then aborts on a
// failed assertion because that length runs past the end of the file.
TEST(HostileDicom, MetaElementWithUnknownVrRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-meta-unknown-vr");
  std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t version = metaElementOffset(bytes, 0x0013, "SH");  // Implementation Version Name
  bytes[version + 4] = 'I';
  bytes[version + 5] = 'E';
  const auto path = dir / "meta-unknown-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0002,0013) declares");
}

TEST(HostileDicom, MetaSequenceRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-meta-sq");
  std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t version = metaElementOffset(bytes, 0x0001, "OB");  // File Meta Information Version
  bytes[version + 4] = 'S';
  bytes[version + 5] = 'Q';
  const auto path = dir / "meta-sequence.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "file meta element (0002,0001) is a sequence");
}

TEST(HostileDicom, MetaUndefinedLengthRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-meta-undefined");
  std::string bytes = readBytes(writeSmallDicom(dir));
  setLe32(bytes, metaElementOffset(bytes, 0x0001, "OB") + 8, 0xFFFFFFFFu);
  const auto path = dir / "meta-undefined-length.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "file meta element (0002,0001) has an undefined length");
}

TEST(HostileDicom, FileEndingAfterMetaRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-meta-only");
  const std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t dataSet = bytes.find(std::string("\x08\x00", 2), 132);
  ASSERT_NE(dataSet, std::string::npos);
  const auto path = dir / "meta-only.dcm";
  writeBytes(path, bytes.substr(0, dataSet));
  expectRejectedWithoutAllocating(path, "ends after the file meta information");
}

// GDCM reads an unknown VR in the data set as UN too, so a 2-byte length that the walk would take
// from a short VR is really a 32-bit length further on, which GDCM allocates before reading.
TEST(HostileDicom, DataSetUnknownVrUsesLongLength)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-unknown-vr");
  std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t rows = bytes.find(std::string("\x28\x00\x10\x00US\x02\x00", 8));
  ASSERT_NE(rows, std::string::npos);
  bytes[rows + 4] = 'X';
  setLe32(bytes, rows + 8, 0xFFFFFFF0u);
  const auto path = dir / "unknown-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0028,0010) declares 4294967280 bytes");
}

// GDCM reads an element whose VR bytes are not printable as implicit VR, so its 32-bit length
// starts right after the tag. Here that length is 2 GiB.
TEST(HostileDicom, DataSetElementWithoutVrUsesImplicitLength)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-no-vr");
  std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t rows = bytes.find(std::string("\x28\x00\x10\x00US\x02\x00", 8));
  ASSERT_NE(rows, std::string::npos);
  setLe32(bytes, rows + 4, 0x7FF00000u);
  const auto path = dir / "no-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0028,0010) declares 2146435072 bytes");
}

std::filesystem::path writeSmallCompressed(const std::filesystem::path& dir, gdcm::TransferSyntax::TSType syntax)
{
  const auto path = dir / "phantom-compressed.dcm";
  reencodeDicom(writeSmallDicom(dir), path, syntax);
  return path;
}

std::filesystem::path writeSmallJpeg2000(const std::filesystem::path& dir)
{
  return writeSmallCompressed(dir, gdcm::TransferSyntax::JPEG2000Lossless);
}

TEST(HostileDicom, Jpeg2000LoadsBeforeEdits)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-j2k-valid");
  const Image image = loadImage(writeSmallJpeg2000(dir));
  EXPECT_EQ(image.width, 64);
  EXPECT_EQ(image.height, 96);
}

// fuzz_dicom_loader found this: GDCM skips a JPEG 2000 marker segment by its declared length
// without comparing it with the fragment size, and read outside the fragment until it crashed.
TEST(HostileDicom, Jpeg2000MarkerPastFragmentRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-j2k-marker");
  std::string bytes = readBytes(writeSmallJpeg2000(dir));
  const std::size_t cod = bytes.find(std::string("\xFF\x52\x00\x0C", 4));
  ASSERT_NE(cod, std::string::npos);
  bytes[cod + 2] = '\xFF';
  bytes[cod + 3] = '\xF0';
  const auto path = dir / "j2k-marker.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "JPEG 2000 marker FF52");
}

// fuzz_dicom_loader found this: GDCM decodes into a buffer of the size that the DICOM header
// declares and writes as many pixels as the JPEG 2000 SIZ marker declares, past the buffer's end.
TEST(HostileDicom, Jpeg2000WiderThanHeaderRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-j2k-size");
  std::string bytes = readBytes(writeSmallJpeg2000(dir));
  const std::size_t size = bytes.find(std::string("\xFF\x4F\xFF\x51", 4));  // SOC, SIZ
  ASSERT_NE(size, std::string::npos);
  bytes[size + 10] = '\xFB';  // Xsiz 64 (00 00 00 40) becomes 64320 (00 00 FB 40)
  const auto path = dir / "j2k-size.dcm";
  writeBytes(path, bytes);
  expectRejected(path, "JPEG 2000 data declares 64320x96 pixels");
}

// GDCM allocates the decoded size of every frame before its codec reads a byte: 512 MiB here,
// from about 1 KB of JPEG 2000 data.
TEST(HostileDicom, CompressedHugeSizeRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-j2k-huge");
  const auto path = editDicom(writeSmallJpeg2000(dir), dir / "j2k-huge.dcm", [](gdcm::DataSet& dataSet) {
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0010>{16384}.GetAsDataElement());  // Rows
    dataSet.Replace(gdcm::Attribute<0x0028, 0x0011>{16384}.GetAsDataElement());  // Columns
  });
  expectRejectedWithoutAllocating(path, "would decode to 512 MiB");
}

TEST(HostileDicom, CompressedFramesWithoutFragments)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-j2k-floor");
  const auto path = editDicom(writeSmallJpeg2000(dir), dir / "j2k-floor.dcm", [](gdcm::DataSet& dataSet) {
    gdcm::Attribute<0x0028, 0x0008> frames;  // 64 frames, but the file has one fragment
    frames.SetValue(64);
    dataSet.Replace(frames.GetAsDataElement());
  });
  expectRejectedWithoutAllocating(path, "1 fragments for 64 frames");
}

TEST(HostileDicom, JpegLosslessLoadsBeforeEdits)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-jpeg-valid");
  const Image image = loadImage(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  EXPECT_EQ(image.width, 64);
  EXPECT_EQ(image.height, 96);
}

// fuzz_dicom_loader found this: libjpeg warns about a byte between two marker segments, and GDCM
// 3.0 aborts on an assertion for that warning while reading the header.
TEST(HostileDicom, JpegExtraneousHeaderByteRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-jpeg-extraneous");
  std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  const std::size_t huffmanTable = bytes.find(std::string("\xFF\xC4", 2));  // DHT after SOF3
  ASSERT_NE(huffmanTable, std::string::npos);
  // "00 FF C4" becomes "FF 00 C4": the last SOF3 byte changes, then 00 C4 is not a marker.
  bytes[huffmanTable - 1] = '\xFF';
  bytes[huffmanTable] = '\x00';
  const auto path = dir / "jpeg-extraneous.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "extraneous bytes");
}

// fuzz_dicom_loader found this: GDCM 3.0 aborts on an assertion in gdcm::Attribute while reading
// Rows when its explicit VR is not compatible with US.
TEST(HostileDicom, RowsWithWrongVrRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-rows-vr");
  std::string bytes = readBytes(writeSmallDicom(dir));
  const std::size_t rows = bytes.find(std::string("\x28\x00\x10\x00US\x02\x00", 8));
  ASSERT_NE(rows, std::string::npos);
  bytes[rows + 4] = 'D';
  const auto path = dir / "rows-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0028,0010) has VR DS, but DICOM defines US");
}

// Replaces the transfer syntax UID of a file written as JPEG lossless (first-order prediction).
// It also hides Columns by changing its group to 0x2028. GDCM then reads the JPEG header to find
// the image size and compares the transfer syntax coded there with the file's.
std::string withTransferSyntaxNoColumns(const std::string& bytes, const std::string& uid)
{
  std::string edited = bytes;
  const std::string lossless = "1.2.840.10008.1.2.4.70";
  const std::size_t at = edited.find(lossless);
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(uid.size(), lossless.size());
  edited.replace(at, lossless.size(), uid);
  const std::size_t columns = edited.find(std::string("\x28\x00\x11\x00US", 6));
  EXPECT_NE(columns, std::string::npos);
  edited[columns + 1] = '\x20';
  return edited;
}

// fuzz_dicom_loader found this: GDCM 3.0 recognizes the retired JPEG extended processes 3 and 5,
// and aborts on an assertion when Columns is missing and the JPEG data is coded otherwise.
TEST(HostileDicom, RetiredTransferSyntaxRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-retired-syntax");
  const std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  const auto path = dir / "retired-syntax.dcm";
  writeBytes(path, withTransferSyntaxNoColumns(bytes, "1.2.840.10008.1.2.4.53"));
  expectRejectedWithoutAllocating(path, "transfer syntax 1.2.840.10008.1.2.4.53 (at byte");
}

// GDCM 3.0 aborts on an assertion when Columns is missing and the JPEG header codes another
// transfer syntax than the file declares: here first-order prediction (.70) in a .57 file.
TEST(HostileDicom, JpegProcessMismatchRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-jpeg-process");
  const std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  const auto path = dir / "jpeg-process.dcm";
  writeBytes(path, withTransferSyntaxNoColumns(bytes, "1.2.840.10008.1.2.4.57"));
  expectRejectedWithoutAllocating(path, "coded for transfer syntax 1.2.840.10008.1.2.4.70, but the file declares");
}

// fuzz_dicom_loader found this: GDCM 3.0 has no decoder for 24-bit lossless JPEG and
// dereferences a null pointer while decoding such a fragment.
TEST(HostileDicom, JpegLosslessPrecisionOutOfRangeRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-jpeg-precision");
  std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  const std::size_t frameHeader = bytes.find(std::string("\xFF\xC3", 2));  // SOF3
  ASSERT_NE(frameHeader, std::string::npos);
  bytes[frameHeader + 4] = 24;  // marker (2 bytes), length (2 bytes), then the precision
  const auto path = dir / "jpeg-precision.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "declares 24-bit samples, but lossless JPEG allows 2 to 16");
}

// fuzz_dicom_loader found this: GDCM 3.0 allocates the length of the sequence delimitation item
// after the last fragment, 2 GB here from a 7 KB file.
TEST(HostileDicom, DelimiterWithLengthRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-delimiter");
  std::string bytes = readBytes(writeSmallJpeg2000(dir));
  const std::size_t delimiter = bytes.rfind(std::string("\xFE\xFF\xDD\xE0", 4));
  ASSERT_NE(delimiter, std::string::npos);
  setLe32(bytes, delimiter + 4, 0x7B000000u);
  const auto path = dir / "delimiter-length.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "(FFFE,E0DD) declares 2063597568 bytes");
}

// fuzz_dicom_loader found this: when an element of an explicit VR big endian file has no VR,
// GDCM 3.0 reads the data set again as little endian and allocated 1.9 GB for one length.
TEST(HostileDicom, BigEndianElementWithoutVrRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-be-no-vr");
  std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::ExplicitVRBigEndian));
  const std::size_t rows = bytes.find(std::string("\x00\x28\x00\x10US\x00\x02", 8));
  ASSERT_NE(rows, std::string::npos);
  bytes[rows + 4] = '\0';
  bytes[rows + 5] = '\0';
  const auto path = dir / "be-no-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0028,0010) has no valid VR in an explicit VR big endian");
}

// fuzz_dicom_loader found this: GDCM 3.0 asserts that encapsulated Pixel Data has VR OB, OW or UN.
TEST(HostileDicom, EncapsulatedPixelDataOfWrongVrRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-pixel-vr");
  std::string bytes = readBytes(writeSmallJpeg2000(dir));
  const std::size_t pixelData = bytes.find(std::string("\xE0\x7F\x10\x00OB", 6));
  ASSERT_NE(pixelData, std::string::npos);
  bytes[pixelData + 4] = 'U';
  bytes[pixelData + 5] = 'T';
  const auto path = dir / "pixel-data-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (7FE0,0010) of VR UT has an undefined length");
}

// fuzz_dicom_loader found this: after a data element among the fragments, GDCM 3.0 reads the data
// set again with another parser, which took a length of 3.3 GB from the compressed bytes.
TEST(HostileDicom, ElementAmongFragmentsRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-fragment-element");
  std::string bytes = readBytes(writeSmallJpeg2000(dir));
  const std::size_t offsetTable = bytes.find(std::string("\xFE\xFF\x00\xE0\x00\x00\x00\x00", 8));
  ASSERT_NE(offsetTable, std::string::npos);
  bytes.insert(offsetTable + 8, std::string(16, '\0'));  // two empty elements (0000,0000)
  const auto path = dir / "fragment-element.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "contains (0000,0000) where DICOM requires an item");
}

// fuzz_dicom_loader found this: GDCM 3.0 finds no JPEG decoder for Bits Allocated 4129 and aborts
// on an assertion while reading the header.
TEST(HostileDicom, JpegBitsAllocatedOutOfRangeRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-jpeg-bits");
  std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  const std::size_t bitsAllocated = bytes.find(std::string("\x28\x00\x00\x01US\x02\x00", 8));
  ASSERT_NE(bitsAllocated, std::string::npos);
  bytes[bitsAllocated + 8] = '\x21';
  bytes[bitsAllocated + 9] = '\x10';
  const auto path = dir / "jpeg-bits.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "Bits Allocated (0028,0100) is 4129");
}

// fuzz_dicom_loader found this with Lossy Image Compression, which GDCM 3.0 reads as CS.
TEST(HostileDicom, LossyCompressionWithWrongVrRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-lossy-vr");
  std::string bytes = readBytes(writeSmallCompressed(dir, gdcm::TransferSyntax::JPEGLosslessProcess14_1));
  const std::size_t lossy = bytes.find(std::string("\x28\x00\x10\x21" "CS\x02\x00", 8));
  ASSERT_NE(lossy, std::string::npos);
  bytes[lossy + 4] = 'U';
  bytes[lossy + 5] = 'S';
  const auto path = dir / "lossy-vr.dcm";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "element (0028,2110) has VR US, but DICOM defines CS");
}

TEST(HostileDicom, EveryTruncationRejected)
{
  const auto dir = testing::makeScratchDir("hostile-dicom-cuts");
  const std::string bytes = readBytes(writeSmallDicom(dir));
  const auto path = dir / "cut.dcm";
  for (std::size_t length = 0; length < bytes.size(); length += 61) {
    writeBytes(path, bytes.substr(0, length));
    SCOPED_TRACE("truncated to " + std::to_string(length) + " of " + std::to_string(bytes.size()) + " bytes");
    expectRejected(path, "");
  }
}

// ---------------------------------------------------------------------------------------------
// PNG: chunks built by hand, so that lengths and CRCs can be set freely.

void appendBe32(std::string& bytes, std::uint32_t value)
{
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

std::string pngChunk(const std::string& type, const std::string& data)
{
  std::string chunk;
  appendBe32(chunk, static_cast<std::uint32_t>(data.size()));
  const std::string body = type + data;
  chunk += body;
  appendBe32(chunk, static_cast<std::uint32_t>(
                        crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  return chunk;
}

// 8-bit gray PNG of width x height whose IDAT is the zlib stream of rows filled with filter 0 and value.
std::string grayPng(std::uint32_t width, std::uint32_t height, std::uint32_t dataRows)
{
  std::string ihdr;
  appendBe32(ihdr, width);
  appendBe32(ihdr, height);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);
  std::string raw;
  for (std::uint32_t y = 0; y < dataRows; ++y) {
    raw.push_back('\0');
    raw.append(width, static_cast<char>(y * 8));
  }
  uLongf packedSize = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packedSize, '\0');
  compress(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  packed.resize(packedSize);
  return std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", packed) +
         pngChunk("IEND", "");
}

TEST(HostilePng, ValidSmallPngLoads)
{
  const auto dir = testing::makeScratchDir("hostile-png-valid");
  const auto path = dir / "valid.png";
  writeBytes(path, grayPng(40, 30, 30));
  const Image image = loadImage(path);
  EXPECT_EQ(image.width, 40);
  EXPECT_EQ(image.sampleAt(0, 29), 29 * 8);
}

TEST(HostilePng, HugeHeaderRejected)
{
  const auto dir = testing::makeScratchDir("hostile-png-huge");
  const auto path = dir / "huge.png";
  writeBytes(path, grayPng(100000, 100000, 1));
  expectRejectedWithoutAllocating(path, "100000x100000");
}

TEST(HostilePng, LargeHeaderWithTinyDataRejected)
{
  const auto dir = testing::makeScratchDir("hostile-png-tiny-data");
  const auto path = dir / "tiny-data.png";
  writeBytes(path, grayPng(30000, 30000, 1));
  expectRejectedWithoutAllocating(path, "needs at least");
}

TEST(HostilePng, BadIdatCrcRejected)
{
  const auto dir = testing::makeScratchDir("hostile-png-crc");
  std::string bytes = grayPng(40, 30, 30);
  const std::size_t idat = bytes.find("IDAT");
  bytes[idat + 10] = static_cast<char>(bytes[idat + 10] ^ 0x01);  // one bit of the zlib data
  const auto path = dir / "bad-crc.png";
  writeBytes(path, bytes);
  expectRejected(path, "chunk IDAT at byte 33 fails its CRC check");
}

TEST(HostilePng, TruncatedIdatRejected)
{
  const auto dir = testing::makeScratchDir("hostile-png-truncated");
  const std::string bytes = grayPng(40, 30, 30);
  const auto path = dir / "truncated.png";
  writeBytes(path, bytes.substr(0, bytes.find("IDAT") + 20));
  expectRejected(path, "chunk IDAT at byte 33 declares");
}

TEST(HostilePng, EveryTruncationRejected)
{
  const auto dir = testing::makeScratchDir("hostile-png-cuts");
  const std::string bytes = grayPng(40, 30, 30);
  const auto path = dir / "cut.png";
  for (std::size_t length = 0; length < bytes.size(); length += 3) {
    writeBytes(path, bytes.substr(0, length));
    SCOPED_TRACE("truncated to " + std::to_string(length) + " of " + std::to_string(bytes.size()) + " bytes");
    expectRejected(path, "");
  }
}

// ---------------------------------------------------------------------------------------------
// JPEG: baseline files from stb_image_write with edited frame headers.

void appendToString(void* context, void* data, int size)
{
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::string smallJpeg()
{
  const Phantom phantom = smallPhantom();
  std::vector<std::uint8_t> gray(phantom.pixels.size());
  for (std::size_t i = 0; i < gray.size(); ++i) {
    gray[i] = static_cast<std::uint8_t>(phantom.pixels[i] >> 4);
  }
  std::string jpeg;
  EXPECT_NE(stbi_write_jpg_to_func(appendToString, &jpeg, phantom.width, phantom.height, 1, gray.data(), 90), 0);
  return jpeg;
}

// Sets the height and width of the SOF0 frame header (marker, length, precision, then both sizes).
void setFrameSize(std::string& jpeg, std::uint16_t width, std::uint16_t height)
{
  const std::size_t sof = jpeg.find(std::string("\xFF\xC0", 2));
  ASSERT_NE(sof, std::string::npos);
  jpeg[sof + 5] = static_cast<char>(height >> 8);
  jpeg[sof + 6] = static_cast<char>(height & 0xFF);
  jpeg[sof + 7] = static_cast<char>(width >> 8);
  jpeg[sof + 8] = static_cast<char>(width & 0xFF);
}

TEST(HostileJpeg, MaximumFrameSizeRejected)
{
  const auto dir = testing::makeScratchDir("hostile-jpeg-max");
  std::string bytes = smallJpeg();
  setFrameSize(bytes, 65535, 65535);
  const auto path = dir / "max.jpg";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "65535x65535");
}

TEST(HostileJpeg, LargeFrameWithShortScanRejected)
{
  const auto dir = testing::makeScratchDir("hostile-jpeg-short-scan");
  std::string bytes = smallJpeg();
  setFrameSize(bytes, 30000, 30000);
  const auto path = dir / "short-scan.jpg";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "needs at least");
}

// stb_image 2.27 crashed on this kind of file, found by fuzz_jpeg_loader: the DHT defines AC
// table 3 in place of table 0, which the scan uses.
TEST(HostileJpeg, UndefinedHuffmanTableRejected)
{
  const auto dir = testing::makeScratchDir("hostile-jpeg-huffman");
  std::string bytes = smallJpeg();
  const std::size_t dht = bytes.find(std::string("\xFF\xC4", 2));
  ASSERT_NE(dht, std::string::npos);
  std::size_t table = dht + 4;  // marker and segment length
  while (static_cast<std::uint8_t>(bytes[table]) != 0x10) {  // class 1 (AC), id 0
    std::size_t codeCount = 0;
    for (std::size_t i = 1; i <= 16; ++i) {
      codeCount += static_cast<std::uint8_t>(bytes[table + i]);
    }
    table += 17 + codeCount;
    ASSERT_LT(table, bytes.size());
  }
  bytes[table] = 0x13;
  const auto path = dir / "undefined-table.jpg";
  writeBytes(path, bytes);
  expectRejectedWithoutAllocating(path, "Huffman table that no DHT segment defines");
}

TEST(HostileJpeg, TruncatedScanRejected)
{
  const auto dir = testing::makeScratchDir("hostile-jpeg-truncated");
  const std::string bytes = smallJpeg();
  const auto path = dir / "truncated.jpg";
  writeBytes(path, bytes.substr(0, bytes.size() * 3 / 4));
  expectRejected(path, "before its EOI marker");
}

TEST(HostileJpeg, EveryTruncationRejected)
{
  const auto dir = testing::makeScratchDir("hostile-jpeg-cuts");
  const std::string bytes = smallJpeg();
  const auto path = dir / "cut.jpg";
  for (std::size_t length = 0; length + 1 < bytes.size(); length += 7) {
    writeBytes(path, bytes.substr(0, length));
    SCOPED_TRACE("truncated to " + std::to_string(length) + " of " + std::to_string(bytes.size()) + " bytes");
    expectRejected(path, "");
  }
}

}  // namespace
}  // namespace spinemark::core
