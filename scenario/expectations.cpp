#include "scenario/expectations.h"

#include <cstdio>

#include "scenario/compare.h"

namespace hotline::scenario {
namespace {

constexpr int kDefaultRuns = 200;

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

}  // namespace

std::vector<ExpectationResult> check_expectations(const ScenarioFile& file, std::uint64_t seed,
                                                  int threads) {
  std::vector<ExpectationResult> results;
  for (const spec::Expect& expect : file.spec.expect()) {
    ExpectationResult result;
    result.says = expect.says().empty() ? expect.metric() : expect.says();
    const model::Metric metric = model::Metric::parse(expect.metric(), party_ids(file.spec));
    CompareOptions options;
    options.runs = expect.runs() > 0 ? static_cast<int>(expect.runs()) : kDefaultRuns;
    options.seed = seed;
    options.threads = threads;
    for (const auto& text : expect.with()) options.base.push_back(parse_setting(text));
    std::vector<Variant> variants;
    if (expect.compare().empty()) {
      variants.push_back({label(options.base), {}});
    } else {
      const auto [a, b] = parse_comparison(expect.compare());
      variants.push_back({label(a), a});
      variants.push_back({label(b), b});
    }
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
    result.passed = passed;
    result.measured = text;
    results.push_back(result);
  }
  return results;
}

}  // namespace hotline::scenario
