#include "render/offscreen_context.h"

#include "render/image_renderer.h"

#include <glad/gl.h>
#include <GLFW/glfw3.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace spinemark::render {

namespace {

// The description of the last GLFW error on this thread, or a fallback when GLFW stored none.
std::string lastGlfwError()
{
  const char* description = nullptr;
  glfwGetError(&description);
  return description != nullptr ? description : "no GLFW error description";
}

// Live OffscreenContext objects. GLFW is initialized with the first and terminated with the last,
// so a short-lived context (the render command in a test) does not destroy a longer-lived one.
// Only the main thread may create contexts, as GLFW requires, so a plain counter suffices.
int s_liveContexts = 0;

bool hasDisplay()
{
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x11 != nullptr && *x11 != '\0') || (wayland != nullptr && *wayland != '\0');
}

void releaseGlfw()
{
  if (--s_liveContexts == 0) {
    glfwTerminate();
  }
}

}  // namespace

OffscreenContext::OffscreenContext()
{
  if (!hasDisplay()) {
    throw std::runtime_error("no X display: set DISPLAY or run under xvfb-run");
  }
  if (s_liveContexts == 0 && glfwInit() != GLFW_TRUE) {
    throw std::runtime_error("GLFW failed to initialize (" + lastGlfwError() +
                             "): check DISPLAY or run under xvfb-run");
  }
  ++s_liveContexts;

  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  m_window = glfwCreateWindow(1, 1, "spinemark offscreen", nullptr, nullptr);
  if (m_window == nullptr) {
    const std::string reason = lastGlfwError();
    releaseGlfw();
    throw std::runtime_error("could not create an OpenGL 3.3 core context (" + reason +
                             "): the display or driver does not offer one");
  }

  glfwMakeContextCurrent(m_window);
  if (!loadGl()) {
    const std::string version =
        glGetString != nullptr ? reinterpret_cast<const char*>(glGetString(GL_VERSION)) : "unknown version";
    glfwDestroyWindow(m_window);
    releaseGlfw();
    throw std::runtime_error("OpenGL 3.3 core is required, but the context reports " + version);
  }
}

OffscreenContext::~OffscreenContext()
{
  if (glfwGetCurrentContext() == m_window) {
    glfwMakeContextCurrent(nullptr);
  }
  glfwDestroyWindow(m_window);
  releaseGlfw();
}

void OffscreenContext::makeCurrent() { glfwMakeContextCurrent(m_window); }

}  // namespace spinemark::render
