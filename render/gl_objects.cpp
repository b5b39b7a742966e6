#include "render/gl_objects.h"

#include <atomic>
#include <stdexcept>
#include <string>

namespace spinemark::render {

namespace {

#ifdef SPINEMARK_GL_CHECK
std::atomic<bool> s_glErrorCheck{true};
#else
std::atomic<bool> s_glErrorCheck{false};
#endif

const char* glErrorName(GLenum error)
{
  switch (error) {
    case GL_INVALID_ENUM: return "GL_INVALID_ENUM";
    case GL_INVALID_VALUE: return "GL_INVALID_VALUE";
    case GL_INVALID_OPERATION: return "GL_INVALID_OPERATION";
    case GL_INVALID_FRAMEBUFFER_OPERATION: return "GL_INVALID_FRAMEBUFFER_OPERATION";
    case GL_OUT_OF_MEMORY: return "GL_OUT_OF_MEMORY";
    default: return "unknown GL error";
  }
}

const char* stageName(GLenum stage)
{
  switch (stage) {
    case GL_VERTEX_SHADER: return "vertex";
    case GL_FRAGMENT_SHADER: return "fragment";
    case GL_GEOMETRY_SHADER: return "geometry";
    default: return "unknown-stage";
  }
}

// The first "#version ..." line of a shader source, or a note that it has none.
std::string versionLine(std::string_view source)
{
  const auto start = source.find("#version");
  if (start == std::string_view::npos) {
    return "no #version line";
  }
  const auto end = source.find('\n', start);
  return std::string(source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

// Reads a shader or program info log in full; GL_INFO_LOG_LENGTH includes the terminating zero.
std::string shaderInfoLog(GLuint shader)
{
  GLint length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
  if (length <= 1) {
    return "(empty info log)";
  }
  std::string log(static_cast<std::size_t>(length), '\0');
  GLsizei written = 0;
  glGetShaderInfoLog(shader, length, &written, log.data());
  log.resize(static_cast<std::size_t>(written));
  return log;
}

std::string programInfoLog(GLuint program)
{
  GLint length = 0;
  glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
  if (length <= 1) {
    return "(empty info log)";
  }
  std::string log(static_cast<std::size_t>(length), '\0');
  GLsizei written = 0;
  glGetProgramInfoLog(program, length, &written, log.data());
  log.resize(static_cast<std::size_t>(written));
  return log;
}

const char* glslVersion()
{
  const auto* version = reinterpret_cast<const char*>(glGetString(GL_SHADING_LANGUAGE_VERSION));
  return version != nullptr ? version : "unknown";
}

}  // namespace

void setGlErrorCheck(bool enabled) { s_glErrorCheck = enabled; }

bool glErrorCheckEnabled() { return s_glErrorCheck; }

GLint getInteger(GLenum name)
{
  GLint value = 0;
  glGetIntegerv(name, &value);
  return value;
}

void checkGlError(const char* operation)
{
  if (!s_glErrorCheck) {
    return;
  }
  std::string errors;
  // glGetError returns one flag per call; a context may hold several, so read until none is left.
  for (GLenum error = glGetError(); error != GL_NO_ERROR; error = glGetError()) {
    if (!errors.empty()) {
      errors += ", ";
    }
    errors += glErrorName(error);
  }
  if (!errors.empty()) {
    throw std::runtime_error(std::string("OpenGL error after ") + operation + ": " + errors);
  }
}

GLuint TextureKind::create()
{
  GLuint id = 0;
  glGenTextures(1, &id);
  return id;
}
void TextureKind::destroy(GLuint id) { glDeleteTextures(1, &id); }

GLuint BufferKind::create()
{
  GLuint id = 0;
  glGenBuffers(1, &id);
  return id;
}
void BufferKind::destroy(GLuint id) { glDeleteBuffers(1, &id); }

GLuint VertexArrayKind::create()
{
  GLuint id = 0;
  glGenVertexArrays(1, &id);
  return id;
}
void VertexArrayKind::destroy(GLuint id) { glDeleteVertexArrays(1, &id); }

GLuint FramebufferKind::create()
{
  GLuint id = 0;
  glGenFramebuffers(1, &id);
  return id;
}
void FramebufferKind::destroy(GLuint id) { glDeleteFramebuffers(1, &id); }

GLuint RenderbufferKind::create()
{
  GLuint id = 0;
  glGenRenderbuffers(1, &id);
  return id;
}
void RenderbufferKind::destroy(GLuint id) { glDeleteRenderbuffers(1, &id); }

void ShaderKind::destroy(GLuint id) { glDeleteShader(id); }

void ProgramKind::destroy(GLuint id) { glDeleteProgram(id); }

Shader compileShader(GLenum stage, std::string_view source, std::string_view sourceName)
{
  Shader shader = Shader::adopt(glCreateShader(stage));
  if (!shader) {
    throw std::runtime_error(std::string("glCreateShader failed for the ") + stageName(stage) + " shader " +
                             std::string(sourceName));
  }
  const GLchar* text = source.data();
  const auto length = static_cast<GLint>(source.size());
  glShaderSource(shader.id(), 1, &text, &length);
  glCompileShader(shader.id());

  GLint status = GL_FALSE;
  glGetShaderiv(shader.id(), GL_COMPILE_STATUS, &status);
  if (status != GL_TRUE) {
    throw std::runtime_error(std::string("failed to compile ") + stageName(stage) + " shader " +
                             std::string(sourceName) + " (source " + versionLine(source) + ", context GLSL " +
                             glslVersion() + "):\n" + shaderInfoLog(shader.id()));
  }
  checkGlError("compileShader");
  return shader;
}

Program linkProgram(const Shader& vertex, const Shader& fragment, std::string_view programName)
{
  Program program = Program::adopt(glCreateProgram());
  if (!program) {
    throw std::runtime_error("glCreateProgram failed for program " + std::string(programName));
  }
  glAttachShader(program.id(), vertex.id());
  glAttachShader(program.id(), fragment.id());
  glLinkProgram(program.id());
  // The program keeps its linked code; detaching lets the shader objects be deleted with their owners.
  glDetachShader(program.id(), vertex.id());
  glDetachShader(program.id(), fragment.id());

  GLint status = GL_FALSE;
  glGetProgramiv(program.id(), GL_LINK_STATUS, &status);
  if (status != GL_TRUE) {
    throw std::runtime_error("failed to link program " + std::string(programName) + " (context GLSL " +
                             glslVersion() + "):\n" + programInfoLog(program.id()));
  }
  checkGlError("linkProgram");
  return program;
}

}  // namespace spinemark::render
