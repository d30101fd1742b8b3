#include "common/backoff.h"

#include <algorithm>

namespace hotline::common {

Backoff::Backoff(Duration initial, Duration cap, std::uint64_t seed)
    : initial_(initial), cap_(std::max(cap, initial)), step_(initial), rng_(seed) {}

Backoff::Duration Backoff::next() {
  const auto full = step_.count();
  std::uniform_int_distribution<Duration::rep> pick(full / 2, full);
  const Duration delay(pick(rng_));
  step_ = std::min(cap_, step_ * 2);
  return delay;
}

}  // namespace hotline::common
