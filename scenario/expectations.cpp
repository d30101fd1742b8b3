#include "scenario/expectations.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "scenario/compare.h"

namespace hotline::scenario {

SettingRange parse_setting_range(std::string_view text) {
  const Setting setting = parse_setting(text);
  const auto colon = setting.value.find(':');
  SettingRange range;
  range.key = setting.key;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no colon");
    std::size_t used = 0;
    const std::string low = setting.value.substr(0, colon);
    const std::string high = setting.value.substr(colon + 1);
    range.low = std::stod(low, &used);
    if (used != low.size()) throw std::invalid_argument("trailing text");
    range.high = std::stod(high, &used);
    if (used != high.size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw std::invalid_argument("\"" + std::string(text) +
                                "\": expected a setting and a range, e.g. "
                                "\"party.tallinn.trust=0.15:0.6\"");
  }
  if (range.low > range.high)
    throw std::invalid_argument("\"" + std::string(text) +
                                "\": the range's low end is above its high end");
  return range;
}

namespace {

constexpr int kDefaultRuns = 200;
// With common random numbers a variant against itself differs by exactly zero in any number of
// runs, so the null check needs few.
constexpr int kNullRuns = 20;

std::vector<std::string> party_ids(const spec::Scenario& spec) {
  std::vector<std::string> ids;
  for (const auto& party : spec.party()) ids.push_back(party.id());
  return ids;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

std::string label(const std::vector<Setting>& settings) {
  std::string text;
  for (const auto& setting : settings) text += (text.empty() ? "" : " ") + setting.text();
  return text.empty() ? "as written" : text;
}

struct Measured {
  bool passed = false;
  double value = 0;  // what the bound is compared with: the mean, or the difference of means
  std::string text;
  std::string metric;
  std::vector<VariantResult> variants;
};

// Runs the variants an expectation names and judges the result against its bounds.
Measured measure(const ScenarioFile& file, const spec::Expect& expect,
                 const std::vector<Variant>& variants, const CompareOptions& options) {
  const model::Metric metric = model::Metric::parse(expect.metric(), party_ids(file.spec));
  const auto measured = run_variants(file, variants, {metric}, options);
  std::string text = metric.text() + ":";
  for (std::size_t v = 0; v < measured.size(); ++v) {
    text += std::string(v == 0 ? " " : "; ") + measured[v].variant.label + " " +
            number(measured[v].metrics[0].mean) + " ± " + number(measured[v].metrics[0].ci95);
  }
  bool passed = true;
  double value = measured[0].metrics[0].mean;
  if (measured.size() == 2) {
    const double difference = measured[0].metrics[0].mean - measured[1].metrics[0].mean;
    value = difference;
    text += "; difference " + number(difference);
    if (expect.has_lower_by_at_least()) {
      passed = passed && -difference >= expect.lower_by_at_least();
      text += ", needed lower by at least " + number(expect.lower_by_at_least());
    }
    if (expect.has_higher_by_at_least()) {
      passed = passed && difference >= expect.higher_by_at_least();
      text += ", needed higher by at least " + number(expect.higher_by_at_least());
    }
  }
  if (expect.has_at_most()) {
    passed = passed && value <= expect.at_most();
    text += ", needed at most " + number(expect.at_most());
  }
  if (expect.has_at_least()) {
    passed = passed && value >= expect.at_least();
    text += ", needed at least " + number(expect.at_least());
  }
  text += " (" + std::to_string(options.runs) + " runs each)";
  return {passed, value, text, metric.text(), measured};
}

// Every corner of the region: two ranges give four sets of settings.
std::vector<std::vector<Setting>> corners(const spec::Expect& expect) {
  std::vector<std::vector<Setting>> result{{}};
  for (const auto& text : expect.holds_for()) {
    const SettingRange range = parse_setting_range(text);
    std::vector<std::vector<Setting>> next;
    for (const auto& corner : result) {
      for (const double end : {range.low, range.high}) {
        auto extended = corner;
        extended.push_back({range.key, setting_value(end)});
        next.push_back(std::move(extended));
      }
    }
    result = std::move(next);
  }
  return result;
}

// How an expectation's runs are made: its runs (unless the check sets them), its `with`
// settings, then `at` (a sweep's point, a region's corner).
CompareOptions options_for(const spec::Expect& expect, const std::vector<Setting>& at,
                           const CheckOptions& check) {
  CompareOptions options;
  options.runs = check.runs > 0      ? check.runs
                 : expect.runs() > 0 ? static_cast<int>(expect.runs())
                                     : kDefaultRuns;
  options.seed = check.seed;
  options.threads = check.threads;
  for (const auto& text : expect.with()) options.base.push_back(parse_setting(text));
  options.base.insert(options.base.end(), at.begin(), at.end());
  return options;
}

ExpectationResult described(const spec::Expect& expect) {
  ExpectationResult result;
  result.says = expect.says().empty() ? expect.metric() : expect.says();
  result.history = expect.history();
  return result;
}

}  // namespace

ExpectationResult check_expectation(const ScenarioFile& file, const spec::Expect& expect,
                                    const std::vector<Setting>& at, const CheckOptions& check) {
  const CompareOptions options = options_for(expect, at, check);
  std::vector<Variant> variants{{label(options.base), {}}};
  if (!expect.compare().empty()) {
    const auto [a, b] = parse_comparison(expect.compare());
    variants = {{label(a), a}, {label(b), b}};
  }
  const Measured m = measure(file, expect, variants, options);
  ExpectationResult result = described(expect);
  result.passed = m.passed;
  result.value = m.value;
  result.measured = m.text;
  result.metric = m.metric;
  result.variants = m.variants;
  return result;
}

std::vector<ExpectationResult> check_expectations(const ScenarioFile& file, std::uint64_t seed,
                                                  int threads, CheckMode mode) {
  CheckOptions check;
  check.seed = seed;
  check.threads = threads;
  std::vector<ExpectationResult> results;
  for (const spec::Expect& expect : file.spec.expect()) {
    if (mode == CheckMode::kHistory && !expect.history()) continue;
    if (mode == CheckMode::kNull && expect.compare().empty()) continue;
    if (mode == CheckMode::kRobust && expect.holds_for_size() == 0) continue;
    if (mode == CheckMode::kRobust) {
      // The expectation, as written, at each corner of its region: all must hold.
      ExpectationResult result = described(expect);
      result.passed = true;
      for (const auto& corner : corners(expect)) {
        const ExpectationResult at = check_expectation(file, expect, corner, check);
        result.passed = result.passed && at.passed;
        result.measured += std::string(result.measured.empty() ? "" : "\n      ") +
                           (at.passed ? "holds at " : "FAILS at ") + label(corner) + ": " +
                           at.measured;
        result.metric = at.metric;
        for (auto variant : at.variants) {
          variant.variant.label = label(corner) + ": " + variant.variant.label;
          result.variants.push_back(std::move(variant));
        }
      }
      results.push_back(result);
    } else if (mode == CheckMode::kNull) {
      ExpectationResult result;
      result.says = expect.says().empty() ? expect.metric() : expect.says();
      result.history = expect.history();
      CompareOptions options;
      options.runs =
          std::min(expect.runs() > 0 ? static_cast<int>(expect.runs()) : kDefaultRuns, kNullRuns);
      options.seed = seed;
      options.threads = threads;
      for (const auto& text : expect.with()) options.base.push_back(parse_setting(text));
      const auto [a, b] = parse_comparison(expect.compare());
      // Each side against itself: a difference that is not there must not pass.
      const Measured same_a = measure(file, expect, {{label(a), a}, {label(a), a}}, options);
      const Measured same_b = measure(file, expect, {{label(b), b}, {label(b), b}}, options);
      result.passed = !same_a.passed && !same_b.passed;
      result.measured =
          (same_a.passed ? "passes with both sides " : "fails with both sides ") + label(a) + "; " +
          (same_b.passed ? "passes with both sides " : "fails with both sides ") + label(b);
      results.push_back(result);
    } else {
      results.push_back(check_expectation(file, expect, {}, check));
    }
  }
  return results;
}

}  // namespace hotline::scenario
