#pragma once

#include <cstdint>

#include "model/rng.h"

namespace hotline::model {

// Seeds of the independent random streams of a run, so that a live node playing one side can
// draw exactly what that side draws in the simulator.
struct RunSeeds {
  static std::uint64_t world(std::uint64_t seed) { return Rng::derive(seed, 0); }
  static std::uint64_t side(std::uint64_t seed, int party) { return Rng::derive(seed, 1 + party); }
  // `from`'s end of hotline `line`: line 0 (a bilateral case's only one) draws as it always did.
  static std::uint64_t channel(std::uint64_t seed, int line, int from, int circuit) {
    return Rng::derive(seed, 1000 * (1 + line) + 100 * from + circuit);
  }
};

}  // namespace hotline::model
