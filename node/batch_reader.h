#pragma once
// Reading a batch frame (docs/protocol.md). The frame's header is parsed as an Envelope on its
// own, and its message items into storage reused from frame to frame. Parsed into a fresh Envelope,
// a 64-byte message's item cost more in allocating and freeing (the Envelope, its Message, its
// text) than in parsing.

#include <google/protobuf/arena.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

// A frame body with its batch field taken out.
struct BatchFrameParts {
  // The body without the batch field: an Envelope with every header field and no payload.
  std::string_view header;
  // The Batch message's bytes: its items, not yet parsed.
  std::string_view items;
  bool has_batch = false;
};

// Finds the batch field in a frame body. Our writers put it last; if a frame has it elsewhere,
// the header's bytes are assembled in `scratch`. Throws ProtocolViolation if the body is not
// well-formed protobuf or holds two batches.
BatchFrameParts split_batch_frame(std::string_view body, std::string& scratch);

class BatchReader {
 public:
  // Parses a batch's items (from split_batch_frame), each given `epoch`, the header's, so that it
  // reads as if it had come alone. The items stay valid until the next read or the arena's
  // reset. An item of only seq, retransmission and a Message is parsed into storage the reader
  // keeps for the next batch; any other is parsed into `arena`. Throws ProtocolViolation for an
  // item that is not a well-formed Envelope, and for a batch without items.
  const std::vector<const wire::Envelope*>& read(std::string_view items, std::uint64_t epoch,
                                                 google::protobuf::Arena& arena);

  // The items of the last batch read.
  const std::vector<const wire::Envelope*>& items() const { return items_; }
  // The item at `index`, for a caller that takes its contents by swapping (Envelope::Swap) rather
  // than copying them. What it swaps in may hold any fields: the reader clears all but a Message
  // (whose buffers it reuses) before parsing into it again.
  wire::Envelope& item(std::size_t index) { return *mutable_items_.at(index); }
  // Each item's bytes as they came, in the same order: an Envelope without its epoch (the
  // header's). Valid as long as the bytes given to read().
  const std::vector<std::string_view>& item_bytes() const { return item_bytes_; }

 private:
  wire::Envelope* read_item(std::string_view item, google::protobuf::Arena& arena);

  std::uint64_t epoch_ = 0;
  std::vector<const wire::Envelope*> items_;
  std::vector<wire::Envelope*> mutable_items_;  // the same, for item()
  std::vector<std::string_view> item_bytes_;
  // Envelopes whose payload is always a Message, parsed afresh for each message item: clearing
  // a Message keeps its strings' buffers, so a text no longer than the last one parsed into
  // that slot costs no allocation.
  std::vector<std::unique_ptr<wire::Envelope>> message_items_;
  std::size_t message_items_used_ = 0;
};

}  // namespace hotline::node
