#include "runner/link_faults.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>

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
    : scenario_(scenario),
      party_(party),
      speed_(speed > 0 ? speed : 1.0),
      send_(std::move(send)),
      after_(std::move(after)) {
  for (std::size_t line = 0; line < scenario.hotlines.size(); ++line) {
    const auto& between = scenario.hotlines[line].between;
    if (std::find(between.begin(), between.end(), party) == between.end()) continue;
    channels_.emplace(std::piecewise_construct, std::forward_as_tuple(static_cast<int>(line)),
                      std::forward_as_tuple(scenario, seed, static_cast<int>(line), party));
  }
}

void LinkFaults::add_outage(int line, int circuit, model::Window window) {
  const auto found = channels_.find(line);
  if (found != channels_.end()) found->second.add_outage(circuit, window);
}

void LinkFaults::send_now(wire::Envelope envelope, int to) {
  send_(std::move(envelope), scenario_.parties.at(static_cast<std::size_t>(to)).id);
}

std::chrono::microseconds LinkFaults::wall(model::SimTime delay) const {
  return std::chrono::microseconds(
      static_cast<long long>(std::llround(static_cast<double>(delay) / speed_)));
}

model::Transmission LinkFaults::transmit(model::SimTime now, wire::Envelope envelope, int to,
                                         std::size_t words, const model::Transmission& expected,
                                         bool replay) {
  // No line joins this party to a party that does not exist either.
  const auto channel = channels_.find(scenario_.line_between(party_, to));
  if (channel == channels_.end()) {
    throw std::runtime_error("message " + std::to_string(envelope.model_exchange().run_message()) +
                             ": no hotline to party " + std::to_string(to));
  }
  const model::Transmission sent = channel->second.transmit(now, words);
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
    hold(wall(sent.transit.duplicate_delay), std::move(copy), to);
  }
  envelope.mutable_model_exchange()->set_garbled(sent.transit.garbled);
  hold(wall(sent.transit.delay), std::move(envelope), to);
  return sent;
}

void LinkFaults::hold(std::chrono::microseconds delay, wire::Envelope envelope, int to) {
  const std::uint64_t token = next_token_++;
  held_.emplace(token, Held{std::move(envelope), to});
  after_(delay, [this, token] { release(token); });
}

void LinkFaults::release(std::uint64_t token) {
  const auto found = held_.find(token);
  if (found == held_.end()) return;  // flushed already
  Held held = std::move(found->second);
  held_.erase(found);
  send_now(std::move(held.envelope), held.to);
}

void LinkFaults::flush() {
  while (!held_.empty()) release(held_.begin()->first);
}

}  // namespace hotline::runner
