#include <iostream>

#include "cli/commands.h"
#include "report/run_report.h"
#include "runner/live_run.h"
#include "scenario/scenario_loader.h"

namespace hotline::cli {

void add_run_command(CLI::App& app) {
  struct Options {
    runner::LiveRunOptions run;
    std::vector<std::string> settings;
    std::string certs;
    bool no_restart = false;
    std::string html;
    double decision_seconds = 120;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "run",
      "Replay a case through two real node processes over mutual TLS, each playing its party");
  command->add_option("file", options->run.scenario, "Scenario file or case name (estonia-2007)")
      ->required();
  command
      ->add_option("--seed", options->run.seed, "Seed of the run; the same as `hotline sim --seed`")
      ->capture_default_str();
  command->add_option("--set", options->settings, "Change a field, as for `hotline sim`");
  command
      ->add_option("--speed", options->run.speed,
                   "Model seconds per wall second (1: real time; default: the whole case in "
                   "about 15 s)")
      ->check(kPositiveSpeed);
  command->add_option("--certs", options->certs, "Use the certificates in this directory");
  command->add_option(
      "--human", options->run.human,
      "A person plays this party: its observations show as they happen and typed "
      "commands decide (/ask, /answer, /explain, /climb, /down, /strike, /warn, /reassure, "
      "/refrain, /noted, /believe, /pass; /help lists them; other lines are sent as text)");
  command->add_flag("--reveal", options->run.reveal,
                    "With --human: show the whole run (the other side's mind, who really did "
                    "what), not only what the person's party can see");
  command
      ->add_option("--decision-time", options->decision_seconds,
                   "With --human: seconds the clock waits for the person to answer a question "
                   "or heed a warning before the model decides for them")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  command->add_flag("--no-restart", options->no_restart,
                    "Stop the run if a node dies, instead of restarting it on its journal");
  command->add_flag("--json", options->run.json,
                    "One JSON record per line instead of the transcript");
  command->add_option("--html", options->html,
                      "Also write the after-action report of the run to this HTML file");
  command->footer(
      "The transcript is the same as `hotline sim`'s for the same seed, with the link's own\n"
      "events added; every exchange between the parties crosses the real link.");
  command->callback([options] {
    for (const auto& text : options->settings)
      options->run.settings.push_back(scenario::parse_setting(text));
    options->run.certs = options->certs;
    options->run.restart_nodes = !options->no_restart;
    options->run.decision_time =
        std::chrono::milliseconds(static_cast<long long>(options->decision_seconds * 1000));
    model::RecordCollector collected;
    if (!options->html.empty()) options->run.copy = &collected;
    exit_status = runner::run_live(options->run, std::cout, std::cerr);
    if (!options->html.empty() && exit_status == 0) {
      // The case as the run played it: the same file and settings the referee loaded.
      const auto file =
          scenario::read_scenario_file(scenario::resolve_scenario_path(options->run.scenario));
      const model::Scenario compiled = scenario::load_scenario(file, options->run.settings);
      const std::string seen_by = options->run.reveal ? "" : options->run.human;
      write_report(options->html, report::run_report({file.spec, compiled, collected.records,
                                                      command_line, seen_by}));
    }
  });
}

}  // namespace hotline::cli
