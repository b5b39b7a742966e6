#include "core/file_hash.h"

#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

namespace spinemark::core {
namespace {

std::filesystem::path writeFile(const std::filesystem::path& path, const std::string& content)
{
  std::ofstream file(path, std::ios::binary);
  file << content;
  return path;
}

// Expected digests are the FIPS 180-2 test vectors for SHA-256.
TEST(FileHash, EmptyFile)
{
  const auto dir = testing::makeScratchDir("hash-empty");
  EXPECT_EQ(sha256File(writeFile(dir / "empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FileHash, ShortMessage)
{
  const auto dir = testing::makeScratchDir("hash-abc");
  EXPECT_EQ(sha256File(writeFile(dir / "abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FileHash, MillionBytesSpanManyChunks)
{
  const auto dir = testing::makeScratchDir("hash-million");
  EXPECT_EQ(sha256File(writeFile(dir / "million-a", std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(FileHash, MissingFileNamesPath)
{
  const auto dir = testing::makeScratchDir("hash-missing");
  const auto missing = dir / "no-such-file.dcm";
  try {
    sha256File(missing);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("no-such-file.dcm"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace spinemark::core
