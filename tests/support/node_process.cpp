#include "tests/support/node_process.h"

#include <cstdio>
#include <cstdlib>

#include <stdlib.h>

#include <asio.hpp>

#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include "common/certificates.h"

namespace hotline::testing {

std::string hotline_binary() {
  return HOTLINE_BINARY;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hotline-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  // HOTLINE_KEEP_TEST_FILES=1 leaves journals and logs behind for a post-mortem.
  if (std::getenv("HOTLINE_KEEP_TEST_FILES") != nullptr) {
    std::fprintf(stderr, "kept %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

NodeProcess::NodeProcess(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), hotline_binary());
  process_ = std::make_unique<common::ChildProcess>(common::ChildProcess::Options{arguments});
  reader_ = std::thread([this] { read_output(); });
}

NodeProcess::~NodeProcess() {
  process_->stop(std::chrono::seconds(2));
  process_->close_input();
  reader_.join();
}

void NodeProcess::read_output() {
  // Blocks in read(); ends when the child exits and its end of the pipe closes.
  while (auto line = process_->output().read_line(std::chrono::hours(1))) {
    auto event = nlohmann::json::parse(*line, nullptr, false);
    if (event.is_discarded()) event = nlohmann::json{{"event", "unparsed"}, {"line", *line}};
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  ended_ = true;
  changed_.notify_all();
}

std::string NodeProcess::recent() const {
  std::string text;
  const std::size_t from = events_.size() > 15 ? events_.size() - 15 : 0;
  for (std::size_t i = from; i < events_.size(); ++i) text += "\n  " + events_[i].dump();
  return text;
}

nlohmann::json NodeProcess::wait_for(const Predicate& predicate,
                                     std::chrono::milliseconds timeout) {
  return wait_for_count(predicate, 1, timeout).back();
}

std::vector<nlohmann::json> NodeProcess::wait_for_count(const Predicate& predicate,
                                                        std::size_t count,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<nlohmann::json> found;
  std::size_t index = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    for (; index < events_.size(); ++index) {
      if (predicate(events_[index])) found.push_back(events_[index]);
      if (found.size() == count) return found;
    }
    if (ended_ || changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (index < events_.size()) continue;
      throw std::runtime_error("expected " + std::to_string(count) + " matching events, saw " +
                               std::to_string(found.size()) +
                               (ended_ ? " before the node exited" : " in time") +
                               "; last events:" + recent());
    }
  }
}

void NodeProcess::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return ended_; });
}

std::vector<nlohmann::json> NodeProcess::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<nlohmann::json> NodeProcess::events_of(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  for (const auto& event : events_) {
    if (event.value("event", "") == kind) out.push_back(event);
  }
  return out;
}

std::size_t NodeProcess::count_of(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& event : events_) count += event.value("event", "") == kind;
  return count;
}

NodeProcess::Predicate is_event(const std::string& kind) {
  return [kind](const nlohmann::json& event) { return event.value("event", "") == kind; };
}

LinkedNodes::LinkedNodes(const std::vector<std::string>& extra_arguments) {
  common::write_exercise_pki(certs.path(), {});
  const auto arguments = [&](std::vector<std::string> base) {
    base.insert(base.end(), extra_arguments.begin(), extra_arguments.end());
    return base;
  };
  washington = std::make_unique<NodeProcess>(
      arguments({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                 certs.path().string(), "--json"}));
  address = listening_address(*washington);
  moscow =
      std::make_unique<NodeProcess>(arguments({"node", "--party", "moscow", "--connect", address,
                                               "--certs", certs.path().string(), "--json"}));
  washington->wait_for(is_event("link_up"));
  moscow->wait_for(is_event("link_up"));
}

std::uint16_t free_local_port() {
  // Below Linux's ephemeral range (32768-60999): a port the kernel handed out would be handed out
  // again, to another test's outgoing connection or port-0 listener, before the node bound it.
  constexpr std::uint16_t kFirst = 20000;
  constexpr std::uint16_t kLast = 32767;
  static std::mt19937 random(std::random_device{}());
  // Nothing holds a port between this call and the node's bind, so the same test asking twice
  // (a primary and a backup circuit) must not be given the same port.
  static std::set<std::uint16_t> given;
  static std::mutex given_mutex;
  std::lock_guard lock(given_mutex);
  std::uniform_int_distribution<std::uint16_t> pick(kFirst, kLast);
  asio::io_context io;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const std::uint16_t port = pick(random);
    if (given.count(port) != 0) continue;
    asio::ip::tcp::acceptor acceptor(io);
    std::error_code error;
    acceptor.open(asio::ip::tcp::v4(), error);
    acceptor.set_option(asio::socket_base::reuse_address(true), error);
    acceptor.bind({asio::ip::make_address("127.0.0.1"), port}, error);
    if (error) continue;
    given.insert(port);
    return port;
  }
  throw std::runtime_error("no free port on 127.0.0.1 between 20000 and 32767");
}

std::string listening_address(NodeProcess& node) {
  return node.wait_for(is_event("listening"))["address"].get<std::string>();
}

}  // namespace hotline::testing
