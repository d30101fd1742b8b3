#pragma once
// What this node has sent and the peer has not yet acknowledged.

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

class Outbox {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    wire::Envelope envelope;  // seq and epoch set; ack, circuit and time are set per send
    Clock::time_point first_sent{};
    Clock::time_point last_sent{};
    bool sent = false;
  };

  struct Acknowledged {
    std::uint64_t seq;
    Clock::time_point first_sent;
    wire::Envelope::PayloadCase payload;
  };

  explicit Outbox(std::uint64_t epoch) : epoch_(epoch) {}

  // Rebuilds an outbox from a journal: numbering continues after `last_seq`; `unacknowledged`
  // (in seq order, all above `acknowledged_seq`) count as sent before.
  Outbox(std::uint64_t epoch, std::uint64_t last_seq, std::uint64_t acknowledged_seq,
         std::vector<wire::Envelope> unacknowledged);

  std::uint64_t epoch() const { return epoch_; }
  std::uint64_t last_seq() const { return last_seq_; }
  std::uint64_t acknowledged_seq() const { return acknowledged_seq_; }
  bool empty() const { return pending_.empty(); }
  std::size_t size() const { return pending_.size(); }

  // Numbers `envelope` (next sequence number, this epoch) and keeps it until acknowledged.
  Entry& push(wire::Envelope envelope);

  // Everything up to and including `seq` has been delivered. Throws ProtocolViolation if `seq`
  // was never sent. Acknowledgements that do not advance are ignored.
  std::vector<Acknowledged> acknowledge(std::uint64_t seq);

  // An envelope to fill for the next push: one the peer has acknowledged, still holding the
  // memory of its parts, when there is one. Reusing them spares the allocation and the far
  // later free of every part of every message, a third of a busy sender's CPU.
  wire::Envelope recycled();

  // Unacknowledged entries in sequence order, for (re)transmission.
  std::deque<Entry>& pending() { return pending_; }
  const std::deque<Entry>& pending() const { return pending_; }

 private:
  std::uint64_t epoch_;
  std::uint64_t last_seq_ = 0;
  std::uint64_t acknowledged_seq_ = 0;
  std::deque<Entry> pending_;
  std::vector<wire::Envelope> spare_;
};

}  // namespace hotline::node
