#pragma once
// A node's JSON event log in a file, appended to across restarts. Read back at start, it tells
// which deliveries were already announced, so that a node restarted from its journal
// announces each delivery exactly once even if it was killed between making a delivery durable
// and writing its line.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace hotline::node {

class EventLog {
 public:
  // Opens (creating) `path` and reads what it holds. A last line cut short by a crash is
  // ended with a newline so the next event starts on a line of its own.
  explicit EventLog(const std::filesystem::path& path);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Highest delivered seq announced per peer and peer epoch.
  using Announced = std::map<std::string, std::map<std::uint64_t, std::uint64_t>>;
  const Announced& announced() const { return announced_; }

  // Appends one line with a single write(), so a crash never leaves half of it behind a later
  // line.
  void append(const std::string& line);

 private:
  int fd_ = -1;
  std::filesystem::path path_;
  Announced announced_;
};

}  // namespace hotline::node
