#pragma once
// Test support: finding a process's children by their command line (a run's node processes).

#include <sys/types.h>

#include <string>
#include <vector>

namespace hotline::testing {

// The children of `parent` whose command line (arguments joined by spaces) holds `needle`.
std::vector<pid_t> children_matching(pid_t parent, const std::string& needle);

}  // namespace hotline::testing
