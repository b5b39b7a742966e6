#include "core/assist/shape_model.h"

#include "core/atomic_file.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace spinemark::core::assist {

namespace {

constexpr std::string_view ModelSchemaId = "urn:spinemark:assist-model";
constexpr int ModelSchemaVersion = 1;

// Points of the k nearest vertebrae below, in the frame of the nearest: 12 values each.
std::vector<double> contextFeatures(const VertebraFrame& frame, const std::vector<VertebraPoints>& below, int k)
{
  std::vector<double> features;
  features.reserve(static_cast<std::size_t>(k) * SlotCount * 2);
  for (int i = 0; i < k; ++i) {
    for (const Point& point : below[static_cast<std::size_t>(i)]) {
      const Point local = frame.toFrame(point);
      features.push_back(local.x);
      features.push_back(local.y);
    }
  }
  return features;
}

std::vector<double> targetValues(const VertebraFrame& frame, const VertebraPoints& target)
{
  std::vector<double> values;
  values.reserve(SlotCount * 2);
  for (const Point& point : target) {
    const Point local = frame.toFrame(point);
    values.push_back(local.x);
    values.push_back(local.y);
  }
  return values;
}

struct Examples {
  std::vector<std::vector<double>> features;
  std::vector<std::vector<double>> targets;
};

void appendNumber(std::string& out, double value)
{
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void appendString(std::string& out, std::string_view text)
{
  static constexpr char Hex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += Hex[byte >> 4];
      out += Hex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

// Fits, then refits without the examples whose residual exceeds 3 times the median residual:
// ground truth has occasional label defects (corners out of order, points off the spine).
RidgeRegression fitTrimmed(const Examples& examples)
{
  RidgeRegression first = RidgeRegression::fit(examples.features, examples.targets);
  std::vector<double> residuals;
  for (std::size_t i = 0; i < examples.features.size(); ++i) {
    const auto predicted = first.predict(examples.features[i]);
    double sum = 0.0;
    for (std::size_t j = 0; j < predicted.size(); ++j) {
      sum += (predicted[j] - examples.targets[i][j]) * (predicted[j] - examples.targets[i][j]);
    }
    residuals.push_back(std::sqrt(sum));
  }
  std::vector<double> sorted = residuals;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
  const double limit = 3.0 * sorted[sorted.size() / 2];
  Examples kept;
  for (std::size_t i = 0; i < residuals.size(); ++i) {
    if (residuals[i] <= limit) {
      kept.features.push_back(examples.features[i]);
      kept.targets.push_back(examples.targets[i]);
    }
  }
  if (kept.features.size() == examples.features.size() || kept.features.size() < 2) {
    return first;
  }
  return RidgeRegression::fit(kept.features, kept.targets);
}

}  // namespace

ModelFileError::ModelFileError(const std::filesystem::path& path, const std::string& problem)
    : std::runtime_error(path.string() + ": " + problem)
{
}

LandmarkPredictor::LandmarkPredictor(PredictorOptions options) : m_options(options) {}

LandmarkPredictor::StoredImage LandmarkPredictor::toStored(const ImageAnnotation& image)
{
  StoredImage stored;
  stored.key = image.image.sha256.empty() ? image.image.relativePath : image.image.sha256;
  for (const auto& [level, vertebra] : image.vertebrae) {
    if (!vertebra.complete()) {
      continue;
    }
    VertebraPoints points;
    for (std::size_t slot = 0; slot < points.size(); ++slot) {
      points[slot] = *vertebra.points[slot];
    }
    stored.vertebrae[level] = points;
  }
  return stored;
}

void LandmarkPredictor::train(const std::vector<ImageAnnotation>& images)
{
  m_images.clear();
  for (const auto& image : images) {
    m_images.push_back(toStored(image));
  }
  refit();
}

void LandmarkPredictor::addCompletedImage(const ImageAnnotation& image)
{
  addImages({image});
}

void LandmarkPredictor::addImages(const std::vector<ImageAnnotation>& images)
{
  for (const ImageAnnotation& image : images) {
    StoredImage stored = toStored(image);
    auto same = std::find_if(m_images.begin(), m_images.end(),
                             [&](const StoredImage& known) { return known.key == stored.key; });
    if (same != m_images.end()) {
      *same = std::move(stored);
    } else {
      m_images.push_back(std::move(stored));
    }
  }
  refit();
}

void LandmarkPredictor::refit()
{
  std::map<std::pair<Level, int>, Examples> byLevel;
  std::map<int, Examples> pooled;
  for (const StoredImage& image : m_images) {
    const ImageAnnotation annotation = toAnnotation(image);
    for (const auto& [target, points] : image.vertebrae) {
      const std::vector<VertebraPoints> below = placedBelow(annotation, target);
      if (below.empty()) {
        continue;
      }
      const auto frame = VertebraFrame::on(below.front());
      if (!frame) {
        continue;
      }
      const std::vector<double> values = targetValues(*frame, points);
      for (int k = 1; k <= static_cast<int>(below.size()); ++k) {
        std::vector<double> features = contextFeatures(*frame, below, k);
        byLevel[{target, k}].features.push_back(features);
        byLevel[{target, k}].targets.push_back(values);
        pooled[k].features.push_back(std::move(features));
        pooled[k].targets.push_back(values);
      }
    }
  }

  m_levelModels.clear();
  m_pooledModels.clear();
  for (const auto& [key, examples] : byLevel) {
    if (static_cast<int>(examples.features.size()) >= m_options.minSamplesPerLevel) {
      m_levelModels.emplace(key, fitTrimmed(examples));
    }
  }
  for (const auto& [k, examples] : pooled) {
    if (static_cast<int>(examples.features.size()) >= m_options.minSamplesPooled) {
      m_pooledModels.emplace(k, fitTrimmed(examples));
    }
  }
  learnErrors();
  spdlog::debug("landmark predictor: {} images, {} level regressions, {} pooled regressions", m_images.size(),
                m_levelModels.size(), m_pooledModels.size());
}

ImageAnnotation LandmarkPredictor::toAnnotation(const StoredImage& image)
{
  ImageAnnotation annotation;
  for (const auto& [level, points] : image.vertebrae) {
    Vertebra& vertebra = annotation.vertebrae[level];
    for (std::size_t slot = 0; slot < points.size(); ++slot) {
      vertebra.points[slot] = points[slot];
    }
  }
  return annotation;
}

void LandmarkPredictor::learnErrors()
{
  std::vector<LevelResidual> residuals;
  for (const StoredImage& image : m_images) {
    const ImageAnnotation annotation = toAnnotation(image);
    for (const auto& [target, points] : image.vertebrae) {
      const auto prediction = predict(placedBelow(annotation, target), target);
      if (!prediction || !prediction->frame) {
        continue;
      }
      LevelResidual entry{target, {}};
      for (std::size_t slot = 0; slot < points.size(); ++slot) {
        const Point truth = prediction->frame->toFrame(points[slot]);
        const Point guess = prediction->frame->toFrame(prediction->points[slot]);
        entry.residual[2 * slot] = truth.x - guess.x;
        entry.residual[2 * slot + 1] = truth.y - guess.y;
      }
      residuals.push_back(entry);
    }
  }
  m_errors.fit(residuals);
}

std::optional<GhostModel> LandmarkPredictor::ghostModel(const ImageAnnotation& annotation, Level target) const
{
  const auto prediction = predict(placedBelow(annotation, target), target);
  if (!prediction) {
    return std::nullopt;
  }
  return GhostModel{prediction->points, prediction->frame, m_errors.forLevel(target)};
}

std::optional<VertebraPoints> LandmarkPredictor::predictNext(const ImageAnnotation& annotation, Level target) const
{
  const auto prediction = predict(placedBelow(annotation, target), target);
  if (!prediction) {
    return std::nullopt;
  }
  return prediction->points;
}

std::optional<Prediction> LandmarkPredictor::predict(const std::vector<VertebraPoints>& below, Level target) const
{
  if (below.empty()) {
    return std::nullopt;
  }
  const int k = std::min(static_cast<int>(below.size()), MaxPlacedContext);
  const auto frame = VertebraFrame::on(below.front());

  const RidgeRegression* regression = nullptr;
  Prediction prediction;
  prediction.placedUsed = k;
  prediction.frame = frame;
  if (auto found = m_levelModels.find({target, k}); frame && found != m_levelModels.end()) {
    regression = &found->second;
    prediction.method = PredictionMethod::LevelRegression;
  } else if (auto pooled = m_pooledModels.find(k); frame && pooled != m_pooledModels.end()) {
    regression = &pooled->second;
    prediction.method = PredictionMethod::PooledRegression;
  }
  if (!regression) {
    prediction.method = PredictionMethod::Extrapolation;
    prediction.placedUsed = std::min(k, 2);
    prediction.points = extrapolateNext(below);
    return prediction;
  }
  const std::vector<double> values = regression->predict(contextFeatures(*frame, below, k));
  for (std::size_t slot = 0; slot < prediction.points.size(); ++slot) {
    prediction.points[slot] = frame->toImage({values[2 * slot], values[2 * slot + 1]});
  }
  return prediction;
}

std::size_t LandmarkPredictor::levelSampleCount(Level target, int placed) const
{
  const auto found = m_levelModels.find({target, placed});
  return found == m_levelModels.end() ? 0 : found->second.sampleCount();
}

void LandmarkPredictor::save(const std::filesystem::path& path) const
{
  std::string out = "{\"schema\":";
  appendString(out, ModelSchemaId);
  out += ",\"schema_version\":" + std::to_string(ModelSchemaVersion) + ",\"images\":[";
  for (std::size_t i = 0; i < m_images.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    out += "{\"key\":";
    appendString(out, m_images[i].key);
    out += ",\"vertebrae\":{";
    bool first = true;
    for (const auto& [level, points] : m_images[i].vertebrae) {
      out += first ? "" : ",";
      first = false;
      appendString(out, levelName(level));
      out += ":[";
      for (std::size_t slot = 0; slot < points.size(); ++slot) {
        out += slot == 0 ? "" : ",";
        appendNumber(out, points[slot].x);
        out += ',';
        appendNumber(out, points[slot].y);
      }
      out += ']';
    }
    out += "}}";
  }
  out += "\n]}\n";
  writeFileAtomically(path, out);
  spdlog::info("saved landmark model with {} images to {}", m_images.size(), path.string());
}

LandmarkPredictor LandmarkPredictor::load(const std::filesystem::path& path, PredictorOptions options)
{
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path.string()).get(text) != simdjson::SUCCESS) {
    throw ModelFileError(path, "cannot read the model file; check the path, or run spinemark learn to create it");
  }
  LandmarkPredictor predictor(options);
  try {
    simdjson::dom::parser parser;
    const simdjson::dom::element root = parser.parse(text);
    if (std::string_view(root["schema"]) != ModelSchemaId) {
      throw ModelFileError(path, "not a spinemark landmark model (schema is not " + std::string(ModelSchemaId) + ")");
    }
    if (int64_t(root["schema_version"]) != ModelSchemaVersion) {
      throw ModelFileError(path, "unsupported schema_version; this spinemark reads version " +
                                     std::to_string(ModelSchemaVersion));
    }
    for (simdjson::dom::element entry : simdjson::dom::array(root["images"])) {
      StoredImage image;
      image.key = std::string(std::string_view(entry["key"]));
      for (auto [name, values] : simdjson::dom::object(entry["vertebrae"])) {
        const auto level = parseLevel(name);
        const simdjson::dom::array numbers = values;
        if (!level || numbers.size() != SlotCount * 2) {
          throw ModelFileError(path, "image '" + image.key + "' has an invalid vertebra '" + std::string(name) +
                                         "'; expected a level name with 12 coordinates");
        }
        VertebraPoints points;
        std::size_t index = 0;
        for (simdjson::dom::element number : numbers) {
          const double value = double(number);
          if (!std::isfinite(value)) {
            throw ModelFileError(path, "image '" + image.key + "' has a non-finite coordinate");
          }
          Point& point = points[index / 2];
          (index % 2 == 0 ? point.x : point.y) = value;
          ++index;
        }
        image.vertebrae[*level] = points;
      }
      predictor.m_images.push_back(std::move(image));
    }
  } catch (const simdjson::simdjson_error& error) {
    throw ModelFileError(path, std::string("invalid model file: ") + error.what() +
                                   "; delete it and run spinemark learn again");
  }
  predictor.refit();
  return predictor;
}

std::filesystem::path defaultModelPath(const std::filesystem::path& annotationsDir)
{
  return annotationsDir / ".spinemark" / "assist-model.json";
}

}  // namespace spinemark::core::assist
