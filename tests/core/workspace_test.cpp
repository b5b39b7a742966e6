#include "core/workspace.h"

#include "core/phantom.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinemark::core {
namespace {

namespace fs = std::filesystem;

fs::path utf8Path(const std::string& text)
{
  return fs::path(std::u8string(text.begin(), text.end()));
}

std::string utf8String(const fs::path& path)
{
  const std::u8string text = path.generic_u8string();
  return std::string(text.begin(), text.end());
}

void writeTinyPng(const fs::path& path)
{
  fs::create_directories(path.parent_path());
  const std::array<unsigned char, 4 * 3> gray = {0, 40, 80, 120, 160, 200, 240, 255, 10, 20, 30, 40};
  ASSERT_NE(stbi_write_png(path.string().c_str(), 4, 3, 1, gray.data(), 4), 0) << path;
}

void writeTinyJpeg(const fs::path& path)
{
  fs::create_directories(path.parent_path());
  std::array<unsigned char, 8 * 8> gray{};
  for (std::size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<unsigned char>(i * 4);
  ASSERT_NE(stbi_write_jpg(path.string().c_str(), 8, 8, 1, gray.data(), 90), 0) << path;
}

void writeSmallDicom(const fs::path& path)
{
  fs::create_directories(path.parent_path());
  PhantomOptions options;
  options.width = 96;
  options.height = 160;
  options.vertebraCount = 3;
  writePhantomDicom(makePhantom(options), path, 0.5);
}

void writeText(const fs::path& path, const std::string& text)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> relativePaths(const Workspace& workspace)
{
  std::vector<std::string> paths;
  for (const WorkspaceImage& image : workspace.images) paths.push_back(image.relativePath);
  return paths;
}

bool anyMessageContains(const std::vector<std::string>& messages, const std::string& text)
{
  return std::any_of(messages.begin(), messages.end(),
                     [&](const std::string& message) { return message.find(text) != std::string::npos; });
}

TEST(NaturalLess, OrdersDigitRunsByValue)
{
  EXPECT_TRUE(naturalLess("img2", "img10"));
  EXPECT_FALSE(naturalLess("img10", "img2"));
  EXPECT_TRUE(naturalLess("x9/a.png", "x10/a.png"));
  EXPECT_TRUE(naturalLess("a", "b"));
  EXPECT_TRUE(naturalLess("img", "img1"));
  EXPECT_FALSE(naturalLess("img1", "img1"));
}

TEST(NaturalLess, LeadingZerosGiveTotalOrder)
{
  EXPECT_NE(naturalLess("img02", "img2"), naturalLess("img2", "img02"));
  EXPECT_TRUE(naturalLess("img02", "img3"));
  EXPECT_TRUE(naturalLess("img2", "img003"));
}

TEST(Workspace, FindsNestedImagesByContent)
{
  const fs::path root = testing::makeScratchDir("ws-content");
  writeTinyPng(root / "a.png");
  writeTinyJpeg(root / "nested" / "b.jpg");
  writeSmallDicom(root / "nested" / "deeper" / "IM0001");
  writeText(root / "notes.txt", "not an image");
  writeText(root / "fake.png", "text with a png extension");

  const Workspace workspace = openWorkspace(root);

  ASSERT_EQ(workspace.images.size(), 3u);
  EXPECT_EQ(workspace.root, fs::canonical(root));
  EXPECT_EQ(workspace.annotationsDir, fs::canonical(root) / "annotations");
  EXPECT_EQ(workspace.images[0].relativePath, "a.png");
  EXPECT_EQ(workspace.images[0].format, ImageFormat::Png);
  EXPECT_EQ(workspace.images[1].relativePath, "nested/b.jpg");
  EXPECT_EQ(workspace.images[1].format, ImageFormat::Jpeg);
  EXPECT_EQ(workspace.images[2].relativePath, "nested/deeper/IM0001");
  EXPECT_EQ(workspace.images[2].format, ImageFormat::Dicom);
  EXPECT_EQ(workspace.images[2].path, fs::canonical(root) / "nested" / "deeper" / "IM0001");
  EXPECT_TRUE(workspace.skipped.empty());
  fs::remove_all(root);
}

TEST(Workspace, SkipsAnnotationsAndHiddenEntries)
{
  const fs::path root = testing::makeScratchDir("ws-hidden");
  writeTinyPng(root / "keep.png");
  writeTinyPng(root / "annotations" / "copy.png");
  writeTinyPng(root / ".cache" / "thumb.png");
  writeTinyPng(root / "sub" / ".hidden.png");

  const Workspace workspace = openWorkspace(root);

  EXPECT_EQ(relativePaths(workspace), std::vector<std::string>{"keep.png"});
  fs::remove_all(root);
}

TEST(Workspace, SkipsCustomAnnotationsFolder)
{
  const fs::path root = testing::makeScratchDir("ws-custom-labels");
  writeTinyPng(root / "keep.png");
  writeTinyPng(root / "labels" / "copy.png");
  writeTinyPng(root / "annotations" / "image.png");

  const Workspace workspace = openWorkspace(root, root / "labels");

  EXPECT_EQ(workspace.annotationsDir, root / "labels");
  EXPECT_EQ(relativePaths(workspace), (std::vector<std::string>{"annotations/image.png", "keep.png"}));
  fs::remove_all(root);
}

TEST(Workspace, SortsInNaturalOrder)
{
  const fs::path root = testing::makeScratchDir("ws-sort");
  for (const char* name : {"img10.png", "img2.png", "img1.png", "sub/img3.png", "Img5.png"}) {
    writeTinyPng(root / name);
  }

  const Workspace workspace = openWorkspace(root);

  EXPECT_EQ(relativePaths(workspace),
            (std::vector<std::string>{"Img5.png", "img1.png", "img2.png", "img10.png", "sub/img3.png"}));
  fs::remove_all(root);
}

TEST(Workspace, RecordsUnreadableSubfolder)
{
  if (::geteuid() == 0) GTEST_SKIP() << "root can read a folder with mode 000";
  const fs::path root = testing::makeScratchDir("ws-locked");
  writeTinyPng(root / "open" / "a.png");
  writeTinyPng(root / "locked" / "b.png");
  writeTinyPng(root / "z.png");
  writeTinyPng(root / "sealed.png");
  fs::permissions(root / "locked", fs::perms::none);
  fs::permissions(root / "sealed.png", fs::perms::none);

  Workspace workspace;
  EXPECT_NO_THROW(workspace = openWorkspace(root));
  fs::permissions(root / "locked", fs::perms::owner_all);

  EXPECT_EQ(relativePaths(workspace), (std::vector<std::string>{"open/a.png", "z.png"}));
  EXPECT_EQ(workspace.skipped.size(), 2u) << ::testing::PrintToString(workspace.skipped);
  EXPECT_TRUE(anyMessageContains(workspace.skipped, "/locked:")) << ::testing::PrintToString(workspace.skipped);
  EXPECT_TRUE(anyMessageContains(workspace.skipped, "sealed.png")) << ::testing::PrintToString(workspace.skipped);
  fs::remove_all(root);
}

TEST(Workspace, ScansSymlinkLoopOnce)
{
  const fs::path root = testing::makeScratchDir("ws-loop");
  writeTinyPng(root / "a" / "img.png");
  fs::create_directory_symlink(root, root / "a" / "loop");

  const Workspace workspace = openWorkspace(root);

  EXPECT_EQ(relativePaths(workspace), std::vector<std::string>{"a/img.png"});
  EXPECT_TRUE(anyMessageContains(workspace.skipped, "a/loop")) << ::testing::PrintToString(workspace.skipped);
  fs::remove_all(root);
}

TEST(Workspace, KeepsSpacesAndNonAsciiInPaths)
{
  const fs::path root = testing::makeScratchDir("ws-unicode");
  const std::string relative = "my scans/Wirbelsäule 1.png";
  writeTinyPng(root / utf8Path(relative));

  const Workspace workspace = openWorkspace(root);

  ASSERT_EQ(workspace.images.size(), 1u);
  EXPECT_EQ(workspace.images[0].relativePath, relative);
  EXPECT_EQ(utf8String(workspace.annotationPath(workspace.images[0])),
            utf8String(workspace.annotationsDir) + "/my scans/Wirbelsäule 1.png.json");
  fs::remove_all(root);
}

TEST(Workspace, MissingRootThrowsNamingIt)
{
  const fs::path root = testing::makeScratchDir("ws-missing");
  const fs::path missing = root / "no-such-folder";
  try {
    openWorkspace(missing);
    FAIL() << "openWorkspace accepted a missing folder";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("no-such-folder"), std::string::npos) << error.what();
  }

  writeText(root / "file.txt", "text");
  EXPECT_THROW(openWorkspace(root / "file.txt"), std::runtime_error);
  fs::remove_all(root);
}

TEST(Workspace, FromFilesUsesDeepestCommonFolder)
{
  const fs::path scratch = testing::makeScratchDir("ws-files");
  writeTinyPng(scratch / "study" / "a" / "p.png");
  writeTinyJpeg(scratch / "study" / "b" / "q.jpg");
  writeText(scratch / "study" / "notes.txt", "not an image");

  const Workspace workspace = workspaceFromFiles({scratch / "study" / "b" / "q.jpg",
                                                  scratch / "study" / "a" / ".." / "a" / "p.png",
                                                  scratch / "study" / "notes.txt",
                                                  scratch / "study" / "missing.png"});

  EXPECT_EQ(workspace.root, fs::canonical(scratch / "study"));
  EXPECT_EQ(workspace.annotationsDir, workspace.root / "annotations");
  EXPECT_EQ(relativePaths(workspace), (std::vector<std::string>{"a/p.png", "b/q.jpg"}));
  EXPECT_EQ(workspace.skipped.size(), 2u);
  EXPECT_TRUE(anyMessageContains(workspace.skipped, "notes.txt"));
  EXPECT_TRUE(anyMessageContains(workspace.skipped, "missing.png"));
  fs::remove_all(scratch);
}

TEST(Workspace, FromSingleFileUsesItsFolder)
{
  const fs::path scratch = testing::makeScratchDir("ws-single");
  writeSmallDicom(scratch / "series" / "IM1");

  const Workspace workspace = workspaceFromFiles({scratch / "series" / "IM1"}, scratch / "out");

  EXPECT_EQ(workspace.root, fs::canonical(scratch / "series"));
  EXPECT_EQ(workspace.annotationsDir, scratch / "out");
  ASSERT_EQ(workspace.images.size(), 1u);
  EXPECT_EQ(workspace.images[0].relativePath, "IM1");
  EXPECT_EQ(workspace.annotationPath(workspace.images[0]), scratch / "out" / "IM1.json");
  fs::remove_all(scratch);
}

TEST(Workspace, FromEmptyFileListThrows)
{
  EXPECT_THROW(workspaceFromFiles({}), std::invalid_argument);
}

}  // namespace
}  // namespace spinemark::core
