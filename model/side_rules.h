#pragma once
// The small rules a side's reasoning shares across its files: probabilities and log-odds, what
// a move implies and costs, how convincing an answer is, and what a stated consequence weighs.

#include <algorithm>
#include <cmath>
#include <optional>

#include "model/constants.h"
#include "model/doctrine.h"
#include "model/ladder.h"

namespace hotline::model::side_rules {

using namespace constants;

inline double clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}
inline double to_log_odds(double p) {
  p = std::clamp(p, kProbabilityFloor, 1 - kProbabilityFloor);
  return std::log(p / (1 - p));
}
inline double to_probability(double log_odds) {
  return 1.0 / (1.0 + std::exp(-log_odds));
}

inline double move_evidence(Rung rung) {
  return kMoveEvidence[static_cast<int>(rung)];
}
inline double move_damage(Rung rung) {
  return kMoveDamage[static_cast<int>(rung)];
}

// How convincing a reply is, given what the replier shares and whether it tells the truth.
inline double reply_clarity(bool truthful, AnswerPolicy policy, Sharing share) {
  // A bare denial convinces little; planted indicators as much as real ones.
  if (!truthful)
    return policy == AnswerPolicy::kDeceive ? kPlantedIndicatorsClarity : kBareDenialClarity;
  switch (share) {
    case Sharing::kSignatures:
      return kSignaturesClarity;
    case Sharing::kStrategy:
      return kStrategyClarity;
    case Sharing::kNothing:
      return kNothingSharedClarity;
  }
  return kNothingSharedClarity;
}

// How much a stated consequence weighs with the side it is meant to deter (none: more talk).
inline double consequence_weight(std::optional<Rung> consequence) {
  return kConsequenceWeight[static_cast<int>(consequence.value_or(Rung::kNormal))];
}

}  // namespace hotline::model::side_rules
