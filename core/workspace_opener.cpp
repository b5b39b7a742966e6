#include "core/workspace_opener.h"

namespace spinemark::core {

WorkspaceOpener::WorkspaceOpener(Open open)
    : m_open(std::move(open)), m_result(std::async(std::launch::async, [this] { return m_open(m_progress); }))
{
}

WorkspaceOpener::~WorkspaceOpener()
{
  cancel();
  if (m_result.valid()) {
    m_result.wait();
  }
}

bool WorkspaceOpener::waitFor(std::chrono::milliseconds timeout) const
{
  return !m_result.valid() || m_result.wait_for(timeout) == std::future_status::ready;
}

std::unique_ptr<Workbench> WorkspaceOpener::take() { return m_result.get(); }

}  // namespace spinemark::core
