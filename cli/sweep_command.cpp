#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "report/many_runs_report.h"
#include "scenario/sweep.h"

namespace hotline::cli {
namespace {

// "2/8" -> shard 2 of 8 (counted from 0).
std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    const int index = std::stoi(text.substr(0, slash));
    const int count = std::stoi(text.substr(slash + 1));
    if (count < 1 || index < 0 || index >= count) throw std::invalid_argument("out of range");
    return {index, count};
  } catch (const std::exception&) {
    throw CLI::ValidationError("--shard",
                               "expected I/N with 0 <= I < N, e.g. 0/4; got \"" + text + "\"");
  }
}

// Points done, their rate and the time left, on a terminal only.
std::function<void(int, int)> terminal_progress() {
  if (!isatty(STDERR_FILENO)) return nullptr;
  const auto started = std::chrono::steady_clock::now();
  return [started](int done, int total) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    std::fprintf(stderr, "\r\033[K%d/%d points, %.1f/s, %.0f s left", done, total, rate,
                 rate > 0 ? (total - done) / rate : 0.0);
    if (done == total) std::fprintf(stderr, "\r\033[K");
  };
}

void print(const scenario::SweepResult& result, bool csv) {
  if (csv) {
    scenario::print_sweep_csv(std::cout, result);
  } else {
    scenario::print_sweep_table(std::cout, result);
  }
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  struct Options {
    std::string file;
    std::vector<std::string> parameters;
    int runs = 0;
    std::uint64_t seed = 1;
    int threads = 0;
    bool csv = false;
    std::string shard;
    std::string out;
    std::string merge_dir;
    std::string html;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Map where each expectation of a case holds over one or two parameters");
  command->add_option("file", options->file, "Scenario file or case name");
  command
      ->add_option("--param", options->parameters,
                   "A setting and its range: party.tallinn.trust=0.1:0.6:6 (once or twice)")
      ->expected(1, 2);
  command->add_option("--runs", options->runs, "Runs per variant (default: each expectation's)")
      ->check(kAtLeastOneRun);
  command->add_option("--seed", options->seed, "Base seed; run i uses a seed derived from it")
      ->capture_default_str();
  command->add_option("--threads", options->threads, "Threads (0: every core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  command->add_flag("--csv", options->csv, "Comma-separated values instead of maps");
  command->add_option("--html", options->html,
                      "Also write a report page with the map of where each expectation holds");
  command->add_option("--shard", options->shard,
                      "Run only shard I of N (I/N, from 0) and write it to --out");
  command->add_option("--out", options->out, "Directory for the shard's file");
  CLI::App* merge = command->add_subcommand(
      "merge", "Put the shards in a directory back together and print the maps");
  merge->add_option("dir", options->merge_dir, "Directory of shard files")->required();
  merge->add_flag("--csv", options->csv, "Comma-separated values instead of maps");
  merge->add_option("--html", options->html, "Also write a report page with the maps");
  merge->callback([options] {
    std::vector<scenario::SweepResult> shards;
    for (const auto& entry : std::filesystem::directory_iterator(options->merge_dir)) {
      if (entry.path().extension() != ".sweep") continue;
      std::ifstream in(entry.path());
      shards.push_back(scenario::read_sweep(in, entry.path().string()));
    }
    const auto merged = scenario::merge_sweeps(shards);
    print(merged, options->csv);
    if (!options->html.empty()) {
      // The case by its name, for its title and teaching point, if it can be found here.
      spec::Scenario spec;
      spec.set_name(merged.plan.scenario);
      try {
        spec = scenario::read_scenario_file(scenario::resolve_scenario_path(merged.plan.scenario))
                   .spec;
      } catch (const std::exception&) {
      }
      write_report(options->html, report::sweep_report(spec, command_line, merged));
    }
  });
  command->callback([merge, options] {
    if (merge->parsed()) return;
    if (options->file.empty()) throw CLI::RequiredError("file");
    if (options->parameters.empty()) throw CLI::RequiredError("--param");
    const auto file = scenario::read_scenario_file(scenario::resolve_scenario_path(options->file));
    scenario::compile_scenario(file.spec, file);  // report file problems before running
    scenario::SweepPlan plan;
    plan.scenario = file.spec.name();
    plan.digest = scenario::case_digest(file);
    plan.seed = options->seed;
    plan.runs = options->runs;
    for (const auto& text : options->parameters) {
      try {
        plan.parameters.push_back(scenario::parse_sweep_parameter(text));
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--param", e.what());
      }
    }
    int shard = 0;
    int shards = 1;
    if (!options->shard.empty()) {
      std::tie(shard, shards) = parse_shard(options->shard);
      if (options->out.empty()) throw CLI::RequiredError("--out (with --shard)");
      if (!options->html.empty())
        throw CLI::ValidationError("--html",
                                   "a shard holds part of the map: give --html to "
                                   "`hotline sweep merge` instead");
    }
    const auto result =
        scenario::run_sweep(file, plan, options->threads, shard, shards, terminal_progress());
    if (!options->out.empty()) {
      std::filesystem::create_directories(options->out);
      const auto path =
          std::filesystem::path(options->out) /
          ("shard-" + std::to_string(shard) + "-of-" + std::to_string(shards) + ".sweep");
      // Written aside and renamed, so that a shard file is whole or absent.
      const auto partial = std::filesystem::path(path.string() + ".partial");
      {
        std::ofstream out(partial);
        scenario::write_sweep(out, result);
        out.close();
        if (!out) throw std::runtime_error("cannot write " + partial.string());
      }
      std::filesystem::rename(partial, path);
      std::cerr << "wrote " << path.string() << "\n";
      return;
    }
    print(result, options->csv);
    if (!options->html.empty())
      write_report(options->html, report::sweep_report(file.spec, command_line, result));
  });
}

}  // namespace hotline::cli
