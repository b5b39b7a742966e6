#include "render/gl_objects.h"

#include "render/gl_test_context.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>

namespace spinemark::render {
namespace {

using testing::GlTest;

// Binding turns a generated name into an object, so glIs* can tell a live object from a deleted one.
template <typename Object>
struct ObjectProbe;

template <>
struct ObjectProbe<Texture> {
  static void bind(GLuint id) { glBindTexture(GL_TEXTURE_2D, id); }
  static void unbind() { glBindTexture(GL_TEXTURE_2D, 0); }
  static bool exists(GLuint id) { return glIsTexture(id) == GL_TRUE; }
};
template <>
struct ObjectProbe<Buffer> {
  static void bind(GLuint id) { glBindBuffer(GL_ARRAY_BUFFER, id); }
  static void unbind() { glBindBuffer(GL_ARRAY_BUFFER, 0); }
  static bool exists(GLuint id) { return glIsBuffer(id) == GL_TRUE; }
};
template <>
struct ObjectProbe<VertexArray> {
  static void bind(GLuint id) { glBindVertexArray(id); }
  static void unbind() { glBindVertexArray(0); }
  static bool exists(GLuint id) { return glIsVertexArray(id) == GL_TRUE; }
};
template <>
struct ObjectProbe<Framebuffer> {
  static void bind(GLuint id) { glBindFramebuffer(GL_FRAMEBUFFER, id); }
  static void unbind() { glBindFramebuffer(GL_FRAMEBUFFER, 0); }
  static bool exists(GLuint id) { return glIsFramebuffer(id) == GL_TRUE; }
};
template <>
struct ObjectProbe<Renderbuffer> {
  static void bind(GLuint id) { glBindRenderbuffer(GL_RENDERBUFFER, id); }
  static void unbind() { glBindRenderbuffer(GL_RENDERBUFFER, 0); }
  static bool exists(GLuint id) { return glIsRenderbuffer(id) == GL_TRUE; }
};

template <typename Object>
class GlObjectTest : public GlTest {
 protected:
  using Probe = ObjectProbe<Object>;

  static Object makeLive()
  {
    Object object = Object::create();
    Probe::bind(object.id());
    Probe::unbind();
    return object;
  }
};

using ObjectTypes = ::testing::Types<Texture, Buffer, VertexArray, Framebuffer, Renderbuffer>;
TYPED_TEST_SUITE(GlObjectTest, ObjectTypes);

TYPED_TEST(GlObjectTest, IsMoveOnly)
{
  static_assert(!std::is_copy_constructible_v<TypeParam>);
  static_assert(!std::is_copy_assignable_v<TypeParam>);
  static_assert(std::is_nothrow_move_constructible_v<TypeParam>);
  static_assert(std::is_nothrow_move_assignable_v<TypeParam>);
}

TYPED_TEST(GlObjectTest, MoveConstructionLeavesSourceZero)
{
  TypeParam source = this->makeLive();
  const GLuint id = source.id();
  ASSERT_NE(id, 0u);

  TypeParam target(std::move(source));
  EXPECT_EQ(source.id(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is under test
  EXPECT_FALSE(source);
  EXPECT_EQ(target.id(), id);
  EXPECT_TRUE(ObjectProbe<TypeParam>::exists(id));
}

TYPED_TEST(GlObjectTest, MoveAssignmentDeletesPreviousHandle)
{
  TypeParam target = this->makeLive();
  TypeParam source = this->makeLive();
  const GLuint oldId = target.id();
  const GLuint newId = source.id();
  ASSERT_NE(oldId, newId);

  target = std::move(source);
  EXPECT_EQ(source.id(), 0u);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(target.id(), newId);
  EXPECT_FALSE(ObjectProbe<TypeParam>::exists(oldId));
  EXPECT_TRUE(ObjectProbe<TypeParam>::exists(newId));
}

TYPED_TEST(GlObjectTest, DestructorDeletesHandle)
{
  GLuint id = 0;
  {
    TypeParam object = this->makeLive();
    id = object.id();
    ASSERT_TRUE(ObjectProbe<TypeParam>::exists(id));
  }
  EXPECT_FALSE(ObjectProbe<TypeParam>::exists(id));
}

TYPED_TEST(GlObjectTest, SelfMoveAssignmentKeepsHandle)
{
  TypeParam object = this->makeLive();
  const GLuint id = object.id();
  TypeParam& alias = object;
  object = std::move(alias);
  EXPECT_EQ(object.id(), id);
  EXPECT_TRUE(ObjectProbe<TypeParam>::exists(id));
}

constexpr const char* ValidVertexShader = R"glsl(#version 330 core
out vec3 v_color;
void main() { v_color = vec3(1.0); gl_Position = vec4(0.0, 0.0, 0.0, 1.0); }
)glsl";

using ShaderTest = GlTest;

TEST_F(ShaderTest, CompileErrorReportsStageVersionAndLog)
{
  constexpr const char* broken = "#version 330 core\nout vec4 color;\nvoid main() { color = vec4(undefined_symbol); }\n";
  try {
    compileShader(GL_FRAGMENT_SHADER, broken, "broken.frag");
    FAIL() << "compiling a shader with an undeclared identifier did not throw";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("fragment"), std::string::npos) << message;
    EXPECT_NE(message.find("broken.frag"), std::string::npos) << message;
    EXPECT_NE(message.find("#version 330 core"), std::string::npos) << message;
    EXPECT_NE(message.find("undefined_symbol"), std::string::npos) << message;
  }
}

TEST_F(ShaderTest, LinkErrorReportsLog)
{
  // A function that is declared but never defined compiles, and linking fails to resolve it.
  constexpr const char* fragment =
      "#version 330 core\nout vec4 color;\nfloat undefinedHelper(float x);\n"
      "void main() { color = vec4(undefinedHelper(1.0)); }\n";
  const Shader vertexShader = compileShader(GL_VERTEX_SHADER, ValidVertexShader, "valid.vert");
  const Shader fragmentShader = compileShader(GL_FRAGMENT_SHADER, fragment, "unresolved.frag");
  try {
    linkProgram(vertexShader, fragmentShader, "unresolved program");
    FAIL() << "linking a call to an undefined function did not throw";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("link"), std::string::npos) << message;
    EXPECT_NE(message.find("unresolved program"), std::string::npos) << message;
    EXPECT_NE(message.find("undefinedHelper"), std::string::npos) << message;
  }
}

TEST_F(ShaderTest, ValidProgramLinks)
{
  constexpr const char* fragment =
      "#version 330 core\nin vec3 v_color;\nout vec4 color;\nvoid main() { color = vec4(v_color, 1.0); }\n";
  const Shader vertexShader = compileShader(GL_VERTEX_SHADER, ValidVertexShader, "valid.vert");
  const Shader fragmentShader = compileShader(GL_FRAGMENT_SHADER, fragment, "valid.frag");
  const Program program = linkProgram(vertexShader, fragmentShader, "valid program");
  EXPECT_NE(program.id(), 0u);
  EXPECT_EQ(glIsProgram(program.id()), GL_TRUE);
}

using GlErrorCheckTest = GlTest;

TEST_F(GlErrorCheckTest, ThrowsWithErrorName)
{
  glEnable(0xFFFFu);  // not a capability: GL_INVALID_ENUM
  try {
    checkGlError("glEnable(0xFFFF)");
    FAIL() << "checkGlError did not report GL_INVALID_ENUM";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("GL_INVALID_ENUM"), std::string::npos) << message;
    EXPECT_NE(message.find("glEnable(0xFFFF)"), std::string::npos) << message;
  }
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
}

TEST_F(GlErrorCheckTest, DisabledCheckDoesNotThrow)
{
  setGlErrorCheck(false);
  glEnable(0xFFFFu);
  EXPECT_NO_THROW(checkGlError("glEnable(0xFFFF)"));
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_INVALID_ENUM));
  setGlErrorCheck(true);
}

}  // namespace
}  // namespace spinemark::render
