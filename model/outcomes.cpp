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
         "days_above_normal, days_at_war, back_to_normal_day, final_belief (each optionally "
         ".PARTY; misperception and final_belief also .PARTY.OTHER: what PARTY made of OTHER), "
         "frames_lost, frames_garbled, leaked; any of them compared with a number (\"METRIC <= "
         "1\", \"METRIC >= 0.5\"), peak with a rung (\"peak[.PARTY] >= RUNG\"), or "
         "\"took[.PARTY] == RUNG\"";
}

namespace {

constexpr std::string_view kRungNames =
    "NORMAL, INQUIRY, DEMARCHE, NAME_AND_SHAME, SANCTIONS, CYBER_RETALIATION, MILITARY_POSTURE or "
    "ARMED_CONFLICT";

}  // namespace

Metric Metric::parse(std::string_view text, const std::vector<std::string>& parties) {
  static const std::array<std::pair<std::string_view, Name>, 15> kNames{{
      {"peak", Name::kPeak},
      {"misperception", Name::kMisperception},
      {"inadvertent_climbs", Name::kInadvertentClimbs},
      {"damage", Name::kDamage},
      {"strikes", Name::kStrikes},
      {"refrained", Name::kRefrained},
      {"messages_sent", Name::kMessagesSent},
      {"days_above_normal", Name::kDaysAboveNormal},
      {"days_at_war", Name::kDaysAtWar},
      {"back_to_normal_day", Name::kBackToNormalDay},
      {"final_belief", Name::kFinalBelief},
      {"frames_lost", Name::kFramesLost},
      {"frames_garbled", Name::kFramesGarbled},
      {"leaked", Name::kLeaked},
      {"took", Name::kTook},
  }};
  static const std::array<std::pair<std::string_view, Comparison>, 3> kComparisons{{
      {">=", Comparison::kAtLeast},
      {"<=", Comparison::kAtMost},
      {"==", Comparison::kEquals},
  }};
  Metric metric;
  metric.text_ = std::string(trim(text));
  std::string_view rest = metric.text_;
  std::string_view operand;
  for (const auto& [symbol, comparison] : kComparisons) {
    const auto at = rest.find(symbol);
    if (at == std::string_view::npos) continue;
    metric.comparison_ = comparison;
    operand = trim(rest.substr(at + symbol.size()));
    rest = trim(rest.substr(0, at));
    break;
  }
  std::string_view name = rest;
  const auto dot = rest.find('.');
  auto party_index = [&](std::string_view party) {
    const auto found = std::find(parties.begin(), parties.end(), party);
    if (found == parties.end()) {
      throw std::invalid_argument("metric \"" + metric.text_ + "\" names unknown party \"" +
                                  std::string(party) + "\"");
    }
    return static_cast<int>(found - parties.begin());
  };
  if (dot != std::string_view::npos) {
    name = rest.substr(0, dot);
    std::string_view party = rest.substr(dot + 1);
    const auto second_dot = party.find('.');
    if (second_dot != std::string_view::npos) {
      metric.toward_ = party_index(party.substr(second_dot + 1));
      party = party.substr(0, second_dot);
    }
    metric.party_ = party_index(party);
    if (metric.toward_ == metric.party_) {
      throw std::invalid_argument("metric \"" + metric.text_ +
                                  "\" pairs a party with itself; name two parties");
    }
  }
  const auto known = std::find_if(kNames.begin(), kNames.end(),
                                  [&](const auto& entry) { return entry.first == name; });
  if (known == kNames.end()) {
    throw std::invalid_argument("unknown metric \"" + metric.text_ + "\"; expected " +
                                std::string(names()));
  }
  metric.name_ = known->second;
  if (metric.toward_ >= 0 && metric.name_ != Name::kMisperception &&
      metric.name_ != Name::kFinalBelief) {
    throw std::invalid_argument("metric \"" + metric.text_ +
                                "\": only misperception and final_belief name a pair of parties");
  }
  const bool takes_rung = metric.name_ == Name::kPeak || metric.name_ == Name::kTook;
  if (metric.name_ == Name::kTook && metric.comparison_ != Comparison::kEquals) {
    throw std::invalid_argument("took names a rung: \"took.PARTY == NAME_AND_SHAME\"");
  }
  if (metric.comparison_ == Comparison::kEquals && metric.name_ != Name::kTook) {
    throw std::invalid_argument(
        "only took compares with == (\"took.PARTY == RUNG\"); use >= or <=");
  }
  if (metric.comparison_ == Comparison::kNone) return metric;
  if (const auto rung = parse_rung(operand)) {
    if (!takes_rung) {
      throw std::invalid_argument("only peak and took compare with a rung (\"" + std::string(name) +
                                  " >= 0.5\" compares with a number)");
    }
    metric.threshold_ = static_cast<double>(*rung);
    return metric;
  }
  if (takes_rung) {
    throw std::invalid_argument("unknown rung \"" + std::string(operand) + "\"; expected " +
                                std::string(kRungNames));
  }
  std::size_t used = 0;
  try {
    metric.threshold_ = std::stod(std::string(operand), &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != operand.size()) {
    throw std::invalid_argument("metric \"" + metric.text_ + "\" compares with \"" +
                                std::string(operand) + "\", which is not a number");
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
    case Name::kDaysAtWar:
      return side.days_at_war;
    case Name::kBackToNormalDay:
      // A side that never left NORMAL was back from the start.
      if (side.peak == Rung::kNormal) return 0;
      return to_days(side.back_to_normal.value_or(outcomes.duration));
    case Name::kFinalBelief:
      return side.final_belief;
    case Name::kTook:
      return side.took[static_cast<std::size_t>(threshold_)] ? 1.0 : 0.0;
    default:
      return 0;
  }
}

double Metric::evaluate(const Outcomes& outcomes) const {
  switch (name_) {
    case Name::kFramesLost:
      return compared(outcomes.frames_lost);
    case Name::kFramesGarbled:
      return compared(outcomes.frames_garbled);
    case Name::kLeaked:
      return compared(outcomes.leaked);
    default:
      break;
  }
  if (toward_ >= 0) {
    const PairOutcome& pair = outcomes.pairs[party_][toward_];
    return compared(name_ == Name::kMisperception ? pair.misperception : pair.final_belief);
  }
  // Over all sides: the worst peak, belief and return, whether either took a rung; the sum of
  // everything counted.
  const bool take_max = name_ == Name::kPeak || name_ == Name::kBackToNormalDay ||
                        name_ == Name::kFinalBelief || name_ == Name::kTook;
  double value = 0;
  for (std::size_t i = 0; i < outcomes.sides.size(); ++i) {
    if (party_ >= 0 && static_cast<int>(i) != party_) continue;
    const double v = side_value(outcomes, outcomes.sides[i]);
    value = take_max ? std::max(value, v) : value + v;
  }
  return compared(value);
}

double Metric::compared(double value) const {
  switch (comparison_) {
    case Comparison::kAtLeast:
      return value >= threshold_ ? 1.0 : 0.0;
    case Comparison::kAtMost:
      return value <= threshold_ ? 1.0 : 0.0;
    case Comparison::kEquals:
    case Comparison::kNone:
      break;
  }
  return value;
}

}  // namespace hotline::model
