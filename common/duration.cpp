#include "common/duration.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace hotline::common {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t microseconds;
};
// Longest names first so "ms" is not read as "m".
constexpr Unit kUnits[] = {{"ms", 1000},         {"us", 1},         {"d", 86'400'000'000},
                           {"h", 3'600'000'000}, {"m", 60'000'000}, {"s", 1'000'000}};

}  // namespace

std::chrono::microseconds parse_duration(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument("duration \"" + std::string(text) + "\": " + why +
                                 " (expected e.g. 90s, 2h30m, 250ms)");
  };
  if (text.empty()) throw fail("empty");
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t number_start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
      ++i;
    }
    if (i == number_start) throw fail("expected a number at position " + std::to_string(i + 1));
    const std::string number(text.substr(number_start, i - number_start));
    double value = 0;
    try {
      std::size_t used = 0;
      value = std::stod(number, &used);
      if (used != number.size()) throw std::invalid_argument(number);
    } catch (const std::exception&) {
      throw fail("\"" + number + "\" is not a number");
    }
    const Unit* unit = nullptr;
    for (const auto& candidate : kUnits) {
      if (text.substr(i, candidate.name.size()) == candidate.name) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) throw fail("expected a unit (d, h, m, s, ms, us) after " + number);
    i += unit->name.size();
    total += value * static_cast<double>(unit->microseconds);
  }
  if (total > 9.0e18) throw fail("too long");
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(total)));
}

std::string format_duration(std::chrono::microseconds duration) {
  std::int64_t left = duration.count();
  if (left == 0) return "0s";
  std::string text = left < 0 ? "-" : "";
  if (left < 0) left = -left;
  constexpr Unit kOrder[] = {{"d", 86'400'000'000}, {"h", 3'600'000'000}, {"m", 60'000'000},
                             {"s", 1'000'000},      {"ms", 1000},         {"us", 1}};
  for (const auto& unit : kOrder) {
    if (left >= unit.microseconds) {
      text += std::to_string(left / unit.microseconds) + std::string(unit.name);
      left %= unit.microseconds;
    }
  }
  return text;
}

}  // namespace hotline::common
