// Opening a workspace and its Workbench on a background thread, so that the UI stays responsive
// and draws a progress bar while a large or slow folder (a network share, 50,000 images) opens.
#pragma once

#include "core/workbench.h"
#include "core/workspace.h"

#include <chrono>
#include <functional>
#include <future>
#include <memory>

namespace spinemark::core {

class WorkspaceOpener {
 public:
  // Scans the folder and builds the Workbench, passing progress to openWorkspace and Workbench.
  using Open = std::function<std::unique_ptr<Workbench>(OpenProgress& progress)>;

  // Starts open on a new thread.
  explicit WorkspaceOpener(Open open);
  // Requests cancellation and waits for the thread; a Workbench built meanwhile is destroyed.
  ~WorkspaceOpener();
  WorkspaceOpener(const WorkspaceOpener&) = delete;
  WorkspaceOpener& operator=(const WorkspaceOpener&) = delete;

  // Waits up to timeout; returns true when the opening has ended (with a result or an error).
  bool waitFor(std::chrono::milliseconds timeout) const;
  // Returns the Workbench, or rethrows what the opening threw (OpenCancelled after cancel).
  // Waits for the end first. Call it once.
  std::unique_ptr<Workbench> take();
  // Asks the opening thread to stop at its next file.
  void cancel() { m_progress.cancelRequested = true; }
  const OpenProgress& progress() const { return m_progress; }

 private:
  OpenProgress m_progress;
  Open m_open;
  std::future<std::unique_ptr<Workbench>> m_result;  // last member: started after the others exist
};

}  // namespace spinemark::core
