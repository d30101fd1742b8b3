#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace hotline::common {

// Capped exponential backoff with jitter, for redialling a peer. Each delay is drawn uniformly
// from [half, all] of the current step so that two nodes restarted together do not redial in
// lock-step; the step doubles up to `cap`.
class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  Backoff(Duration initial, Duration cap, std::uint64_t seed);

  Duration next();
  void reset() { step_ = initial_; }

 private:
  Duration initial_;
  Duration cap_;
  Duration step_;
  std::mt19937_64 rng_;
};

}  // namespace hotline::common
