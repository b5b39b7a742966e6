// `spinemark render IMAGE --out FILE.png [--window CENTER,WIDTH]`: renders an image at native size
// through the display shader, without a visible window, and writes an 8-bit gray PNG.
#pragma once

#include "core/image.h"

#include <filesystem>
#include <optional>

namespace spinemark::render {

// Loads image, renders it with window (or the image's default window when nullopt) and writes
// out. Returns 0 on success and 1 on any failure, after printing the reason and the file
// concerned to stderr. Needs a display (or xvfb-run) for its hidden OpenGL context.
int runRenderCommand(const std::filesystem::path& image, const std::filesystem::path& out,
                     std::optional<core::Window> window);

}  // namespace spinemark::render
