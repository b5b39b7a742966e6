// A hidden window whose OpenGL 3.3 core context serves offscreen rendering: the render command
// and the GL tests. GLFW is initialized by the first live OffscreenContext and terminated by the last.
// NOTE: that glfwTerminate also destroys windows GLFW made for others, so an OffscreenContext must
// not be used while the app's main window exists. Create them on the main thread only.
#pragma once

struct GLFWwindow;

namespace spinemark::render {

class OffscreenContext {
 public:
  // Creates a hidden 1x1 window with an OpenGL 3.3 core context, makes it current on the calling
  // thread and loads the GL entry points. Throws std::runtime_error when there is no display or
  // the driver offers no OpenGL 3.3 core context.
  OffscreenContext();
  ~OffscreenContext();
  OffscreenContext(const OffscreenContext&) = delete;
  OffscreenContext& operator=(const OffscreenContext&) = delete;

  // Makes this context current on the calling thread again.
  void makeCurrent();

 private:
  GLFWwindow* m_window = nullptr;
};

}  // namespace spinemark::render
