#pragma once
// Many seeded runs of a scenario under several variants, on all cores, summarised per metric
// with a 95% confidence interval. Every variant uses the same seeds (common random numbers), so
// differences between variants are not drowned in run-to-run noise.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/outcomes.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario {

struct Variant {
  std::string label;  // "hotline=on channel.primary.loss.p=0.2"
  std::vector<Setting> settings;
};

struct Summary {
  double mean = 0;
  double stddev = 0;
  double ci95 = 0;  // half-width of the 95% confidence interval of the mean
  int runs = 0;
  // The distribution, not only its mean: outcomes are often bimodal (no strike, or hundreds).
  double p10 = 0;
  double p50 = 0;
  double p90 = 0;
  // The distribution to draw: its quantiles at 0, 1/(n-1), ..., 1 (n = kDistributionPoints, or
  // the runs if fewer), so that its empirical CDF can be drawn at any number of runs.
  std::vector<double> quantiles;
  // For a metric that is a rung (peak): the share of runs peaking on each rung, NORMAL first.
  std::optional<std::array<double, model::kRungCount>> rung_shares;
};

constexpr int kDistributionPoints = 201;

// The q-quantile (0..1) of sorted values, interpolated linearly between order statistics.
double quantile(const std::vector<double>& sorted, double q);

struct VariantResult {
  Variant variant;
  std::vector<Summary> metrics;  // in the order asked for
};

struct CompareOptions {
  int runs = 100;
  std::uint64_t seed = 1;
  int threads = 0;            // 0: every core
  std::vector<Setting> base;  // applied before each variant's settings
  // Called now and then with (runs done, runs in all), from the calling thread.
  std::function<void(long long, long long)> progress;
};

// Every combination of the given variations: {hotline=on,off} x {loss=0,0.2} -> four variants.
// No variations gives one variant with no settings.
std::vector<Variant> combine_variations(const std::vector<std::vector<Setting>>& variations);

// Throws common::TextProtoError if a variant makes the scenario invalid.
std::vector<VariantResult> run_variants(const ScenarioFile& file,
                                        const std::vector<Variant>& variants,
                                        const std::vector<model::Metric>& metrics,
                                        const CompareOptions& options);

std::vector<std::string> default_compare_metrics();

}  // namespace hotline::scenario
