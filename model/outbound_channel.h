#pragma once
// One sender's side of one hotline: each circuit's fault state and random stream, and the
// circuit in use (a sender moves to the next circuit once its own has been down for the
// failover time). The simulator's link draws every transmission's fate from it, and so does a
// live node's fault shim, seeded alike: the two draw the same fates for the same transmissions.

#include <cstdint>
#include <vector>

#include "model/channel.h"
#include "model/rng.h"
#include "model/scenario.h"

namespace hotline::model {

struct Transmission {
  int circuit = 0;
  bool switched = false;  // the sender moved to `circuit` for this transmission
  Transit transit;
};

class OutboundChannel {
 public:
  // `from`'s end of hotline `line` of `scenario`.
  OutboundChannel(const Scenario& scenario, std::uint64_t seed, int line, int from);

  // The fate of a message of `words` words put on the link at `now`.
  Transmission transmit(SimTime now, std::size_t words);
  const CircuitFaults& circuit(int index) const { return circuits_[index].faults(); }
  int circuits() const { return static_cast<int>(circuits_.size()); }
  // Circuit `index` is down during `window` too; an index past the circuits is ignored.
  void add_outage(int index, Window window) {
    if (index >= 0 && index < circuits()) circuits_[index].add_outage(window);
  }

 private:
  int pick_circuit(SimTime now) const;

  SimTime failover_after_;
  std::vector<CircuitChannel> circuits_;
  std::vector<Rng> rngs_;
  int in_use_ = 0;
};

}  // namespace hotline::model
