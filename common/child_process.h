#pragma once
// A child process with pipes to its stdin and stdout, for `hotline pair`, `hotline run` and the
// integration tests that drive real node processes.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::common {

// Splits what arrives on a file descriptor into lines.
class LineReader {
 public:
  // A node's event line holds at most one message of at most 16 MiB, escaped as JSON: far
  // below this. A longer line is a runaway or hostile writer, not one to buffer.
  static constexpr std::size_t kDefaultMaxLineBytes = 128 * 1024 * 1024;

  explicit LineReader(int fd = -1, std::size_t max_line_bytes = kDefaultMaxLineBytes)
      : fd_(fd), max_line_bytes_(max_line_bytes) {}
  void reset(int fd) { fd_ = fd; }
  int fd() const { return fd_; }
  bool at_end() const { return at_end_; }

  // One read() of what is available; false once the other end has closed.
  bool fill();
  // The next whole line, if one is in. Throws std::length_error once more than max_line_bytes
  // have arrived without a newline.
  std::optional<std::string> pop_line();
  // Waits up to `timeout` for a complete line; nullopt on timeout or end of stream.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

 private:
  int fd_;
  std::size_t max_line_bytes_;
  bool at_end_ = false;
  std::string pending_;
};

class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;
    bool stderr_to_stdout = false;
    // Ask the kernel to SIGTERM the child if this process dies, so no node outlives its parent.
    bool die_with_parent = true;
  };

  explicit ChildProcess(const Options& options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  LineReader& output() { return output_; }

  // Writes all of `data` to the child's stdin; false if the child no longer reads it.
  bool write_input(std::string_view data);
  void close_input();
  void send_signal(int signal);

  // The exit status (128 + signal number if it was killed), or nullopt if still running after
  // `timeout`.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

 private:
  pid_t pid_ = -1;
  int input_fd_ = -1;
  LineReader output_;
  std::optional<int> status_;
};

// The path of the running executable, so a command can start more of itself.
std::string current_executable();

}  // namespace hotline::common
