#pragma once
// A scenario's expectations, checked: each `expect` block runs the scenario the number of times
// it asks for and compares a metric's mean (or the difference between two variants) with its
// bound. History expectations state what the case, as it happened, must reproduce; teaching
// points compare variants. The null check runs each comparison with both of its sides set the
// same: an expectation that still passes then does not depend on what it claims to compare.

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/compare.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario {

enum class CheckMode {
  kAll,      // every expectation, as written
  kHistory,  // only the recorded outcomes (`history: true`)
  kNull,     // every comparison, with both sides set the same: each must fail
  kRobust,   // every expectation with a region (`holds_for`), at each corner of the region
};

// "party.tallinn.trust=0.15:0.6" -> the setting's key and its two ends. Throws
// std::invalid_argument naming what was expected.
struct SettingRange {
  std::string key;
  double low = 0;
  double high = 0;
};
SettingRange parse_setting_range(std::string_view text);

struct ExpectationResult {
  std::string says;
  bool history = false;
  // As written: whether the expectation held. In the null check: whether it failed, as it must.
  bool passed = false;
  // What the bound was compared with: the mean, or the difference of the two variants' means.
  double value = 0;
  // What was measured, e.g. "P(peak >= SANCTIONS): hotline=on 0.12 ± 0.03, hotline=off 0.61 ±
  // 0.04; lower by 0.49, needed at least 0.2".
  std::string measured;
  // The metric and each variant's distribution as measured (in a robust check, at every corner,
  // the corner's settings first in each label; in a null check, none).
  std::string metric;
  std::vector<VariantResult> variants;
};

struct CheckOptions {
  std::uint64_t seed = 1;
  int threads = 0;  // 0: every core
  int runs = 0;     // 0: as many as the expectation asks for
};

// One expectation, as written, with `at` applied on top of its own settings (a sweep's point, a
// region's corner).
ExpectationResult check_expectation(const ScenarioFile& file, const spec::Expect& expect,
                                    const std::vector<Setting>& at, const CheckOptions& options);

std::vector<ExpectationResult> check_expectations(const ScenarioFile& file, std::uint64_t seed,
                                                  int threads = 0,
                                                  CheckMode mode = CheckMode::kAll);

}  // namespace hotline::scenario
