#include <iostream>

#include "classroom/serve.h"
#include "cli/commands.h"
#include "scenario/scenario_loader.h"

namespace hotline::cli {

void add_serve_command(CLI::App& app) {
  struct Options {
    classroom::ServeOptions serve;
    std::vector<std::string> settings;
    double decision_seconds = 120;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Play a case as a classroom exercise: each team plays its party from a browser, an "
      "instructor runs the clock");
  command->add_option("file", options->serve.scenario, "Scenario file or case name (cut-cable)")
      ->required();
  command
      ->add_option("--listen", options->serve.listen,
                   "Address and port of the web server; serving to a room's network is a "
                   "choice you make here (0.0.0.0:8080)")
      ->capture_default_str();
  command->add_option("--link-host", options->serve.link_host,
                      "Host and port the join links name, if not --listen's (laptop.local:8080)");
  command
      ->add_option("--seed", options->serve.seed,
                   "Seed of the run; the same as `hotline sim --seed`")
      ->capture_default_str();
  command->add_option("--set", options->settings, "Change a field, as for `hotline sim`");
  command
      ->add_option("--speed", options->serve.speed,
                   "Model seconds per wall second at the start (default: the whole case in "
                   "about ten minutes); the instructor may change it")
      ->check(kPositiveSpeed);
  command
      ->add_option("--decision-time", options->decision_seconds,
                   "Seconds the clock waits for a team to answer a question or heed a warning "
                   "before the model decides for it; the instructor may change it")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  command->add_option("--certs", options->serve.certs,
                      "Use the certificates in this directory for the nodes' link");
  command->add_flag("--tls", options->serve.tls,
                    "Serve HTTPS (and WSS) with a certificate made for this exercise; its "
                    "fingerprint is printed");
  command
      ->add_option("--tls-ca", options->serve.tls_ca_out,
                   "With --tls: write the certificate's CA here, to install in the room's "
                   "browsers")
      ->needs("--tls");
  command->add_flag("--json", options->serve.json,
                    "Say what happens (links, start, end) as JSON lines, for programs");
  command->footer(
      "Everything the parties say crosses the real mutual-TLS link between their two node\n"
      "processes, as in `hotline run`. The links carry secret tokens: each admits to one seat.");
  command->callback([options] {
    for (const auto& text : options->settings)
      options->serve.settings.push_back(scenario::parse_setting(text));
    options->serve.decision_time =
        std::chrono::milliseconds(static_cast<long long>(options->decision_seconds * 1000));
    options->serve.command = command_line;
    exit_status = classroom::serve(options->serve, std::cout, std::cerr);
  });
}

}  // namespace hotline::cli
