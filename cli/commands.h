#pragma once
// Each subcommand of `hotline` registers itself on the top-level CLI11 app.

#include <CLI/CLI.hpp>

namespace hotline::cli {

// What `hotline` exits with once the chosen subcommand has run.
inline int exit_status = 0;

// The command line as typed ("hotline compare estonia-2007 --vary hotline=off,on"), so that a
// report can say how to make it again.
inline std::string command_line;

// Writes a report page and says where it is (on stderr: stdout may be a transcript or CSV).
void write_report(const std::string& path, const std::string& html);

// A count of runs: at least one (CLI11's own range check would print "0 to 1.79e308").
inline const CLI::Validator kAtLeastOneRun(
    [](const std::string& text) -> std::string {
      try {
        std::size_t used = 0;
        const long long value = std::stoll(text, &used);
        if (used == text.size() && value >= 1) return "";
      } catch (const std::exception&) {
      }
      return "must be a whole number of runs, at least 1 (got \"" + text + "\")";
    },
    "RUNS >= 1");

// A pace: model seconds per wall second, above zero.
inline const CLI::Validator kPositiveSpeed(
    [](const std::string& text) -> std::string {
      try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && value > 0) return "";
      } catch (const std::exception&) {
      }
      return "must be a positive number of model seconds per wall second (got \"" + text +
             "\"; 1 is real time)";
    },
    "SPEED > 0");

void add_certs_command(CLI::App& app);
void add_node_command(CLI::App& app);
void add_pair_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_sim_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_serve_command(CLI::App& app);

}  // namespace hotline::cli
