// Decoded radiographs: one grayscale frame as 16-bit samples plus the header facts that
// display and annotation need. Patient-identifying header fields are never copied here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core {

enum class Photometric { Monochrome2, Monochrome1 };

enum class SpacingSource { Unknown, PixelSpacing, ImagerPixelSpacing };

// Physical size of one pixel. ImagerPixelSpacing is measured at the detector, so a UI
// must label it "detector spacing" because it ignores geometric magnification.
struct PixelSpacing {
  double rowMm = 0.0;     // between the centres of adjacent rows (vertical)
  double columnMm = 0.0;  // between the centres of adjacent columns (horizontal)
  SpacingSource source = SpacingSource::Unknown;

  bool known() const { return source != SpacingSource::Unknown; }
  bool operator==(const PixelSpacing&) const = default;
};

// VOI window in modality units (after Rescale Slope/Intercept), as DICOM defines it.
struct Window {
  double center = 0.0;
  double width = 1.0;
};

enum class ViewPosition { Unknown, AP, PA, Lateral };

// Orientation facts read from the file, used to preset the annotation's view.
struct OrientationHint {
  ViewPosition view = ViewPosition::Unknown;
  // Patient direction of the image's +x axis (first value of DICOM PatientOrientation):
  // one of "L", "R", "A", "P", "H", "F", or empty when unknown.
  std::string rowDirection;
};

enum class ImageFormat { Dicom, Png, Jpeg };

struct Image {
  int width = 0;
  int height = 0;
  // Row-major samples, width * height. A sample p stands for the modality value
  // p * valueScale + valueOffset, so signed and rescaled data fit an unsigned 16-bit texture.
  std::vector<std::uint16_t> pixels;
  double valueScale = 1.0;
  double valueOffset = 0.0;
  // Smallest and largest modality value present in the pixels.
  double minValue = 0.0;
  double maxValue = 0.0;

  Photometric photometric = Photometric::Monochrome2;
  std::optional<Window> headerWindow;  // first window of the header, if any
  Window defaultWindow;                // headerWindow, else derived from the histogram
  PixelSpacing spacing;
  OrientationHint orientation;

  ImageFormat format = ImageFormat::Png;
  std::string encoding;        // for example "JPEG-LS lossless" or "PNG 16-bit gray"
  int bitsStored = 8;
  std::string sopInstanceUid;  // DICOM only, empty otherwise
  std::vector<std::string> notices;  // facts the user should see, e.g. "first of 96 frames shown"

  double modalityValue(std::uint16_t sample) const { return sample * valueScale + valueOffset; }
  std::uint16_t sampleAt(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

// Raised when a file cannot be decoded. what() names the file and the reason.
class ImageLoadError : public std::runtime_error {
 public:
  ImageLoadError(const std::filesystem::path& path, const std::string& reason);
  const std::filesystem::path& path() const { return m_path; }
  const std::string& reason() const { return m_reason; }

 private:
  std::filesystem::path m_path;
  std::string m_reason;
};

// Largest width or height accepted before any pixel memory is allocated.
inline constexpr int MaxImageDimension = 32768;

// Detects the format from the file's bytes (not its extension) and decodes it.
// Throws ImageLoadError.
//
// DICOM: every transfer syntax GDCM decodes, with or without the 128-byte preamble and file
// meta header. Bits above Bits Stored are masked off (and the sign extended when Pixel
// Representation is 1). Rescale Slope/Intercept or a Modality LUT Sequence define the modality
// values. The default window is the first Window Center/Width; else one spanning the input range
// of a VOI LUT Sequence; else histogramWindow. A header window that misses every value present
// stays in headerWindow, but the histogram window becomes the default, with a notice.
// Multi-frame files keep the first frame; colour files become luminance; both add a notice.
// MONOCHROME1 pixels are not inverted here because displayValue inverts after the window.
//
// PNG and JPEG (through stb_image): colour and palette images become Rec. 601 luma
// (0.299 R + 0.587 G + 0.114 B), and an alpha channel is ignored. 8-bit images get the window
// that maps 0..255 exactly to 0..1 (center 128, width 256 under the DICOM linear function), so
// they look as in any image viewer. 16-bit PNGs get histogramWindow. A JPEG's EXIF Orientation
// (values 2 to 8) is applied to the pixels, with a notice, so landmarks are stored in the frame
// the annotator sees.
Image loadImage(const std::filesystem::path& path);

// Returns the format the file's first bytes indicate, or nullopt for anything else.
// DICOM files without a preamble are recognised by their first data element.
std::optional<ImageFormat> sniffImageFormat(const std::filesystem::path& path);

}  // namespace spinemark::core
