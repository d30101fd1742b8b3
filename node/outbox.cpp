#include "node/outbox.h"

#include "node/protocol.h"

namespace hotline::node {
namespace {

// Acknowledged envelopes kept for reuse: about one window of small messages.
constexpr std::size_t kSpareEnvelopes = 4096;

}  // namespace

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
    if (spare_.size() < kSpareEnvelopes) spare_.push_back(std::move(pending_.front().envelope));
    pending_.pop_front();
  }
  if (seq > acknowledged_seq_) acknowledged_seq_ = seq;
  return done;
}

wire::Envelope Outbox::recycled() {
  if (spare_.empty()) return {};
  wire::Envelope envelope = std::move(spare_.back());
  spare_.pop_back();
  // What a send stamped is cleared (keeping the strings' memory), so the envelope is as a new
  // one to the journal; the payload is the filler's to set.
  envelope.clear_ack();
  envelope.clear_ack_epoch();
  envelope.clear_sent_at_us();
  envelope.clear_circuit();
  envelope.clear_retransmission();
  return envelope;
}

}  // namespace hotline::node
