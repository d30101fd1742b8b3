#pragma once
// What a peer must respect on one connection, whatever the node's state: envelopes from the
// party its certificate names, a Hello first and only once, one epoch for the connection's
// life, reliable payloads numbered forward (a retransmission may repeat a number) and a batch
// holding only numbered reliable payloads. A breach is a ProtocolViolation: the connection
// closes, and nothing it carried reaches the node.

#include <cstdint>
#include <string>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

class ConnectionRules {
 public:
  explicit ConnectionRules(std::string peer_party) : peer_party_(std::move(peer_party)) {}

  // Checks the next envelope read (for a batch frame, its header); true if it is the Hello,
  // whose epoch then holds for the connection. Throws ProtocolViolation.
  bool check(const wire::Envelope& envelope);
  // Checks a batch's items, read after its header passed check().
  void check_batch_items(const std::vector<const wire::Envelope*>& items);

  bool hello_seen() const { return hello_seen_; }
  std::uint64_t peer_epoch() const { return peer_epoch_; }

 private:
  void check_fresh_seq(const wire::Envelope& reliable);

  std::string peer_party_;
  bool hello_seen_ = false;
  std::uint64_t peer_epoch_ = 0;
  std::uint64_t last_reliable_seq_ = 0;
};

}  // namespace hotline::node
