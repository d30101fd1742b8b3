#pragma once
// Reliable envelopes written as one frame whose payload is a Batch (docs/protocol.md): the
// header once, then each item's seq, retransmission flag and payload.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

// A reliable envelope measured as a batch item, so that writing it need not measure it again.
struct BatchItem {
  const wire::Envelope* envelope = nullptr;
  const google::protobuf::MessageLite* payload = nullptr;
  std::size_t payload_bytes = 0;
  std::size_t bytes = 0;  // the whole item inside the batch, its framing included
};

// Measures `envelope` as a batch item. Computes the payload's size, which the protobuf object
// caches for append_batch_frame; measure again after a change.
BatchItem batch_item(const wire::Envelope& envelope);

// Appends one frame holding `header` (without a payload) and a Batch of `items`; `items_bytes`
// is the sum of their `bytes`. Throws common::FrameError if the frame would be larger than
// `max_frame_bytes`.
void append_batch_frame(std::string& out, const wire::Envelope& header,
                        const std::vector<BatchItem>& items, std::size_t items_bytes,
                        std::uint32_t max_frame_bytes);

}  // namespace hotline::node
