// The quickest key sequence for placing a vertebra by hand while ghost points follow.
#include "core/assist/hand_plan.h"

#include <gtest/gtest.h>

namespace spinemark::core::assist {
namespace {

VertebraPoints truth()
{
  return {Point{0, 0}, Point{20, 0}, Point{40, 0}, Point{0, 30}, Point{20, 30}, Point{40, 30}};
}

// Ghosts 10 px off the truth until every slot in `needed` is placed, then on it.
GhostFit rightOncePlacedAll(std::vector<int> needed)
{
  return [needed](const PartialPoints& placed) {
    VertebraPoints ghosts = truth();
    bool all = true;
    for (int slot : needed) {
      all = all && placed[static_cast<std::size_t>(slot)].has_value();
    }
    if (!all) {
      for (auto& point : ghosts) {
        point.y += 10;
      }
    }
    return ghosts;
  };
}

constexpr StepSeconds Klm{1.3, 0.2};

TEST(HandPlan, RightGhostsAreAcceptedAtOnce)
{
  const HandPlan plan = planHandPlacement(rightOncePlacedAll({}), truth(), 2.0, Klm);
  EXPECT_EQ(plan.steps, std::vector<HandStep>{HandStep::Accept});
  EXPECT_NEAR(plan.seconds, 0.2, 1e-12);
}

TEST(HandPlan, PlacesFirstSlotThenAccepts)
{
  const HandPlan plan = planHandPlacement(rightOncePlacedAll({0}), truth(), 2.0, Klm);
  EXPECT_EQ(plan.steps, (std::vector<HandStep>{HandStep::Place, HandStep::Accept}));
  EXPECT_NEAR(plan.seconds, 1.5, 1e-12);
}

TEST(HandPlan, SkipsMiddleToPlaceCorners)
{
  // The cursor starts on slot 0; after placing it, it moves to slot 1, which Tab skips.
  const HandPlan plan = planHandPlacement(rightOncePlacedAll({0, 2}), truth(), 2.0, Klm);
  EXPECT_EQ(plan.steps,
            (std::vector<HandStep>{HandStep::Place, HandStep::Skip, HandStep::Place, HandStep::Accept}));
  EXPECT_NEAR(plan.seconds, 3.0, 1e-12);
}

TEST(HandPlan, PlacesAllSixWhenGhostsNeverFit)
{
  const GhostFit never = [](const PartialPoints&) {
    VertebraPoints ghosts = truth();
    for (auto& point : ghosts) {
      point.x += 50;
    }
    return ghosts;
  };
  const HandPlan plan = planHandPlacement(never, truth(), 2.0, Klm);
  EXPECT_EQ(plan.steps, std::vector<HandStep>(6, HandStep::Place));
  EXPECT_NEAR(plan.seconds, 7.8, 1e-12);
}

}  // namespace
}  // namespace spinemark::core::assist
