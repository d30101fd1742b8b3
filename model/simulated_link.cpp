#include "model/simulated_link.h"

#include <algorithm>
#include <string>

#include "model/run_seeds.h"

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
    : scenario_(scenario), scheduler_(scheduler), outcomes_(outcomes), sink_(sink) {
  for (std::size_t i = 0; i < scenario.parties.size(); ++i) {
    channels_.emplace_back();
    channel_rngs_.emplace_back();
    for (std::size_t c = 0; c < scenario.hotline.circuits.size(); ++c) {
      channels_[i].emplace_back(scenario.hotline.circuits[c]);
      channel_rngs_[i].emplace_back(
          RunSeeds::channel(seed, static_cast<int>(i), static_cast<int>(c)));
    }
    next_seq_.push_back(0);
    expected_seq_.push_back(0);
    held_.emplace_back();
    circuit_in_use_.push_back(0);
  }
}

int SimulatedLink::add(int from, const Exchange& exchange, std::size_t words, bool in_order) {
  LinkMessage message;
  message.from = from;
  message.to = 1 - from;
  message.exchange = exchange;
  message.words = words;
  message.seq = in_order ? next_seq_[from]++ : -1;
  messages_.push_back(message);
  return static_cast<int>(messages_.size()) - 1;
}

// The circuit a sender uses: the first one it has not yet given up on. A circuit is given up
// once it has been silent for the failover time.
int SimulatedLink::pick_circuit(SimTime now, int from) {
  const auto& circuits = scenario_.hotline.circuits;
  int chosen = 0;
  for (std::size_t c = 0; c < circuits.size(); ++c) {
    const bool known_down =
        std::any_of(circuits[c].outages.begin(), circuits[c].outages.end(), [&](const Window& w) {
          return w.contains(now) && now - w.from >= scenario_.hotline.failover_after;
        });
    if (!known_down) {
      chosen = static_cast<int>(c);
      break;
    }
  }
  if (chosen != circuit_in_use_[from]) {
    circuit_in_use_[from] = chosen;
    if (sink_) {
      emit(world_record(now, "circuit")
               .with("party", scenario_.parties[from].id)
               .with("circuit", circuits[chosen].name));
    }
  }
  return chosen;
}

void SimulatedLink::transmit(SimTime now, int id, bool retransmission) {
  LinkMessage& message = messages_[id];
  const int circuit = pick_circuit(now, message.from);
  const Transit transit = channels_[message.from][circuit].transmit(
      now, message.words, channel_rngs_[message.from][circuit]);
  if (retransmission && sink_) {
    emit(world_record(now, "channel")
             .with("message", static_cast<long long>(id))
             .with("did", std::string("retransmitted")));
  }
  // Retransmission backs off to 16 times the timeout, as the live node's timer does.
  const int backoff = std::min(message.attempts++, 4);
  scheduler_.schedule(now + (scenario_.hotline.retransmit_after << backoff),
                      {SimEvent::Type::kRetransmit, id, 0});
  if (transit.lost) {
    ++outcomes_.frames_lost;
    if (sink_) {
      emit(world_record(now, "channel")
               .with("message", static_cast<long long>(id))
               .with("circuit", channels_[message.from][circuit].faults().name)
               .with("did", std::string(transit.outage ? "lost (circuit down)" : "lost")));
    }
    return;
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
             .with("circuit", channels_[message.from][circuit].faults().name)
             .with("did", did));
  }
}

std::vector<std::pair<int, bool>> SimulatedLink::arrive(int id, bool garbled) {
  LinkMessage& message = messages_[id];
  if (message.seq < 0) return {{id, garbled}};
  const int from = message.from;
  std::vector<std::pair<int, bool>> deliverable;
  if (message.delivered || message.seq < expected_seq_[from] || held_[from].count(message.seq)) {
    return deliverable;  // a duplicate or a retransmission of something already here
  }
  held_[from][message.seq] = {id, garbled};
  while (!held_[from].empty() && held_[from].begin()->first == expected_seq_[from]) {
    const auto [next_id, next_garbled] = held_[from].begin()->second;
    held_[from].erase(held_[from].begin());
    ++expected_seq_[from];
    messages_[next_id].delivered = true;
    deliverable.emplace_back(next_id, next_garbled);
  }
  return deliverable;
}

}  // namespace hotline::model
