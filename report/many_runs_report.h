#pragma once
// The reports of many runs: `compare` (each metric's distribution per variant), `check` (each
// expectation, its verdict and what it measured) and `sweep` (a map of where each teaching point
// holds). Self-contained pages, as the run report is.

#include <string>
#include <vector>

#include "proto/scenario.pb.h"
#include "scenario/compare.h"
#include "scenario/expectations.h"
#include "scenario/sweep.h"

namespace hotline::report {

std::string compare_report(const spec::Scenario& spec, const std::string& command,
                           const std::vector<scenario::VariantResult>& results,
                           const std::vector<std::string>& metrics);

struct CheckedCase {
  std::string path;
  spec::Scenario spec;
  std::vector<scenario::ExpectationResult> results;
};
// `mode`: what was checked ("every expectation", "history", "null comparisons", ...).
std::string check_report(const std::vector<CheckedCase>& cases, const std::string& command,
                         const std::string& mode);

std::string sweep_report(const spec::Scenario& spec, const std::string& command,
                         const scenario::SweepResult& result);

}  // namespace hotline::report
