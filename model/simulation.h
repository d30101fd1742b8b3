#pragma once
// Runs a scenario in one process: both sides' minds, the scenario's timeline, and the hotline as
// a simulated channel, on a discrete-event scheduler. Same scenario and seed, same records.

#include <cstdint>

#include "model/outcomes.h"
#include "model/record.h"
#include "model/scenario.h"

namespace hotline::model {

// Seeds of the independent random streams of a run, so that a live node playing one side can
// draw exactly what that side draws in the simulator.
struct RunSeeds {
  static std::uint64_t world(std::uint64_t seed) { return Rng::derive(seed, 0); }
  static std::uint64_t side(std::uint64_t seed, int party) { return Rng::derive(seed, 1 + party); }
  static std::uint64_t channel(std::uint64_t seed, int from, int circuit) {
    return Rng::derive(seed, 1000 + 100 * from + circuit);
  }
};

// `sink` may be null: `hotline compare` runs thousands of runs and needs only the outcomes.
Outcomes simulate(const Scenario& scenario, std::uint64_t seed, RecordSink* sink = nullptr);

}  // namespace hotline::model
