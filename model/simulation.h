#pragma once
// Runs a scenario in one process: every party's mind, the scenario's timeline, and the hotlines as
// simulated channels, on a discrete-event scheduler. Same scenario and seed, same records.

#include <cstdint>
#include <functional>
#include <vector>

#include "model/outcomes.h"
#include "model/record.h"
#include "model/run_seeds.h"
#include "model/scenario.h"
#include "model/side_host.h"

namespace hotline::model {

// `sink` may be null: `hotline compare` runs thousands of runs and needs only the outcomes.
Outcomes simulate(const Scenario& scenario, std::uint64_t seed, RecordSink* sink = nullptr);

// The same world with minds hosted elsewhere (one per party, in party order), and `pace`
// called with each event's model time before it happens (a live run waits for the wall clock
// there) and again, with the same time, once it has happened (a live run waits there for a
// person to decide what the event asked of them). After each call, a side with decisions
// (SideHost::has_decisions) is reviewed at that time.
//
// `injects`, if set, is asked at the same moments for what a white cell injects now: an entry
// of the scenario's timeline (an incident, with what each party was to observe of it; an
// observation; a scripted message; an intent; a press leak), or an outage of a hotline circuit.
// Each is recorded ("inject").
//
// `pace_also_at`: model times at which `pace` is called even if nothing happens then (the
// moment a branch of a live exercise takes over).
struct Inject {
  int timeline_entry = -1;  // an index into the scenario's timeline, or -1
  int line = 0;             // else: on this hotline...
  int circuit = -1;         // ...this circuit goes down...
  SimTime outage = 0;       // ...for this long
};
Outcomes simulate_with(const Scenario& scenario, std::uint64_t seed, RecordSink* sink,
                       std::vector<SideHost*> sides, std::function<void(SimTime)> pace,
                       std::function<std::vector<Inject>()> injects = nullptr,
                       const std::vector<SimTime>& pace_also_at = {});

}  // namespace hotline::model
