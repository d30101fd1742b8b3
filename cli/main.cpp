#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "cli/version.h"
#include "common/text_proto.h"
#include "report/run_report.h"

namespace hotline::cli {

void write_report(const std::string& path, const std::string& html) {
  report::write_report_file(path, html);
  std::cerr << "report: " << path << " (" << html.size() / 1024 + 1
            << " KB; open it in any browser, or print it)\n";
}

}  // namespace hotline::cli

int main(int argc, char** argv) {
  // A closed stdout or a vanished child must surface as an error code, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"hotline: a simulator of the Moscow-Washington crisis hotline"};
  app.set_version_flag("--version", std::string("hotline ") + hotline::cli::kVersion + " (commit " +
                                        hotline::cli::kCommit + ")");
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
  hotline::cli::add_serve_command(app);
  hotline::cli::command_line = "hotline";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    hotline::cli::command_line +=
        " " + (word.find_first_of(" \"'") == std::string::npos ? word : "'" + word + "'");
  }
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
