#include <iostream>

#include "cli/commands.h"
#include "report/many_runs_report.h"
#include "scenario/expectations.h"

namespace hotline::cli {

void add_check_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::uint64_t seed = 1;
    int threads = 0;
    bool history = false;
    bool null = false;
    bool robust = false;
    std::string html;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "check",
      "Check the expectations of scenarios: what history records, and the teaching points");
  command->add_option("files", options->files, "Scenario files or case names")->required();
  command->add_option("--seed", options->seed, "Base seed of the runs")->capture_default_str();
  command->add_option("--threads", options->threads, "Threads (0: every core)")
      ->capture_default_str();
  auto* history = command->add_flag(
      "--history", options->history,
      "Only the recorded outcomes: each case as it happened must reproduce what history records");
  command
      ->add_flag("--null", options->null,
                 "Run every comparison with both of its sides set the same; each must fail, or "
                 "it does not depend on what it compares")
      ->excludes(history);
  command
      ->add_flag("--robust", options->robust,
                 "Check each expectation that states its region (holds_for) at every corner of it")
      ->excludes(history)
      ->excludes("--null");
  command->add_option("--html", options->html,
                      "Also write a report page: each expectation's verdict and the distributions "
                      "it measured");
  command->callback([options] {
    const scenario::CheckMode mode = options->history  ? scenario::CheckMode::kHistory
                                     : options->null   ? scenario::CheckMode::kNull
                                     : options->robust ? scenario::CheckMode::kRobust
                                                       : scenario::CheckMode::kAll;
    int failed = 0;
    int checked = 0;
    std::vector<report::CheckedCase> checked_cases;
    for (const auto& name : options->files) {
      const auto file = scenario::read_scenario_file(scenario::resolve_scenario_path(name));
      scenario::compile_scenario(file.spec, file);  // report file problems before running
      checked_cases.push_back(
          {file.path, file.spec,
           scenario::check_expectations(file, options->seed, options->threads, mode)});
      for (const auto& result : checked_cases.back().results) {
        const char* verdict = result.passed ? "pass  " : "FAIL  ";
        if (mode == scenario::CheckMode::kNull)
          verdict = result.passed ? "fails " : "PASSES";  // as a null comparison must, or not
        std::cout << verdict << file.path << ": " << (result.history ? "[history] " : "")
                  << result.says << "\n      " << result.measured << "\n";
        ++checked;
        failed += result.passed ? 0 : 1;
      }
    }
    std::cout.flush();
    if (!options->html.empty()) {
      const char* what = options->history  ? "what history records"
                         : options->null   ? "every comparison with both sides the same (each "
                                             "must fail)"
                         : options->robust ? "every expectation at the corners of its region"
                                           : "every expectation as written";
      write_report(options->html, report::check_report(checked_cases, command_line, what));
    }
    if (failed > 0) {
      std::cerr << failed << " of " << checked
                << (mode == scenario::CheckMode::kNull
                        ? " comparison(s) pass with both sides the same: they test nothing\n"
                        : " expectation(s) failed\n");
      exit_status = 1;
    } else {
      std::cerr << checked
                << (mode == scenario::CheckMode::kNull
                        ? " comparison(s), each failing with both sides the same, as it must\n"
                        : " expectation(s) hold\n");
    }
  });
}

}  // namespace hotline::cli
