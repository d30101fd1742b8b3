#pragma once
// What this node has received from its peer: exactly-once, in-order delivery per peer epoch.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

class Inbox {
 public:
  // `max_held` bounds the out-of-order buffer of an epoch; `max_epochs` how many peer epochs
  // may hold out-of-order messages at once (the oldest epoch's are dropped for a new one: they
  // were not acknowledged, so the peer sends them again). What was delivered is remembered for
  // every epoch, whatever their number: forgetting it would deliver twice.
  // `max_held_bytes` bounds the memory all held envelopes take together.
  explicit Inbox(std::size_t max_held = 4096, std::size_t max_epochs = 16,
                 std::size_t max_held_bytes = 16 * 1024 * 1024);

  enum class Arrival {
    kDuplicate,    // delivered or held already
    kHeld,         // ahead of a gap: the inbox keeps a copy until the gap fills
    kDeliverable,  // next in order: deliver it, then what next_unblocked() gives
  };

  // Takes one reliable envelope; it is copied only if it must be held. Throws
  // ProtocolViolation if the out-of-order buffer is full, in count or in bytes.
  Arrival accept(const wire::Envelope& envelope);

  // After a deliverable arrival: the held envelopes of `epoch` that are now in order, one at a
  // time, in sequence order; nullopt when the next one has not arrived.
  std::optional<wire::Envelope> next_unblocked(std::uint64_t epoch);

  // Highest contiguous sequence number delivered of `epoch` (0 if none or unknown).
  std::uint64_t delivered(std::uint64_t epoch) const;

  // Recovery: `epoch` was delivered up to `seq` before a restart.
  void restore(std::uint64_t epoch, std::uint64_t seq);

  // The link is gone: what was held ahead of a gap is dropped (none of it was acknowledged, so
  // the peer sends it again), so that a peer that left costs no memory.
  void drop_held();
  std::size_t held_bytes() const { return held_bytes_; }

 private:
  using Held = std::map<std::uint64_t, wire::Envelope>;
  Held& held_for(std::uint64_t epoch);
  void forget(Held& held, Held::iterator at);

  std::size_t max_held_;
  std::size_t max_epochs_;
  std::size_t max_held_bytes_;
  std::size_t held_bytes_ = 0;
  std::map<std::uint64_t, std::uint64_t> delivered_;  // epoch -> highest contiguous seq
  std::map<std::uint64_t, Held> held_;
  std::deque<std::uint64_t> held_order_;  // epochs with a held buffer, oldest first
};

}  // namespace hotline::node
