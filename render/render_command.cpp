#include "render/render_command.h"

#include "core/window_level.h"
#include "render/image_renderer.h"
#include "render/offscreen_context.h"

#include <cmath>
#include <exception>
#include <iostream>

namespace spinemark::render {

int runRenderCommand(const std::filesystem::path& image, const std::filesystem::path& out,
                     std::optional<core::Window> window)
{
  // DICOM PS3.3 C.11.2.1.2 requires Window Width >= 1.
  if (window && (!std::isfinite(window->center) || !std::isfinite(window->width) || window->width < 1.0)) {
    std::cerr << "spinemark render: invalid --window " << window->center << "," << window->width
              << ": the center must be a finite number and the width at least 1\n";
    return 1;
  }

  core::Image loaded;
  try {
    loaded = core::loadImage(image);
  } catch (const core::ImageLoadError& error) {
    std::cerr << "spinemark render: " << error.what() << '\n';
    return 1;
  }

  core::DisplaySettings settings;
  settings.window = window.value_or(loaded.defaultWindow);

  std::vector<std::uint8_t> gray;
  try {
    OffscreenContext context;
    gray = renderNativeSize(loaded, settings);
  } catch (const std::exception& error) {
    std::cerr << "spinemark render: cannot render " << image.string() << ": " << error.what() << '\n';
    return 1;
  }

  try {
    writeGrayPng(out, loaded.width, loaded.height, gray);
  } catch (const std::exception& error) {
    std::cerr << "spinemark render: " << error.what() << '\n';
    return 1;
  }
  std::cout << "wrote " << out.string() << " (" << loaded.width << "x" << loaded.height << ", window center "
            << settings.window.center << " width " << settings.window.width << ")\n";
  return 0;
}

}  // namespace spinemark::render
