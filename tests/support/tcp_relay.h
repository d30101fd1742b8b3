#pragma once
// Test support: a TCP relay between a node and its peer's port, on its own thread, that a test
// can cut (close every connection and refuse new ones) and heal, as a cable cut would.

#include <asio.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <thread>

namespace hotline::testing {

class TcpRelay {
 public:
  explicit TcpRelay(std::uint16_t target_port);
  ~TcpRelay();

  std::uint16_t port() const { return port_; }
  // Closes every relayed connection and refuses new ones until heal().
  void cut();
  // Keeps connections open but drops everything sent through them: a silent failure that only
  // heartbeats can detect. heal() ends it too.
  void stall();
  void heal();

 private:
  struct Link;
  void accept_next();

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  bool cut_ = false;
  std::shared_ptr<bool> stalled_ = std::make_shared<bool>(false);
  std::set<std::shared_ptr<Link>> links_;
  std::thread thread_;
};

}  // namespace hotline::testing
