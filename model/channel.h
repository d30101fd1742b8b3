#pragma once
// What one circuit of the channel does to a message: delay (latency, jitter, a teleprinter's
// rate), loss (Bernoulli or Gilbert-Elliott bursts), duplication, reordering, garbling on the
// receiving side, and scheduled outages. The parameters follow netem's vocabulary. The
// simulator and the live link both draw from this code with a seeded Rng.

#include <cstddef>
#include <string>
#include <vector>

#include "model/rng.h"
#include "model/time.h"

namespace hotline::model {

enum class JitterDistribution { kUniform, kNormal, kPareto };

struct LossModel {
  double p = 0;  // Bernoulli loss, or good->bad for Gilbert-Elliott
  bool gilbert_elliott = false;
  double r = 1;  // bad->good
  double h = 0;  // loss in the bad state (netem's 1-h)
  double k = 0;  // loss in the good state (netem's 1-k)

  // Long-run loss rate: Bernoulli p, or the Gilbert-Elliott stationary mix.
  double expected_rate() const;
};

struct Window {
  SimTime from = 0;
  SimTime until = 0;
  bool contains(SimTime t) const { return t >= from && t < until; }
};

struct CircuitFaults {
  std::string name = "primary";
  SimTime latency = 0;
  SimTime jitter = 0;
  JitterDistribution jitter_distribution = JitterDistribution::kUniform;
  LossModel loss;
  double duplicate = 0;
  double reorder = 0;
  double garble = 0;
  double words_per_minute = 0;
  std::vector<Window> outages;

  bool down_at(SimTime t) const;
};

// The fate of one transmission.
struct Transit {
  bool lost = false;
  bool outage = false;  // lost because the circuit was down
  SimTime delay = 0;
  bool garbled = false;
  bool duplicated = false;
  SimTime duplicate_delay = 0;
  bool reordered = false;
};

bool operator==(const Transit& a, const Transit& b);

// One direction of one circuit, with its Gilbert-Elliott state and its teleprinter queue.
class CircuitChannel {
 public:
  explicit CircuitChannel(CircuitFaults faults) : faults_(std::move(faults)) {}

  // Decides what happens to a message of `words` words sent at `now`.
  Transit transmit(SimTime now, std::size_t words, Rng& rng);
  const CircuitFaults& faults() const { return faults_; }
  // The circuit is down during `window` too (a white cell's inject).
  void add_outage(Window window) { faults_.outages.push_back(window); }

 private:
  bool draw_loss(Rng& rng);
  SimTime draw_delay(Rng& rng) const;

  CircuitFaults faults_;
  bool in_bad_state_ = false;
  SimTime printer_free_at_ = 0;
};

}  // namespace hotline::model
