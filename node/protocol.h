#pragma once
// Rules of the wire protocol that do not depend on a node's state (see docs/protocol.md).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "proto/hotline.pb.h"

namespace hotline::node {

inline constexpr std::uint32_t kProtocolVersion = 1;

// The peer broke the protocol; the connection that carried it is closed.
class ProtocolViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reliable payloads are numbered, acknowledged and retransmitted; control payloads are not.
bool is_reliable(const wire::Envelope& envelope);

// The payload of a reliable envelope; nullptr for a control payload.
const google::protobuf::MessageLite* reliable_payload(const wire::Envelope& envelope);

// "message", "hello", ... as used in events and error messages.
std::string_view payload_name(const wire::Envelope& envelope);

// How deeply messages may nest in what a peer sends (protobuf's own default is 100). A received
// envelope is journalled inside two more messages (Record, Delivered), and must read back.
inline constexpr int kWireRecursionLimit = 90;

// Parses `bytes` into `message` within kWireRecursionLimit; false if they are not a well-formed
// message of its type.
bool parse_from_peer(google::protobuf::MessageLite& message, std::string_view bytes);

// Parses one frame body. Throws ProtocolViolation if it is not a well-formed Envelope of our
// version with a payload.
wire::Envelope decode_envelope(std::string_view frame_body);
// The same, parsing into `envelope` (which may live on an arena). With `batch_taken_out`, the
// bytes are a batch frame's header (see node/batch_reader.h): `envelope` gets an empty Batch as
// its payload, and may have no other.
void decode_envelope(std::string_view frame_body, wire::Envelope& envelope,
                     bool batch_taken_out = false);

}  // namespace hotline::node
