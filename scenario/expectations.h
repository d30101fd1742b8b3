#pragma once
// A scenario's teaching points, checked: each `expect` block runs the scenario the number of
// times it asks for and compares a metric's mean (or the difference between two variants).

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario_loader.h"

namespace hotline::scenario {

struct ExpectationResult {
  std::string says;
  bool passed = false;
  // What was measured, e.g. "P(peak >= SANCTIONS): hotline=on 0.12 ± 0.03, hotline=off 0.61 ±
  // 0.04; lower by 0.49, needed at least 0.2".
  std::string measured;
};

std::vector<ExpectationResult> check_expectations(const ScenarioFile& file, std::uint64_t seed,
                                                  int threads = 0);

}  // namespace hotline::scenario
