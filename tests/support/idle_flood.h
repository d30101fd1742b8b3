#pragma once
// Test support: a crowd of idle TCP connections to a node, each reopened as soon as the node
// closes it (the review's slot-exhaustion reproduction).

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/endpoint.h"

namespace hotline::testing {

// Holds `count` idle connections to `address` open, reopening each the node closes.
class IdleFlood {
 public:
  IdleFlood(const std::string& address, int count);
  ~IdleFlood();
  IdleFlood(const IdleFlood&) = delete;
  IdleFlood& operator=(const IdleFlood&) = delete;
  int reopened() const { return reopened_; }

 private:
  int open() const;

  common::Endpoint endpoint_;
  std::vector<int> sockets_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> reopened_{0};
};

}  // namespace hotline::testing
