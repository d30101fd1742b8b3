#include "node/outbox.h"

#include <stdexcept>

#include "node/batch_frame.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

// Chunks kept for reuse once acknowledged: up to 16,384 entries, so that a sender streaming
// with that many messages in flight refills envelopes rather than allocating new ones.
constexpr std::size_t kSpareChunks = 64;
// An acknowledged envelope whose payload was larger than this gives the payload's memory back
// rather than keep it for a reuse that may never need that much.
constexpr std::size_t kLargestKeptBytes = 4096;

}  // namespace

Outbox::Outbox(std::uint64_t epoch, std::uint64_t last_seq, std::uint64_t acknowledged_seq,
               std::vector<wire::Envelope> unacknowledged)
    : epoch_(epoch), last_seq_(last_seq), acknowledged_seq_(acknowledged_seq) {
  const auto now = Clock::now();
  for (auto& envelope : unacknowledged) {
    Entry& entry = next_slot();
    entry.envelope = std::move(envelope);
    entry.payload_bytes = encode_item_body(entry.envelope, entry.item);
    mark_sent(entry, now);
    count_bytes(entry);
    ++count_;
  }
}

Outbox::Entry& Outbox::next_slot() {
  if ((head_ + count_) / kChunkEntries == chunks_.size()) {
    if (spare_chunks_.empty()) {
      chunks_.push_back(std::make_unique<Chunk>());
    } else {
      chunks_.push_back(std::move(spare_chunks_.back()));
      spare_chunks_.pop_back();
    }
  }
  return at(count_);
}

wire::Envelope& Outbox::next() {
  next_encoded_ = false;
  wire::Envelope& envelope = next_slot().envelope;
  envelope.clear_ack();
  envelope.clear_ack_epoch();
  envelope.clear_sent_at_us();
  envelope.clear_circuit();
  envelope.clear_retransmission();
  return envelope;
}

void Outbox::count_bytes(Entry& entry) {
  // The payload is what can be large; every other field is small and counted in the overhead.
  entry.bytes = entry_bytes(entry.payload_bytes);
  bytes_ += entry.bytes;
}

void Outbox::number_and_encode(Entry& entry) {
  entry.envelope.set_epoch(epoch_);
  entry.envelope.set_seq(last_seq_ + 1);
  entry.payload_bytes = encode_item_body(entry.envelope, entry.item);
}

const std::string& Outbox::encode_next() {
  Entry& entry = next_slot();
  number_and_encode(entry);
  next_encoded_ = true;
  return entry.item;
}

void Outbox::start_epoch(std::uint64_t epoch) {
  if (count_ != 0) throw std::logic_error("an outbox changes its epoch only when empty");
  epoch_ = epoch;
  last_seq_ = 0;
  acknowledged_seq_ = 0;
}

Outbox::Entry& Outbox::push_next() {
  Entry& entry = next_slot();
  if (!next_encoded_) number_and_encode(entry);
  next_encoded_ = false;
  ++last_seq_;
  count_bytes(entry);
  ++count_;
  entry.first_sent = {};
  entry.last_sent = {};
  entry.sent = false;
  return entry;
}

void Outbox::mark_sent(Entry& entry, Clock::time_point now) {
  if (!entry.sent) {
    entry.sent = true;
    entry.first_sent = now;
  }
  entry.last_sent = now;
}

const std::vector<Outbox::Acknowledged>& Outbox::acknowledge(std::uint64_t seq) {
  if (seq > last_seq_) {
    throw ProtocolViolation("acknowledges message " + std::to_string(seq) + " but only " +
                            std::to_string(last_seq_) + " were sent");
  }
  acknowledged_.clear();
  while (count_ > 0 && front().envelope.seq() <= seq) {
    Entry& oldest = front();
    acknowledged_.push_back(
        {oldest.envelope.seq(), oldest.first_sent, oldest.envelope.payload_case()});
    if (oldest.payload_bytes > kLargestKeptBytes) {
      oldest.envelope.clear_payload();
      std::string().swap(oldest.item);
    }
    bytes_ -= oldest.bytes;
    --count_;
    if (++head_ == kChunkEntries) {
      if (spare_chunks_.size() < kSpareChunks) spare_chunks_.push_back(std::move(chunks_.front()));
      chunks_.erase(chunks_.begin());
      head_ = 0;
    }
  }
  if (seq > acknowledged_seq_) acknowledged_seq_ = seq;
  return acknowledged_;
}

}  // namespace hotline::node
