// Writes the seed corpora of the fuzz targets from the project's own generators, so no file is
// copied from elsewhere and every seed is reproducible:
//   <out>/dicom       small phantoms in several transfer syntaxes (GDCM encoders)
//   <out>/png         8-bit gray, gray+alpha, RGB and palette-free 16-bit gray PNGs
//   <out>/jpeg        baseline gray and colour JPEGs, one with an EXIF Orientation segment
//   <out>/annotation  annotation JSON written by core::toJson
// Usage: spinemark_make_corpus OUTPUT_FOLDER
#include "core/annotation_json.h"
#include "core/dicom_reencode.h"
#include "core/phantom.h"

#include <gdcmTransferSyntax.h>
#include <stb_image_write.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace spinemark::core;

namespace {

// Small sizes keep each fuzz iteration fast; 64 pixels is the smallest side makePhantom draws.
Phantom smallPhantom(View view, unsigned seed)
{
  PhantomOptions options;
  options.width = 64;
  options.height = 96;
  options.view = view;
  options.vertebraCount = 2;
  options.seed = seed;
  return makePhantom(options);
}

void writeBytes(const fs::path& path, const std::string& bytes)
{
  std::ofstream file(path, std::ios::binary);
  file << bytes;
  if (!file.flush()) {
    throw std::runtime_error("Cannot write " + path.string() + "; check that the folder is writable");
  }
}

void writeDicomSeeds(const fs::path& folder)
{
  const fs::path plain = folder / "phantom-explicit-le.dcm";
  writePhantomDicom(smallPhantom(View::Lateral, 1), plain, 0.2);
  const std::vector<std::pair<std::string, gdcm::TransferSyntax::TSType>> encodings = {
      {"implicit-le", gdcm::TransferSyntax::ImplicitVRLittleEndian},
      {"explicit-be", gdcm::TransferSyntax::ExplicitVRBigEndian},
      {"rle", gdcm::TransferSyntax::RLELossless},
      {"jpeg-lossless", gdcm::TransferSyntax::JPEGLosslessProcess14_1},
      {"jpeg-ls", gdcm::TransferSyntax::JPEGLSLossless},
      {"jpeg2000", gdcm::TransferSyntax::JPEG2000Lossless},
  };
  for (const auto& [name, syntax] : encodings) {
    reencodeDicom(plain, folder / ("phantom-" + name + ".dcm"), syntax);
  }
  writePhantomDicom(smallPhantom(View::AP, 2), folder / "phantom-ap.dcm", 0.15);
}

std::vector<std::uint8_t> grayBytes(const Phantom& phantom)
{
  // The phantom has 12 significant bits; the top 8 of them make an 8-bit image.
  std::vector<std::uint8_t> gray(phantom.pixels.size());
  for (std::size_t i = 0; i < gray.size(); ++i) {
    gray[i] = static_cast<std::uint8_t>(phantom.pixels[i] >> 4);
  }
  return gray;
}

// Repeats each gray sample into channels, with a ramp in the later channels so colour and alpha differ.
std::vector<std::uint8_t> withChannels(const std::vector<std::uint8_t>& gray, int channels)
{
  std::vector<std::uint8_t> pixels;
  pixels.reserve(gray.size() * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < gray.size(); ++i) {
    for (int c = 0; c < channels; ++c) {
      pixels.push_back(static_cast<std::uint8_t>(gray[i] + c * (i % 7)));
    }
  }
  return pixels;
}

void writePngSeeds(const fs::path& folder)
{
  const Phantom phantom = smallPhantom(View::AP, 3);
  writePhantomPng(phantom, folder / "phantom-gray16.png");
  const std::vector<std::uint8_t> gray = grayBytes(phantom);
  for (int channels = 1; channels <= 4; ++channels) {
    const std::vector<std::uint8_t> pixels = withChannels(gray, channels);
    const fs::path path = folder / ("phantom-8bit-" + std::to_string(channels) + "ch.png");
    if (stbi_write_png(path.c_str(), phantom.width, phantom.height, channels, pixels.data(),
                       phantom.width * channels) == 0) {
      throw std::runtime_error("stb_image_write failed to write " + path.string());
    }
  }
}

void appendToString(void* context, void* data, int size)
{
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::string encodeJpeg(int width, int height, int channels, const std::vector<std::uint8_t>& pixels, int quality)
{
  std::string jpeg;
  if (stbi_write_jpg_to_func(appendToString, &jpeg, width, height, channels, pixels.data(), quality) == 0) {
    throw std::runtime_error("stb_image_write failed to encode a JPEG");
  }
  return jpeg;
}

// An APP1 segment with a little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT.
std::string exifOrientationSegment(int orientation)
{
  std::string tiff("II*\0\x08\0\0\0", 8);
  tiff += std::string("\x01\0", 2);
  tiff += std::string("\x12\x01\x03\0\x01\0\0\0", 8);
  tiff += static_cast<char>(orientation);
  tiff += std::string("\0\0\0\0\0\0\0", 7);  // value padding and the empty next-IFD offset
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const std::size_t length = payload.size() + 2;
  std::string segment("\xFF\xE1", 2);
  segment += static_cast<char>(length >> 8);
  segment += static_cast<char>(length & 0xFF);
  return segment + payload;
}

void writeJpegSeeds(const fs::path& folder)
{
  const Phantom phantom = smallPhantom(View::Lateral, 4);
  const std::vector<std::uint8_t> gray = grayBytes(phantom);
  writeBytes(folder / "phantom-gray.jpg", encodeJpeg(phantom.width, phantom.height, 1, gray, 90));
  writeBytes(folder / "phantom-rgb.jpg", encodeJpeg(phantom.width, phantom.height, 3, withChannels(gray, 3), 60));
  std::string rotated = encodeJpeg(phantom.width, phantom.height, 1, gray, 75);
  rotated.insert(2, exifOrientationSegment(6));
  writeBytes(folder / "phantom-exif6.jpg", rotated);
}

ImageAnnotation annotationOf(const Phantom& phantom, const std::string& name)
{
  ImageAnnotation annotation;
  annotation.image.relativePath = "seeds/" + name;
  annotation.image.width = phantom.width;
  annotation.image.height = phantom.height;
  annotation.image.sha256 = std::string(64, 'a');
  annotation.image.spacing = PixelSpacing{0.2, 0.2, SpacingSource::PixelSpacing};
  annotation.orientation = phantom.orientation;
  annotation.vertebrae = phantom.truth;
  for (auto& [level, vertebra] : annotation.vertebrae) {
    vertebra.authors.fill(PointAuthor{"seed", std::nullopt});
  }
  annotation.annotator = "seed";
  annotation.created = "2026-01-01T00:00:00Z";
  annotation.modified = "2026-01-01T00:10:00Z";
  annotation.activeSeconds["seed"] = 600.0;
  HistoryEntry place;
  place.time = annotation.created;
  place.user = "seed";
  place.action = HistoryAction::Place;
  place.level = phantom.truth.begin()->first;
  place.slot = Slot::SuperiorFirst;
  place.to = Point{10.5, 20.25};
  annotation.history.push_back(place);
  ReviewComment comment;
  comment.id = 1;
  comment.author = "reviewer";
  comment.time = annotation.modified;
  comment.text = "check the \"upper\" endplate \xC3\xA9";
  comment.level = place.level;
  annotation.comments.push_back(comment);
  return annotation;
}

void writeAnnotationSeeds(const fs::path& folder)
{
  writeBytes(folder / "lateral.json", toJson(annotationOf(smallPhantom(View::Lateral, 5), "lateral.dcm")));
  ImageAnnotation skipped = annotationOf(smallPhantom(View::AP, 6), "ap.png");
  skipped.vertebrae.begin()->second.status = VertebraStatus::NotAssessable;
  skipped.variants.insert(Level::L6);
  writeBytes(folder / "ap-variant.json", toJson(skipped));
  writeBytes(folder / "empty.json", toJson(ImageAnnotation{}));
}

}  // namespace

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_FOLDER\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  try {
    for (const char* name : {"dicom", "png", "jpeg", "annotation"}) {
      fs::create_directories(out / name);
    }
    writeDicomSeeds(out / "dicom");
    writePngSeeds(out / "png");
    writeJpegSeeds(out / "jpeg");
    writeAnnotationSeeds(out / "annotation");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spinemark_make_corpus: %s\n", error.what());
    return 1;
  }
  return 0;
}
