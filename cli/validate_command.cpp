#include <iostream>

#include "cli/commands.h"
#include "scenario/scenario_loader.h"

namespace hotline::cli {

void add_validate_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand("validate", "Check scenario files and list every problem");
  command->add_option("files", *files, "Scenario files or case names")->required();
  command->callback([files] {
    int bad = 0;
    for (const auto& name : *files) {
      const auto path = scenario::resolve_scenario_path(name);
      try {
        const auto file = scenario::read_scenario_file(path);
        scenario::compile_scenario(file.spec, file);
        std::cout << path.string() << ": ok\n";
      } catch (const common::TextProtoError& error) {
        ++bad;
        for (const auto& problem : error.errors()) std::cerr << problem.to_string() << "\n";
      }
    }
    if (bad > 0) {
      std::cerr << bad << " of " << files->size() << " file(s) have problems\n";
      exit_status = 1;
    }
  });
}

}  // namespace hotline::cli
