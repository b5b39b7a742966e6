// core::decodeImageFile, the decoder the app's workers run: pixels from loadImage and the SHA-256
// of the file's bytes.
#include "core/file_hash.h"
#include "core/image_cache.h"
#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

Phantom smallPhantom()
{
  PhantomOptions options;
  options.width = 300;
  options.height = 500;
  options.vertebraCount = 4;
  return makePhantom(options);
}

TEST(DecodeImageFileTest, PixelsAndHashOfTheSameFile)
{
  const fs::path folder = testing::makeScratchDir("decode_image_file");
  const Phantom phantom = smallPhantom();
  const fs::path path = folder / "phantom.dcm";
  writePhantomDicom(phantom, path, 0.2);

  const DecodedImage decoded = decodeImageFile(path);
  EXPECT_EQ(decoded.image.width, phantom.width);
  EXPECT_EQ(decoded.image.height, phantom.height);
  EXPECT_EQ(decoded.image.pixels, phantom.pixels);
  EXPECT_EQ(decoded.sha256, sha256File(path));
  EXPECT_EQ(decoded.sha256.size(), 64u);
}

TEST(DecodeImageFileTest, CorruptFileThrowsTheLoadersError)
{
  const fs::path folder = testing::makeScratchDir("decode_image_file_corrupt");
  const Phantom phantom = smallPhantom();
  const fs::path path = folder / "cut.dcm";
  writePhantomDicom(phantom, path, 0.2);
  fs::resize_file(path, fs::file_size(path) / 2);

  try {
    decodeImageFile(path);
    FAIL() << "a DICOM file cut in half decoded";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cut.dcm"), std::string::npos) << message;
    EXPECT_EQ(message.find("SHA-256"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace spinemark::core
