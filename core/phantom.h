// Synthetic spine phantom for the bundled sample workspace and for tests: a lumbar and lower
// thoracic spine drawn from known landmark positions, so placement can be checked exactly.
#pragma once

#include "core/annotation.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>

namespace spinemark::core {

struct PhantomOptions {
  int width = 1200;
  int height = 2000;
  View view = View::Lateral;
  int vertebraCount = 12;  // from L5 upwards
  unsigned seed = 1;       // noise and small shape variations
};

struct Phantom {
  int width = 0;
  int height = 0;
  std::vector<std::uint16_t> pixels;  // 12 significant bits, bone bright
  Orientation orientation;            // anterior / patient right on the image's left
  std::map<Level, Vertebra> truth;    // the six landmarks of each drawn vertebra
};

// Draws the phantom. The same options give the same pixels and truth in every run of a build.
// Throws std::invalid_argument for a side outside 64 to MaxImageDimension pixels or a vertebra
// count outside 1 to 17 (L5 up to T1).
Phantom makePhantom(const PhantomOptions& options);

// Writes the phantom as DICOM (16-bit allocated, 12 stored, MONOCHROME2, explicit VR little endian,
// PixelSpacing, ViewPosition, PatientOrientation and a synthetic patient name) to path.
// Each call generates new UIDs, so two files of the same phantom differ only in their header.
void writePhantomDicom(const Phantom& phantom, const std::filesystem::path& path, double spacingMm);
// Writes the phantom as a 16-bit grayscale PNG.
void writePhantomPng(const Phantom& phantom, const std::filesystem::path& path);

// Creates a sample workspace in folder: a lateral and an AP phantom as DICOM, an AP phantom as
// PNG, and truth.csv with the true landmark positions (image,vertebra,landmark,x,y).
void writeSampleWorkspace(const std::filesystem::path& folder);

}  // namespace spinemark::core
