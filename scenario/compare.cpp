#include "scenario/compare.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "model/simulation.h"

namespace hotline::scenario {

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

std::vector<std::string> default_compare_metrics() {
  return {"peak >= NAME_AND_SHAME", "peak >= SANCTIONS", "peak",   "misperception",
          "inadvertent_climbs",     "days_above_normal", "damage", "strikes",
          "messages_sent"};
}

std::vector<Variant> combine_variations(const std::vector<std::vector<Setting>>& variations) {
  std::vector<Variant> variants{Variant{}};
  for (const auto& variation : variations) {
    std::vector<Variant> next;
    for (const auto& variant : variants) {
      for (const auto& setting : variation) {
        Variant extended = variant;
        extended.settings.push_back(setting);
        extended.label += (extended.label.empty() ? "" : " ") + setting.text();
        next.push_back(extended);
      }
    }
    variants = std::move(next);
  }
  if (variants.size() == 1 && variants[0].label.empty()) variants[0].label = "as written";
  return variants;
}

std::vector<VariantResult> run_variants(const ScenarioFile& file,
                                        const std::vector<Variant>& variants,
                                        const std::vector<model::Metric>& metrics,
                                        const CompareOptions& options) {
  std::vector<model::Scenario> scenarios;
  for (const auto& variant : variants) {
    std::vector<Setting> settings = options.base;
    settings.insert(settings.end(), variant.settings.begin(), variant.settings.end());
    scenarios.push_back(load_scenario(file, settings));
  }
  const long long runs = std::max(1, options.runs);
  const long long total = runs * static_cast<long long>(variants.size());
  const std::size_t width = metrics.size();
  // Every value is kept and reduced in run order, so the result does not depend on how the
  // runs were spread over threads.
  std::vector<double> values(static_cast<std::size_t>(total) * width);
  std::atomic<long long> next{0};
  std::atomic<long long> done{0};
  auto worker = [&] {
    for (long long job = next++; job < total; job = next++) {
      const long long variant = job / runs;
      const long long run = job % runs;
      const model::Outcomes outcomes = model::simulate(
          scenarios[variant], model::Rng::derive(options.seed, static_cast<std::uint64_t>(run)));
      for (std::size_t m = 0; m < width; ++m)
        values[job * width + m] = metrics[m].evaluate(outcomes);
      ++done;
    }
  };
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(total)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (options.progress) {
    // The calling thread reports progress and leaves the work to the pool, unless alone.
    if (pool.empty()) {
      worker();
    } else {
      while (done < total) {
        options.progress(done, total);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (next >= total) break;
      }
      worker();
    }
  } else {
    worker();
  }
  for (auto& thread : pool) thread.join();
  if (options.progress) options.progress(total, total);

  std::vector<VariantResult> results;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    VariantResult result{variants[v], {}};
    for (std::size_t m = 0; m < width; ++m) {
      double sum = 0;
      for (long long r = 0; r < runs; ++r) sum += values[(v * runs + r) * width + m];
      const double mean = sum / static_cast<double>(runs);
      double squares = 0;
      for (long long r = 0; r < runs; ++r) {
        const double d = values[(v * runs + r) * width + m] - mean;
        squares += d * d;
      }
      Summary summary;
      summary.runs = static_cast<int>(runs);
      summary.mean = mean;
      summary.stddev = runs > 1 ? std::sqrt(squares / static_cast<double>(runs - 1)) : 0;
      summary.ci95 = 1.96 * summary.stddev / std::sqrt(static_cast<double>(runs));
      std::vector<double> sorted(static_cast<std::size_t>(runs));
      for (long long r = 0; r < runs; ++r) sorted[r] = values[(v * runs + r) * width + m];
      std::sort(sorted.begin(), sorted.end());
      summary.p10 = quantile(sorted, 0.1);
      summary.p50 = quantile(sorted, 0.5);
      summary.p90 = quantile(sorted, 0.9);
      const int points = static_cast<int>(std::min<long long>(runs, kDistributionPoints));
      for (int i = 0; i < points; ++i)
        summary.quantiles.push_back(quantile(sorted, points > 1 ? i / (points - 1.0) : 0.5));
      if (metrics[m].is_rung()) {
        std::array<double, model::kRungCount> shares{};
        for (const double value : sorted) shares[static_cast<std::size_t>(value)] += 1.0 / runs;
        summary.rung_shares = shares;
      }
      result.metrics.push_back(summary);
    }
    results.push_back(result);
  }
  return results;
}

}  // namespace hotline::scenario
