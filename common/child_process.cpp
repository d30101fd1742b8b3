#include "common/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

namespace hotline::common {

bool LineReader::fill() {
  if (at_end_) return false;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n > 0) {
      pending_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    at_end_ = true;
    return false;
  }
}

std::optional<std::string> LineReader::pop_line() {
  const auto newline = pending_.find('\n');
  if (newline == std::string::npos) {
    // Each fill() adds at most 16 KiB before the caller pops, so this bounds the buffer.
    if (pending_.size() > max_line_bytes_) {
      pending_.clear();
      throw std::length_error("a line of more than " + std::to_string(max_line_bytes_) +
                              " bytes without a newline");
    }
    if (at_end_ && !pending_.empty()) return std::exchange(pending_, {});
    return std::nullopt;
  }
  std::string line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  return line;
}

std::optional<std::string> LineReader::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto line = pop_line()) return line;
    if (at_end_) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd descriptor{fd_, POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready > 0) fill();
  }
}

ChildProcess::ChildProcess(const Options& options) {
  if (options.argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> argv;
  for (const auto& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (options.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(127);
    }
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    if (options.stderr_to_stdout) ::dup2(from_child[1], STDERR_FILENO);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  input_fd_ = to_child[1];
  output_.reset(from_child[0]);
}

ChildProcess::~ChildProcess() {
  if (!status_) stop(std::chrono::milliseconds(500));
  close_input();
  if (output_.fd() >= 0) ::close(output_.fd());
}

bool ChildProcess::write_input(std::string_view data) {
  while (!data.empty()) {
    if (input_fd_ < 0) return false;
    const ssize_t n = ::write(input_fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void ChildProcess::close_input() {
  if (input_fd_ >= 0) ::close(input_fd_);
  input_fd_ = -1;
}

void ChildProcess::send_signal(int signal) {
  if (!status_ && pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int raw = 0;
    const pid_t done = ::waitpid(pid_, &raw, WNOHANG);
    if (done == pid_) {
      status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      return status_;
    }
    if (done < 0 && errno != EINTR) {
      status_ = -1;
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (status_) return *status_;
  send_signal(SIGTERM);
  if (auto status = wait_for(grace)) return *status;
  send_signal(SIGKILL);
  return wait_for(std::chrono::hours(1)).value_or(-1);
}

std::string current_executable() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw std::runtime_error("cannot find the running executable");
  return std::string(path, static_cast<std::size_t>(n));
}

}  // namespace hotline::common
