#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace hotline::bench {

struct LatencySummary {
  double p50_us = 0;
  double p99_us = 0;
  double mean_us = 0;
};

inline LatencySummary summarize(std::vector<double> samples_us) {
  LatencySummary summary;
  if (samples_us.empty()) return summary;
  std::sort(samples_us.begin(), samples_us.end());
  const auto at = [&](double q) {
    return samples_us[std::min(
        samples_us.size() - 1,
        static_cast<std::size_t>(q * static_cast<double>(samples_us.size())))];
  };
  summary.p50_us = at(0.50);
  summary.p99_us = at(0.99);
  double total = 0;
  for (double s : samples_us) total += s;
  summary.mean_us = total / static_cast<double>(samples_us.size());
  return summary;
}

// What each link under test must offer: a round trip and a pipelined acknowledged stream.
struct LinkResult {
  LatencySummary ping_pong;
  double acknowledged_per_second = 0;
};

inline double micros_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace hotline::bench
