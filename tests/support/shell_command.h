#pragma once
// Test support: a command line run through the shell, as a user types it, with its exit status
// and everything it printed (stdout and stderr together).

#include <string>

namespace hotline::testing {

struct CommandResult {
  int status = -1;  // the exit status; -1 if it did not exit normally
  std::string output;
};

CommandResult run_shell(const std::string& command);

}  // namespace hotline::testing
