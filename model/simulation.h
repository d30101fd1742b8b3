#pragma once
// Runs a scenario in one process: both sides' minds, the scenario's timeline, and the hotline as
// a simulated channel, on a discrete-event scheduler. Same scenario and seed, same records.

#include <cstdint>

#include "model/outcomes.h"
#include "model/record.h"
#include "model/run_seeds.h"
#include "model/scenario.h"

namespace hotline::model {

// `sink` may be null: `hotline compare` runs thousands of runs and needs only the outcomes.
Outcomes simulate(const Scenario& scenario, std::uint64_t seed, RecordSink* sink = nullptr);

}  // namespace hotline::model
