#include "node/event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace hotline::node {

EventLog::EventLog(const std::filesystem::path& path) : path_(path) {
  std::string last_line;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      last_line = line;
      const auto event = nlohmann::json::parse(line, nullptr, false);
      if (!event.is_object() || event.value("event", "") != "delivered") continue;
      auto& announced =
          announced_[event.value("from", std::string())][event.value("epoch", std::uint64_t{0})];
      announced = std::max(announced, event.value("seq", std::uint64_t{0}));
    }
  }
  // The log holds what the parties said: readable by the node's user alone, as its key is.
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw std::runtime_error("event log " + path.string() + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd_, &info) == 0 && (info.st_mode & 077) != 0 && ::fchmod(fd_, 0600) != 0) {
    throw std::runtime_error(
        "event log " + path.string() +
        ": readable by others, and cannot be made private: " + std::strerror(errno));
  }
  // getline cannot tell whether the file ended with a newline; the size can.
  const auto size = std::filesystem::file_size(path);
  if (size > 0) {
    char end = '\n';
    std::ifstream tail(path, std::ios::binary);
    tail.seekg(static_cast<std::streamoff>(size) - 1);
    tail.get(end);
    if (end != '\n') append("");
  }
}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

void EventLog::append(const std::string& line) {
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw std::runtime_error("event log " + path_.string() + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace hotline::node
