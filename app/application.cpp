#include "app/application.h"

#include <glad/gl.h>
// glad must come before GLFW so that GLFW does not include the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace spinemark::app {
namespace {

// Frames rendered before a script starts, so that the layout and the first image are settled.
constexpr int ScriptStartFrame = 3;
// Exit status when the app closed while the newest changes could not be written.
constexpr int UnsavedChangesExitCode = 3;
// Longest sleep while idle; autosave checks run at least this often.
constexpr double IdleWaitSeconds = 0.25;

void glfwErrorCallback(int code, const char* description)
{
  spdlog::error("GLFW error {}: {}", code, description);
}

}  // namespace

Application::Application(const GuiOptions& options, std::unique_ptr<core::Workbench> workbench)
    : m_options(options), m_workbench(std::move(workbench))
{
  if (!m_options.script.empty()) {
    m_script.emplace(core::readInputScript(m_options.script));
  }
  createWindow();
}

Application::~Application()
{
  m_texture.reset();
  m_renderer.reset();
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

void Application::requestQuit()
{
  glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}

int Application::run()
{
  if (!m_workbench->workspace().images.empty() && !m_workbench->openImage(0)) {
    m_workbench->openNext();
  }
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
    if (scripted || m_frameCount < ScriptStartFrame) {
      glfwPollEvents();
    } else {
      glfwWaitEventsTimeout(IdleWaitSeconds);
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
  if (m_script && m_frameCount >= ScriptStartFrame) {
    m_script->step(*this);
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  m_input.applyMouseStateToImGui();
  ImGui::NewFrame();

  layout();
  syncImage();
  const auto events = m_input.takeEvents();
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.WantCaptureKeyboard) {
    handleKeys(events);
  }
  if (m_workbench->hasImage()) {
    m_canvas.handleMouse(events, io.WantCaptureMouse, *m_workbench);
  }
  syncImage();

  addMessages(m_ui, m_workbench->takeMessages());
  drawSidePanel(*m_workbench, m_ui, io.DisplaySize.y - StatusBarHeight);
  drawStatusBar(*m_workbench, m_canvas, io.DisplaySize.x, io.DisplaySize.y);
  drawMessages(m_ui, io.DisplaySize.x);
  drawHelp(m_ui);
  m_canvas.drawOverlay(ImGui::GetBackgroundDrawList(), *m_workbench);
  if (m_ui.requestedImage) {
    m_workbench->openImage(*m_ui.requestedImage);
    m_ui.requestedImage.reset();
  }
  ImGui::Render();

  renderImage();
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (m_screenshotPath) {
    takeScreenshot();
  }
  glfwSwapBuffers(m_window);
  m_workbench->tick(core::Workbench::Clock::now());
  ++m_frameCount;
}

void Application::layout()
{
  const ImGuiIO& io = ImGui::GetIO();
  m_canvas.setRect({SidePanelWidth, 0.0, std::max(1.0f, io.DisplaySize.x - SidePanelWidth),
                    std::max(1.0f, io.DisplaySize.y - StatusBarHeight)});
}

void Application::syncImage()
{
  if (m_workbench->currentIndex() == m_shownIndex) {
    return;
  }
  m_shownIndex = m_workbench->currentIndex();
  m_texture.reset();
  if (!m_workbench->hasImage()) {
    return;
  }
  m_texture = std::make_unique<render::ImageTexture>(m_workbench->image());
  m_canvas.resetForImage(m_workbench->image());
  std::string title = "spinemark - " + m_workbench->workspace().images[static_cast<std::size_t>(m_shownIndex)].relativePath;
  glfwSetWindowTitle(m_window, title.c_str());
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
  render::DrawTarget target{width, height, io.DisplayFramebufferScale.x};
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
