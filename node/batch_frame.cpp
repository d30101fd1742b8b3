#include "node/batch_frame.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

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

// The item's own bytes (without its tag and length in the batch); the payload's size cached.
std::size_t item_body_bytes(const wire::Envelope& envelope, std::size_t payload_bytes) {
  return WireFormatLite::TagSize(wire::Envelope::kSeqFieldNumber, WireFormatLite::TYPE_UINT64) +
         CodedOutputStream::VarintSize64(envelope.seq()) + (envelope.retransmission() ? 2 : 0) +
         length_delimited_bytes(payload_field(envelope), payload_bytes);
}

std::uint8_t* write_length_delimited_header(int field, std::size_t length, std::uint8_t* at) {
  at = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, at);
  return CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(length), at);
}

}  // namespace

BatchItem batch_item(const wire::Envelope& envelope) {
  BatchItem item;
  item.envelope = &envelope;
  item.payload = &reliable_payload_of(envelope);
  item.payload_bytes = item.payload->ByteSizeLong();
  item.bytes = length_delimited_bytes(wire::Batch::kItemsFieldNumber,
                                      item_body_bytes(envelope, item.payload_bytes));
  return item;
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
      const wire::Envelope& envelope = *item.envelope;
      at = write_length_delimited_header(wire::Batch::kItemsFieldNumber,
                                         item_body_bytes(envelope, item.payload_bytes), at);
      at = WireFormatLite::WriteUInt64ToArray(wire::Envelope::kSeqFieldNumber, envelope.seq(), at);
      if (envelope.retransmission()) {
        at = WireFormatLite::WriteBoolToArray(wire::Envelope::kRetransmissionFieldNumber, true, at);
      }
      at = write_length_delimited_header(payload_field(envelope), item.payload_bytes, at);
      at = item.payload->SerializeWithCachedSizesToArray(at);
    }
    if (at != reinterpret_cast<std::uint8_t*>(body) + body_bytes) {
      throw std::logic_error("a batch frame's size was miscounted");
    }
  });
}

}  // namespace hotline::node
