#include "model/simulated_link.h"

#include <algorithm>
#include <string>

namespace hotline::model {
namespace {

Record world_record(SimTime now, const char* kind) {
  Record r;
  r.at = now;
  r.kind = kind;
  return r;
}

}  // namespace

SimulatedLink::SimulatedLink(const Scenario& scenario, std::uint64_t seed,
                             Scheduler<SimEvent>& scheduler, Outcomes& outcomes, RecordSink* sink)
    : scenario_(scenario),
      parties_(scenario.party_count()),
      scheduler_(scheduler),
      outcomes_(outcomes),
      sink_(sink) {
  for (std::size_t line = 0; line < scenario.hotlines.size(); ++line) {
    outbound_.emplace_back();
    for (const int end : scenario.hotlines[line].between)
      outbound_.back().emplace_back(scenario, seed, static_cast<int>(line), end);
  }
  next_seq_.assign(parties_ * parties_, 0);
  expected_seq_.assign(parties_ * parties_, 0);
  held_.resize(parties_ * parties_);
}

int SimulatedLink::add(int from, int to, const Exchange& exchange, std::size_t words,
                       bool in_order) {
  LinkMessage message;
  message.from = from;
  message.to = to;
  message.author = from;
  message.exchange = exchange;
  message.words = words;
  if (in_order) {
    message.line = scenario_.line_between(from, to);
    message.seq = next_seq_[pair(from, to)]++;
  }
  messages_.push_back(message);
  return static_cast<int>(messages_.size()) - 1;
}

Transmission SimulatedLink::transmit(SimTime now, int id, bool retransmission) {
  LinkMessage& message = messages_[id];
  const HotlineSpec& line = scenario_.hotlines[message.line];
  OutboundChannel& end = outbound_[message.line][line.between[0] == message.from ? 0 : 1];
  const Transmission sent = end.transmit(now, message.words);
  const Transit& transit = sent.transit;
  const std::string& circuit = end.circuit(sent.circuit).name;
  if (sent.switched && sink_) {
    emit(world_record(now, "circuit")
             .with("party", scenario_.parties[message.from].id)
             .with("circuit", circuit));
  }
  if (retransmission && sink_) {
    emit(world_record(now, "channel")
             .with("message", static_cast<long long>(id))
             .with("did", std::string("retransmitted")));
  }
  // Retransmission backs off to 16 times the timeout, as the live node's timer does.
  const int backoff = std::min(message.attempts++, 4);
  scheduler_.schedule(now + (line.retransmit_after << backoff),
                      {SimEvent::Type::kRetransmit, id, 0});
  if (transit.lost) {
    ++outcomes_.frames_lost;
    if (sink_) {
      emit(world_record(now, "channel")
               .with("message", static_cast<long long>(id))
               .with("circuit", circuit)
               .with("did", std::string(transit.outage ? "lost (circuit down)" : "lost")));
    }
    return sent;
  }
  if (transit.garbled) ++outcomes_.frames_garbled;
  scheduler_.schedule(now + transit.delay, {SimEvent::Type::kArrive, id, transit.garbled ? 1 : 0});
  if (transit.duplicated) {
    ++outcomes_.frames_duplicated;
    scheduler_.schedule(now + transit.duplicate_delay, {SimEvent::Type::kArrive, id, 0});
  }
  if (sink_ && (transit.garbled || transit.duplicated || transit.reordered)) {
    std::string did = transit.garbled ? "garbled" : "";
    if (transit.duplicated) did += did.empty() ? "duplicated" : ", duplicated";
    if (transit.reordered) did += did.empty() ? "reordered" : ", reordered";
    emit(world_record(now, "channel")
             .with("message", static_cast<long long>(id))
             .with("circuit", circuit)
             .with("did", did));
  }
  return sent;
}

std::vector<std::pair<int, bool>> SimulatedLink::arrive(int id, bool garbled) {
  LinkMessage& message = messages_[id];
  if (message.seq < 0) return {{id, garbled}};
  const int from_to = pair(message.from, message.to);
  auto& held = held_[from_to];
  int& expected = expected_seq_[from_to];
  std::vector<std::pair<int, bool>> deliverable;
  if (message.delivered || message.seq < expected || held.count(message.seq)) {
    return deliverable;  // a duplicate or a retransmission of something already here
  }
  held[message.seq] = {id, garbled};
  while (!held.empty() && held.begin()->first == expected) {
    const auto [next_id, next_garbled] = held.begin()->second;
    held.erase(held.begin());
    ++expected;
    messages_[next_id].delivered = true;
    deliverable.emplace_back(next_id, next_garbled);
  }
  return deliverable;
}

}  // namespace hotline::model
