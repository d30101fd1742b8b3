#pragma once
// Test support: real `hotline` processes, their JSON event streams, and scratch directories.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/child_process.h"

namespace hotline::testing {

// The `hotline` binary under test (set by CMake).
std::string hotline_binary();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A `hotline node --json` child; every event it prints is kept in order. Its output is read
// on a thread of its own, so a test waiting on one node never stalls another on a full pipe.
class NodeProcess {
 public:
  using Predicate = std::function<bool(const nlohmann::json&)>;

  explicit NodeProcess(std::vector<std::string> arguments);
  ~NodeProcess();

  // Reads events until one matches (checking those already read first); returns it, or
  // throws std::runtime_error with the recent events if `timeout` passes or output ends.
  nlohmann::json wait_for(const Predicate& predicate,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Reads until `count` events match; returns them all.
  std::vector<nlohmann::json> wait_for_count(const Predicate& predicate, std::size_t count,
                                             std::chrono::milliseconds timeout);
  // Waits until the process has closed its output (it exited), or `timeout` passes.
  void drain(std::chrono::milliseconds timeout);

  std::vector<nlohmann::json> events_of(const std::string& kind) const;
  std::size_t count_of(const std::string& kind) const;
  std::vector<nlohmann::json> events() const;
  common::ChildProcess& process() { return *process_; }
  void send_line(const std::string& line) { process_->write_input(line + "\n"); }

 private:
  void read_output();
  std::string recent() const;  // caller holds mutex_

  std::unique_ptr<common::ChildProcess> process_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<nlohmann::json> events_;
  bool ended_ = false;
  std::thread reader_;
};

NodeProcess::Predicate is_event(const std::string& kind);

// A TCP port on 127.0.0.1 that was free a moment ago, for a node that must listen on the same
// port again after a restart. Taken outside the kernel's ephemeral range, so that no other
// test's connection can be given it before the node binds it; a node that listens only once
// should listen on port 0 and announce its port instead.
std::uint16_t free_local_port();

// A washington node listening on 127.0.0.1 and a moscow node dialling it, with fresh exercise
// certificates, both with --json; the constructor returns once both links are up.
struct LinkedNodes {
  explicit LinkedNodes(const std::vector<std::string>& extra_arguments = {});
  TempDir certs;
  std::string address;
  std::unique_ptr<NodeProcess> washington;
  std::unique_ptr<NodeProcess> moscow;
};

// The listening address a node announced.
std::string listening_address(NodeProcess& node);

}  // namespace hotline::testing
