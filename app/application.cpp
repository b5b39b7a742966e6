#include "app/application.h"

#include <glad/gl.h>
// glad must come before GLFW so that GLFW does not include the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace spinemark::app {
namespace {

// Frames rendered before a script starts, so that the layout and the first image are settled.
constexpr int ScriptStartFrame = 3;
// Exit status when the app closed while the newest changes could not be written.
constexpr int UnsavedChangesExitCode = 3;
// Sleep between frames while an edit is unsaved or an info message is shown: autosave runs from
// the frame loop, and the status bar must show when the write finished.
constexpr double IdleWaitSeconds = 0.25;
// Longest sleep with nothing to do. Input, a finished decode (glfwPostEmptyEvent from a decoder
// thread) and window events wake the loop earlier. Each wake draws a frame, which costs about
// 40 ms of CPU with Mesa llvmpipe (measured: bench/gui_bench.py), so the safety wake is rare.
constexpr double MaxIdleWaitSeconds = 60.0;
// How long the app waits for the workspace to open before it shows a progress window instead.
constexpr std::chrono::milliseconds OpenProgressDelay{500};
// Redraw interval of the progress window while the workspace opens.
constexpr double OpenProgressRefreshSeconds = 0.1;
// Frames drawn after input without waiting, so that ImGui's hover and click states settle.
constexpr int BusyFramesAfterInput = 2;
// Texture bytes uploaded ahead of time per frame. A 3000x2500 image (20 MB with mipmaps) takes 5
// frames. With Mesa llvmpipe on a loaded 2-core machine one such share took a median of 2 ms and
// at most 32 ms (bench/gui_bench.py, docs/benchmarks.md).
constexpr std::size_t FrameUploadBytes = std::size_t{4} << 20;

double microsecondsSince(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

void glfwErrorCallback(int code, const char* description)
{
  spdlog::error("GLFW error {}: {}", code, description);
}

}  // namespace

Application::Application(const GuiOptions& options, std::unique_ptr<core::WorkspaceOpener> opener)
    : m_options(options), m_opener(std::move(opener))
{
  if (!m_options.script.empty()) {
    m_script.emplace(core::readInputScript(m_options.script));
  }
  loadKeymap();
  m_review.role = m_options.review ? core::Role::Reviewer : core::Role::Annotator;
  // A quick open needs no progress window, and its errors end the app before a window opens.
  if (m_opener->waitFor(OpenProgressDelay)) {
    m_workbench = m_opener->take();
    m_opener.reset();
  }
  createWindow();
  m_textures = std::make_unique<render::TextureCache>();
  if (!m_options.frameLog.empty()) {
    m_frameLog = std::make_unique<FrameLog>(m_options.frameLog);
  }
  if (m_workbench) {
    attachWorkbench();
  }
}

void Application::attachWorkbench()
{
  m_assistant = std::make_unique<core::assist::Assistant>(m_workbench->workspace().annotationsDir);
  startSummaryScan(m_review, m_workbench->workspace());
  // glfwPostEmptyEvent is one of the few GLFW calls allowed from any thread.
  m_workbench->setOnImageDecoded([] { glfwPostEmptyEvent(); });
}

// Draws the progress window until the background opening ends, then attaches the Workbench.
// Returns false when the window was closed first, which cancels the opening. Rethrows an
// opening error.
bool Application::waitForWorkspace()
{
  spdlog::info("the workspace takes longer than {} ms to open; showing its progress", OpenProgressDelay.count());
  while (!m_opener->waitFor(std::chrono::milliseconds(0))) {
    if (glfwWindowShouldClose(m_window)) {
      spdlog::info("window closed while the workspace was opening; cancelling");
      m_opener.reset();  // cancels, waits for the opening thread and drops its result
      return false;
    }
    drawOpeningFrame();
    glfwWaitEventsTimeout(OpenProgressRefreshSeconds);
  }
  m_workbench = m_opener->take();
  m_opener.reset();
  attachWorkbench();
  return true;
}

void Application::drawOpeningFrame()
{
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  m_input.applyMouseStateToImGui();
  ImGui::NewFrame();
  m_input.takeEvents();  // nothing to act on yet; dropped so they do not reach the first image
  const ImGuiIO& io = ImGui::GetIO();
  drawOpenProgress(m_opener->progress(), io.DisplaySize.x, io.DisplaySize.y);
  ImGui::Render();
  renderImage();  // without a texture yet, this only clears the window
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  glfwSwapBuffers(m_window);
}

Application::~Application()
{
  m_texture = nullptr;
  m_textures.reset();
  m_renderer.reset();
  m_opener.reset();
  // Saves, then joins the decoder threads, which must not post events to a terminated GLFW.
  m_workbench.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  if (m_window) {
    glfwDestroyWindow(m_window);
  }
  glfwTerminate();
}

void Application::createWindow()
{
  glfwSetErrorCallback(glfwErrorCallback);
  if (!glfwInit()) {
    throw std::runtime_error("cannot open a window: GLFW failed to initialise (is DISPLAY set? Under a headless "
                             "machine run the app with xvfb-run)");
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  m_window = glfwCreateWindow(m_options.windowWidth, m_options.windowHeight, "spinemark", nullptr, nullptr);
  if (!m_window) {
    glfwTerminate();
    throw std::runtime_error("cannot create an OpenGL 3.3 core window; check the graphics driver (Mesa works)");
  }
  glfwMakeContextCurrent(m_window);
  glfwSwapInterval(1);
  if (!render::loadGl()) {
    throw std::runtime_error("the OpenGL context is older than 3.3 core; spinemark needs OpenGL 3.3");
  }
  spdlog::info("OpenGL: {}", render::glDescription());

  // Set up Dear ImGui with the GLFW and OpenGL 3 backends; our router installs the callbacks.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed, nothing to remember
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(m_window, false);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  m_input.install(m_window);
  m_renderer = std::make_unique<render::ImageRenderer>();
}

void Application::loadKeymap()
{
  const auto path = m_options.keymap.empty() ? defaultKeymapPath() : m_options.keymap;
  std::error_code error;
  if (path.empty() || (m_options.keymap.empty() && !std::filesystem::exists(path, error))) {
    return;
  }
  try {
    m_keymap.loadOverrides(path);
    spdlog::info("keymap loaded from {}", path.string());
  } catch (const std::exception& problem) {
    addMessages(m_ui, {{core::MessageSeverity::Error, std::string(problem.what())}});
  }
}

void Application::requestQuit()
{
  glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}

int Application::run()
{
  if (!m_workbench && !waitForWorkspace()) {
    return 0;  // closed before the workspace was open: nothing to save
  }
  m_workbench->requestNext();  // the first readable image, decoded off this thread
  while (true) {
    if (glfwWindowShouldClose(m_window)) {
      m_workbench->saveNow();
      const auto status = m_workbench->saveStatus();
      if (!status.lastError || m_quitConfirmed || m_script) {
        break;
      }
      // Keep the window once so the user sees that the last changes are not on disk.
      m_quitConfirmed = true;
      glfwSetWindowShouldClose(m_window, GLFW_FALSE);
      addMessages(m_ui, {{core::MessageSeverity::Error,
                          "Changes are NOT saved: " + *status.lastError +
                              ". Fix the folder or free space, or close the window again to quit anyway."}});
    }
    const bool scripted = m_script && !m_script->finished();
    // While neighbours' textures upload, frames follow each other without waiting.
    if (scripted || m_frameCount < ScriptStartFrame || m_busyFrames > 0 || m_textures->uploading()) {
      glfwPollEvents();
    } else {
      glfwWaitEventsTimeout(idleTimeout());
    }
    frame();
  }
  const auto status = m_workbench->saveStatus();
  spdlog::info("closing; {} saves written, {} failed", status.written, status.failed);
  if (status.lastError) {
    spdlog::error("quit with unsaved changes: {}", *status.lastError);
    return UnsavedChangesExitCode;
  }
  return m_exitCode;
}

void Application::frame()
{
  if (m_frameLog) {
    m_frameLog->beginFrame();
  }
  m_uploadedThisFrame = false;
  m_switchedThisFrame = false;
  m_uploadBytes = 0;
  m_uploadUs = 0.0;
  m_workbench->poll();
  // A script waits while the requested image decodes, so its clicks land on the image they name.
  if (m_script && m_frameCount >= ScriptStartFrame && m_workbench->pendingIndex() < 0) {
    m_script->step(*this);
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  m_input.applyMouseStateToImGui();
  ImGui::NewFrame();

  layout();
  syncImage();
  const auto events = m_input.takeEvents();
  if (!events.empty()) {
    m_busyFrames = BusyFramesAfterInput;
  }
  const ImGuiIO& io = ImGui::GetIO();
  const int indexBefore = m_workbench->currentIndex();
  const unsigned long revisionBefore = m_workbench->hasImage() ? m_workbench->session().revision() : 0;
  updateAssistant();
  refreshReviewState(m_review, *m_workbench);
  m_ui.checkErrors = 0;
  m_ui.checkWarnings = 0;
  for (const auto& finding : m_review.findings) {
    (finding.severity == core::quality::Severity::Error ? m_ui.checkErrors : m_ui.checkWarnings) += 1;
  }
  if (!io.WantCaptureKeyboard && !dialogOpen(m_review)) {
    handleKeys(events);
  }
  if (m_workbench->hasImage()) {
    m_canvas.handleMouse(events, io.WantCaptureMouse, *m_workbench);
    handleLoupeWheel(events, io.WantCaptureMouse);
  }
  recordActivity(indexBefore, revisionBefore);
  syncImage();
  followCurrentVertebra();
  m_loupe.update(m_canvas, *m_workbench, m_canvas.draggingLandmark(), io.WantCaptureMouse);

  addMessages(m_ui, m_workbench->takeMessages());
  drawSidePanel(*m_workbench, m_ui, m_keymap, io.DisplaySize.y - StatusBarHeight);
  drawStatusBar(*m_workbench, m_canvas, m_keymap, m_ui, io.DisplaySize.x, io.DisplaySize.y);
  drawMessages(m_ui, io.DisplaySize.x - (reviewPanelShown() ? ReviewPanelWidth : 0.0f));
  drawHelp(m_ui, m_keymap);
  if (reviewPanelShown()) {
    drawReviewPanel(m_review, *m_workbench, m_ui, io.DisplaySize.x - ReviewPanelWidth,
                    io.DisplaySize.y - StatusBarHeight);
  }
  drawHistoryWindow(m_review, *m_workbench);
  m_kpis.draw(m_workbench->workspace().annotationsDir);
  drawDialogs(m_review, *m_workbench, m_ui);
  m_canvas.drawOverlay(ImGui::GetBackgroundDrawList(), *m_workbench);
  drawReviewOverlay(ImGui::GetBackgroundDrawList(), m_review, *m_workbench, m_canvas);
  m_loupe.draw(ImGui::GetForegroundDrawList(), *m_workbench);
  if (m_ui.requestedImage) {
    m_workbench->requestImage(*m_ui.requestedImage);
    m_ui.requestedImage.reset();
    syncImage();
  }
  drawLoadingIndicator();
  updateTextures();
  ImGui::Render();

  renderImage();
  if (m_texture) {
    m_loupe.render(*m_renderer, *m_texture, m_workbench->image(), m_canvas.display(),
                   ImGui::GetIO().DisplayFramebufferScale.x);
  }
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (m_screenshotPath) {
    takeScreenshot();
  }
  glfwSwapBuffers(m_window);
  m_workbench->tick(core::Workbench::Clock::now());
  logFrame(events);
  m_busyFrames = std::max(0, m_busyFrames - 1);
  ++m_frameCount;
}

double Application::idleTimeout() const
{
  if (m_workbench->hasUnsavedChanges()) {
    return IdleWaitSeconds;
  }
  for (const auto& shown : m_ui.messages) {
    if (shown.message.severity == core::MessageSeverity::Info) {
      return IdleWaitSeconds;  // info messages expire, and the expiry needs a frame
    }
  }
  return MaxIdleWaitSeconds;
}

void Application::drawLoadingIndicator()
{
  const int pending = m_workbench->pendingIndex();
  if (pending < 0) {
    return;
  }
  ImGui::SetNextWindowPos(ImVec2(SidePanelWidth + 12.0f, 12.0f));
  ImGui::SetNextWindowBgAlpha(0.8f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                 ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                                 ImGuiWindowFlags_NoInputs;
  if (ImGui::Begin("Loading", nullptr, flags)) {
    const auto& entry = m_workbench->workspace().images[static_cast<std::size_t>(pending)];
    ImGui::Text("Loading %s ...", entry.relativePath.c_str());
  }
  ImGui::End();
}

void Application::logFrame(const std::vector<InputEvent>& events)
{
  if (!m_frameLog) {
    return;
  }
  FrameFacts facts;
  facts.frame = m_frameCount;
  facts.events = static_cast<int>(events.size());
  for (const auto& event : events) {
    facts.keyPresses += event.type == InputEvent::Type::Key && event.action == GLFW_PRESS ? 1 : 0;
  }
  facts.shownIndex = m_texture ? m_shownIndex : -1;
  facts.pendingIndex = m_workbench->pendingIndex();
  facts.decoding = m_workbench->decoding();
  facts.uploaded = m_uploadedThisFrame;
  facts.uploadBytes = m_uploadBytes;
  facts.uploadUs = m_uploadUs;
  m_frameLog->endFrame(facts);
}

bool Application::reviewPanelShown() const
{
  if (m_review.role == core::Role::Reviewer || m_review.showPanel) {
    return true;
  }
  if (!m_workbench->hasImage()) {
    return false;
  }
  const auto& annotation = m_workbench->session().annotation();
  const auto state = annotation.workflow.state;
  const bool openComment = std::any_of(annotation.comments.begin(), annotation.comments.end(),
                                       [](const core::ReviewComment& comment) { return !comment.resolved; });
  return openComment || state == core::WorkflowState::ChangesRequested || state == core::WorkflowState::Flagged;
}

void Application::layout()
{
  const ImGuiIO& io = ImGui::GetIO();
  const float reviewWidth = reviewPanelShown() ? ReviewPanelWidth : 0.0f;
  m_canvas.setRect({SidePanelWidth, 0.0, std::max(1.0f, io.DisplaySize.x - SidePanelWidth - reviewWidth),
                    std::max(1.0f, io.DisplaySize.y - StatusBarHeight)});
}

void Application::syncImage()
{
  if (m_workbench->currentIndex() == m_shownIndex) {
    return;
  }
  m_shownIndex = m_workbench->currentIndex();
  m_switchedThisFrame = true;
  m_texture = nullptr;
  if (!m_workbench->hasImage()) {
    return;
  }
  // A prefetched neighbour is already complete on the GPU. Any other image uploads whole here,
  // in this frame, because drawing the old image or a partial texture would show the wrong one.
  // Textures that leave the window first become spares, so that this upload can reuse one.
  const auto start = std::chrono::steady_clock::now();
  if (!m_textures->contains(m_shownIndex)) {
    m_textures->retain(textureWindow());
  }
  std::size_t sent = 0;
  m_texture = &m_textures->finish(m_shownIndex, m_workbench->image(), sent);
  m_uploadedThisFrame = sent > 0;
  m_uploadBytes += sent;
  m_uploadUs += sent > 0 ? microsecondsSince(start) : 0.0;
  m_canvas.resetForImage(m_workbench->image());
  std::string title = "spinemark - " + m_workbench->workspace().images[static_cast<std::size_t>(m_shownIndex)].relativePath;
  glfwSetWindowTitle(m_window, title.c_str());
}

// Keeps the textures of the current image and its prefetch window, queues the decoded neighbours
// for upload in the window's order and sends this frame's share of their samples. A frame that
// shows another image (and may have uploaded it whole) leaves all of that to the next frames:
// with llvmpipe, deleting one 20 MB texture and allocating another took 7 ms of such a frame.
void Application::updateTextures()
{
  if (!m_workbench->hasImage()) {
    return;
  }
  if (m_switchedThisFrame) {
    m_busyFrames = std::max(m_busyFrames, 2);  // the frame loop must come back without an event
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<int> window = textureWindow();
  m_textures->retain(window);
  for (const int index : window) {
    if (!m_textures->contains(index)) {
      m_textures->schedule(index, m_workbench->cachedImage(index));
    }
  }
  if (const std::size_t sent = m_textures->uploadQueued(FrameUploadBytes); sent > 0) {
    m_uploadBytes += sent;
    m_uploadUs += microsecondsSince(start);
  }
}

std::vector<int> Application::textureWindow() const
{
  std::vector<int> window = m_workbench->prefetchWindow();
  window.push_back(m_shownIndex);  // m_texture points into the cache
  return window;
}

bool Application::decoding()
{
  if (m_workbench->decoding() || m_textures->uploading()) {
    return true;
  }
  if (!m_workbench->hasImage()) {
    return false;
  }
  // A decode that finished after this frame's updateTextures is scheduled in the next frame.
  const std::vector<int> window = m_workbench->prefetchWindow();
  return std::any_of(window.begin(), window.end(), [this](int index) {
    return !m_textures->contains(index) && m_workbench->isCached(index);
  });
}

void Application::renderImage()
{
  int width = 0;
  int height = 0;
  glfwGetFramebufferSize(m_window, &width, &height);
  glViewport(0, 0, width, height);
  glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (!m_texture) {
    return;
  }
  const ImGuiIO& io = ImGui::GetIO();
  render::DrawTarget target{width, height, io.DisplayFramebufferScale.x, {}};
  m_renderer->draw(*m_texture, m_workbench->image(), m_canvas.view(), m_canvas.display(), target);
}

void Application::takeScreenshot()
{
  int width = 0;
  int height = 0;
  glfwGetFramebufferSize(m_window, &width, &height);
  try {
    render::writeFramebufferPng(*m_screenshotPath, width, height);
    spdlog::info("screenshot written to {}", m_screenshotPath->string());
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    m_exitCode = 1;
  }
  m_screenshotPath.reset();
}

}  // namespace spinemark::app
