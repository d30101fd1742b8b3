#include "node/batch_frame.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstring>
#include <stdexcept>

#include "common/frame.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

using google::protobuf::MessageLite;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

const MessageLite& reliable_payload_of(const wire::Envelope& envelope) {
  const MessageLite* payload = reliable_payload(envelope);
  if (payload == nullptr) throw std::logic_error("only reliable payloads go in a batch");
  return *payload;
}

// The payload case is the payload's field number in Envelope.
int payload_field(const wire::Envelope& envelope) {
  return static_cast<int>(envelope.payload_case());
}

std::size_t length_delimited_bytes(int field, std::size_t length) {
  return WireFormatLite::TagSize(field, WireFormatLite::TYPE_BYTES) +
         CodedOutputStream::VarintSize32(static_cast<std::uint32_t>(length)) + length;
}

constexpr std::size_t kRetransmissionBytes = 2;  // its tag and `true`

std::uint8_t* write_length_delimited_header(int field, std::size_t length, std::uint8_t* at) {
  at = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, at);
  return CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(length), at);
}

}  // namespace

std::size_t encode_item_body(const wire::Envelope& envelope, std::string& out) {
  const MessageLite& payload = reliable_payload_of(envelope);
  const std::size_t payload_bytes = payload.ByteSizeLong();
  out.resize(WireFormatLite::TagSize(wire::Envelope::kSeqFieldNumber, WireFormatLite::TYPE_UINT64) +
             CodedOutputStream::VarintSize64(envelope.seq()) +
             length_delimited_bytes(payload_field(envelope), payload_bytes));
  auto* const start = reinterpret_cast<std::uint8_t*>(out.data());
  std::uint8_t* at =
      WireFormatLite::WriteUInt64ToArray(wire::Envelope::kSeqFieldNumber, envelope.seq(), start);
  at = write_length_delimited_header(payload_field(envelope), payload_bytes, at);
  at = payload.SerializeWithCachedSizesToArray(at);
  if (at != start + out.size()) throw std::logic_error("a batch item's size was miscounted");
  return payload_bytes;
}

BatchItem batch_item(std::string_view body, bool retransmission) {
  const std::size_t item_bytes = body.size() + (retransmission ? kRetransmissionBytes : 0);
  return {body, retransmission, length_delimited_bytes(wire::Batch::kItemsFieldNumber, item_bytes)};
}

void append_batch_frame(std::string& out, const wire::Envelope& header,
                        const std::vector<BatchItem>& items, std::size_t items_bytes,
                        std::uint32_t max_frame_bytes) {
  const std::size_t header_bytes = header.ByteSizeLong();
  const std::size_t body_bytes =
      header_bytes + length_delimited_bytes(wire::Envelope::kBatchFieldNumber, items_bytes);
  common::append_frame_in_place(out, body_bytes, max_frame_bytes, [&](char* body) {
    auto* at = reinterpret_cast<std::uint8_t*>(body);
    at = header.SerializeWithCachedSizesToArray(at);
    at = write_length_delimited_header(wire::Envelope::kBatchFieldNumber, items_bytes, at);
    for (const BatchItem& item : items) {
      at = write_length_delimited_header(
          wire::Batch::kItemsFieldNumber,
          item.body.size() + (item.retransmission ? kRetransmissionBytes : 0), at);
      std::memcpy(at, item.body.data(), item.body.size());
      at += item.body.size();
      if (item.retransmission) {
        at = WireFormatLite::WriteBoolToArray(wire::Envelope::kRetransmissionFieldNumber, true, at);
      }
    }
    if (at != reinterpret_cast<std::uint8_t*>(body) + body_bytes) {
      throw std::logic_error("a batch frame's size was miscounted");
    }
  });
}

}  // namespace hotline::node
