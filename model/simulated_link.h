#pragma once
// The hotlines as the simulator carries them: each line's circuits with their faults, failover to
// the next circuit, and above them the delivery layer the live node has (sequence numbers per
// ordered pair, retransmission with backoff, duplicates dropped, gaps held), so that each message
// reaches its addressee once and in order.

#include <cstdint>
#include <deque>
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
  int author = 0;     // whose words they are: `from`, or the party a carrier carries for
  int relay_to = -1;  // a carrier's copy: the party it is for, else -1
  bool garbled_on_the_way = false;  // the carrier's copy of it was garbled
  Exchange exchange;
  std::size_t words = 0;
  int line = -1;  // the hotline it crosses; -1 outside the hotline (no ordering, no faults)
  int seq = -1;   // per ordered pair; -1 outside the hotline
  bool delivered = false;
  int attempts = 0;
};

class SimulatedLink {
 public:
  SimulatedLink(const Scenario& scenario, std::uint64_t seed, Scheduler<SimEvent>& scheduler,
                Outcomes& outcomes, RecordSink* sink);

  // A message from `from` to `to` over the hotline between them (`in_order`; there must be one)
  // or by a channel outside it; returns its id.
  int add(int from, int to, const Exchange& exchange, std::size_t words, bool in_order);
  LinkMessage& message(int id) { return messages_[id]; }

  // Puts message `id` on the circuit in use; schedules its arrival (unless lost) and its
  // retransmission timer. Returns what the channel does to this copy.
  Transmission transmit(SimTime now, int id, bool retransmission);
  // Circuit `circuit` of hotline `line` is down both ways during `window` (a white cell's
  // inject).
  void add_outage(int line, int circuit, Window window) {
    for (auto& end : outbound_[line]) end.add_outage(circuit, window);
  }
  // A copy of `id` arrived: the messages now deliverable, in order, with their garbled flags.
  std::vector<std::pair<int, bool>> arrive(int id, bool garbled);

 private:
  void emit(Record record) const {
    if (sink_) sink_->record(std::move(record));
  }

  int pair(int from, int to) const { return from * parties_ + to; }

  const Scenario& scenario_;
  int parties_;
  Scheduler<SimEvent>& scheduler_;
  Outcomes& outcomes_;
  RecordSink* sink_;
  // [line][0 or 1]: the end of the line at its first or its second party.
  std::vector<std::vector<OutboundChannel>> outbound_;
  // Ids index it and every message is kept to the end; a deque grows without moving them.
  std::deque<LinkMessage> messages_;
  std::vector<int> next_seq_;                              // [pair(from, to)]
  std::vector<int> expected_seq_;                          // [pair(from, to)]
  std::vector<std::map<int, std::pair<int, bool>>> held_;  // [pair(from, to)]
};

}  // namespace hotline::model
