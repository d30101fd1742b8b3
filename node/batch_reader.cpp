#include "node/batch_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>

#include "node/protocol.h"

namespace hotline::node {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;

const std::uint32_t kBatchTag = WireFormatLite::MakeTag(wire::Envelope::kBatchFieldNumber,
                                                        WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
const std::uint32_t kItemTag = WireFormatLite::MakeTag(wire::Batch::kItemsFieldNumber,
                                                       WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
const std::uint32_t kSeqTag =
    WireFormatLite::MakeTag(wire::Envelope::kSeqFieldNumber, WireFormatLite::WIRETYPE_VARINT);
const std::uint32_t kRetransmissionTag = WireFormatLite::MakeTag(
    wire::Envelope::kRetransmissionFieldNumber, WireFormatLite::WIRETYPE_VARINT);
const std::uint32_t kMessageTag = WireFormatLite::MakeTag(
    wire::Envelope::kMessageFieldNumber, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);

const std::uint32_t kPriorityTag =
    WireFormatLite::MakeTag(wire::Message::kPriorityFieldNumber, WireFormatLite::WIRETYPE_VARINT);
const std::uint32_t kTextTag = WireFormatLite::MakeTag(wire::Message::kTextFieldNumber,
                                                       WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
const std::uint32_t kInReplyToTag =
    WireFormatLite::MakeTag(wire::Message::kInReplyToFieldNumber, WireFormatLite::WIRETYPE_VARINT);

// Message items kept for the next batch: a full batch of 64-byte messages is some 200.
constexpr std::size_t kMessageItemsKept = 1024;

CodedInputStream input_over(std::string_view bytes) {
  return CodedInputStream(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                          static_cast<int>(bytes.size()));
}

// Reads a length-delimited field's length and skips its bytes; returns where they lie in
// `whole`, the bytes `in` reads. False if the length runs past the end.
bool read_length_delimited(CodedInputStream& in, std::string_view whole, std::string_view& field) {
  std::uint32_t length = 0;
  if (!in.ReadVarint32(&length) || length > whole.size()) return false;
  const int begin = in.CurrentPosition();
  if (!in.Skip(static_cast<int>(length))) return false;
  field = whole.substr(static_cast<std::size_t>(begin), length);
  return true;
}

// CodedInputStream reads a tag or a length of up to ten bytes, dropping the bits past 32;
// protobuf's parser refuses one of more than five. A message item's bytes are journalled as
// they came and read back by protobuf, so where an item is read field by field only the
// shortest encoding of a tag or a length is taken, and any other left to protobuf's parser.
bool read_shortest_tag(CodedInputStream& in, std::uint32_t& tag) {
  const int begin = in.CurrentPosition();
  tag = in.ReadTag();
  return in.CurrentPosition() - begin == static_cast<int>(CodedOutputStream::VarintSize32(tag));
}

bool read_shortest_length_delimited(CodedInputStream& in, std::string_view whole,
                                    std::string_view& field) {
  const int begin = in.CurrentPosition();
  if (!read_length_delimited(in, whole, field)) return false;
  const int length_bytes =
      static_cast<int>(CodedOutputStream::VarintSize32(static_cast<std::uint32_t>(field.size())));
  return in.CurrentPosition() - begin == length_bytes + static_cast<int>(field.size());
}

// A Message of only the fields a node writes (priority, text, in_reply_to), read as protobuf
// reads them (the last of a repeated field wins): protobuf's generated parser, fed through a
// CodedInputStream, took a quarter of a receiving node's CPU on a stream of 64-byte messages,
// most of it in setting up and tearing down its buffers. False, with `message` in no particular
// state, for anything else (a language, unknown fields, another wire type, a priority outside
// the enum, malformed bytes): protobuf's own parser reads those.
bool read_plain_message(std::string_view bytes, wire::Message& message) {
  message.Clear();
  CodedInputStream in = input_over(bytes);
  while (!in.ExpectAtEnd()) {
    std::uint32_t tag = 0;
    if (!read_shortest_tag(in, tag)) return false;
    std::uint64_t number = 0;
    std::string_view text;
    if (tag == kPriorityTag) {
      if (!in.ReadVarint64(&number) || number > static_cast<std::uint64_t>(INT32_MAX) ||
          !wire::Priority_IsValid(static_cast<int>(number))) {
        return false;
      }
      message.set_priority(static_cast<wire::Priority>(number));
    } else if (tag == kTextTag) {
      if (!read_shortest_length_delimited(in, bytes, text)) return false;
      // set_text() would build a temporary string: assigned, the cleared text's buffer is kept.
      message.mutable_text()->assign(text.data(), text.size());
    } else if (tag == kInReplyToTag) {
      if (!in.ReadVarint64(&number)) return false;
      message.set_in_reply_to(number);
    } else {
      return false;
    }
  }
  return true;
}

// An envelope a caller swapped in (batch_reader.h, item()) may hold fields a message item does
// not set; its Message, cleared by the parse, keeps its buffers.
void keep_only_message(wire::Envelope& envelope) {
  if (envelope.payload_case() == wire::Envelope::kMessage) {
    wire::Message* message = envelope.release_message();
    envelope.Clear();
    envelope.set_allocated_message(message);
  } else {
    envelope.Clear();
  }
}

}  // namespace

BatchFrameParts split_batch_frame(std::string_view body, std::string& scratch) {
  BatchFrameParts parts;
  parts.header = body;
  std::size_t batch_begin = 0;
  std::size_t batch_end = 0;
  CodedInputStream in = input_over(body);
  while (!in.ExpectAtEnd()) {
    const auto field_begin = static_cast<std::size_t>(in.CurrentPosition());
    const std::uint32_t tag = in.ReadTag();
    if (tag == kBatchTag) {
      if (parts.has_batch) throw ProtocolViolation("two batches in one frame");
      if (!read_length_delimited(in, body, parts.items)) {
        throw ProtocolViolation("frame is not a valid Envelope");
      }
      parts.has_batch = true;
      batch_begin = field_begin;
      batch_end = static_cast<std::size_t>(in.CurrentPosition());
    } else if (tag == 0 || !WireFormatLite::SkipField(&in, tag)) {
      throw ProtocolViolation("frame is not a valid Envelope");
    }
  }
  if (!parts.has_batch) return parts;
  if (batch_end == body.size()) {
    parts.header = body.substr(0, batch_begin);
  } else {
    scratch.assign(body.substr(0, batch_begin));
    scratch.append(body.substr(batch_end));
    parts.header = scratch;
  }
  return parts;
}

const std::vector<const wire::Envelope*>& BatchReader::read(std::string_view items,
                                                            std::uint64_t epoch,
                                                            google::protobuf::Arena& arena) {
  epoch_ = epoch;
  // A peer's batch of many tiny items should not pin that much memory for the link's life. Here,
  // not after the batch is read: its items point into these slots until the next read.
  if (message_items_.size() > kMessageItemsKept) message_items_.resize(kMessageItemsKept);
  items_.clear();
  mutable_items_.clear();
  item_bytes_.clear();
  message_items_used_ = 0;
  CodedInputStream in = input_over(items);
  // Fields of the Batch other than its items are skipped, as protobuf would keep them unread.
  while (!in.ExpectAtEnd()) {
    const std::uint32_t tag = in.ReadTag();
    std::string_view item;
    if (tag == kItemTag) {
      if (!read_length_delimited(in, items, item)) {
        throw ProtocolViolation("batch item " + std::to_string(items_.size() + 1) +
                                " runs past the end of the batch");
      }
      wire::Envelope* envelope = read_item(item, arena);
      items_.push_back(envelope);
      mutable_items_.push_back(envelope);
      item_bytes_.push_back(item);
    } else if (tag == 0 || !WireFormatLite::SkipField(&in, tag)) {
      throw ProtocolViolation("a batch that is not well-formed");
    }
  }
  if (items_.empty()) throw ProtocolViolation("an empty batch");
  return items_;
}

wire::Envelope* BatchReader::read_item(std::string_view item, google::protobuf::Arena& arena) {
  std::uint64_t seq = 0;
  std::uint64_t retransmission = 0;
  std::string_view message;
  bool has_message = false;
  bool only_seq_flag_and_message = true;
  CodedInputStream in = input_over(item);
  while (only_seq_flag_and_message && !in.ExpectAtEnd()) {
    std::uint32_t tag = 0;
    if (!read_shortest_tag(in, tag)) {
      only_seq_flag_and_message = false;
    } else if (tag == kSeqTag) {
      only_seq_flag_and_message = in.ReadVarint64(&seq);
    } else if (tag == kRetransmissionTag) {
      only_seq_flag_and_message = in.ReadVarint64(&retransmission);
    } else if (tag == kMessageTag && !has_message) {
      has_message = only_seq_flag_and_message = read_shortest_length_delimited(in, item, message);
    } else {
      only_seq_flag_and_message = false;
    }
  }
  if (only_seq_flag_and_message && has_message) {
    if (message_items_used_ == message_items_.size()) {
      message_items_.push_back(std::make_unique<wire::Envelope>());
    }
    wire::Envelope& envelope = *message_items_[message_items_used_++];
    keep_only_message(envelope);
    wire::Message& parsed = *envelope.mutable_message();
    if (!read_plain_message(message, parsed) && !parse_from_peer(parsed, message)) {
      throw ProtocolViolation("batch item " + std::to_string(items_.size() + 1) +
                              " is not a valid Envelope");
    }
    envelope.set_seq(seq);
    envelope.set_retransmission(retransmission != 0);
    envelope.set_epoch(epoch_);
    return &envelope;
  }
  // Any other item, or one a different writer laid out otherwise, takes protobuf's own path.
  auto* envelope = google::protobuf::Arena::CreateMessage<wire::Envelope>(&arena);
  if (!parse_from_peer(*envelope, item)) {
    throw ProtocolViolation("batch item " + std::to_string(items_.size() + 1) +
                            " is not a valid Envelope");
  }
  envelope->set_epoch(epoch_);
  return envelope;
}

}  // namespace hotline::node
