// Subcommands of the landmark predictor: learn (seed the workspace model), assist-eval (accuracy
// on held-out ground truth) and replay (the simulated annotator). None needs a display.
#include "app/commands.h"

#include "core/assist/annotation_folder.h"
#include "core/assist/corners_csv.h"
#include "core/assist/evaluation.h"
#include "core/assist/replay.h"
#include "core/assist/shape_model.h"
#include "core/file_hash.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

namespace spinemark::app {
namespace {

namespace fs = std::filesystem;
namespace assist = core::assist;

struct LearnOptions {
  fs::path from;
  fs::path annotations;
  fs::path model;
};

int runLearn(const LearnOptions& options)
{
  std::vector<core::ImageAnnotation> images;
  fs::path modelPath = options.model;
  if (fs::is_directory(options.from)) {
    const fs::path folder = options.annotations.empty() ? options.from / "annotations" : options.annotations;
    if (!fs::is_directory(folder)) {
      std::cerr << "spinemark learn: annotation folder " << folder << " not found; annotate first or pass "
                << "--annotations DIR\n";
      return 1;
    }
    auto read = assist::readAnnotationFolder(folder);
    for (const auto& error : read.errors) {
      std::cerr << "spinemark learn: skipped " << error << "\n";
    }
    images = std::move(read.annotations);
    if (modelPath.empty()) {
      modelPath = assist::defaultModelPath(folder);
    }
  } else if (fs::is_regular_file(options.from)) {
    images = assist::readCornersCsv(options.from);
    if (modelPath.empty() && !options.annotations.empty()) {
      modelPath = assist::defaultModelPath(options.annotations);
    }
    if (modelPath.empty()) {
      std::cerr << "spinemark learn: say where the model goes: --annotations DIR (the workspace's annotation "
                << "folder) or --model FILE\n";
      return 2;
    }
  } else {
    std::cerr << "spinemark learn: " << options.from << " is neither a corners CSV file nor a workspace folder\n";
    return 2;
  }

  assist::LandmarkPredictor predictor =
      fs::exists(modelPath) ? assist::LandmarkPredictor::load(modelPath) : assist::LandmarkPredictor();
  const std::size_t before = predictor.imageCount();
  predictor.addImages(images);
  predictor.save(modelPath);
  std::cout << "learned from " << images.size() << " images in " << options.from.string() << "; the model "
            << modelPath.string() << " now holds " << predictor.imageCount() << " images (" << before
            << " before)\n";
  return 0;
}

struct EvalOptions {
  fs::path train;
  fs::path test;
  bool json = false;
};

int runAssistEval(const EvalOptions& options)
{
  const auto train = assist::readCornersCsv(options.train);
  const auto test = assist::readCornersCsv(options.test);
  std::set<std::string> trainNames;
  for (const auto& image : train) {
    trainNames.insert(image.image.relativePath);
  }
  int shared = 0;
  for (const auto& image : test) {
    shared += trainNames.count(image.image.relativePath) > 0 ? 1 : 0;
  }
  if (shared > 0) {
    std::cerr << "spinemark assist-eval: warning: " << shared << " test images are also in the training set, "
              << "so the figures are optimistic; split the images first\n";
  }
  assist::LandmarkPredictor predictor;
  predictor.train(train);
  const assist::AssistEvaluation evaluation = assist::evaluatePredictor(predictor, test);
  if (options.json) {
    std::cout << assist::evaluationJson(evaluation) << "\n";
    return 0;
  }
  std::cout << "trained on " << train.size() << " images, tested on " << test.size() << " images\n"
            << "corner error in % of the vertebra's superior endplate width, by vertebrae placed below:\n"
            << assist::evaluationTable(evaluation);
  return 0;
}

struct ReplayCommandOptions {
  fs::path truth;
  fs::path images;
  fs::path model;
  bool json = false;
};

// Checks that every truth image exists under the image folder and records its hash, which keys the
// image in the model as the app does.
void attachImageFiles(std::vector<core::ImageAnnotation>& truths, const fs::path& imagesDir)
{
  for (auto& truth : truths) {
    const fs::path file = imagesDir / truth.image.relativePath;
    if (!fs::is_regular_file(file)) {
      throw std::runtime_error("image " + file.string() + " of the truth file not found; pass the folder that " +
                               "holds the images named in the CSV as --images");
    }
    truth.image.sha256 = core::sha256File(file);
  }
}

int runReplay(const ReplayCommandOptions& options)
{
  auto truths = assist::readCornersCsv(options.truth);
  attachImageFiles(truths, options.images);
  auto seeded = [&] {
    return options.model.empty() ? assist::LandmarkPredictor() : assist::LandmarkPredictor::load(options.model);
  };

  assist::ReplayOptions withOptions;
  assist::LandmarkPredictor predictor = seeded();
  const assist::ReplaySummary with = assist::replayImages(truths, predictor, withOptions);
  assist::ReplayOptions withoutOptions;
  withoutOptions.usePredictions = false;
  assist::LandmarkPredictor unused = seeded();
  const assist::ReplaySummary without = assist::replayImages(truths, unused, withoutOptions);

  if (options.json) {
    std::printf("{\"images\": %zu, \"mean_seconds\": %.17g, \"mean_seconds_without_predictions\": %.17g, "
                "\"mean_pointer_actions\": %.17g}\n",
                with.images.size(), with.meanSeconds, without.meanSeconds, with.meanPointerActions);
    return 0;
  }
  std::printf("%-45s %5s %5s %5s %6s %5s %9s %9s\n", "image", "vert", "hand", "drags", "accept", "keys", "seconds",
              "no-pred s");
  for (std::size_t i = 0; i < with.images.size(); ++i) {
    const auto& image = with.images[i];
    std::printf("%-45s %5d %5d %5d %6d %5d %9.1f %9.1f\n", image.image.c_str(), image.counts.vertebrae,
                image.counts.handPlacements, image.counts.drags, image.counts.accepts, image.counts.keystrokes(),
                image.seconds, without.images[i].seconds);
  }
  std::printf("\n%zu images: mean %.1f s with predictions, %.1f s without; mean %.1f pointer actions and %.1f "
              "keystrokes with predictions (%.1f and %.1f without)\n",
              with.images.size(), with.meanSeconds, without.meanSeconds, with.meanPointerActions,
              with.meanKeystrokes, without.meanPointerActions, without.meanKeystrokes);
  std::printf("Keystroke-Level Model estimate: P = %.2f s, K = %.2f s, M = %.2f s per vertebra\n",
              withOptions.klm.pointingSeconds, withOptions.klm.keystrokeSeconds, withOptions.klm.mentalSeconds);
  return 0;
}

// Runs a command body and turns the errors of reading inputs into a message and exit code 1.
int reportErrors(const char* command, const std::function<int()>& body)
{
  try {
    return body();
  } catch (const std::exception& error) {
    std::cerr << "spinemark " << command << ": " << error.what() << "\n";
    return 1;
  }
}

}  // namespace

void addAssistCommands(CLI::App& cli, SubcommandList& commands)
{
  auto learn = std::make_shared<LearnOptions>();
  auto* learnParser = cli.add_subcommand("learn", "Seed the landmark predictor from ground truth");
  learnParser->add_option("--from", learn->from, "A corners CSV (image,width,height,vertebra,corner,x,y) or a workspace folder")
      ->required();
  learnParser->add_option("--annotations", learn->annotations,
                          "The workspace's annotation folder (default WORKSPACE/annotations); the model goes to "
                          "DIR/.spinemark/assist-model.json");
  learnParser->add_option("--model", learn->model, "Model file to create or extend instead of the default");
  commands.push_back({learnParser, [learn] { return reportErrors("learn", [&] { return runLearn(*learn); }); }});

  auto eval = std::make_shared<EvalOptions>();
  auto* evalParser = cli.add_subcommand("assist-eval", "Measure predicted landmarks on held-out ground truth");
  evalParser->add_option("--train", eval->train, "Corners CSV to train on")->required();
  evalParser->add_option("--test", eval->test, "Corners CSV to test on")->required();
  evalParser->add_flag("--json", eval->json, "Print only the figures as JSON");
  commands.push_back(
      {evalParser, [eval] { return reportErrors("assist-eval", [&] { return runAssistEval(*eval); }); }});

  auto replay = std::make_shared<ReplayCommandOptions>();
  auto* replayParser = cli.add_subcommand("replay", "Simulate an annotator over ground truth and estimate the time");
  replayParser->add_option("--truth", replay->truth, "Corners CSV with the true landmarks")->required();
  replayParser->add_option("--images", replay->images, "Folder with the images named in the CSV")->required();
  replayParser->add_option("--model", replay->model,
                           "Model file to start from (default: an empty model that learns as images complete)");
  replayParser->add_flag("--json", replay->json, "Print only the summary as JSON");
  commands.push_back(
      {replayParser, [replay] { return reportErrors("replay", [&] { return runReplay(*replay); }); }});
}

}  // namespace spinemark::app
