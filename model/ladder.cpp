#include "model/ladder.h"

#include <stdexcept>
#include <string>

namespace hotline::model {
namespace {

struct RungInfo {
  std::string_view name;
  std::string_view kahn;
};

constexpr std::array<RungInfo, kRungCount> kRungs{{
    {"NORMAL", "below 1"},
    {"INQUIRY", "2"},
    {"DEMARCHE", "2-3"},
    {"NAME_AND_SHAME", "3"},
    {"SANCTIONS", "7"},
    {"CYBER_RETALIATION", "8"},
    {"MILITARY_POSTURE", "5-6, 11"},
    {"ARMED_CONFLICT", "12 and above"},
}};

}  // namespace

std::string_view rung_name(Rung rung) {
  return kRungs[static_cast<int>(rung)].name;
}

std::string_view kahn_rungs(Rung rung) {
  return kRungs[static_cast<int>(rung)].kahn;
}

std::optional<Rung> parse_rung(std::string_view name) {
  for (int i = 0; i < kRungCount; ++i) {
    if (kRungs[i].name == name) return static_cast<Rung>(i);
  }
  return std::nullopt;
}

Rung rung_at(int index) {
  if (index < 0 || index >= kRungCount)
    throw std::out_of_range("rung " + std::to_string(index) + " is not on the ladder");
  return static_cast<Rung>(index);
}

}  // namespace hotline::model
