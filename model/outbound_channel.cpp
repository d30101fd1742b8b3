#include "model/outbound_channel.h"

#include <algorithm>

#include "model/run_seeds.h"

namespace hotline::model {

OutboundChannel::OutboundChannel(const Scenario& scenario, std::uint64_t seed, int line, int from)
    : failover_after_(scenario.hotlines[line].failover_after) {
  const auto& circuits = scenario.hotlines[line].circuits;
  for (std::size_t c = 0; c < circuits.size(); ++c) {
    circuits_.emplace_back(circuits[c]);
    rngs_.emplace_back(RunSeeds::channel(seed, line, from, static_cast<int>(c)));
  }
}

// The first circuit not yet given up on: a circuit is given up once it has been silent for the
// failover time.
int OutboundChannel::pick_circuit(SimTime now) const {
  for (std::size_t c = 0; c < circuits_.size(); ++c) {
    const auto& outages = circuits_[c].faults().outages;
    const bool known_down = std::any_of(outages.begin(), outages.end(), [&](const Window& w) {
      return w.contains(now) && now - w.from >= failover_after_;
    });
    if (!known_down) return static_cast<int>(c);
  }
  return 0;
}

Transmission OutboundChannel::transmit(SimTime now, std::size_t words) {
  Transmission out;
  out.circuit = pick_circuit(now);
  out.switched = out.circuit != in_use_;
  in_use_ = out.circuit;
  out.transit = circuits_[out.circuit].transmit(now, words, rngs_[out.circuit]);
  return out;
}

}  // namespace hotline::model
