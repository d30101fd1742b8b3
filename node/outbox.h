#pragma once
// What this node has sent and the peer has not yet acknowledged.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

class Outbox {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    wire::Envelope envelope;  // seq and epoch set; ack, circuit and time are set per send
    // The envelope's seq and payload as a batch item (encode_item_body), encoded when it is
    // numbered, and the payload's size.
    std::string item;
    std::size_t payload_bytes = 0;
    Clock::time_point first_sent{};
    Clock::time_point last_sent{};
    bool sent = false;
    std::size_t bytes = 0;  // what it counts for in bytes(), set when numbered
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
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  // The memory the unacknowledged messages hold: their payload twice (parsed, and encoded as an
  // item), plus kEntryOverhead each.
  std::size_t bytes() const { return bytes_; }
  static constexpr std::size_t kEntryOverhead = 256;
  // What a message whose payload takes `payload_bytes` counts for in bytes().
  static std::size_t entry_bytes(std::size_t payload_bytes) {
    return kEntryOverhead + 2 * payload_bytes;
  }

  // The envelope push_next() will number and keep, to fill in place: what its slot held
  // before, a message since acknowledged, with the memory of its parts. Filling it in place
  // spares the allocation, and the far later free, of every part of every message. What its
  // last send stamped is cleared; the payload is the filler's to set.
  wire::Envelope& next();
  // The envelope filled through next(), numbered as push_next() will number it, encoded into its
  // slot's item; returns the item. Call before push_next(), after the last change to the envelope.
  const std::string& encode_next();
  // Numbers the envelope filled through next() (next sequence number, this epoch), encodes it
  // unless encode_next() did, and keeps it until acknowledged. An entry stays where it is (later
  // pushes do not move it) until then.
  Entry& push_next();
  Entry& push(wire::Envelope&& envelope) {
    next() = std::move(envelope);
    return push_next();
  }

  // Numbering starts again at 1 in `epoch`. Only an empty outbox may change its epoch.
  void start_epoch(std::uint64_t epoch);

  // `entry` went out at `now`.
  void mark_sent(Entry& entry, Clock::time_point now);

  // Everything up to and including `seq` has been delivered: what that acknowledged, valid
  // until the next call. Throws ProtocolViolation if `seq` was never sent. Acknowledgements
  // that do not advance are ignored.
  const std::vector<Acknowledged>& acknowledge(std::uint64_t seq);

  // The unacknowledged entries in sequence order: at(0) is the oldest.
  Entry& at(std::size_t index) {
    const std::size_t position = head_ + index;
    return chunks_[position / kChunkEntries]->entries[position % kChunkEntries];
  }
  const Entry& at(std::size_t index) const { return const_cast<Outbox*>(this)->at(index); }
  Entry& front() { return at(0); }

 private:
  static constexpr std::size_t kChunkEntries = 256;
  struct Chunk {
    std::array<Entry, kChunkEntries> entries;
  };
  // The slot the next push fills, adding a chunk if the last one is full.
  Entry& next_slot();

  std::uint64_t epoch_;
  std::uint64_t last_seq_ = 0;
  std::uint64_t acknowledged_seq_ = 0;
  std::size_t bytes_ = 0;
  void count_bytes(Entry& entry);
  // The slot's envelope numbered next and encoded; whether encode_next() already did.
  void number_and_encode(Entry& entry);
  bool next_encoded_ = false;
  // Entries live in fixed chunks, so they never move. A chunk whose entries are all
  // acknowledged is kept for reuse, envelopes and all, rather than freed. A vector, not a
  // deque, for the cheapest indexing: dropping its first chunk moves at most a few dozen
  // pointers once per kChunkEntries acknowledgements.
  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::vector<std::unique_ptr<Chunk>> spare_chunks_;
  std::size_t head_ = 0;  // the oldest unacknowledged entry's place in chunks_.front()
  std::size_t count_ = 0;
  std::vector<Acknowledged> acknowledged_;
};

}  // namespace hotline::node
