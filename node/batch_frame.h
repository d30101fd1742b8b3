#pragma once
// Reliable envelopes written as one frame whose payload is a Batch (docs/protocol.md): the
// header once, then each item's seq, payload and retransmission flag.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

// Replaces `out` by a reliable envelope encoded as a batch item's body: its seq and payload,
// without the retransmission flag, which each send adds after them (protobuf reads fields in
// any order). Returns the payload's size. A message is encoded so once, when it is numbered:
// the journal's Sent record and every batch frame that carries it copy these bytes.
std::size_t encode_item_body(const wire::Envelope& envelope, std::string& out);

// An encoded item measured for a batch frame.
struct BatchItem {
  std::string_view body;  // encode_item_body's bytes
  bool retransmission = false;
  std::size_t bytes = 0;  // the whole item inside the batch, its framing included
};

BatchItem batch_item(std::string_view body, bool retransmission);

// Appends one frame holding `header` (without a payload) and a Batch of `items`; `items_bytes`
// is the sum of their `bytes`. Throws common::FrameError if the frame would be larger than
// `max_frame_bytes`.
void append_batch_frame(std::string& out, const wire::Envelope& header,
                        const std::vector<BatchItem>& items, std::size_t items_bytes,
                        std::uint32_t max_frame_bytes);

}  // namespace hotline::node
