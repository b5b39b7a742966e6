// SHA-256 of a file through OpenSSL's EVP interface, read in fixed-size chunks so that large
// radiographs are never held in memory twice.
#include "core/file_hash.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core {

namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::runtime_error hashError(const std::filesystem::path& path, const std::string& reason)
{
  return std::runtime_error("Cannot compute SHA-256 of " + path.string() + ": " + reason);
}

std::string toLowerHex(const unsigned char* bytes, unsigned int count)
{
  static constexpr char Digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(count * 2);
  for (unsigned int i = 0; i < count; ++i) {
    hex.push_back(Digits[bytes[i] >> 4]);
    hex.push_back(Digits[bytes[i] & 0x0F]);
  }
  return hex;
}

}  // namespace

std::string sha256File(const std::filesystem::path& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw hashError(path, "the file cannot be opened for reading");
  }
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw hashError(path, "OpenSSL failed to initialise the digest");
  }

  // 64 KiB chunks keep the buffer small while the per-call overhead stays negligible.
  std::vector<char> chunk(64 * 1024);
  while (file) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const std::streamsize count = file.gcount();
    if (count > 0 && EVP_DigestUpdate(context.get(), chunk.data(), static_cast<std::size_t>(count)) != 1) {
      throw hashError(path, "OpenSSL failed to update the digest");
    }
  }
  if (file.bad()) {
    throw hashError(path, "reading the file failed");
  }

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digestLength = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &digestLength) != 1) {
    throw hashError(path, "OpenSSL failed to finalise the digest");
  }
  return toLowerHex(digest.data(), digestLength);
}

std::string sha256Hex(std::string_view bytes)
{
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digestLength = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &digestLength, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL failed to compute a SHA-256 digest");
  }
  return toLowerHex(digest.data(), digestLength);
}

}  // namespace spinemark::core
