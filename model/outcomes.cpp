#include "model/outcomes.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace hotline::model {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view Metric::names() {
  return "peak, misperception, inadvertent_climbs, damage, strikes, refrained, messages_sent, "
         "days_above_normal, back_to_normal_day, final_belief (each optionally .PARTY), "
         "frames_lost, frames_garbled, leaked, or \"peak[.PARTY] >= RUNG\"";
}

Metric Metric::parse(std::string_view text, const std::vector<std::string>& parties) {
  static const std::array<std::pair<std::string_view, Name>, 13> kNames{{
      {"peak", Name::kPeak},
      {"misperception", Name::kMisperception},
      {"inadvertent_climbs", Name::kInadvertentClimbs},
      {"damage", Name::kDamage},
      {"strikes", Name::kStrikes},
      {"refrained", Name::kRefrained},
      {"messages_sent", Name::kMessagesSent},
      {"days_above_normal", Name::kDaysAboveNormal},
      {"back_to_normal_day", Name::kBackToNormalDay},
      {"final_belief", Name::kFinalBelief},
      {"frames_lost", Name::kFramesLost},
      {"frames_garbled", Name::kFramesGarbled},
      {"leaked", Name::kLeaked},
  }};
  Metric metric;
  metric.text_ = std::string(trim(text));
  std::string_view rest = metric.text_;
  const auto comparison = rest.find(">=");
  if (comparison != std::string_view::npos) {
    const std::string_view rung = trim(rest.substr(comparison + 2));
    metric.at_least_ = parse_rung(rung);
    if (!metric.at_least_) {
      throw std::invalid_argument(
          "unknown rung \"" + std::string(rung) +
          "\"; expected NORMAL, INQUIRY, DEMARCHE, NAME_AND_SHAME, "
          "SANCTIONS, CYBER_RETALIATION, MILITARY_POSTURE or ARMED_CONFLICT");
    }
    rest = trim(rest.substr(0, comparison));
  }
  std::string_view name = rest;
  const auto dot = rest.find('.');
  if (dot != std::string_view::npos) {
    name = rest.substr(0, dot);
    const std::string_view party = rest.substr(dot + 1);
    const auto found = std::find(parties.begin(), parties.end(), party);
    if (found == parties.end()) {
      throw std::invalid_argument("metric \"" + metric.text_ + "\" names unknown party \"" +
                                  std::string(party) + "\"");
    }
    metric.party_ = static_cast<int>(found - parties.begin());
  }
  const auto known = std::find_if(kNames.begin(), kNames.end(),
                                  [&](const auto& entry) { return entry.first == name; });
  if (known == kNames.end()) {
    throw std::invalid_argument("unknown metric \"" + metric.text_ + "\"; expected " +
                                std::string(names()));
  }
  metric.name_ = known->second;
  if (metric.at_least_ && metric.name_ != Name::kPeak) {
    throw std::invalid_argument("only peak compares with a rung (\"peak >= SANCTIONS\")");
  }
  return metric;
}

double Metric::side_value(const Outcomes& outcomes, const SideOutcome& side) const {
  switch (name_) {
    case Name::kPeak:
      return static_cast<double>(side.peak);
    case Name::kMisperception:
      return side.misperception;
    case Name::kInadvertentClimbs:
      return side.inadvertent_climbs;
    case Name::kDamage:
      return side.damage;
    case Name::kStrikes:
      return side.strikes;
    case Name::kRefrained:
      return side.refrained;
    case Name::kMessagesSent:
      return side.messages_sent;
    case Name::kDaysAboveNormal:
      return side.days_above_normal;
    case Name::kBackToNormalDay:
      return to_days(side.back_to_normal.value_or(outcomes.duration));
    case Name::kFinalBelief:
      return side.final_belief;
    default:
      return 0;
  }
}

double Metric::evaluate(const Outcomes& outcomes) const {
  switch (name_) {
    case Name::kFramesLost:
      return outcomes.frames_lost;
    case Name::kFramesGarbled:
      return outcomes.frames_garbled;
    case Name::kLeaked:
      return outcomes.leaked;
    default:
      break;
  }
  // Over both sides: the worst peak, belief and return; the sum of everything counted.
  const bool take_max =
      name_ == Name::kPeak || name_ == Name::kBackToNormalDay || name_ == Name::kFinalBelief;
  double value = 0;
  for (std::size_t i = 0; i < outcomes.sides.size(); ++i) {
    if (party_ >= 0 && static_cast<int>(i) != party_) continue;
    const double v = side_value(outcomes, outcomes.sides[i]);
    value = take_max ? std::max(value, v) : value + v;
  }
  if (at_least_) return value >= static_cast<double>(*at_least_) ? 1.0 : 0.0;
  return value;
}

}  // namespace hotline::model
