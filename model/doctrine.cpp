#include "model/doctrine.h"

namespace hotline::model {

std::optional<Doctrine> doctrine_preset(std::string_view name) {
  Doctrine doctrine;
  if (name.empty() || name == "measured") return doctrine;
  if (name == "hawkish") {
    doctrine.climb_at = {0.02, 0.06, 0.12, 0.25, 0.45, 0.8, 1.5};
    doctrine.step_down_below = 0.4;
    doctrine.query_above = 0.5;
    return doctrine;
  }
  if (name == "dovish") {
    doctrine.climb_at = {0.1, 0.3, 0.6, 1.0, 1.6, 2.4, 4.0};
    doctrine.step_down_below = 0.8;
    doctrine.query_above = 0.1;
    return doctrine;
  }
  if (name == "deny") {
    doctrine.answer = AnswerPolicy::kDeny;
    doctrine.explain_own_moves = false;
    return doctrine;
  }
  if (name == "deceive") {
    doctrine.answer = AnswerPolicy::kDeceive;
    doctrine.explain_own_moves = false;
    return doctrine;
  }
  // A tit-for-tat side answers in kind, one strike for each attack: the noisy iterated
  // prisoner's dilemma's move set (CASES.md 4.4-4.5), with no shows of force or war beyond it.
  const auto answers_in_kind = [](Doctrine& d) {
    d.retaliate = true;
    d.can_take[static_cast<int>(Rung::kMilitaryPosture)] = false;
    d.can_take[static_cast<int>(Rung::kArmedConflict)] = false;
  };
  if (name == "tit-for-tat") {
    answers_in_kind(doctrine);
    doctrine.explain_own_moves = false;
    return doctrine;
  }
  if (name == "contrite") {
    answers_in_kind(doctrine);
    doctrine.contrite = true;
    doctrine.explain_own_moves = true;
    return doctrine;
  }
  if (name == "early-warning") {
    // A warning crew (1979, 1995): it decides in minutes and can only alert, or stand down.
    doctrine.decision_latency = 3 * kMinute;
    doctrine.can_take.fill(false);
    doctrine.can_take[static_cast<int>(Rung::kNormal)] = true;
    doctrine.can_take[static_cast<int>(Rung::kMilitaryPosture)] = true;
    doctrine.climb_at[static_cast<int>(Rung::kMilitaryPosture) - 1] = 0.2;
    doctrine.query_above = 1.1;
    return doctrine;
  }
  return std::nullopt;
}

std::string_view doctrine_preset_names() {
  return "measured, hawkish, dovish, deny, deceive, tit-for-tat, contrite, early-warning";
}

std::string_view answer_name(AnswerPolicy answer) {
  switch (answer) {
    case AnswerPolicy::kHonest:
      return "honest";
    case AnswerPolicy::kDeny:
      return "deny";
    case AnswerPolicy::kDeceive:
      return "deceive";
    case AnswerPolicy::kRefuse:
      return "refuse";
  }
  return "?";
}

}  // namespace hotline::model
