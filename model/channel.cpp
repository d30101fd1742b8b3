#include "model/channel.h"

#include <algorithm>
#include <cmath>

namespace hotline::model {

double LossModel::expected_rate() const {
  if (!gilbert_elliott) return p;
  if (p + r <= 0) return k;
  const double bad_share = p / (p + r);
  return bad_share * h + (1 - bad_share) * k;
}

bool CircuitFaults::down_at(SimTime t) const {
  return std::any_of(outages.begin(), outages.end(),
                     [t](const Window& window) { return window.contains(t); });
}

bool CircuitChannel::draw_loss(Rng& rng) {
  const LossModel& loss = faults_.loss;
  if (!loss.gilbert_elliott) return loss.p > 0 && rng.bernoulli(loss.p);
  // netem's order: move the chain first, then lose with the new state's probability.
  in_bad_state_ = in_bad_state_ ? !rng.bernoulli(loss.r) : rng.bernoulli(loss.p);
  return rng.bernoulli(in_bad_state_ ? loss.h : loss.k);
}

SimTime CircuitChannel::draw_delay(Rng& rng) const {
  if (faults_.jitter <= 0) return faults_.latency;
  const double jitter = static_cast<double>(faults_.jitter);
  double offset = 0;
  switch (faults_.jitter_distribution) {
    case JitterDistribution::kUniform:
      offset = (2 * rng.uniform() - 1) * jitter;
      break;
    case JitterDistribution::kNormal:
      offset = rng.normal() * jitter;
      break;
    case JitterDistribution::kPareto:
      // A heavy tail above the base latency: shape 3 has mean 1.5, so subtract 1 to keep
      // `jitter` the mean excess delay's scale.
      offset = (rng.pareto(3.0) - 1.0) * jitter * 2.0;
      break;
  }
  return std::max<SimTime>(0, faults_.latency + static_cast<SimTime>(std::llround(offset)));
}

Transit CircuitChannel::transmit(SimTime now, std::size_t words, Rng& rng) {
  Transit transit;
  if (faults_.down_at(now)) {
    transit.lost = true;
    transit.outage = true;
    return transit;
  }
  // The printer's queue: a message starts printing when the one before has finished.
  SimTime printing = 0;
  if (faults_.words_per_minute > 0) {
    const SimTime start = std::max(now, printer_free_at_);
    const auto duration =
        static_cast<SimTime>(static_cast<double>(words) / faults_.words_per_minute * kMinute);
    printer_free_at_ = start + duration;
    printing = printer_free_at_ - now;
  }
  // Every random draw happens whatever the outcome, so changing one probability does not shift
  // the stream of draws the others see.
  const bool lost = draw_loss(rng);
  const SimTime delay = draw_delay(rng);
  const bool reordered = faults_.reorder > 0 && rng.bernoulli(faults_.reorder);
  const bool garbled = faults_.garble > 0 && rng.bernoulli(faults_.garble);
  const bool duplicated = faults_.duplicate > 0 && rng.bernoulli(faults_.duplicate);
  const SimTime duplicate_delay = draw_delay(rng);
  if (lost) {
    transit.lost = true;
    return transit;
  }
  // netem's reordering: the chosen message skips the delay the others wait.
  transit.reordered = reordered;
  transit.delay = printing + (reordered ? 0 : delay);
  transit.garbled = garbled;
  transit.duplicated = duplicated;
  transit.duplicate_delay = printing + duplicate_delay;
  return transit;
}

bool operator==(const Transit& a, const Transit& b) {
  return a.lost == b.lost && a.outage == b.outage && a.delay == b.delay && a.garbled == b.garbled &&
         a.duplicated == b.duplicated && a.duplicate_delay == b.duplicate_delay &&
         a.reordered == b.reordered;
}

}  // namespace hotline::model
