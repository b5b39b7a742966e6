#include "core/view_transform.h"

#include <gtest/gtest.h>

using spinemark::core::Point;
using spinemark::core::ViewTransform;

TEST(ViewTransform, RoundTripsImageAndScreen)
{
  ViewTransform view{2.5, 13.0, -7.0};
  const Point image{101.25, 33.75};
  const Point screen = view.imageToScreen(image);
  EXPECT_DOUBLE_EQ(screen.x, 101.25 * 2.5 + 13.0);
  EXPECT_DOUBLE_EQ(screen.y, 33.75 * 2.5 - 7.0);
  const Point back = view.screenToImage(screen);
  EXPECT_NEAR(back.x, image.x, 1e-12);
  EXPECT_NEAR(back.y, image.y, 1e-12);
}

TEST(ViewTransform, ZoomKeepsAnchorFixed)
{
  ViewTransform view{0.5, 40.0, 20.0};
  const Point anchor{300.0, 250.0};
  const Point before = view.screenToImage(anchor);
  view.zoomAt(anchor, 3.0);
  EXPECT_DOUBLE_EQ(view.zoom, 1.5);
  const Point after = view.screenToImage(anchor);
  EXPECT_NEAR(after.x, before.x, 1e-9);
  EXPECT_NEAR(after.y, before.y, 1e-9);
}

TEST(ViewTransform, FitCentresImage)
{
  ViewTransform view;
  view.fit(1000, 2000, 0.0, 100.0, 800.0, 600.0);
  EXPECT_DOUBLE_EQ(view.zoom, 0.3);
  EXPECT_DOUBLE_EQ(view.offsetX, (800.0 - 300.0) / 2.0);
  EXPECT_DOUBLE_EQ(view.offsetY, 100.0);
}

TEST(ViewTransform, OneToOneSetsUnitZoom)
{
  ViewTransform view{0.37, 5.0, 9.0};
  const Point anchor{120.0, 80.0};
  const Point before = view.screenToImage(anchor);
  view.oneToOne(anchor);
  EXPECT_DOUBLE_EQ(view.zoom, 1.0);
  EXPECT_NEAR(view.screenToImage(anchor).x, before.x, 1e-9);
}

TEST(ViewTransform, ZoomIsClamped)
{
  ViewTransform view;
  view.zoomAt({0, 0}, 1e9);
  EXPECT_DOUBLE_EQ(view.zoom, spinemark::core::MaxZoom);
  view.zoomAt({0, 0}, 1e-12);
  EXPECT_DOUBLE_EQ(view.zoom, spinemark::core::MinZoom);
}
