#include "node/connection_rules.h"

#include <algorithm>

#include "node/protocol.h"

namespace hotline::node {

bool ConnectionRules::check(const wire::Envelope& envelope) {
  if (envelope.sender() != peer_party_) {
    throw ProtocolViolation("envelope from \"" + envelope.sender() +
                            "\" on a connection authenticated as \"" + peer_party_ + "\"");
  }
  const bool is_hello = envelope.payload_case() == wire::Envelope::kHello;
  if (!hello_seen_ && !is_hello) {
    throw ProtocolViolation("expected a Hello first, got " + std::string(payload_name(envelope)));
  }
  if (hello_seen_ && is_hello) throw ProtocolViolation("a second Hello on one connection");
  if (is_hello) {
    const wire::Hello& hello = envelope.hello();
    if (hello.party() != envelope.sender()) {
      throw ProtocolViolation("Hello names party \"" + hello.party() + "\" but the sender is \"" +
                              envelope.sender() + "\"");
    }
    if (hello.protocol_version() != kProtocolVersion) {
      throw ProtocolViolation("Hello offers protocol version " +
                              std::to_string(hello.protocol_version()));
    }
    if (envelope.epoch() == 0 || hello.epoch() != envelope.epoch()) {
      throw ProtocolViolation("Hello without a valid epoch");
    }
    hello_seen_ = true;
    peer_epoch_ = envelope.epoch();
    return true;
  }
  if (envelope.epoch() != peer_epoch_) {
    throw ProtocolViolation("epoch changed from " + std::to_string(peer_epoch_) + " to " +
                            std::to_string(envelope.epoch()) + " within one connection");
  }
  if (is_reliable(envelope)) check_fresh_seq(envelope);
  return false;
}

void ConnectionRules::check_batch_items(const std::vector<const wire::Envelope*>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const wire::Envelope& item = *items[i];
    if (!is_reliable(item)) {
      throw ProtocolViolation("batch item " + std::to_string(i + 1) + " is a " +
                              std::string(payload_name(item)) + ", not a reliable payload");
    }
    if (item.seq() == 0) {
      throw ProtocolViolation("batch item " + std::to_string(i + 1) + " without a sequence number");
    }
    check_fresh_seq(item);
  }
}

void ConnectionRules::check_fresh_seq(const wire::Envelope& reliable) {
  if (!reliable.retransmission() && reliable.seq() <= last_reliable_seq_) {
    throw ProtocolViolation("sequence number went backwards (" + std::to_string(reliable.seq()) +
                            " after " + std::to_string(last_reliable_seq_) + ")");
  }
  last_reliable_seq_ = std::max(last_reliable_seq_, reliable.seq());
}

}  // namespace hotline::node
