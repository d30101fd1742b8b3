#include <iostream>

#include "cli/commands.h"
#include "model/simulation.h"
#include "report/run_report.h"
#include "runner/party_view.h"
#include "scenario/scenario_loader.h"
#include "scenario/transcript.h"

namespace hotline::cli {

void add_sim_command(CLI::App& app) {
  struct Options {
    std::string file;
    std::uint64_t seed = 1;
    std::vector<std::string> settings;
    bool json = false;
    bool quiet = false;
    std::string as;
    std::string html;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "sim", "Run a scenario in one process on simulated time and print its transcript");
  command->add_option("file", options->file, "Scenario file or case name (estonia-2007)")
      ->required();
  command->add_option("--seed", options->seed, "Seed of the run; same seed, same output")
      ->capture_default_str();
  command->add_option("--set", options->settings,
                      "Change a field: hotline=off, channel.primary.loss.p=0.2, ...");
  command->add_flag("--json", options->json, "One JSON record per line instead of the transcript");
  command->add_flag("--summary", options->quiet, "Only the outcome summary");
  command->add_option("--as", options->as,
                      "Show only what this party saw (its observations, its messages, its own "
                      "mind), as a team playing it would: not the other's mind or the truth");
  command->add_option("--html", options->html,
                      "Also write the after-action report of the run to this HTML file (one "
                      "self-contained page: open it in any browser, print it on A4)");
  command->callback([options] {
    const auto file = scenario::read_scenario_file(scenario::resolve_scenario_path(options->file));
    std::vector<scenario::Setting> settings;
    for (const auto& text : options->settings) settings.push_back(scenario::parse_setting(text));
    const model::Scenario compiled = scenario::load_scenario(file, settings);
    if (!options->as.empty()) {
      bool known = false;
      std::string ids;
      for (const auto& party : compiled.parties) {
        known = known || party.id == options->as;
        ids += (ids.empty() ? "" : ", ") + party.id;
      }
      if (!known) {
        throw CLI::ValidationError("--as", "\"" + options->as + "\" is not a party of " +
                                               compiled.name + " (its parties: " + ids + ")");
      }
    }
    scenario::TranscriptPrinter printer(std::cout, compiled, options->json);
    // The records go to the terminal (unless only the summary is asked for) and to the report.
    model::RecordCollector collected;
    model::RecordTee both(printer, collected);
    const bool print = !options->quiet || options->json;
    model::RecordSink* sink = nullptr;
    if (print) sink = options->html.empty() ? static_cast<model::RecordSink*>(&printer) : &both;
    if (!print && !options->html.empty()) sink = &collected;
    runner::PartyView party_view(options->as, sink ? *sink : printer);
    if (sink && !options->as.empty()) sink = &party_view;
    if (!options->json && !options->quiet) {
      std::cout << compiled.name << ": " << compiled.title << " (seed " << options->seed
                << (options->as.empty() ? "" : ", as " + options->as + " saw it") << ")\n";
    }
    const model::Outcomes outcomes = model::simulate(compiled, options->seed, sink);
    if (!options->json) scenario::print_outcome_summary(std::cout, compiled, outcomes);
    if (!options->html.empty()) {
      write_report(options->html, report::run_report({file.spec, compiled, collected.records,
                                                      command_line, options->as}));
    }
  });
}

}  // namespace hotline::cli
