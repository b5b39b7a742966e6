#include "core/levels.h"

#include <algorithm>
#include <cctype>

namespace spinemark::core {

namespace {

constexpr std::array<std::string_view, LevelCount> LevelNames = {
    "L6", "L5", "L4", "L3", "L2", "L1", "T13", "T12", "T11", "T10",
    "T9", "T8", "T7", "T6", "T5", "T4", "T3", "T2",  "T1"};

// The usual 17 levels from caudal to cranial. L6 and T13 are reached only by explicit choice.
constexpr std::array<Level, 17> StandardSequence = {
    Level::L5,  Level::L4,  Level::L3, Level::L2, Level::L1, Level::T12, Level::T11, Level::T10, Level::T9,
    Level::T8, Level::T7, Level::T6, Level::T5, Level::T4, Level::T3, Level::T2, Level::T1};

std::optional<std::size_t> standardIndex(Level level)
{
  auto found = std::find(StandardSequence.begin(), StandardSequence.end(), level);
  if (found == StandardSequence.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(found - StandardSequence.begin());
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

// Anatomical words for the image-left (first) and image-right (second) sides. AP and PA name the
// patient's sides, lateral names anterior and posterior.
struct SideWords {
  std::string_view first;
  std::string_view second;
};

SideWords sideWords(const Orientation& orientation)
{
  bool lateral = orientation.view == View::Lateral;
  std::string_view towardFirst = lateral ? "anterior" : "right";
  std::string_view towardSecond = lateral ? "posterior" : "left";
  if (orientation.firstSideIsRightOrAnterior) {
    return {towardFirst, towardSecond};
  }
  return {towardSecond, towardFirst};
}

}  // namespace

std::string_view levelName(Level level)
{
  return LevelNames.at(static_cast<std::size_t>(level));
}

std::optional<Level> parseLevel(std::string_view name)
{
  for (std::size_t i = 0; i < LevelNames.size(); ++i) {
    if (equalsIgnoringCase(name, LevelNames[i])) {
      return static_cast<Level>(i);
    }
  }
  return std::nullopt;
}

bool isVariantLevel(Level level)
{
  return level == Level::L6 || level == Level::T13;
}

std::optional<Level> levelAbove(Level level)
{
  // The variants sit just below the standard level that follows them.
  if (level == Level::L6) {
    return Level::L5;
  }
  if (level == Level::T13) {
    return Level::T12;
  }
  std::size_t index = *standardIndex(level);
  if (index + 1 >= StandardSequence.size()) {
    return std::nullopt;
  }
  return StandardSequence[index + 1];
}

std::optional<Level> levelBelow(Level level)
{
  if (level == Level::L6) {
    return std::nullopt;
  }
  if (level == Level::T13) {
    return Level::L1;
  }
  std::size_t index = *standardIndex(level);
  if (index == 0) {
    return std::nullopt;
  }
  return StandardSequence[index - 1];
}

std::vector<Level> levelSequence(const std::set<Level>& variants)
{
  std::vector<Level> sequence;
  sequence.reserve(LevelCount);
  // The Level enum runs caudal to cranial with the variants in their anatomical place.
  for (int i = 0; i < LevelCount; ++i) {
    auto level = static_cast<Level>(i);
    if (!isVariantLevel(level) || variants.count(level) != 0) {
      sequence.push_back(level);
    }
  }
  return sequence;
}

std::string landmarkName(Slot slot, const Orientation& orientation)
{
  SideWords sides = sideWords(orientation);
  switch (slot) {
    case Slot::SuperiorFirst: return "superior_" + std::string(sides.first);
    case Slot::SuperiorMiddle: return "superior_middle";
    case Slot::SuperiorSecond: return "superior_" + std::string(sides.second);
    case Slot::InferiorFirst: return "inferior_" + std::string(sides.first);
    case Slot::InferiorMiddle: return "inferior_middle";
    case Slot::InferiorSecond: return "inferior_" + std::string(sides.second);
  }
  return {};
}

std::optional<Slot> parseLandmarkName(std::string_view name, const Orientation& orientation)
{
  for (int i = 0; i < SlotCount; ++i) {
    auto slot = static_cast<Slot>(i);
    if (name == landmarkName(slot, orientation)) {
      return slot;
    }
  }
  return std::nullopt;
}

std::string_view viewName(View view)
{
  switch (view) {
    case View::AP: return "AP";
    case View::PA: return "PA";
    case View::Lateral: return "lateral";
  }
  return {};
}

std::optional<View> parseView(std::string_view name)
{
  for (View view : {View::AP, View::PA, View::Lateral}) {
    if (name == viewName(view)) {
      return view;
    }
  }
  return std::nullopt;
}

Orientation nextOrientation(const Orientation& orientation)
{
  Orientation next = orientation;
  bool lateral = orientation.view == View::Lateral;
  if (orientation.firstSideIsRightOrAnterior) {
    next.firstSideIsRightOrAnterior = false;
    next.view = lateral ? View::Lateral : View::AP;
  } else {
    next.firstSideIsRightOrAnterior = true;
    next.view = lateral ? View::AP : View::Lateral;
  }
  return next;
}

}  // namespace spinemark::core
