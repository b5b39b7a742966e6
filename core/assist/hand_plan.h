// The quickest key sequence with which a careful annotator places one vertebra by hand while the
// ghost points of its unplaced landmarks follow each placement (see partial_fit.h).
#pragma once

#include "core/assist/partial_fit.h"

#include <functional>
#include <vector>

namespace spinemark::core::assist {

enum class HandStep {
  Place,   // point at the truth of the cursor's landmark and press Space (cursor: next empty slot)
  Skip,    // Tab: move the cursor to the next landmark without placing it
  Accept,  // accept the ghost points of every unplaced landmark (all lie within the tolerance)
};

struct HandPlan {
  std::vector<HandStep> steps;
  double seconds = 0.0;
};

struct StepSeconds {
  double place = 1.3;  // pointing plus Space
  double key = 0.2;
};

// Searches every order the session's cursor allows, starting on an empty vertebra with the cursor
// on the first slot. The plan ends with Accept, or with the sixth Place. Tab is never planned
// from the last slot, because there it leaves the vertebra.
// fit returns the ghost points given the placed points (placed slots at their placed position).
using GhostFit = std::function<VertebraPoints(const PartialPoints&)>;
HandPlan planHandPlacement(const GhostFit& fit, const VertebraPoints& truth, double tolerance, StepSeconds seconds);

}  // namespace spinemark::core::assist
