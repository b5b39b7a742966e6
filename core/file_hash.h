#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace spinemark::core {

// Returns the lowercase hex SHA-256 of the file's bytes (as sha256sum prints it).
// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256File(const std::filesystem::path& path);

// Returns the lowercase hex SHA-256 of bytes. Throws std::runtime_error when OpenSSL fails.
std::string sha256Hex(std::string_view bytes);

}  // namespace spinemark::core
