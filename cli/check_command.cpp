#include <iostream>

#include "cli/commands.h"
#include "scenario/expectations.h"

namespace hotline::cli {

void add_check_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::uint64_t seed = 1;
    int threads = 0;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("check", "Check the expectations (teaching points) of scenarios");
  command->add_option("files", options->files, "Scenario files or case names")->required();
  command->add_option("--seed", options->seed, "Base seed of the runs")->capture_default_str();
  command->add_option("--threads", options->threads, "Threads (0: every core)")
      ->capture_default_str();
  command->callback([options] {
    int failed = 0;
    for (const auto& name : options->files) {
      const auto file = scenario::read_scenario_file(scenario::resolve_scenario_path(name));
      scenario::compile_scenario(file.spec, file);  // report file problems before running
      for (const auto& result :
           scenario::check_expectations(file, options->seed, options->threads)) {
        std::cout << (result.passed ? "pass  " : "FAIL  ") << file.path << ": " << result.says
                  << "\n      " << result.measured << "\n";
        failed += result.passed ? 0 : 1;
      }
    }
    if (failed > 0) {
      std::cerr << failed << " expectation(s) failed\n";
      exit_status = 1;
    }
  });
}

}  // namespace hotline::cli
