#pragma once
// What a peer's Hello means for this node. The Hello names a floor (the peer's messages this
// node acknowledged, which the peer has dropped) and a resume point (what the peer delivered
// of this node's epoch); weighed against what this node knows, they say whether its delivery
// watermark must rise, whether its journal went back in time, and what the peer acknowledged
// that this node had not heard. Pure, so that it can be fuzzed; the node carries the plan out.
//
// An authenticated peer is believed about what it delivered: that is how a node learns that
// its journal went back in time. Anyone holding the peer's key could therefore make the node
// count messages as delivered; the key, not this plan, guards against that.

#include <cstdint>

#include "proto/hotline.pb.h"

namespace hotline::node {

// What this node knows as the Hello arrives.
struct ResumeFacts {
  std::uint64_t own_epoch = 0;
  // The highest number of own_epoch that may have reached the peer: what the journal held at
  // start (an earlier life may have sent it all) or this life transmitted, if more.
  std::uint64_t own_transmitted = 0;
  std::uint64_t own_acknowledged_seq = 0;
  std::uint64_t delivered_of_peer = 0;  // what this node delivered of the Hello's epoch
};

struct ResumePlan {
  // The floor is past what this node delivered: the watermark rises to it, and those messages
  // are lost (they cannot come again). 0: no change.
  std::uint64_t raise_delivered_to = 0;
  // The peer delivered more of this node's epoch than may have reached it: this node's journal
  // went back in time (the peer holds messages under numbers this life gave to others), and it
  // must continue in a new epoch.
  bool start_new_epoch = false;
  // What the peer says it delivered of this node's epoch (for the new epoch's accounting).
  std::uint64_t peer_delivered = 0;
  // The peer acknowledged this node's messages up to here, past what this node had heard.
  // 0: nothing new.
  std::uint64_t acknowledged_up_to = 0;
};

ResumePlan plan_resume(const ResumeFacts& facts, const wire::Hello& hello);

}  // namespace hotline::node
