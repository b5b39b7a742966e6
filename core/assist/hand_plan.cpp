#include "core/assist/hand_plan.h"

#include <array>
#include <limits>
#include <optional>
#include <queue>

namespace spinemark::core::assist {

namespace {

constexpr int MaskCount = 1 << SlotCount;
constexpr int FullMask = MaskCount - 1;

struct State {
  int mask = 0;    // bit s set: slot s placed
  int cursor = 0;  // slot the cursor is on
};

int stateIndex(State state) { return state.mask * SlotCount + state.cursor; }

// The session's rule after a placement: the first empty slot after the cursor, wrapping around.
int nextEmpty(int mask, int from)
{
  for (int step = 1; step <= SlotCount; ++step) {
    const int slot = (from + step) % SlotCount;
    if ((mask & (1 << slot)) == 0) {
      return slot;
    }
  }
  return from;
}

// True when the ghost points of every unplaced slot lie within tolerance once fitted to the
// placed slots (which sit at the truth).
bool ghostsRight(const GhostFit& fit, const VertebraPoints& truth, int mask, double tolerance)
{
  PartialPoints placed;
  for (int slot = 0; slot < SlotCount; ++slot) {
    if (mask & (1 << slot)) {
      placed[static_cast<std::size_t>(slot)] = truth[static_cast<std::size_t>(slot)];
    }
  }
  const VertebraPoints fitted = fit(placed);
  for (int slot = 0; slot < SlotCount; ++slot) {
    const auto index = static_cast<std::size_t>(slot);
    if ((mask & (1 << slot)) == 0 && distance(fitted[index], truth[index]) > tolerance) {
      return false;
    }
  }
  return true;
}

struct Arrival {
  double seconds = std::numeric_limits<double>::infinity();
  int previous = -1;
  HandStep step = HandStep::Place;
};

HandPlan planFrom(const std::vector<Arrival>& arrivals, int last, double seconds, bool accepted)
{
  HandPlan plan;
  plan.seconds = seconds;
  if (accepted) {
    plan.steps.push_back(HandStep::Accept);
  }
  for (int at = last; arrivals[static_cast<std::size_t>(at)].previous >= 0;
       at = arrivals[static_cast<std::size_t>(at)].previous) {
    plan.steps.insert(plan.steps.begin(), arrivals[static_cast<std::size_t>(at)].step);
  }
  return plan;
}

}  // namespace

HandPlan planHandPlacement(const GhostFit& fit, const VertebraPoints& truth, double tolerance,
                           StepSeconds seconds)
{
  std::array<std::optional<bool>, MaskCount> right;
  const auto ghostsRightFor = [&](int mask) {
    auto& known = right[static_cast<std::size_t>(mask)];
    if (!known) {
      known = ghostsRight(fit, truth, mask, tolerance);
    }
    return *known;
  };

  std::vector<Arrival> arrivals(MaskCount * SlotCount);
  using Entry = std::pair<double, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
  arrivals[0].seconds = 0.0;
  open.push({0.0, 0});
  std::optional<HandPlan> best;
  while (!open.empty()) {
    const auto [spent, index] = open.top();
    open.pop();
    if (spent > arrivals[static_cast<std::size_t>(index)].seconds || (best && spent >= best->seconds)) {
      continue;
    }
    const State state{index / SlotCount, index % SlotCount};
    if (state.mask == FullMask) {
      best = planFrom(arrivals, index, spent, false);
      continue;
    }
    if (ghostsRightFor(state.mask) && (!best || spent + seconds.key < best->seconds)) {
      best = planFrom(arrivals, index, spent + seconds.key, true);
    }
    const auto relax = [&, spent = spent, index = index](State next, double cost, HandStep step) {
      auto& arrival = arrivals[static_cast<std::size_t>(stateIndex(next))];
      if (spent + cost < arrival.seconds) {
        arrival = {spent + cost, index, step};
        open.push({arrival.seconds, stateIndex(next)});
      }
    };
    if ((state.mask & (1 << state.cursor)) == 0) {
      const int mask = state.mask | (1 << state.cursor);
      relax({mask, nextEmpty(mask, state.cursor)}, seconds.place, HandStep::Place);
    }
    if (state.cursor + 1 < SlotCount) {
      relax({state.mask, state.cursor + 1}, seconds.key, HandStep::Skip);
    }
  }
  return *best;
}

}  // namespace spinemark::core::assist
