// The edits spinemark_autosave_stress makes, shared with the test that checks its files: edit N
// puts the six L5 landmarks at points that encode N, so a file shows which edit it contains and a
// file mixing two versions shows up as slots that disagree.
#pragma once

#include "core/annotation.h"
#include "core/phantom.h"
#include "support/test_data.h"

#include <array>
#include <filesystem>
#include <optional>

namespace spinemark::testing {

inline core::Point stressPoint(long edit, int slot)
{
  // Inside a 256 x 512 phantom for edits up to 40,000.
  return core::Point{1.0 + static_cast<double>(edit % 200), 1.0 + static_cast<double>(edit / 200) + slot};
}

inline std::array<std::optional<core::Point>, core::SlotCount> stressPoints(long edit)
{
  std::array<std::optional<core::Point>, core::SlotCount> points;
  for (int slot = 0; slot < core::SlotCount; ++slot) {
    points[static_cast<std::size_t>(slot)] = stressPoint(edit, slot);
  }
  return points;
}

// The edit an annotation contains: 0 without L5 landmarks, -1 when its slots disagree (mixed).
inline long stressEditOf(const core::ImageAnnotation& annotation)
{
  const auto found = annotation.vertebrae.find(core::Level::L5);
  if (found == annotation.vertebrae.end() || !found->second.points[0]) {
    return 0;
  }
  const auto& first = *found->second.points[0];
  const long edit = static_cast<long>(first.x - 1.0) + 200 * static_cast<long>(first.y - 1.0);
  for (int slot = 0; slot < core::SlotCount; ++slot) {
    const auto& point = found->second.points[static_cast<std::size_t>(slot)];
    if (!point || !(*point == stressPoint(edit, slot))) {
      return -1;
    }
  }
  return edit;
}

// A fresh workspace for the stress child: the 256 x 512 phantom a.png with two vertebrae.
inline std::filesystem::path makeStressWorkspace(const char* name)
{
  const auto workspace = makeScratchDir(name);
  core::PhantomOptions phantom;
  phantom.width = 256;
  phantom.height = 512;
  phantom.vertebraCount = 2;
  core::writePhantomPng(core::makePhantom(phantom), workspace / "a.png");
  return workspace;
}

}  // namespace spinemark::testing
