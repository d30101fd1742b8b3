#include "node/outbox.h"

#include "node/protocol.h"

namespace hotline::node {

Outbox::Outbox(std::uint64_t epoch, std::uint64_t last_seq, std::uint64_t acknowledged_seq,
               std::vector<wire::Envelope> unacknowledged)
    : epoch_(epoch), last_seq_(last_seq), acknowledged_seq_(acknowledged_seq) {
  for (auto& envelope : unacknowledged) {
    pending_.push_back(Entry{std::move(envelope), Clock::now(), Clock::now(), true});
  }
}

Outbox::Entry& Outbox::push(wire::Envelope envelope) {
  envelope.set_epoch(epoch_);
  envelope.set_seq(++last_seq_);
  pending_.push_back(Entry{std::move(envelope), {}, {}, false});
  return pending_.back();
}

std::vector<Outbox::Acknowledged> Outbox::acknowledge(std::uint64_t seq) {
  if (seq > last_seq_) {
    throw ProtocolViolation("acknowledges message " + std::to_string(seq) + " but only " +
                            std::to_string(last_seq_) + " were sent");
  }
  std::vector<Acknowledged> done;
  while (!pending_.empty() && pending_.front().envelope.seq() <= seq) {
    const auto& front = pending_.front();
    done.push_back({front.envelope.seq(), front.first_sent, front.envelope.payload_case()});
    pending_.pop_front();
  }
  if (seq > acknowledged_seq_) acknowledged_seq_ = seq;
  return done;
}

}  // namespace hotline::node
