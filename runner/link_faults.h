#pragma once
// The scenario's channel faults, applied to the frames a node of `hotline run` writes to the
// real link. For each copy of an exchange the referee puts on the hotline, the sending node
// draws the copy's fate from the simulator's own channel code with the simulator's seeds
// (model::OutboundChannel), checks that it is the fate the referee drew, and applies it: a lost
// copy is never written, a delayed one is written after its delay scaled to wall time, a
// garbled one arrives marked garbled, a duplicated one is written twice. Retransmission runs on
// model time: the referee asks for the next copy when the scenario's timer says so.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>

#include "model/outbound_channel.h"
#include "proto/hotline.pb.h"

namespace hotline::runner {

class LinkFaults {
 public:
  // Writes an envelope to the link to the party of this id.
  using Send = std::function<void(wire::Envelope, const std::string& to)>;
  // Calls the function after the wall-clock delay, on the node's own thread.
  using After = std::function<void(std::chrono::microseconds, std::function<void()>)>;

  // `speed`: model time per wall time, as the referee paces the run. The party's end of each
  // hotline it is on draws its own fates, with the simulator's seeds for that line.
  LinkFaults(const model::Scenario& scenario, std::uint64_t seed, int party, double speed,
             Send send, After after);

  // One copy of `envelope` (a model exchange of `words` words) leaves for party `to` at model
  // time `now`, over the hotline between them. Throws std::runtime_error if there is none, or if
  // this node's draw is not `expected`, the referee's. With `replay` (a restarted node catching
  // up) the fate is drawn and nothing is written.
  model::Transmission transmit(model::SimTime now, wire::Envelope envelope, int to,
                               std::size_t words, const model::Transmission& expected, bool replay);
  // Writes `envelope` to party `to` at once, clean (a resend after a restart).
  void send_now(wire::Envelope envelope, int to);
  // Circuit `circuit` of hotline `line` is down during `window` too (a white cell's inject, as
  // the referee has it).
  void add_outage(int line, int circuit, model::Window window);
  // Writes every copy still held for its delay now (the run is over).
  void flush();

  // What the channel did to this node's copies (replayed draws included, so a restarted node
  // counts what its earlier self wrote).
  struct Counts {
    int written = 0;     // frames written to the link, duplicates and resends included
    int lost = 0;        // copies the channel lost: never written
    int garbled = 0;     // written marked garbled
    int duplicated = 0;  // written twice
    int resent = 0;      // written again after a restart
  };
  const Counts& counts() const { return counts_; }
  void count_resend() {
    ++counts_.written;
    ++counts_.resent;
  }

 private:
  struct Held {
    wire::Envelope envelope;
    int to;
  };
  void hold(std::chrono::microseconds delay, wire::Envelope envelope, int to);
  void release(std::uint64_t token);
  std::chrono::microseconds wall(model::SimTime delay) const;

  const model::Scenario& scenario_;
  int party_;
  // This party's end of each hotline it is on, by the line's index.
  std::map<int, model::OutboundChannel> channels_;
  double speed_;
  Send send_;
  After after_;
  std::map<std::uint64_t, Held> held_;
  std::uint64_t next_token_ = 0;
  Counts counts_;
};

}  // namespace hotline::runner
