#include "tests/support/process_tree.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace hotline::testing {

std::vector<pid_t> children_matching(pid_t parent, const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    char state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid != parent) continue;
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    for (auto& c : args) c = c == '\0' ? ' ' : c;
    if (args.find(needle) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

}  // namespace hotline::testing
