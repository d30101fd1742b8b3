#pragma once
// Model time: microseconds since the scenario's start. The model never reads a clock; the
// simulator advances this value, and a live node maps it onto its own scaled clock.

#include <cstdint>

namespace hotline::model {

using SimTime = std::int64_t;

constexpr SimTime kMicrosecond = 1;
constexpr SimTime kSecond = 1'000'000;
constexpr SimTime kMinute = 60 * kSecond;
constexpr SimTime kHour = 60 * kMinute;
constexpr SimTime kDay = 24 * kHour;

inline double to_days(SimTime t) {
  return static_cast<double>(t) / static_cast<double>(kDay);
}

}  // namespace hotline::model
