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
  double days_at_war = 0;  // at ARMED_CONFLICT
  // How much further the side's beliefs were from the truth of the others' intents than its
  // priors, in belief-days, summed over the other parties.
  double misperception = 0;
  // Rungs climbed against a side that meant (and did) no harm.
  int inadvertent_climbs = 0;
  // The rungs the side stood on at some time (NORMAL always): a side that jumps from NORMAL to
  // MILITARY_POSTURE never accused anyone.
  std::array<bool, kRungCount> took{};
  double damage = 0;  // damage suffered
  int messages_sent = 0;
  int strikes = 0;
  int refrained = 0;        // planned acts a warning deterred
  double final_belief = 0;  // the highest belief it ended with that another party means it harm
  Rung final_rung = Rung::kNormal;
};

// What one party made of one other party.
struct PairOutcome {
  // How much further the party's belief that the other means it harm was from the truth than
  // its prior, in belief-days (a side's own misperception is the sum over the others).
  double misperception = 0;
  double final_belief = 0;
};

struct Outcomes {
  std::vector<SideOutcome> sides;
  std::vector<std::vector<PairOutcome>> pairs;  // [party][other party]
  SimTime duration = 0;
  int messages_sent = 0;
  int messages_delivered = 0;
  int frames_lost = 0;
  int frames_garbled = 0;
  int frames_duplicated = 0;
  double leaked = 0;  // units of defensive information handed over in the working group
  std::uint64_t events = 0;
};

// A named measurement over one run's outcomes: "peak.moscow", "misperception.washington",
// "misperception.moscow.washington" (what Moscow made of Washington),
// "inadvertent_climbs", "strikes", "damage.washington", ... With a comparison it is 1 or 0 per
// run, so its mean is a share of runs: "peak >= SANCTIONS", "days_above_normal.moscow <= 1",
// "took.moscow == NAME_AND_SHAME" (the side stood on that rung at some time).
class Metric {
 public:
  // Throws std::invalid_argument naming what was expected.
  static Metric parse(std::string_view text, const std::vector<std::string>& parties);
  double evaluate(const Outcomes& outcomes) const;
  const std::string& text() const { return text_; }
  // Whether each run's value is a rung (peak, uncompared): its distribution is a share per rung.
  bool is_rung() const { return name_ == Name::kPeak && comparison_ == Comparison::kNone; }
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
    kDaysAtWar,
    kBackToNormalDay,
    kFinalBelief,
    kFramesLost,
    kFramesGarbled,
    kLeaked,
    kTook,
  };
  enum class Comparison { kNone, kAtLeast, kAtMost, kEquals };
  double side_value(const Outcomes& outcomes, const SideOutcome& side) const;
  // 1 or 0 if the metric compares with a threshold; the value itself otherwise.
  double compared(double value) const;

  std::string text_;
  Name name_ = Name::kPeak;
  int party_ = -1;   // -1: over every side
  int toward_ = -1;  // with party_: what party_ made of this party (misperception, final_belief)
  Comparison comparison_ = Comparison::kNone;
  double threshold_ = 0;  // a number, or a rung's index
};

}  // namespace hotline::model
