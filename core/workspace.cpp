// Workspace scanning: finds images by content below a root folder or from a list of files.
// Relative paths are kept as UTF-8 with '/' separators on every platform.
#include "core/workspace.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>
#include <system_error>

namespace spinemark::core {

namespace fs = std::filesystem;

namespace {

bool isAsciiDigit(char c)
{
  return c >= '0' && c <= '9';
}

// Three-way comparison in natural order; 0 also for digit runs that differ only in leading zeros.
int compareNatural(std::string_view a, std::string_view b)
{
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (isAsciiDigit(a[i]) && isAsciiDigit(b[j])) {
      std::size_t aEnd = i;
      while (aEnd < a.size() && isAsciiDigit(a[aEnd])) ++aEnd;
      std::size_t bEnd = j;
      while (bEnd < b.size() && isAsciiDigit(b[bEnd])) ++bEnd;

      // Drop leading zeros but keep one digit, then a longer run is the larger number.
      while (i + 1 < aEnd && a[i] == '0') ++i;
      while (j + 1 < bEnd && b[j] == '0') ++j;
      const std::string_view aDigits = a.substr(i, aEnd - i);
      const std::string_view bDigits = b.substr(j, bEnd - j);
      if (aDigits.size() != bDigits.size()) return aDigits.size() < bDigits.size() ? -1 : 1;
      if (const int order = aDigits.compare(bDigits); order != 0) return order < 0 ? -1 : 1;
      i = aEnd;
      j = bEnd;
      continue;
    }
    const auto aByte = static_cast<unsigned char>(a[i]);
    const auto bByte = static_cast<unsigned char>(b[j]);
    if (aByte != bByte) return aByte < bByte ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

std::string toUtf8(const fs::path& path)
{
  const std::u8string text = path.generic_u8string();
  return std::string(text.begin(), text.end());
}

fs::path fromUtf8(const std::string& text)
{
  return fs::path(std::u8string(text.begin(), text.end()));
}

std::string describe(const fs::path& path, const std::string& reason)
{
  return toUtf8(path) + ": " + reason;
}

bool isHidden(const fs::path& path)
{
  return toUtf8(path.filename()).starts_with('.');
}

bool canOpenForReading(const fs::path& path)
{
  std::ifstream stream(path, std::ios::binary);
  return stream.is_open();
}

void sortImages(std::vector<WorkspaceImage>& images)
{
  std::sort(images.begin(), images.end(), [](const WorkspaceImage& a, const WorkspaceImage& b) {
    return naturalLess(a.relativePath, b.relativePath);
  });
}

// Classifies one regular file. Returns nullopt for a file that is not an image; files that
// cannot be read or sniffed also add a message to skipped.
std::optional<ImageFormat> classifyFile(const fs::path& path, std::vector<std::string>& skipped)
{
  std::optional<ImageFormat> format;
  try {
    format = sniffImageFormat(path);
  } catch (const std::exception& error) {
    skipped.push_back(describe(path, std::string("cannot read file: ") + error.what()));
    return std::nullopt;
  }
  if (!format && !canOpenForReading(path)) {
    skipped.push_back(describe(path, "cannot read file (check its permissions)"));
  }
  return format;
}

fs::path commonFolder(const std::vector<fs::path>& files)
{
  fs::path common = files.front().parent_path();
  for (const fs::path& file : files) {
    const fs::path folder = file.parent_path();
    fs::path shared;
    auto commonPart = common.begin();
    auto folderPart = folder.begin();
    while (commonPart != common.end() && folderPart != folder.end() && *commonPart == *folderPart) {
      shared /= *commonPart;
      ++commonPart;
      ++folderPart;
    }
    common = shared;
  }
  return common;
}

fs::path resolveAnnotationsDir(const fs::path& root, const fs::path& annotationsDir)
{
  return annotationsDir.empty() ? root / "annotations" : fs::absolute(annotationsDir);
}

void logWorkspace(const Workspace& workspace)
{
  spdlog::info("Opened workspace {}: {} images, {} entries skipped; annotations in {}", workspace.root.string(),
               workspace.images.size(), workspace.skipped.size(), workspace.annotationsDir.string());
  for (const std::string& message : workspace.skipped) spdlog::warn("Workspace entry skipped: {}", message);
}

// Walks a workspace folder tree. Decides per folder whether to descend, so that a folder that
// cannot be listed is reported instead of silently dropped or ending the whole scan.
class FolderScanner {
 public:
  FolderScanner(Workspace& workspace, OpenProgress* progress) : m_workspace(workspace), m_progress(progress)
  {
    std::error_code error;
    m_annotationsDir = fs::weakly_canonical(workspace.annotationsDir, error);
    if (error) m_annotationsDir = workspace.annotationsDir.lexically_normal();
    m_visitedFolders.insert(workspace.root);
  }

  void scan()
  {
    const auto options =
        fs::directory_options::skip_permission_denied | fs::directory_options::follow_directory_symlink;
    std::error_code error;
    fs::recursive_directory_iterator it(m_workspace.root, options, error);
    if (error) {
      throw std::runtime_error("Cannot open workspace " + toUtf8(m_workspace.root) +
                               ": the folder cannot be read: " + error.message());
    }
    while (it != fs::recursive_directory_iterator()) {
      if (m_progress && m_progress->cancelRequested) throw OpenCancelled();
      const fs::directory_entry entry = *it;
      if (!visit(entry)) it.disable_recursion_pending();
      it.increment(error);
      if (error) {
        // NOTE: after a failed increment the iterator is at its end (libstdc++), so the
        // remaining entries of this walk are not listed. The message names the last entry.
        m_workspace.skipped.push_back(
            describe(entry.path(), "scan stopped after this entry: " + error.message()));
        break;
      }
    }
  }

 private:
  // Handles one entry. Returns false when the iterator must not descend into it.
  bool visit(const fs::directory_entry& entry)
  {
    const fs::path& path = entry.path();
    if (isHidden(path)) return false;

    std::error_code error;
    if (entry.is_directory(error)) return acceptFolder(path);
    if (entry.is_regular_file(error)) {
      addFile(path);
      return false;
    }
    if (entry.is_symlink(error) && !fs::exists(path, error)) {
      m_workspace.skipped.push_back(describe(path, "broken symbolic link"));
    }
    return false;
  }

  bool acceptFolder(const fs::path& path)
  {
    std::error_code error;
    const fs::path resolved = fs::canonical(path, error);
    if (error) {
      m_workspace.skipped.push_back(describe(path, "cannot resolve folder: " + error.message()));
      return false;
    }
    if (resolved == m_annotationsDir) return false;
    if (!m_visitedFolders.insert(resolved).second) {
      m_workspace.skipped.push_back(
          describe(path, "folder already scanned as " + toUtf8(resolved) + " (symbolic link)"));
      return false;
    }
    fs::directory_iterator probe(path, error);
    if (error) {
      m_workspace.skipped.push_back(describe(path, "cannot read folder: " + error.message()));
      return false;
    }
    return true;
  }

  void addFile(const fs::path& path)
  {
    const std::optional<ImageFormat> format = classifyFile(path, m_workspace.skipped);
    if (!format) return;
    m_workspace.images.push_back({path, toUtf8(path.lexically_relative(m_workspace.root)), *format});
    if (m_progress) m_progress->imagesListed += 1;
  }

  Workspace& m_workspace;
  OpenProgress* m_progress;
  fs::path m_annotationsDir;
  std::set<fs::path> m_visitedFolders;
};

}  // namespace

bool naturalLess(std::string_view a, std::string_view b)
{
  const int order = compareNatural(a, b);
  if (order != 0) return order < 0;
  return a < b;
}

fs::path Workspace::annotationPath(const WorkspaceImage& image) const
{
  return annotationsDir / fromUtf8(image.relativePath + ".json");
}

Workspace openWorkspace(const fs::path& root, const fs::path& annotationsDir, OpenProgress* progress)
{
  std::error_code error;
  const fs::file_status status = fs::status(root, error);
  if (!fs::exists(status)) {
    throw std::runtime_error("Cannot open workspace " + toUtf8(root) + ": the folder does not exist");
  }
  if (!fs::is_directory(status)) {
    throw std::runtime_error("Cannot open workspace " + toUtf8(root) + ": it is not a folder");
  }

  Workspace workspace;
  workspace.root = fs::canonical(root, error);
  if (error) {
    throw std::runtime_error("Cannot open workspace " + toUtf8(root) + ": " + error.message());
  }
  workspace.annotationsDir = resolveAnnotationsDir(workspace.root, annotationsDir);

  FolderScanner(workspace, progress).scan();
  sortImages(workspace.images);
  logWorkspace(workspace);
  if (progress) progress->imagesTotal = static_cast<int>(workspace.images.size());
  return workspace;
}

Workspace workspaceFromFiles(const std::vector<fs::path>& files, const fs::path& annotationsDir)
{
  if (files.empty()) throw std::invalid_argument("Cannot build a workspace: no image files were given");

  Workspace workspace;
  std::vector<fs::path> imagePaths;
  std::vector<ImageFormat> imageFormats;
  std::vector<fs::path> existingPaths;
  std::set<fs::path> seen;
  for (const fs::path& file : files) {
    std::error_code error;
    const fs::path resolved = fs::canonical(file, error);
    if (error) {
      workspace.skipped.push_back(describe(file, "cannot open file: " + error.message()));
      continue;
    }
    if (!seen.insert(resolved).second) continue;
    existingPaths.push_back(resolved);
    if (!fs::is_regular_file(resolved, error)) {
      workspace.skipped.push_back(describe(file, "not a regular file"));
      continue;
    }
    const std::optional<ImageFormat> format = classifyFile(resolved, workspace.skipped);
    if (!format) {
      if (canOpenForReading(resolved)) {
        workspace.skipped.push_back(describe(file, "not a DICOM, PNG or JPEG file"));
      }
      continue;
    }
    imagePaths.push_back(resolved);
    imageFormats.push_back(*format);
  }

  if (!imagePaths.empty()) {
    workspace.root = commonFolder(imagePaths);
  } else if (!existingPaths.empty()) {
    workspace.root = commonFolder(existingPaths);
  } else {
    workspace.root = fs::absolute(files.front()).lexically_normal().parent_path();
  }
  workspace.annotationsDir = resolveAnnotationsDir(workspace.root, annotationsDir);

  for (std::size_t i = 0; i < imagePaths.size(); ++i) {
    workspace.images.push_back(
        {imagePaths[i], toUtf8(imagePaths[i].lexically_relative(workspace.root)), imageFormats[i]});
  }
  sortImages(workspace.images);
  logWorkspace(workspace);
  return workspace;
}

}  // namespace spinemark::core
