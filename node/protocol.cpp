#include "node/protocol.h"

#include <google/protobuf/io/coded_stream.h>

namespace hotline::node {

bool is_reliable(const wire::Envelope& envelope) {
  return reliable_payload(envelope) != nullptr;
}

const google::protobuf::MessageLite* reliable_payload(const wire::Envelope& envelope) {
  switch (envelope.payload_case()) {
    case wire::Envelope::kMessage:
      return &envelope.message();
    case wire::Envelope::kNotification:
      return &envelope.notification();
    case wire::Envelope::kInquiry:
      return &envelope.inquiry();
    case wire::Envelope::kReply:
      return &envelope.reply();
    case wire::Envelope::kLinkTest:
      return &envelope.link_test();
    case wire::Envelope::kModelExchange:
      return &envelope.model_exchange();
    default:
      return nullptr;
  }
}

std::string_view payload_name(const wire::Envelope& envelope) {
  switch (envelope.payload_case()) {
    case wire::Envelope::kHello:
      return "hello";
    case wire::Envelope::kMessage:
      return "message";
    case wire::Envelope::kNotification:
      return "notification";
    case wire::Envelope::kInquiry:
      return "inquiry";
    case wire::Envelope::kReply:
      return "reply";
    case wire::Envelope::kLinkTest:
      return "link_test";
    case wire::Envelope::kAckOnly:
      return "ack";
    case wire::Envelope::kBye:
      return "bye";
    case wire::Envelope::kHeartbeat:
      return "heartbeat";
    case wire::Envelope::kModelExchange:
      return "model_exchange";
    case wire::Envelope::kBatch:
      return "batch";
    case wire::Envelope::PAYLOAD_NOT_SET:
      break;
  }
  return "none";
}

wire::Envelope decode_envelope(std::string_view frame_body) {
  wire::Envelope envelope;
  decode_envelope(frame_body, envelope);
  return envelope;
}

bool parse_from_peer(google::protobuf::MessageLite& message, std::string_view bytes) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  input.SetRecursionLimit(kWireRecursionLimit);
  return message.ParseFromCodedStream(&input) && input.ConsumedEntireMessage();
}

void decode_envelope(std::string_view frame_body, wire::Envelope& envelope, bool batch_taken_out) {
  if (!parse_from_peer(envelope, frame_body)) {
    throw ProtocolViolation("frame is not a valid Envelope");
  }
  if (batch_taken_out) {
    if (envelope.payload_case() != wire::Envelope::PAYLOAD_NOT_SET) {
      throw ProtocolViolation("a batch and a " + std::string(payload_name(envelope)) +
                              " in one envelope");
    }
    envelope.mutable_batch();
  }
  if (envelope.version() != kProtocolVersion) {
    throw ProtocolViolation("unsupported protocol version " + std::to_string(envelope.version()));
  }
  if (envelope.payload_case() == wire::Envelope::PAYLOAD_NOT_SET) {
    throw ProtocolViolation("envelope without a payload");
  }
  if (is_reliable(envelope) && envelope.seq() == 0) {
    throw ProtocolViolation(std::string(payload_name(envelope)) + " without a sequence number");
  }
  if (!is_reliable(envelope) && envelope.seq() != 0) {
    throw ProtocolViolation(std::string(payload_name(envelope)) + " with a sequence number");
  }
}

}  // namespace hotline::node
