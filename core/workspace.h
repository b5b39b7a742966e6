// A workspace: a folder of images (found recursively) and the folder of their annotations.
#pragma once

#include "core/image.h"

#include <atomic>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace spinemark::core {

struct WorkspaceImage {
  std::filesystem::path path;  // absolute
  std::string relativePath;    // relative to the workspace root, '/' separated
  ImageFormat format = ImageFormat::Png;
};

struct Workspace {
  std::filesystem::path root;
  std::filesystem::path annotationsDir;  // default root / "annotations"
  std::vector<WorkspaceImage> images;    // sorted by relativePath
  std::vector<std::string> skipped;      // messages for folders or files that could not be read

  // <annotationsDir>/<relative path>.json
  std::filesystem::path annotationPath(const WorkspaceImage& image) const;
};

// Counters of a workspace being opened on another thread, for a progress bar. The opening
// thread writes them and any thread may read them.
struct OpenProgress {
  std::atomic<int> imagesListed{0};   // images the folder scan has found so far
  std::atomic<int> imagesTotal{-1};   // images in the workspace once the scan has ended, else -1
  std::atomic<int> statusesRead{0};   // images whose annotation file the Workbench has looked up
  std::atomic<bool> cancelRequested{false};  // set by another thread to stop the opening
};

// Thrown by openWorkspace and the Workbench constructor when OpenProgress::cancelRequested is set.
class OpenCancelled : public std::runtime_error {
 public:
  OpenCancelled() : std::runtime_error("opening the workspace was cancelled") {}
};

// Natural sort order: runs of ASCII digits compare by numeric value, so "img2" sorts before
// "img10"; everything else compares byte by byte. Equal-valued runs with different leading
// zeros ("img02" and "img2") are ordered by plain byte comparison, so the order is total.
bool naturalLess(std::string_view a, std::string_view b);

// Scans root recursively for DICOM, PNG and JPEG files (by content), skipping the annotations
// folder and hidden entries. Unreadable folders are recorded in skipped, not thrown.
// annotationsDir empty means root / "annotations". Folders reached twice through symbolic links
// (loops included) are scanned once. Throws std::runtime_error when root is not a folder.
// progress, when given, counts the images found, and its cancellation throws OpenCancelled.
Workspace openWorkspace(const std::filesystem::path& root, const std::filesystem::path& annotationsDir = {},
                        OpenProgress* progress = nullptr);

// Builds a workspace from explicit image files: the root is their deepest common folder.
// Missing and non-image files are recorded in skipped. Throws std::invalid_argument for an
// empty list.
Workspace workspaceFromFiles(const std::vector<std::filesystem::path>& files,
                             const std::filesystem::path& annotationsDir = {});

}  // namespace spinemark::core
