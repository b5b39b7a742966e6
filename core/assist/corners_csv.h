// Reading vertebra-corner ground truth in the CSV layout of the AASCE 2019 challenge export:
// "image,width,height,vertebra,corner,x,y", one row per corner, corners named by image side
// (superior_left is the corner on the image's left). Endplate midpoints are not in the file, so
// each midpoint is taken as the mean of its endplate's two corners.
#pragma once

#include "core/annotation.h"

#include <filesystem>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core::assist {

// Raised for an unreadable or malformed corners CSV. what() names the file, the line and the value.
class CornersCsvError : public std::runtime_error {
 public:
  CornersCsvError(const std::filesystem::path& path, int line, const std::string& problem);
  int line() const { return m_line; }  // 1-based; 0 when the problem is not on one line

 private:
  int m_line = 0;
};

// Returns one annotation per image in the order of first appearance, with AP orientation and
// only complete vertebrae (4 corners each; image-left corners fill the *First slots). The image
// name goes to image.relativePath. Throws CornersCsvError for a bad header or row, a vertebra
// with missing or repeated corners, or an image whose width or height differs between rows.
std::vector<ImageAnnotation> parseCornersCsv(std::istream& in, const std::filesystem::path& path);
std::vector<ImageAnnotation> readCornersCsv(const std::filesystem::path& path);

}  // namespace spinemark::core::assist
