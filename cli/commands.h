#pragma once
// Each subcommand of `hotline` registers itself on the top-level CLI11 app.

#include <CLI/CLI.hpp>

namespace hotline::cli {

// What `hotline` exits with once the chosen subcommand has run.
inline int exit_status = 0;

void add_certs_command(CLI::App& app);
void add_node_command(CLI::App& app);
void add_pair_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_sim_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_run_command(CLI::App& app);

}  // namespace hotline::cli
