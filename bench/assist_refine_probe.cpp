// An experiment on image-based refinement: does shifting a predicted vertebra to where the image
// best matches the vertebra below it (normalised cross-correlation of a 29 x 19 sample patch over
// the body, in the vertebra's frame) lower the corner error? It tests fold 0 of 5 on the AASCE
// set with 3 vertebrae placed, searching shifts up to SEARCH frame units (endplate widths) in
// steps of 0.01.
// Usage: spinemark_assist_refine_probe [AASCE_DIR] [SEARCH]   (defaults: the shared AASCE folder, 0.1)
// The result is recorded in docs/benchmarks.md; the predictor does not use this refinement.
#include "core/assist/corners_csv.h"
#include "core/assist/evaluation.h"
#include "core/image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace spinemark::core;
using namespace spinemark::core::assist;

namespace {

double sampleBilinear(const Image& image, double x, double y)
{
  x -= 0.5;
  y -= 0.5;
  const int x0 = std::clamp(static_cast<int>(std::floor(x)), 0, image.width - 2);
  const int y0 = std::clamp(static_cast<int>(std::floor(y)), 0, image.height - 2);
  const double fx = std::clamp(x - x0, 0.0, 1.0);
  const double fy = std::clamp(y - y0, 0.0, 1.0);
  const double top = image.sampleAt(x0, y0) * (1 - fx) + image.sampleAt(x0 + 1, y0) * fx;
  const double bottom = image.sampleAt(x0, y0 + 1) * (1 - fx) + image.sampleAt(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

std::vector<double> patch(const Image& image, const VertebraFrame& frame, double du, double dv)
{
  std::vector<double> values;
  for (int j = -9; j <= 9; ++j) {
    for (int i = -14; i <= 14; ++i) {
      const Point p = frame.toImage({du + i * 0.05, dv + j * 0.05});
      values.push_back(sampleBilinear(image, p.x, p.y));
    }
  }
  return values;
}

double ncc(const std::vector<double>& a, const std::vector<double>& b)
{
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.size();
  mb /= b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb + 1e-12);
}

}  // namespace

int main(int argc, char** argv)
{
  const std::string root = argc > 1 ? argv[1] : SPINEMARK_AASCE_DIR;
  const int steps = static_cast<int>(std::lround((argc > 2 ? std::atof(argv[2]) : 0.1) / 0.01));
  const auto images = readCornersCsv(root + "/corners-px.csv");
  std::vector<ImageAnnotation> train, test;
  for (std::size_t i = 0; i < images.size(); ++i) {
    (i % 5 == 0 ? test : train).push_back(images[i]);
  }
  LandmarkPredictor predictor;
  predictor.train(train);
  std::vector<double> before, after;
  for (const auto& truthImage : test) {
    const Image pixels = loadImage(root + "/images/" + truthImage.image.relativePath);
    for (const auto& [target, vertebra] : truthImage.vertebrae) {
      const auto below = placedBelow(truthImage, target);
      if (below.size() < 3) {
        continue;
      }
      VertebraPoints truth;
      for (std::size_t s = 0; s < truth.size(); ++s) {
        truth[s] = *vertebra.points[s];
      }
      const auto prediction = predictor.predict(below, target);
      const auto reference = VertebraFrame::on(below.front());
      const auto predictedFrame = VertebraFrame::on(prediction->points);
      if (!reference || !predictedFrame) {
        continue;
      }
      const auto templ = patch(pixels, *reference, 0, 0);
      double best = -2, bestU = 0, bestV = 0;
      for (int j = -steps; j <= steps; ++j) {
        for (int i = -steps; i <= steps; ++i) {
          const double score = ncc(templ, patch(pixels, *predictedFrame, i * 0.01, j * 0.01));
          if (score > best) {
            best = score;
            bestU = i * 0.01;
            bestV = j * 0.01;
          }
        }
      }
      const Point o = predictedFrame->toImage({0, 0});
      const Point s = predictedFrame->toImage({bestU, bestV});
      VertebraPoints shifted = prediction->points;
      for (auto& p : shifted) {
        p = {p.x + s.x - o.x, p.y + s.y - o.y};
      }
      for (double e : cornerErrorsPct(prediction->points, truth)) before.push_back(e);
      for (double e : cornerErrorsPct(shifted, truth)) after.push_back(e);
    }
  }
  const auto b = summarizeErrors(before);
  const auto a = summarizeErrors(after);
  std::printf("corners %zu: regression median %.2f %% (>10: %.1f %%), shifted to NCC match %.2f %% (>10: %.1f %%)\n",
              b.points, b.medianPct, 100 * b.beyond10Fraction, a.medianPct, 100 * a.beyond10Fraction);
  return 0;
}
