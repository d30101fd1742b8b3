#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace hotline::common {

// Parses durations as people write them: "90s", "2h30m", "1.5s", "250ms", "1d12h".
// Units: d, h, m, s, ms, us. Throws std::invalid_argument saying what was expected.
std::chrono::microseconds parse_duration(std::string_view text);

// The shortest of those forms that reads back to the same value ("2h30m", "250ms").
std::string format_duration(std::chrono::microseconds duration);

}  // namespace hotline::common
