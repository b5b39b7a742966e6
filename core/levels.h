// Vertebra levels, landmark slots and their anatomical names.
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core {

// Levels from caudal to cranial: L6 and T13 exist only as anatomical variants.
enum class Level {
  L6, L5, L4, L3, L2, L1, T13, T12, T11, T10, T9, T8, T7, T6, T5, T4, T3, T2, T1
};
inline constexpr int LevelCount = 19;

std::string_view levelName(Level level);
std::optional<Level> parseLevel(std::string_view name);
bool isVariantLevel(Level level);  // L6 and T13

// The next level up the spine in the standard sequence (variants skipped), or nullopt above T1.
std::optional<Level> levelAbove(Level level);
// The next level down the standard sequence, or nullopt below L5 (and below L6).
std::optional<Level> levelBelow(Level level);

// The level sequence of one image from caudal to cranial: L5..L1, T12..T1 with the enabled
// variants in their anatomical place (L6 below L5, T13 between L1 and T12). Levels in variants
// that are not L6 or T13 are ignored.
std::vector<Level> levelSequence(const std::set<Level>& variants);

// Six landmarks per vertebra. Slots are defined by image side so that changing the recorded
// orientation renames points without moving them: "first" is the corner on the image's left.
enum class Slot {
  SuperiorFirst, SuperiorMiddle, SuperiorSecond, InferiorFirst, InferiorMiddle, InferiorSecond
};
inline constexpr int SlotCount = 6;

enum class View { AP, PA, Lateral };

// How the image is oriented; decides the landmark names.
struct Orientation {
  View view = View::AP;
  // AP/PA: true when the patient's right is on the image's left (the usual display).
  // Lateral: true when anterior is on the image's left.
  bool firstSideIsRightOrAnterior = true;
  enum class Source { Default, Dicom, Annotator } source = Source::Default;
  bool operator==(const Orientation&) const = default;
};

// Returns ids such as "superior_anterior" (lateral) or "inferior_left" (AP/PA, patient sides).
std::string landmarkName(Slot slot, const Orientation& orientation);
std::optional<Slot> parseLandmarkName(std::string_view name, const Orientation& orientation);

std::string_view viewName(View view);  // "AP", "PA", "lateral"
std::optional<View> parseView(std::string_view name);

// Cycles AP (right on image left) -> AP (right on image right) -> lateral (anterior left)
// -> lateral (anterior right) -> AP ...; PA joins the cycle as AP.
Orientation nextOrientation(const Orientation& orientation);

}  // namespace spinemark::core
