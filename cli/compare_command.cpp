#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "report/many_runs_report.h"
#include "scenario/compare.h"

namespace hotline::cli {
namespace {

// One block per metric: each variant's mean with its 95% interval and its distribution
// (p10/p50/p90), and for a rung the share of runs that peaked on each rung.
void print_table(const std::vector<scenario::VariantResult>& results,
                 const std::vector<model::Metric>& metrics) {
  std::size_t label_width = 7;
  for (const auto& result : results)
    label_width = std::max(label_width, result.variant.label.size());
  const int width = static_cast<int>(label_width);
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    std::printf("%s%s\n", m == 0 ? "" : "\n", metrics[m].text().c_str());
    std::printf("  %-*s  %20s  %9s  %9s  %9s\n", width, "variant", "mean ± 95% CI", "p10", "p50",
                "p90");
    for (const auto& result : results) {
      const auto& summary = result.metrics[m];
      char mean[64];
      std::snprintf(mean, sizeof mean, "%.3f ± %.3f", summary.mean, summary.ci95);
      std::printf("  %-*s  %20s  %9.3g  %9.3g  %9.3g\n", width, result.variant.label.c_str(), mean,
                  summary.p10, summary.p50, summary.p90);
      if (summary.rung_shares) {
        std::string shares;
        for (int r = 0; r < model::kRungCount; ++r) {
          const double share = (*summary.rung_shares)[r];
          if (share <= 0) continue;
          char cell[64];
          std::snprintf(cell, sizeof cell, "%s %.0f%%",
                        std::string(model::rung_name(static_cast<model::Rung>(r))).c_str(),
                        100 * share);
          shares += (shares.empty() ? "" : ", ") + std::string(cell);
        }
        std::printf("  %-*s  peaks: %s\n", width, "", shares.c_str());
      }
    }
  }
  std::printf("(%d runs per variant, the same seeds in each)\n", results.empty() ? 0
                                                                 : results[0].metrics.empty()
                                                                     ? 0
                                                                     : results[0].metrics[0].runs);
}

void print_csv(const std::vector<scenario::VariantResult>& results,
               const std::vector<model::Metric>& metrics) {
  std::printf("variant,metric,runs,mean,stddev,ci95,p10,p50,p90");
  for (int r = 0; r < model::kRungCount; ++r)
    std::printf(",share_%s", std::string(model::rung_name(static_cast<model::Rung>(r))).c_str());
  std::printf("\n");
  for (const auto& result : results) {
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      const auto& s = result.metrics[m];
      std::printf("\"%s\",\"%s\",%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", result.variant.label.c_str(),
                  metrics[m].text().c_str(), s.runs, s.mean, s.stddev, s.ci95, s.p10, s.p50, s.p90);
      for (int r = 0; r < model::kRungCount; ++r) {
        if (s.rung_shares) {
          std::printf(",%.6g", (*s.rung_shares)[r]);
        } else {
          std::printf(",");
        }
      }
      std::printf("\n");
    }
  }
}

}  // namespace

void add_compare_command(CLI::App& app) {
  struct Options {
    std::string file;
    int runs = 200;
    std::uint64_t seed = 1;
    int threads = 0;
    std::vector<std::string> vary;
    std::vector<std::string> settings;
    std::vector<std::string> metrics;
    bool csv = false;
    std::string html;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("compare", "Run a scenario many times per variant and tabulate outcomes");
  command->add_option("file", options->file, "Scenario file or case name")->required();
  command->add_option("--runs", options->runs, "Runs per variant")
      ->check(kAtLeastOneRun)
      ->capture_default_str();
  command
      ->add_option("--seed", options->seed, "Base seed; run i uses the same seed in every variant")
      ->capture_default_str();
  command->add_option("--threads", options->threads, "Threads (0: every core)")
      ->capture_default_str();
  command->add_option("--vary", options->vary,
                      "A setting and its values: hotline=on,off (repeat to combine)");
  command->add_option("--set", options->settings, "A setting for every variant");
  command->add_option("--metric", options->metrics,
                      "A metric to tabulate (default: a standard set)");
  command->add_flag("--csv", options->csv, "Comma-separated values instead of a table");
  command->add_option("--html", options->html,
                      "Also write a report page: each metric's distribution per variant, the "
                      "means with their 95% intervals, the peak-rung shares");
  command->callback([options] {
    const auto file = scenario::read_scenario_file(scenario::resolve_scenario_path(options->file));
    std::vector<std::vector<scenario::Setting>> variations;
    for (const auto& text : options->vary) variations.push_back(scenario::parse_variation(text));
    std::vector<std::string> ids;
    for (const auto& party : file.spec.party()) ids.push_back(party.id());
    std::vector<model::Metric> metrics;
    for (const auto& text :
         options->metrics.empty() ? scenario::default_compare_metrics() : options->metrics) {
      metrics.push_back(model::Metric::parse(text, ids));
    }
    scenario::CompareOptions compare;
    compare.runs = options->runs;
    compare.seed = options->seed;
    compare.threads = options->threads;
    for (const auto& text : options->settings)
      compare.base.push_back(scenario::parse_setting(text));
    if (isatty(STDERR_FILENO)) {
      // Runs done, their rate and the time left, on a terminal only.
      const auto started = std::chrono::steady_clock::now();
      compare.progress = [started](long long done, long long total) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
        std::fprintf(stderr, "\r\033[K%lld/%lld runs, %.0f/s, %.0f s left", done, total, rate,
                     rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
        if (done == total) std::fprintf(stderr, "\r\033[K");
      };
    }
    const auto results =
        scenario::run_variants(file, scenario::combine_variations(variations), metrics, compare);
    if (options->csv) {
      print_csv(results, metrics);
    } else {
      print_table(results, metrics);
    }
    if (!options->html.empty()) {
      std::vector<std::string> names;
      for (const auto& metric : metrics) names.push_back(metric.text());
      std::fflush(stdout);
      write_report(options->html, report::compare_report(file.spec, command_line, results, names));
    }
  });
}

}  // namespace hotline::cli
