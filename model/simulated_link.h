#pragma once
// The hotline as the simulator carries it: each circuit's faults, failover to the next circuit,
// and above them the delivery layer the live node has (per-sender sequence numbers,
// retransmission with backoff, duplicates dropped, gaps held), so that each message reaches the
// other side once and in order.

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "model/channel.h"
#include "model/exchange.h"
#include "model/outbound_channel.h"
#include "model/outcomes.h"
#include "model/record.h"
#include "model/scenario.h"
#include "model/scheduler.h"
#include "model/sim_event.h"

namespace hotline::model {

struct LinkMessage {
  int from = 0;
  int to = 0;
  Exchange exchange;
  std::size_t words = 0;
  int seq = -1;  // per sender; -1 outside the hotline (no ordering, no faults)
  bool delivered = false;
  int attempts = 0;
};

class SimulatedLink {
 public:
  SimulatedLink(const Scenario& scenario, std::uint64_t seed, Scheduler<SimEvent>& scheduler,
                Outcomes& outcomes, RecordSink* sink);

  // A message for the hotline (`in_order`) or for a channel outside it; returns its id.
  int add(int from, const Exchange& exchange, std::size_t words, bool in_order);
  LinkMessage& message(int id) { return messages_[id]; }

  // Puts message `id` on the circuit in use; schedules its arrival (unless lost) and its
  // retransmission timer. Returns what the channel does to this copy.
  Transmission transmit(SimTime now, int id, bool retransmission);
  // Circuit `circuit` is down both ways during `window` (a white cell's inject).
  void add_outage(int circuit, Window window) {
    for (auto& outbound : outbound_) outbound.add_outage(circuit, window);
  }
  // A copy of `id` arrived: the messages now deliverable, in order, with their garbled flags.
  std::vector<std::pair<int, bool>> arrive(int id, bool garbled);

 private:
  void emit(Record record) const {
    if (sink_) sink_->record(std::move(record));
  }

  const Scenario& scenario_;
  Scheduler<SimEvent>& scheduler_;
  Outcomes& outcomes_;
  RecordSink* sink_;
  std::vector<OutboundChannel> outbound_;  // [from]
  std::vector<LinkMessage> messages_;
  std::vector<int> next_seq_;
  std::vector<int> expected_seq_;
  std::vector<std::map<int, std::pair<int, bool>>> held_;
};

}  // namespace hotline::model
