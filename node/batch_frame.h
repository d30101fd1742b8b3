#pragma once
// Reliable envelopes written as one frame whose payload is a Batch (docs/protocol.md): the
// header once, then each item's seq, retransmission flag and payload.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

// Bytes `envelope` takes inside a batch, item framing included. Computes the payload's size,
// which the protobuf object caches for append_batch_frame; call it again after a change.
std::size_t batch_item_bytes(const wire::Envelope& envelope);

// Appends one frame holding `header` (without a payload) and a Batch of `items`; `items_bytes`
// is the sum of batch_item_bytes over them. Throws common::FrameError if the frame would be
// larger than `max_frame_bytes`.
void append_batch_frame(std::string& out, const wire::Envelope& header,
                        const std::vector<const wire::Envelope*>& items, std::size_t items_bytes,
                        std::uint32_t max_frame_bytes);

}  // namespace hotline::node
