#pragma once
// The escalation ladder, with each rung's place on Kahn's 44-rung ladder (On Escalation, 1965;
// see docs/model.md and CASES.md 4.2).

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::model {

enum class Rung : int {
  kNormal = 0,
  kInquiry,
  kDemarche,
  kNameAndShame,
  kSanctions,
  kCyberRetaliation,
  kMilitaryPosture,
  kArmedConflict,
};

constexpr int kRungCount = 8;

// "NORMAL", "INQUIRY", "DEMARCHE", "NAME_AND_SHAME", "SANCTIONS", "CYBER_RETALIATION",
// "MILITARY_POSTURE", "ARMED_CONFLICT".
std::string_view rung_name(Rung rung);
std::optional<Rung> parse_rung(std::string_view name);
// The rung with this index; throws std::out_of_range for any other number (input from a pipe).
Rung rung_at(int index);
// The Kahn rungs this rung corresponds to, e.g. "2-3".
std::string_view kahn_rungs(Rung rung);
// Above Kahn's "don't rock the boat" threshold: the move coerces rather than talks.
inline bool is_coercive(Rung rung) {
  return rung >= Rung::kSanctions;
}
// Seen by the other side (talk in private is not; a public accusation is).
inline bool is_visible(Rung rung) {
  return rung >= Rung::kNameAndShame;
}

}  // namespace hotline::model
