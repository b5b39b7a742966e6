#include "core/annotation.h"

#include <algorithm>
#include <ctime>

namespace spinemark::core {

int Vertebra::placedCount() const
{
  return static_cast<int>(std::count_if(points.begin(), points.end(), [](const auto& p) { return p.has_value(); }));
}

std::string utcTimestamp()
{
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[sizeof "2026-12-04T20:31:07Z"];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace spinemark::core
