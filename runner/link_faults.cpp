#include "runner/link_faults.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace hotline::runner {
namespace {

std::string describe(const model::Transmission& sent) {
  const model::Transit& t = sent.transit;
  std::string out = "circuit " + std::to_string(sent.circuit);
  if (t.lost) return out + (t.outage ? ", lost (circuit down)" : ", lost");
  out += ", delay " + std::to_string(t.delay) + " us";
  if (t.garbled) out += ", garbled";
  if (t.duplicated) out += ", duplicated after " + std::to_string(t.duplicate_delay) + " us";
  if (t.reordered) out += ", reordered";
  return out;
}

}  // namespace

LinkFaults::LinkFaults(const model::Scenario& scenario, std::uint64_t seed, int party, double speed,
                       Send send, After after)
    : channel_(scenario, seed, 0, party),
      speed_(speed > 0 ? speed : 1.0),
      send_(std::move(send)),
      after_(std::move(after)) {}

std::chrono::microseconds LinkFaults::wall(model::SimTime delay) const {
  return std::chrono::microseconds(
      static_cast<long long>(std::llround(static_cast<double>(delay) / speed_)));
}

model::Transmission LinkFaults::transmit(model::SimTime now, wire::Envelope envelope,
                                         std::size_t words, const model::Transmission& expected,
                                         bool replay) {
  const model::Transmission sent = channel_.transmit(now, words);
  if (sent.circuit != expected.circuit || !(sent.transit == expected.transit)) {
    throw std::runtime_error("message " + std::to_string(envelope.model_exchange().run_message()) +
                             ": this node's channel drew \"" + describe(sent) +
                             "\" where the referee drew \"" + describe(expected) + "\"");
  }
  if (sent.transit.lost) {
    ++counts_.lost;
    return sent;
  }
  counts_.written += sent.transit.duplicated ? 2 : 1;
  counts_.garbled += sent.transit.garbled ? 1 : 0;
  counts_.duplicated += sent.transit.duplicated ? 1 : 0;
  if (replay) return sent;
  if (sent.transit.duplicated) {
    wire::Envelope copy = envelope;  // the second copy is never garbled
    hold(wall(sent.transit.duplicate_delay), std::move(copy));
  }
  envelope.mutable_model_exchange()->set_garbled(sent.transit.garbled);
  hold(wall(sent.transit.delay), std::move(envelope));
  return sent;
}

void LinkFaults::hold(std::chrono::microseconds delay, wire::Envelope envelope) {
  const std::uint64_t token = next_token_++;
  held_.emplace(token, std::move(envelope));
  after_(delay, [this, token] { release(token); });
}

void LinkFaults::release(std::uint64_t token) {
  const auto found = held_.find(token);
  if (found == held_.end()) return;  // flushed already
  wire::Envelope envelope = std::move(found->second);
  held_.erase(found);
  send_(std::move(envelope));
}

void LinkFaults::flush() {
  while (!held_.empty()) release(held_.begin()->first);
}

}  // namespace hotline::runner
