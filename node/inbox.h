#pragma once
// What this node has received from its peer: exactly-once, in-order delivery per peer epoch.

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

class Inbox {
 public:
  // `max_held` bounds the out-of-order buffer; `max_epochs` how many peer epochs are
  // remembered (a peer that restarts, or a stale connection, must not reset what was delivered).
  explicit Inbox(std::size_t max_held = 4096, std::size_t max_epochs = 16);

  struct Outcome {
    bool duplicate = false;
    // Envelopes that are now deliverable, in sequence order (the arrival and any held ones it
    // unblocked).
    std::vector<wire::Envelope> deliverable;
  };

  // Takes one reliable envelope. Throws ProtocolViolation if the out-of-order buffer is full.
  Outcome accept(wire::Envelope envelope);

  // Highest contiguous sequence number delivered of `epoch` (0 if none or unknown).
  std::uint64_t delivered(std::uint64_t epoch) const;

  // Recovery: `epoch` was delivered up to `seq` before a restart.
  void restore(std::uint64_t epoch, std::uint64_t seq);

 private:
  struct Stream {
    std::uint64_t delivered = 0;
    std::map<std::uint64_t, wire::Envelope> held;
  };
  Stream& stream_for(std::uint64_t epoch);

  std::size_t max_held_;
  std::size_t max_epochs_;
  std::map<std::uint64_t, Stream> streams_;
  std::deque<std::uint64_t> epoch_order_;
};

}  // namespace hotline::node
