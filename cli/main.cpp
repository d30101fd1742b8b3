#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "common/text_proto.h"

int main(int argc, char** argv) {
  // A closed stdout or a vanished child must surface as an error code, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"hotline: a simulator of the Moscow-Washington crisis hotline"};
  app.require_subcommand(1);
  hotline::cli::add_certs_command(app);
  hotline::cli::add_node_command(app);
  hotline::cli::add_pair_command(app);
  hotline::cli::add_validate_command(app);
  hotline::cli::add_sim_command(app);
  hotline::cli::add_compare_command(app);
  hotline::cli::add_check_command(app);
  hotline::cli::add_sweep_command(app);
  hotline::cli::add_run_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const hotline::common::TextProtoError& error) {
    for (const auto& problem : error.errors()) std::cerr << problem.to_string() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "hotline: " << error.what() << "\n";
    return 2;
  }
  return hotline::cli::exit_status;
}
