#pragma once
// How a side decides and how it perceives: the parameters of the escalation model. Named
// presets give a teacher sensible starting points; a scenario overrides single fields.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "model/ladder.h"
#include "model/time.h"

namespace hotline::model {

enum class AnswerPolicy { kHonest, kDeny, kDeceive, kRefuse };
enum class Sharing { kNothing, kStrategy, kSignatures };

struct Doctrine {
  // Pressure needed to stand on rung k+1 (INQUIRY .. ARMED_CONFLICT).
  std::array<double, kRungCount - 1> climb_at{0.05, 0.15, 0.3, 0.5, 0.8, 1.2, 2.0};
  double step_down_below = 0.6;
  double query_above = 0.2;
  AnswerPolicy answer = AnswerPolicy::kHonest;
  SimTime answer_delay = 2 * kHour;
  SimTime reply_deadline = 24 * kHour;
  bool explain_own_moves = true;
  bool retaliate = false;
  SimTime retaliate_after = 12 * kHour;
  bool contrite = false;
  Sharing share = Sharing::kStrategy;
  // How much the side values the acts it plans against the other, in [0,1]; see Side::warned.
  double commitment = 0.5;
  // The confidence that the channel stays private below which the side will not discuss
  // anything over it.
  double discretion_needed = 0.5;
  // How long the side takes to act once its position calls for another rung: minutes for an
  // early-warning crew, a day for a ministry. Asking and answering over the hotline do not wait.
  SimTime decision_latency = 12 * kHour;
  // The rungs this side can take (an early-warning crew can alert, not accuse); false rungs are
  // skipped over when pressure warrants them.
  std::array<bool, kRungCount> can_take{true, true, true, true, true, true, true, true};
  // What a side that intends harm climbs to on its own, unprovoked, once it decides: its plan
  // (NORMAL: no plan beyond the scenario's acts).
  Rung aim = Rung::kNormal;
  // Ask its allies (over a hotline to each) what their evidence says of an incident it pins on
  // another party; see Side::consult_allies.
  bool consult_allies = false;
};

struct Perception {
  double confirmation_bias = 0.3;
  double other_moves_hostility = 0.5;
  double evidence_weight = 2.0;
  double message_weight = 1.5;
  double silence_weight = 0.4;
  double confidence_noise = 0.1;
  SimTime memory = 10 * kDay;
};

// "measured", "hawkish", "dovish", "deny", "deceive", "tit-for-tat", "contrite",
// "early-warning".
std::optional<Doctrine> doctrine_preset(std::string_view name);
std::string_view doctrine_preset_names();

std::string_view answer_name(AnswerPolicy answer);

}  // namespace hotline::model
