// Window/level, MONOCHROME1 inversion and gamma: the reference math that the fragment
// shader implements, kept here so that tests and software rendering share it.
#pragma once

#include "core/image.h"

#include <cstdint>

namespace spinemark::core {

struct DisplaySettings {
  Window window;
  bool invert = false;  // user toggle, applied after the MONOCHROME1 inversion
  double gamma = 1.0;   // output = value^(1/gamma)
  // Unsharp-mask strength applied to the texel before windowing, on screen only (the GPU shader
  // does it; stored data and displayValue ignore it). 0 turns it off.
  double unsharpAmount = 0.0;
};

// Linear VOI function of DICOM PS3.3 C.11.2.1.2.1 mapped to [0, 1].
double applyWindow(double modalityValue, const Window& window);

// Full display pipeline for one modality value: window, then MONOCHROME1 inversion (so bone
// stays bright), then the user's invert, then gamma. Returns a value in [0, 1].
double displayValue(double modalityValue, Photometric photometric, const DisplaySettings& settings);

// Coefficients that let a shader compute the window on a normalized 16-bit texel t in [0, 1]:
// windowed = clamp(t * slope + intercept, 0, 1). Matches applyWindow exactly for width > 1.
struct ShaderWindow {
  float slope = 1.0f;
  float intercept = 0.0f;
};
ShaderWindow shaderWindow(const Image& image, const Window& window);

// Window from the histogram: the 0.5th to 99.5th percentile of the modality values.
Window histogramWindow(const Image& image);

// Window that spans every value the image contains.
Window fullRangeWindow(const Image& image);

}  // namespace spinemark::core
