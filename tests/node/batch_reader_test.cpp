#include "node/batch_reader.h"

#include <gtest/gtest.h>

#include "node/protocol.h"

namespace hotline::node {
namespace {

wire::Envelope header() {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender("moscow");
  envelope.set_epoch(4242);
  envelope.set_ack(9);
  envelope.set_ack_epoch(77);
  envelope.set_circuit("backup");
  return envelope;
}

wire::Envelope message_item(std::uint64_t seq, const std::string& text) {
  wire::Envelope item;
  item.set_seq(seq);
  item.mutable_message()->set_text(text);
  return item;
}

std::string batch_frame(const std::vector<wire::Envelope>& items) {
  wire::Envelope frame = header();
  for (const auto& item : items) *frame.mutable_batch()->add_items() = item;
  if (items.empty()) frame.mutable_batch();
  return frame.SerializeAsString();
}

struct Read {
  wire::Envelope header;
  std::vector<wire::Envelope> items;
};

// Reads a frame body as a session does: the header, then the items, copied out.
Read read_frame(const std::string& body, BatchReader& reader, google::protobuf::Arena& arena) {
  std::string scratch;
  const BatchFrameParts parts = split_batch_frame(body, scratch);
  Read read;
  decode_envelope(parts.header, read.header, parts.has_batch);
  if (!parts.has_batch) return read;
  for (const wire::Envelope* item : reader.read(parts.items, read.header.epoch(), arena)) {
    read.items.push_back(*item);
  }
  return read;
}

Read read_frame(const std::string& body) {
  BatchReader reader;
  google::protobuf::Arena arena;
  return read_frame(body, reader, arena);
}

TEST(BatchReaderTest, ItemsReadAsIfEachHadComeAloneUnderTheHeader) {
  wire::Envelope notification;
  notification.set_seq(3);
  notification.set_retransmission(true);
  notification.mutable_notification()->set_incident_id("INC-7");
  wire::Envelope flash = message_item(4, "urgent");
  flash.mutable_message()->set_priority(wire::FLASH);
  flash.mutable_message()->set_in_reply_to(2);
  const Read read = read_frame(batch_frame({message_item(1, "one"), notification, flash}));

  EXPECT_EQ(read.header.payload_case(), wire::Envelope::kBatch);
  EXPECT_EQ(read.header.sender(), "moscow");
  EXPECT_EQ(read.header.ack(), 9u);
  ASSERT_EQ(read.items.size(), 3u);
  EXPECT_EQ(read.items[0].seq(), 1u);
  EXPECT_EQ(read.items[0].message().text(), "one");
  EXPECT_FALSE(read.items[0].retransmission());
  EXPECT_EQ(read.items[1].notification().incident_id(), "INC-7");
  EXPECT_TRUE(read.items[1].retransmission());
  EXPECT_EQ(read.items[2].message().priority(), wire::FLASH);
  EXPECT_EQ(read.items[2].message().in_reply_to(), 2u);
  for (const auto& item : read.items) EXPECT_EQ(item.epoch(), 4242u);
}

TEST(BatchReaderTest, AReusedItemKeepsNothingOfTheBatchBefore) {
  BatchReader reader;
  google::protobuf::Arena arena;
  wire::Envelope long_reply = message_item(1, std::string(200, 'a'));
  long_reply.set_retransmission(true);
  long_reply.mutable_message()->set_in_reply_to(5);
  long_reply.mutable_message()->set_language("ru");
  long_reply.mutable_message()->set_priority(wire::FLASH);
  read_frame(batch_frame({long_reply}), reader, arena);

  const Read second = read_frame(batch_frame({message_item(2, "short")}), reader, arena);
  ASSERT_EQ(second.items.size(), 1u);
  const wire::Envelope& item = second.items[0];
  EXPECT_EQ(item.seq(), 2u);
  EXPECT_FALSE(item.retransmission());
  EXPECT_EQ(item.message().text(), "short");
  EXPECT_EQ(item.message().in_reply_to(), 0u);
  EXPECT_EQ(item.message().language(), "");
  EXPECT_EQ(item.message().priority(), wire::ROUTINE);
}

std::string varint(std::uint64_t value) {
  std::string out;
  for (; value >= 0x80; value >>= 7) out.push_back(static_cast<char>((value & 0x7f) | 0x80));
  out.push_back(static_cast<char>(value));
  return out;
}

std::string field(int number, int wire_type, const std::string& value) {
  const std::string tag = varint(static_cast<std::uint64_t>(number) << 3 | wire_type);
  return wire_type == 2 ? tag + varint(value.size()) + value : tag + value;
}

// A varint of `value` written in `bytes` bytes, longer than it needs (protobuf reads up to five
// for a tag or a length; CodedInputStream reads up to ten, dropping what does not fit 32 bits).
std::string long_varint(std::uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes - 1; ++i, value >>= 7) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
  }
  out.push_back(static_cast<char>(value & 0x7f));
  return out;
}

// A message item is read field by field when it holds only what a node writes, and by protobuf
// otherwise: whichever way, it must read as protobuf reads it, field for field, and be refused
// where protobuf refuses it (its bytes are journalled as they came, and read back by protobuf).
TEST(BatchReaderTest, AMessageReadsAsProtobufReadsItWhateverItsLayout) {
  const int priority = wire::Message::kPriorityFieldNumber;
  const int text = wire::Message::kTextFieldNumber;
  const int in_reply_to = wire::Message::kInReplyToFieldNumber;
  const std::string text_tag = varint(text << 3 | 2);
  const std::vector<std::string> messages = {
      "",
      field(text, 2, "plain"),
      field(priority, 0, varint(wire::FLASH)) + field(text, 2, "a") +
          field(in_reply_to, 0, varint(5)),
      field(in_reply_to, 0, varint(7)) + field(text, 2, "reversed") + field(priority, 0, varint(1)),
      field(text, 2, "first") + field(text, 2, "second") + field(in_reply_to, 0, varint(1)) +
          field(in_reply_to, 0, varint(300)),
      field(priority, 0, varint(99)) + field(text, 2, "a priority outside the enum"),
      field(priority, 0, varint(~std::uint64_t{0})) + field(text, 2, "a negative priority"),
      field(wire::Message::kLanguageFieldNumber, 2, "ru") + field(text, 2, "with a language"),
      field(text, 2, "unknown field after") + field(15, 0, varint(3)),
      field(priority, 2, "x") + field(text, 2, "priority as bytes"),
      field(text, 0, varint(4)),
      text_tag + long_varint(3, 3) + "abc",  // a longer length than needed: protobuf reads it
      text_tag + long_varint(3, 6) + "abc",  // a length of six bytes: protobuf refuses it
      long_varint(text << 3 | 2, 6) + varint(3) + "abc",  // a tag of six bytes: refused too
  };
  BatchReader reader;
  google::protobuf::Arena arena;
  std::vector<std::string> items_read = {
      // The item's own fields, written longer than needed.
      long_varint(wire::Envelope::kSeqFieldNumber << 3, 6) + varint(11) +
          field(wire::Envelope::kMessageFieldNumber, 2, field(text, 2, "seq tag of six bytes")),
      varint(wire::Envelope::kMessageFieldNumber << 3 | 2) + long_varint(6, 6) +
          field(text, 2, "length"),
      varint(wire::Envelope::kMessageFieldNumber << 3 | 2) + long_varint(6, 4) +
          field(text, 2, "length"),
  };
  for (const std::string& message : messages) {
    items_read.push_back(field(wire::Envelope::kSeqFieldNumber, 0, varint(11)) +
                         field(wire::Envelope::kMessageFieldNumber, 2, message));
  }
  for (const std::string& item : items_read) {
    const std::string batch = field(wire::Batch::kItemsFieldNumber, 2, item);
    wire::Envelope expected;
    if (!expected.ParseFromString(item)) {
      EXPECT_THROW(reader.read(batch, 4242, arena), ProtocolViolation);
      continue;
    }
    expected.set_epoch(4242);
    const auto& items = reader.read(batch, 4242, arena);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]->SerializeAsString(), expected.SerializeAsString())
        << "read " << items[0]->ShortDebugString() << ", protobuf reads "
        << expected.ShortDebugString();
  }
  // Cut short: refused, whichever reader saw it first.
  const std::string cut = field(wire::Envelope::kMessageFieldNumber, 2,
                                field(priority, 0, varint(1)) + varint(text << 3 | 2) + varint(9));
  EXPECT_THROW(reader.read(field(wire::Batch::kItemsFieldNumber, 2,
                                 field(wire::Envelope::kSeqFieldNumber, 0, varint(1)) + cut),
                           1, arena),
               ProtocolViolation);
}

// A receiver keeps a delivered item by swapping it with an envelope it kept from an earlier
// delivery, which may have come alone, with every header field: none of those may show in the
// items of the next batch.
TEST(BatchReaderTest, AnItemTakenBySwappingLeavesNothingBehindForTheNextBatch) {
  BatchReader reader;
  google::protobuf::Arena arena;
  read_frame(batch_frame({message_item(1, "first"), message_item(2, "second")}), reader, arena);
  wire::Envelope kept = header();
  kept.set_seq(40);
  kept.set_retransmission(true);
  kept.mutable_message()->set_text("came alone");
  kept.mutable_message()->set_in_reply_to(3);
  reader.item(0).Swap(&kept);
  EXPECT_EQ(kept.message().text(), "first");  // taken whole

  const Read next = read_frame(batch_frame({message_item(3, "third")}), reader, arena);
  ASSERT_EQ(next.items.size(), 1u);
  const wire::Envelope& item = next.items[0];
  EXPECT_EQ(item.seq(), 3u);
  EXPECT_EQ(item.epoch(), 4242u);
  EXPECT_EQ(item.message().text(), "third");
  EXPECT_EQ(item.message().in_reply_to(), 0u);
  EXPECT_FALSE(item.retransmission());
  EXPECT_EQ(item.sender(), "");
  EXPECT_EQ(item.version(), 0u);
  EXPECT_EQ(item.ack(), 0u);
  EXPECT_EQ(item.ack_epoch(), 0u);
  EXPECT_EQ(item.circuit(), "");
}

// The reader keeps storage for 1,024 message items between batches; a batch of more (a peer may
// send some 1,400 one-letter messages in a 16,000-byte batch) must not lose the storage its own
// items are in (it did: the items pointed into freed memory, which ASan reports).
TEST(BatchReaderTest, ABatchOfMoreItemsThanTheReaderKeepsIsReadWhole) {
  BatchReader reader;
  google::protobuf::Arena arena;
  std::vector<wire::Envelope> many;
  for (std::uint64_t seq = 1; seq <= 1500; ++seq) many.push_back(message_item(seq, "x"));
  std::string scratch;
  const std::string body = batch_frame(many);
  const BatchFrameParts parts = split_batch_frame(body, scratch);
  const auto& items = reader.read(parts.items, 4242, arena);
  ASSERT_EQ(items.size(), 1500u);
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i]->seq(), i + 1);
    EXPECT_EQ(items[i]->message().text(), "x");
  }
  const Read next = read_frame(batch_frame({message_item(1501, "after")}), reader, arena);
  ASSERT_EQ(next.items.size(), 1u);
  EXPECT_EQ(next.items[0].message().text(), "after");
}

TEST(BatchReaderTest, ABatchFieldBeforeTheHeaderFieldsIsFoundToo) {
  // protobuf writes fields in number order, so the batch (20) comes last; another writer may not.
  wire::Envelope batch_only;
  *batch_only.mutable_batch()->add_items() = message_item(1, "first");
  const std::string body = batch_only.SerializeAsString() + header().SerializeAsString();
  const Read read = read_frame(body);
  EXPECT_EQ(read.header.sender(), "moscow");
  EXPECT_EQ(read.header.circuit(), "backup");
  ASSERT_EQ(read.items.size(), 1u);
  EXPECT_EQ(read.items[0].message().text(), "first");
  EXPECT_EQ(read.items[0].epoch(), 4242u);
}

TEST(BatchReaderTest, AnItemWithOtherFieldsStillReadsWhole) {
  // A writer that repeats header fields in its items: the reader falls back to protobuf's parse.
  wire::Envelope item = message_item(6, "with a header of its own");
  item.set_sender("moscow");
  item.set_circuit("primary");
  const Read read = read_frame(batch_frame({item}));
  ASSERT_EQ(read.items.size(), 1u);
  EXPECT_EQ(read.items[0].seq(), 6u);
  EXPECT_EQ(read.items[0].message().text(), "with a header of its own");
  EXPECT_EQ(read.items[0].epoch(), 4242u);
}

TEST(BatchReaderTest, MalformedBatchesAreRefusedWithAReason) {
  const auto refusal = [](const std::string& body) {
    try {
      read_frame(body);
    } catch (const ProtocolViolation& violation) {
      return std::string(violation.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal(batch_frame({})), "an empty batch");

  const std::string one = batch_frame({message_item(1, "x")});
  EXPECT_EQ(refusal(one + one.substr(one.find('\xa2'))), "two batches in one frame");

  wire::Envelope with_message = header();
  with_message.mutable_message()->set_text("alone");
  wire::Envelope batch_only;
  *batch_only.mutable_batch()->add_items() = message_item(1, "x");
  EXPECT_EQ(refusal(with_message.SerializeAsString() + batch_only.SerializeAsString()),
            "a batch and a message in one envelope");

  // Batch field (20, length-delimited: a2 01), 4 bytes: one item (0a) claiming 9 bytes.
  EXPECT_EQ(refusal(header().SerializeAsString() + std::string("\xa2\x01\x04\x0a\x09\x20\x01", 7)),
            "batch item 1 runs past the end of the batch");
  // One item of 3 bytes: a Message field (5a) claiming more than the item holds.
  EXPECT_EQ(
      refusal(header().SerializeAsString() + std::string("\xa2\x01\x05\x0a\x03\x5a\x07\x0a", 8)),
      "batch item 1 is not a valid Envelope");
  EXPECT_EQ(refusal(header().SerializeAsString() + std::string("\xa2\x01\x09\x0a", 4)),
            "frame is not a valid Envelope");
}

}  // namespace
}  // namespace hotline::node
