// A child process with its stdout on a pipe, read line by line with a deadline, for tests that
// kill the child with SIGKILL. The destructor kills and reaps a child that is still running.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace spinemark::testing {

class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ChildProcess(const std::vector<std::string>& arguments)
  {
    int pipeEnds[2];
    if (::pipe2(pipeEnds, O_CLOEXEC) != 0) {
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (const auto& argument : arguments) {
      argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    if (::posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
      m_pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipeEnds[1]);
    m_output = pipeEnds[0];
  }
  ~ChildProcess()
  {
    kill();
    if (m_output >= 0) {
      ::close(m_output);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return m_pid > 0; }
  pid_t pid() const { return m_pid; }

  // The next complete output line, or nullopt at the deadline or at the end of the output.
  std::optional<std::string> readLine(Clock::time_point deadline)
  {
    for (;;) {
      const auto newline = m_buffer.find('\n');
      if (newline != std::string::npos) {
        std::string line = m_buffer.substr(0, newline);
        m_buffer.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 || m_output < 0) {
        return std::nullopt;
      }
      pollfd request{m_output, POLLIN, 0};
      if (::poll(&request, 1, static_cast<int>(left)) <= 0) {
        continue;
      }
      char chunk[4096];
      const ssize_t count = ::read(m_output, chunk, sizeof chunk);
      if (count <= 0) {
        return std::nullopt;
      }
      m_buffer.append(chunk, static_cast<std::size_t>(count));
    }
  }

  // Sends SIGKILL to this child only and reaps it.
  void kill()
  {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
      m_pid = -1;
    }
  }

 private:
  pid_t m_pid = -1;
  int m_output = -1;
  std::string m_buffer;
};

}  // namespace spinemark::testing
