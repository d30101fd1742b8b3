#pragma once
// What a run measured, and the named metrics that expectations and `hotline compare` use.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ladder.h"
#include "model/time.h"

namespace hotline::model {

struct SideOutcome {
  Rung peak = Rung::kNormal;
  SimTime peak_at = 0;
  // When the side last came back down to NORMAL; nullopt if it ended the run above it.
  std::optional<SimTime> back_to_normal;
  double days_above_normal = 0;
  // The gap between the side's belief and the truth of the other's intent, in belief-days.
  double misperception = 0;
  // Climbs against a side that meant no harm.
  int inadvertent_climbs = 0;
  double damage = 0;  // damage suffered
  int messages_sent = 0;
  int strikes = 0;
  int refrained = 0;  // planned acts a warning deterred
  double final_belief = 0;
  Rung final_rung = Rung::kNormal;
};

struct Outcomes {
  std::vector<SideOutcome> sides;
  SimTime duration = 0;
  int messages_sent = 0;
  int messages_delivered = 0;
  int frames_lost = 0;
  int frames_garbled = 0;
  int frames_duplicated = 0;
  double leaked = 0;  // units of defensive information handed over in the working group
  std::uint64_t events = 0;
};

// A named measurement over one run's outcomes: "peak >= SANCTIONS", "peak.moscow",
// "misperception.washington", "inadvertent_climbs", "strikes", "damage.washington", ...
class Metric {
 public:
  // Throws std::invalid_argument naming what was expected.
  static Metric parse(std::string_view text, const std::vector<std::string>& parties);
  double evaluate(const Outcomes& outcomes) const;
  const std::string& text() const { return text_; }
  static std::string_view names();

 private:
  enum class Name {
    kPeak,
    kMisperception,
    kInadvertentClimbs,
    kDamage,
    kStrikes,
    kRefrained,
    kMessagesSent,
    kDaysAboveNormal,
    kBackToNormalDay,
    kFinalBelief,
    kFramesLost,
    kFramesGarbled,
    kLeaked,
  };
  double side_value(const Outcomes& outcomes, const SideOutcome& side) const;

  std::string text_;
  Name name_ = Name::kPeak;
  int party_ = -1;  // -1: over both sides
  std::optional<Rung> at_least_;
};

}  // namespace hotline::model
