// Synthetic spine phantom. Each vertebral body is a convex quadrilateral whose corners are the
// truth landmarks. A pixel belongs to a body when its centre lies inside the quadrilateral, so
// the drawn edges pass exactly through the truth points (pixel-centre convention of Point).
// The random numbers come from std::mt19937 with a hand-written Gaussian transform, because
// the output of std::normal_distribution differs between standard libraries.
// NOTE: only vertebral bodies, discs, a simple posterior arch (lateral) and pedicle rings (AP)
// are drawn: no ribs, pelvis or sacrum.
#include "core/phantom.h"

#include "core/csv_export.h"
#include "core/workspace.h"

#include <gdcmAttribute.h>
#include <gdcmImage.h>
#include <gdcmImageWriter.h>
#include <gdcmUIDGenerator.h>
#include <png.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>

namespace spinemark::core {

namespace fs = std::filesystem;

namespace {

constexpr int MaxSample = 4095;  // 12 bits stored
constexpr int MinPhantomSide = 64;
constexpr double NoiseSigma = 30.0;

// Intensities in 12-bit units, bone brightest as on a MONOCHROME2 radiograph.
constexpr double AirValue = 150.0;
constexpr double TissueValue = 700.0;
constexpr double CorticalValue = 3300.0;
constexpr double CancellousValue = 2300.0;
constexpr double PosteriorArchValue = 1700.0;
constexpr double PedicleBoost = 500.0;
constexpr double DiscFactor = 0.8;  // discs relative to the surrounding soft tissue

class Random {
 public:
  explicit Random(unsigned seed) : m_engine(seed) {}

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(m_engine()) / 4294967296.0; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Standard normal by the Box-Muller transform.
  double gaussian()
  {
    if (m_spare) {
      const double value = *m_spare;
      m_spare.reset();
      return value;
    }
    const double u1 = 1.0 - uniform();  // in (0, 1], so the logarithm is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    m_spare = radius * std::sin(angle);
    return radius * std::cos(angle);
  }

 private:
  std::mt19937 m_engine;
  std::optional<double> m_spare;
};

Point operator+(Point a, Point b) { return {a.x + b.x, a.y + b.y}; }
Point operator-(Point a, Point b) { return {a.x - b.x, a.y - b.y}; }
Point operator*(Point a, double s) { return {a.x * s, a.y * s}; }
double dot(Point a, Point b) { return a.x * b.x + a.y * b.y; }
double cross(Point a, Point b) { return a.x * b.y - a.y * b.x; }
Point midpoint(Point a, Point b) { return {(a.x + b.x) / 2.0, (a.y + b.y) / 2.0}; }

// Convex quadrilateral with corners in clockwise order on screen (y down): superior left,
// superior right, inferior right, inferior left.
struct Quad {
  std::array<Point, 4> corners;

  // Signed distance from p to the nearest edge: positive inside, negative outside.
  double insideDistance(Point p) const
  {
    double nearest = INFINITY;
    for (std::size_t i = 0; i < corners.size(); ++i) {
      const Point a = corners[i];
      const Point edge = corners[(i + 1) % corners.size()] - a;
      // With y down and clockwise corners, the interior is where the cross product is positive.
      const double distance = cross(edge, p - a) / std::hypot(edge.x, edge.y);
      nearest = std::min(nearest, distance);
    }
    return nearest;
  }

  void bounds(int width, int height, int& x0, int& y0, int& x1, int& y1) const
  {
    double minX = corners[0].x, maxX = corners[0].x, minY = corners[0].y, maxY = corners[0].y;
    for (const Point& c : corners) {
      minX = std::min(minX, c.x);
      maxX = std::max(maxX, c.x);
      minY = std::min(minY, c.y);
      maxY = std::max(maxY, c.y);
    }
    x0 = std::clamp(static_cast<int>(std::floor(minX)), 0, width);
    y0 = std::clamp(static_cast<int>(std::floor(minY)), 0, height);
    x1 = std::clamp(static_cast<int>(std::ceil(maxX)) + 1, 0, width);
    y1 = std::clamp(static_cast<int>(std::ceil(maxY)) + 1, 0, height);
  }
};

struct BodyShape {
  Level level = Level::L5;
  Quad quad;
  Point centre;
  Point up;     // unit vector along the spine towards the head
  Point right;  // unit vector across the body towards the image's right
  double width = 0.0;
  double height = 0.0;
};

struct Layout {
  std::vector<BodyShape> bodies;  // caudal first
};

bool isLateral(View view)
{
  return view == View::Lateral;
}

int standardLevelsFromL5()
{
  int count = 1;
  for (std::optional<Level> level = levelAbove(Level::L5); level; level = levelAbove(*level)) ++count;
  return count;
}

void validate(const PhantomOptions& options)
{
  if (options.width < MinPhantomSide || options.height < MinPhantomSide ||
      options.width > MaxImageDimension || options.height > MaxImageDimension) {
    throw std::invalid_argument("Invalid phantom size " + std::to_string(options.width) + "x" +
                                std::to_string(options.height) + ": each side must be " +
                                std::to_string(MinPhantomSide) + " to " + std::to_string(MaxImageDimension) +
                                " pixels");
  }
  const int maxCount = standardLevelsFromL5();
  if (options.vertebraCount < 1 || options.vertebraCount > maxCount) {
    throw std::invalid_argument("Invalid phantom vertebra count " + std::to_string(options.vertebraCount) +
                                ": it must be 1 to " + std::to_string(maxCount) + " (L5 up to T1)");
  }
}

// Places the bodies from L5 upwards along a gently curved axis: lordotic (bowed towards the
// anterior side, image left) in the lateral view, a slight scoliotic bow in the AP view.
Layout planLayout(const PhantomOptions& options, Random& random)
{
  const bool lateral = isLateral(options.view);
  const int count = options.vertebraCount;
  const double width = options.width;
  const double height = options.height;

  // Sizes in arbitrary units first: widths shrink cranially, heights are a fraction of width.
  std::vector<double> rawWidths(count), rawHeights(count), rawDiscs(count), wedges(count);
  double rawTotal = 0.0;
  for (int i = 0; i < count; ++i) {
    rawWidths[i] = (1.0 - 0.022 * i) * random.uniform(0.97, 1.03);
    const double ratio = lateral ? random.uniform(0.8, 1.0) : random.uniform(0.55, 0.7);
    rawHeights[i] = rawWidths[i] * ratio;
    rawDiscs[i] = rawHeights[i] * random.uniform(0.25, 0.32);
    wedges[i] = lateral ? random.uniform(-0.08, 0.08) : random.uniform(-0.04, 0.04);
    rawTotal += rawHeights[i] + rawDiscs[i];
  }
  const double amplitude = width * (lateral ? 0.05 : 0.02) * random.uniform(0.8, 1.2);

  const double marginTop = 0.05 * height;
  const double marginBottom = 0.07 * height;
  const double span = height - marginTop - marginBottom;
  const double maxBodyWidth = (lateral ? 0.30 : 0.28) * width;
  const double scale = std::min(span / rawTotal, maxBodyWidth / rawWidths[0]);
  const double used = rawTotal * scale;
  const double bottom = height - marginBottom - (span - used) / 2.0;
  const double centreX = width * (lateral ? 0.45 : 0.5);

  // Axis x(y) = centreX - amplitude * sin(pi * t), t = 0 at the bottom and 1 at the top.
  const auto axisX = [&](double y) { return centreX - amplitude * std::sin(std::numbers::pi * (bottom - y) / used); };
  const auto axisSlope = [&](double y) {  // dx/dy
    return amplitude * std::numbers::pi / used * std::cos(std::numbers::pi * (bottom - y) / used);
  };

  Layout layout;
  double cursorY = bottom;
  Level level = Level::L5;
  for (int i = 0; i < count; ++i) {
    BodyShape body;
    body.level = level;
    body.width = rawWidths[i] * scale;
    body.height = rawHeights[i] * scale;
    const double centreY = cursorY - body.height / 2.0;
    body.centre = {axisX(centreY), centreY};
    const double slope = axisSlope(centreY);
    const double norm = std::hypot(slope, 1.0);
    body.up = {-slope / norm, -1.0 / norm};
    body.right = {-body.up.y, body.up.x};

    const double leftHalf = body.height * (1.0 + wedges[i] / 2.0) / 2.0;
    const double rightHalf = body.height * (1.0 - wedges[i] / 2.0) / 2.0;
    const Point left = body.centre - body.right * (body.width / 2.0);
    const Point right = body.centre + body.right * (body.width / 2.0);
    body.quad.corners = {left + body.up * leftHalf, right + body.up * rightHalf, right - body.up * rightHalf,
                         left - body.up * leftHalf};
    layout.bodies.push_back(body);

    cursorY -= body.height + rawDiscs[i] * scale;
    if (i + 1 < count) level = *levelAbove(level);
  }
  return layout;
}

double softTissue(double x, double y, double width, double height, double centreX)
{
  // Patient outline as a smooth step from air to tissue. Tissue gets brighter caudally and
  // towards the midline, where the body is thickest.
  const double halfBody = 0.42 * width;
  const double inside = 1.0 / (1.0 + std::exp((std::abs(x - centreX) - halfBody) / (0.01 * width)));
  const double thickness = std::exp(-std::pow((x - centreX) / (0.35 * width), 2.0));
  const double tissue = TissueValue + 500.0 * (y / height) + 250.0 * thickness;
  return AirValue + inside * (tissue - AirValue);
}

void drawBackground(std::vector<double>& image, int width, int height)
{
  const double centreX = width * 0.5;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image[static_cast<std::size_t>(y) * width + x] = softTissue(x + 0.5, y + 0.5, width, height, centreX);
    }
  }
}

template <typename Shade>
void fillQuad(std::vector<double>& image, int width, int height, const Quad& quad, Shade shade)
{
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  quad.bounds(width, height, x0, y0, x1, y1);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const Point centre{x + 0.5, y + 0.5};
      const double distance = quad.insideDistance(centre);
      if (distance < 0.0) continue;
      double& value = image[static_cast<std::size_t>(y) * width + x];
      value = shade(centre, distance, value);
    }
  }
}

// Discs fill the space between one body's superior endplate and the next body's inferior one.
void drawDiscs(std::vector<double>& image, int width, int height, const Layout& layout)
{
  for (std::size_t i = 0; i + 1 < layout.bodies.size(); ++i) {
    const Quad& below = layout.bodies[i].quad;
    const Quad& above = layout.bodies[i + 1].quad;
    const Quad disc{{above.corners[3], above.corners[2], below.corners[1], below.corners[0]}};
    fillQuad(image, width, height, disc, [](Point, double, double value) { return value * DiscFactor; });
  }
}

// Ellipse in the body's own frame: offsets along right and up, radii in pixels.
bool insideEllipse(const BodyShape& body, Point p, Point offset, double radiusAcross, double radiusAlong,
                   double& normalized)
{
  const Point centre = body.centre + body.right * offset.x + body.up * offset.y;
  const Point d = p - centre;
  const double across = dot(d, body.right) / radiusAcross;
  const double along = dot(d, body.up) / radiusAlong;
  normalized = std::sqrt(across * across + along * along);
  return normalized <= 1.0;
}

// Lateral view: a dimmer posterior arch behind each body, clear of its posterior edge.
void drawPosteriorArches(std::vector<double>& image, int width, int height, const Layout& layout)
{
  for (const BodyShape& body : layout.bodies) {
    const Point offset{0.5 * body.width + 0.35 * body.width, 0.0};
    const double radiusAcross = 0.22 * body.width;
    const double radiusAlong = 0.3 * body.height;
    const Point centre = body.centre + body.right * offset.x;
    const double reach = std::max(radiusAcross, radiusAlong) + 1.0;
    const int x0 = std::clamp(static_cast<int>(centre.x - reach), 0, width);
    const int x1 = std::clamp(static_cast<int>(centre.x + reach) + 1, 0, width);
    const int y0 = std::clamp(static_cast<int>(centre.y - reach), 0, height);
    const int y1 = std::clamp(static_cast<int>(centre.y + reach) + 1, 0, height);
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        double normalized = 0.0;
        if (!insideEllipse(body, {x + 0.5, y + 0.5}, offset, radiusAcross, radiusAlong, normalized)) continue;
        double& value = image[static_cast<std::size_t>(y) * width + x];
        value = std::max(value, PosteriorArchValue);
      }
    }
  }
}

void drawBodies(std::vector<double>& image, int width, int height, const Layout& layout, bool lateral)
{
  for (const BodyShape& body : layout.bodies) {
    const double rim = std::max(2.0, 0.06 * body.width);
    fillQuad(image, width, height, body.quad, [&](Point p, double distance, double) {
      double value = distance < rim ? CorticalValue : CancellousValue;
      if (lateral) return value;
      // AP view: pedicles project onto the upper body as oval rings, well inside its edges.
      for (const double side : {-1.0, 1.0}) {
        double normalized = 0.0;
        const Point offset{side * 0.3 * body.width, 0.15 * body.height};
        if (insideEllipse(body, p, offset, 0.09 * body.width, 0.14 * body.height, normalized) &&
            normalized > 0.6) {
          value += PedicleBoost;
        }
      }
      return value;
    });
  }
}

std::vector<std::uint16_t> quantize(const std::vector<double>& image, Random& random)
{
  std::vector<std::uint16_t> pixels(image.size());
  for (std::size_t i = 0; i < image.size(); ++i) {
    const double noisy = image[i] + NoiseSigma * random.gaussian();
    pixels[i] = static_cast<std::uint16_t>(std::clamp(std::lround(noisy), 0L, static_cast<long>(MaxSample)));
  }
  return pixels;
}

Vertebra truthOf(const BodyShape& body)
{
  const auto& c = body.quad.corners;
  Vertebra vertebra;
  vertebra.points[static_cast<std::size_t>(Slot::SuperiorFirst)] = c[0];
  vertebra.points[static_cast<std::size_t>(Slot::SuperiorMiddle)] = midpoint(c[0], c[1]);
  vertebra.points[static_cast<std::size_t>(Slot::SuperiorSecond)] = c[1];
  vertebra.points[static_cast<std::size_t>(Slot::InferiorFirst)] = c[3];
  vertebra.points[static_cast<std::size_t>(Slot::InferiorMiddle)] = midpoint(c[3], c[2]);
  vertebra.points[static_cast<std::size_t>(Slot::InferiorSecond)] = c[2];
  return vertebra;
}

std::string viewPositionCode(View view)
{
  switch (view) {
    case View::AP: return "AP";
    case View::PA: return "PA";
    case View::Lateral: return "LATERAL";
  }
  return "";
}

// DICOM PatientOrientation: patient directions of the image's +x (row) and +y (column) axes.
std::string patientOrientation(const Orientation& orientation)
{
  std::string row;
  if (isLateral(orientation.view)) {
    row = orientation.firstSideIsRightOrAnterior ? "P" : "A";  // anterior on the left: +x is posterior
  } else {
    row = orientation.firstSideIsRightOrAnterior ? "L" : "R";  // patient right on the left: +x is left
  }
  return row + "\\F";
}

void writeDicomAttributes(gdcm::DataSet& dataSet, const Phantom& phantom, double spacingMm)
{
  gdcm::UIDGenerator uids;
  const auto replace = [&dataSet](std::uint16_t group, std::uint16_t element, gdcm::VR vr, const std::string& value) {
    gdcm::DataElement dataElement(gdcm::Tag(group, element));
    dataElement.SetVR(vr);
    std::string padded = value;
    const char padding = (vr == gdcm::VR::UI) ? '\0' : ' ';
    if (padded.size() % 2 != 0) padded += padding;
    dataElement.SetByteValue(padded.data(), static_cast<std::uint32_t>(padded.size()));
    dataSet.Replace(dataElement);
  };

  // Digital X-Ray Image Storage - For Presentation.
  replace(0x0008, 0x0016, gdcm::VR::UI, "1.2.840.10008.5.1.4.1.1.1.1");
  replace(0x0008, 0x0018, gdcm::VR::UI, uids.Generate());
  replace(0x0020, 0x000D, gdcm::VR::UI, uids.Generate());
  replace(0x0020, 0x000E, gdcm::VR::UI, uids.Generate());
  replace(0x0008, 0x0008, gdcm::VR::CS, "DERIVED\\PRIMARY");
  replace(0x0008, 0x0060, gdcm::VR::CS, "DX");
  replace(0x0008, 0x0068, gdcm::VR::CS, "FOR PRESENTATION");
  replace(0x0008, 0x0070, gdcm::VR::LO, "spinemark phantom");
  replace(0x0010, 0x0010, gdcm::VR::PN, "PHANTOM^SAMPLE");
  replace(0x0010, 0x0020, gdcm::VR::LO, "SAMPLE-0001");
  replace(0x0018, 0x0015, gdcm::VR::CS, "SPINE");
  replace(0x0018, 0x5101, gdcm::VR::CS, viewPositionCode(phantom.orientation.view));
  replace(0x0020, 0x0020, gdcm::VR::CS, patientOrientation(phantom.orientation));
  replace(0x0020, 0x0011, gdcm::VR::IS, "1");
  replace(0x0020, 0x0013, gdcm::VR::IS, "1");
  replace(0x0020, 0x0062, gdcm::VR::CS, "U");  // Image Laterality: unpaired body part
  replace(0x0028, 0x0004, gdcm::VR::CS, "MONOCHROME2");
  replace(0x0028, 0x0301, gdcm::VR::CS, "NO");  // Burned In Annotation
  replace(0x0028, 0x1040, gdcm::VR::CS, "LIN");
  replace(0x0028, 0x1052, gdcm::VR::DS, "0");  // Rescale Intercept
  replace(0x0028, 0x1053, gdcm::VR::DS, "1");  // Rescale Slope
  replace(0x0028, 0x1054, gdcm::VR::LO, "US");
  replace(0x0028, 0x2110, gdcm::VR::CS, "00");  // Lossy Image Compression: none
  replace(0x2050, 0x0020, gdcm::VR::CS, "IDENTITY");  // Presentation LUT Shape
  gdcm::Attribute<0x0028, 0x1041> intensitySign;  // Pixel Intensity Relationship Sign
  intensitySign.SetValue(1);  // higher values are brighter (more attenuation)
  dataSet.Replace(intensitySign.GetAsDataElement());

  std::ostringstream spacing;
  spacing.imbue(std::locale::classic());
  spacing << spacingMm << '\\' << spacingMm;
  replace(0x0028, 0x0030, gdcm::VR::DS, spacing.str());
  replace(0x0018, 0x1164, gdcm::VR::DS, spacing.str());

  const auto [low, high] = std::minmax_element(phantom.pixels.begin(), phantom.pixels.end());
  std::ostringstream center, width;
  center.imbue(std::locale::classic());
  width.imbue(std::locale::classic());
  center << (static_cast<double>(*low) + *high) / 2.0;
  width << static_cast<double>(*high) - *low + 1.0;
  replace(0x0028, 0x1050, gdcm::VR::DS, center.str());
  replace(0x0028, 0x1051, gdcm::VR::DS, width.str());
}

void checkPhantom(const Phantom& phantom, const fs::path& path)
{
  const auto expected = static_cast<std::size_t>(phantom.width) * static_cast<std::size_t>(phantom.height);
  if (phantom.width <= 0 || phantom.height <= 0 || phantom.pixels.size() != expected) {
    throw std::invalid_argument("Cannot write phantom " + path.string() + ": pixel count " +
                                std::to_string(phantom.pixels.size()) + " does not match " +
                                std::to_string(phantom.width) + "x" + std::to_string(phantom.height));
  }
}

// libpng reports errors through longjmp, so this function keeps only trivially destructible
// locals between setjmp and the calls that can jump.
struct PngErrorState {
  char message[256] = "unknown libpng error";
};

void onPngError(png_structp png, png_const_charp message)
{
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

bool writePngStream(std::FILE* file, int width, int height, png_bytepp rows, PngErrorState& state)
{
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, onPngError, onPngWarning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 16,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // sBIT declares that 12 of the 16 bits are significant.
  png_color_8 significant{};
  significant.gray = 12;
  png_set_sBIT(png, info, &significant);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

std::string toUtf8(const fs::path& path)
{
  const std::u8string text = path.generic_u8string();
  return std::string(text.begin(), text.end());
}

struct SampleImage {
  std::string relativePath;
  Phantom phantom;
};

void writeTruthCsv(const fs::path& path, std::vector<SampleImage>& samples)
{
  std::sort(samples.begin(), samples.end(),
            [](const SampleImage& a, const SampleImage& b) { return naturalLess(a.relativePath, b.relativePath); });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("Cannot write " + path.string() + ": " + std::strerror(errno));
  out << "image,vertebra,landmark,x,y\n";
  for (const SampleImage& sample : samples) {
    for (const auto& [level, vertebra] : sample.phantom.truth) {
      for (int slotIndex = 0; slotIndex < SlotCount; ++slotIndex) {
        const std::optional<Point>& point = vertebra.points[static_cast<std::size_t>(slotIndex)];
        if (!point) continue;
        out << csvField(sample.relativePath) << ',' << levelName(level) << ','
            << landmarkName(static_cast<Slot>(slotIndex), sample.phantom.orientation) << ','
            << csvNumber(point->x) << ',' << csvNumber(point->y) << '\n';
      }
    }
  }
  out.close();
  if (!out) throw std::runtime_error("Cannot write " + path.string() + ": writing failed");
}

}  // namespace

Phantom makePhantom(const PhantomOptions& options)
{
  validate(options);
  Random random(options.seed);
  const Layout layout = planLayout(options, random);

  std::vector<double> image(static_cast<std::size_t>(options.width) * options.height);
  drawBackground(image, options.width, options.height);
  drawDiscs(image, options.width, options.height, layout);
  if (isLateral(options.view)) drawPosteriorArches(image, options.width, options.height, layout);
  drawBodies(image, options.width, options.height, layout, isLateral(options.view));

  Phantom phantom;
  phantom.width = options.width;
  phantom.height = options.height;
  phantom.pixels = quantize(image, random);
  phantom.orientation.view = options.view;
  phantom.orientation.firstSideIsRightOrAnterior = true;
  phantom.orientation.source = Orientation::Source::Default;
  for (const BodyShape& body : layout.bodies) phantom.truth[body.level] = truthOf(body);
  return phantom;
}

void writePhantomDicom(const Phantom& phantom, const fs::path& path, double spacingMm)
{
  checkPhantom(phantom, path);
  if (!(spacingMm > 0.0) || !std::isfinite(spacingMm)) {
    throw std::invalid_argument("Cannot write phantom " + path.string() + ": invalid pixel spacing " +
                                std::to_string(spacingMm) + " mm");
  }

  gdcm::ImageWriter writer;
  gdcm::Image& image = writer.GetImage();
  image.SetNumberOfDimensions(2);
  image.SetDimension(0, static_cast<unsigned>(phantom.width));
  image.SetDimension(1, static_cast<unsigned>(phantom.height));
  gdcm::PixelFormat format(gdcm::PixelFormat::UINT16);
  format.SetBitsStored(12);
  format.SetHighBit(11);
  image.SetPixelFormat(format);
  image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
  image.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  image.SetSpacing(0, spacingMm);
  image.SetSpacing(1, spacingMm);

  // Explicit VR little endian: low byte first, whatever the host byte order.
  std::vector<char> bytes(phantom.pixels.size() * 2);
  for (std::size_t i = 0; i < phantom.pixels.size(); ++i) {
    bytes[2 * i] = static_cast<char>(phantom.pixels[i] & 0xFF);
    bytes[2 * i + 1] = static_cast<char>(phantom.pixels[i] >> 8);
  }
  gdcm::DataElement pixelData(gdcm::Tag(0x7FE0, 0x0010));
  pixelData.SetVR(gdcm::VR::OW);
  pixelData.SetByteValue(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  image.SetDataElement(pixelData);

  writeDicomAttributes(writer.GetFile().GetDataSet(), phantom, spacingMm);
  writer.SetFileName(path.string().c_str());
  if (!writer.Write()) {
    throw std::runtime_error("Cannot write phantom DICOM " + path.string() + ": GDCM failed to write the file");
  }
}

void writePhantomPng(const Phantom& phantom, const fs::path& path)
{
  checkPhantom(phantom, path);

  // PNG stores 16-bit samples big-endian.
  const auto rowBytes = static_cast<std::size_t>(phantom.width) * 2;
  std::vector<png_byte> bytes(rowBytes * phantom.height);
  for (std::size_t i = 0; i < phantom.pixels.size(); ++i) {
    bytes[2 * i] = static_cast<png_byte>(phantom.pixels[i] >> 8);
    bytes[2 * i + 1] = static_cast<png_byte>(phantom.pixels[i] & 0xFF);
  }
  std::vector<png_bytep> rows(static_cast<std::size_t>(phantom.height));
  for (std::size_t row = 0; row < rows.size(); ++row) rows[row] = bytes.data() + row * rowBytes;

  std::FILE* file = std::fopen(path.string().c_str(), "wb");
  if (file == nullptr) {
    throw std::runtime_error("Cannot write phantom PNG " + path.string() + ": " + std::strerror(errno));
  }
  PngErrorState state;
  const bool written = writePngStream(file, phantom.width, phantom.height, rows.data(), state);
  const bool closed = std::fclose(file) == 0;
  if (!written) throw std::runtime_error("Cannot write phantom PNG " + path.string() + ": " + state.message);
  if (!closed) {
    throw std::runtime_error("Cannot write phantom PNG " + path.string() + ": " + std::strerror(errno));
  }
}

void writeSampleWorkspace(const fs::path& folder)
{
  struct SampleSpec {
    std::string relativePath;
    PhantomOptions options;
    double spacingMm = 0.0;  // 0 writes PNG, which has no spacing
  };
  const std::vector<SampleSpec> specs = {
      {"lateral/phantom-lateral.dcm", {1200, 2000, View::Lateral, 12, 1}, 0.18},
      {"ap/phantom-ap.dcm", {1000, 2000, View::AP, 12, 2}, 0.18},
      {"ap/phantom-ap-png.png", {800, 1600, View::AP, 10, 3}, 0.0},
  };

  std::vector<SampleImage> samples;
  for (const SampleSpec& spec : specs) {
    const fs::path path = folder / spec.relativePath;
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) throw std::runtime_error("Cannot create folder " + path.parent_path().string() + ": " + error.message());

    Phantom phantom = makePhantom(spec.options);
    if (spec.spacingMm > 0.0) {
      writePhantomDicom(phantom, path, spec.spacingMm);
    } else {
      writePhantomPng(phantom, path);
    }
    samples.push_back({spec.relativePath, std::move(phantom)});
  }
  writeTruthCsv(folder / "truth.csv", samples);
  spdlog::info("Wrote sample workspace {} with {} phantom images and truth.csv", toUtf8(folder), samples.size());
}

}  // namespace spinemark::core
