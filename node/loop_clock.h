#pragma once
// The time of the current turn of a node's event loop, read once per turn.
//
// A node stamps, sends and reports hundreds of messages in one turn when traffic is heavy, and
// on a virtual machine every clock read costs some 30 ns (kvm-clock through the vDSO): five
// reads a message were a tenth of the sender's CPU. Like nginx, which updates its cached time
// once per loop iteration, a node reads both clocks the first time a turn asks and reuses them
// until the turn ends. Asio has no end-of-turn hook, so the first read posts the handler that
// forgets the cached time; it runs once the handlers already queued have run, so a cached time
// is at most one turn old.

#include <asio.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace hotline::node {

class LoopClock {
 public:
  struct Instant {
    std::chrono::steady_clock::time_point steady;
    std::chrono::system_clock::time_point wall;
  };

  explicit LoopClock(asio::io_context& io)
      : io_(io), cached_(std::make_shared<std::optional<Instant>>()) {}

  const Instant& now() { return *cached_ ? **cached_ : read(); }

 private:
  const Instant& read() {
    cached_->emplace(Instant{std::chrono::steady_clock::now(), std::chrono::system_clock::now()});
    // Shares the cache with the handler, so a handler left behind by a destroyed node is
    // harmless.
    asio::post(io_, [cached = cached_] { cached->reset(); });
    return **cached_;
  }

  asio::io_context& io_;
  std::shared_ptr<std::optional<Instant>> cached_;
};

}  // namespace hotline::node
