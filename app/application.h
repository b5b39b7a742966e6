// The GUI: one GLFW window with Dear ImGui panels over the image canvas. Owns the view state
// and the GL objects; all document state lives in core::Workbench.
#pragma once

#include "app/canvas.h"
#include "app/frame_log.h"
#include "app/input_router.h"
#include "app/key_table.h"
#include "app/kpi_panel.h"
#include "app/loupe.h"
#include "app/panels.h"
#include "app/review_ui.h"
#include "app/script_player.h"
#include "core/assist/assistant.h"
#include "core/workbench.h"
#include "core/workspace_opener.h"
#include "render/image_renderer.h"
#include "render/texture_cache.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct GLFWwindow;

namespace spinemark::app {

struct GuiOptions {
  std::vector<std::filesystem::path> inputs;  // one workspace folder, or image files
  std::filesystem::path annotationsDir;       // empty: <workspace>/annotations
  std::string user;
  core::Level startLevel = core::Level::L5;
  std::filesystem::path script;               // empty: interactive
  std::filesystem::path frameLog;             // empty: no per-frame log (app/frame_log.h)
  core::ImageCacheOptions cache;              // decoder threads, prefetch, memory budget
  std::filesystem::path keymap;               // empty: the default keymap file, if it exists
  bool review = false;                        // start in review mode (the reviewer's role)
  int windowWidth = 1400;
  int windowHeight = 900;
};

// Runs the GUI until the window closes; returns the process exit code.
int runGui(const GuiOptions& options);

class Application {
 public:
  // Waits a moment for opener. When the workspace takes longer to open, run() shows a progress
  // window until it is open. Opening errors that arrive within the moment are thrown here.
  Application(const GuiOptions& options, std::unique_ptr<core::WorkspaceOpener> opener);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  int run();

  // Used by the script player.
  InputRouter& input() { return m_input; }
  Canvas& canvas() { return m_canvas; }
  void requestScreenshot(const std::filesystem::path& path) { m_screenshotPath = path; }
  void requestQuit();
  // True while an image or a prefetch is being decoded, or a decoded neighbour's texture is not
  // on the GPU yet (the script's wait-prefetch).
  bool decoding();

 private:
  void createWindow();
  void attachWorkbench();
  bool waitForWorkspace();
  void drawOpeningFrame();
  void frame();
  void layout();
  void handleKeys(const std::vector<InputEvent>& events);
  void handleLoupeWheel(const std::vector<InputEvent>& events, bool imguiWantsMouse);
  void loadKeymap();
  void followCurrentVertebra();
  void updateAssistant();
  void recordActivity(int indexBefore, unsigned long revisionBefore);
  void reportResult(const core::ActionResult& result);
  void runAction(Action action);
  void syncImage();
  // Indexes whose textures the cache keeps: the prefetch window and the image shown.
  std::vector<int> textureWindow() const;
  void updateTextures();
  double idleTimeout() const;
  void drawLoadingIndicator();
  void logFrame(const std::vector<InputEvent>& events);
  void renderImage();
  void takeScreenshot();
  void adjustWindow(double widthFactor, double centerStepFraction);

  GuiOptions m_options;
  std::unique_ptr<core::WorkspaceOpener> m_opener;  // null once the workspace is open
  std::unique_ptr<core::Workbench> m_workbench;
  GLFWwindow* m_window = nullptr;
  InputRouter m_input;
  Canvas m_canvas;
  UiState m_ui;
  Keymap m_keymap;
  Loupe m_loupe;
  ReviewState m_review;
  KpiPanel m_kpis;
  bool reviewPanelShown() const;
  void stepQueue(int step);
  bool m_follow = false;
  std::unique_ptr<core::assist::Assistant> m_assistant;
  bool m_wasComplete = false;
  int m_completionIndex = -1;
  std::optional<core::Level> m_followedLevel;
  std::unique_ptr<render::ImageRenderer> m_renderer;
  // Textures of the current image and its prefetch window; m_texture points at the current one.
  std::unique_ptr<render::TextureCache> m_textures;
  const render::ImageTexture* m_texture = nullptr;
  std::optional<ScriptPlayer> m_script;
  int m_shownIndex = -1;
  int m_frameCount = 0;
  int m_busyFrames = 0;  // frames still to draw without waiting for events
  std::unique_ptr<FrameLog> m_frameLog;
  bool m_uploadedThisFrame = false;
  bool m_switchedThisFrame = false;  // the frame shows another image than the frame before
  std::size_t m_uploadBytes = 0;  // texture bytes sent in this frame
  double m_uploadUs = 0.0;
  std::optional<std::filesystem::path> m_screenshotPath;
  bool m_quitConfirmed = false;
  int m_exitCode = 0;
};

}  // namespace spinemark::app
