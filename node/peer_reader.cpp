#include "node/peer_reader.h"

#include "node/protocol.h"

namespace hotline::node {

PeerReader::Frame PeerReader::read(std::string_view body) {
  wire::Envelope& envelope = *google::protobuf::Arena::CreateMessage<wire::Envelope>(&arena_);
  const BatchFrameParts parts = split_batch_frame(body, header_scratch_);
  decode_envelope(parts.header, envelope, parts.has_batch);
  const bool is_hello = rules_.check(envelope);
  // The whole frame is refused if one item is bad.
  if (parts.has_batch) {
    rules_.check_batch_items(batch_reader_.read(parts.items, envelope.epoch(), arena_));
  }
  return {envelope, is_hello};
}

}  // namespace hotline::node
