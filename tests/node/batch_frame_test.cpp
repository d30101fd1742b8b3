#include "node/batch_frame.h"

#include <gtest/gtest.h>

#include "common/frame.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

wire::Envelope header() {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender("washington");
  envelope.set_epoch(0xfedcba9876543210ULL);
  envelope.set_ack(41);
  envelope.set_ack_epoch(77);
  envelope.set_sent_at_us(1'700'000'000'000'000);
  envelope.set_circuit("primary");
  return envelope;
}

// Outbox entries carry a whole header of their own; a batch writes only their seq,
// retransmission flag and payload.
std::vector<wire::Envelope> entries() {
  std::vector<wire::Envelope> kept(3, header());
  kept[0].set_seq(7);
  kept[0].mutable_message()->set_text(std::string(300, 'x'));
  kept[0].mutable_message()->set_priority(wire::FLASH);
  kept[1].set_seq(8);
  kept[1].set_retransmission(true);
  kept[1].mutable_link_test()->set_number(3);
  kept[2].set_seq(200000);
  kept[2].mutable_model_exchange()->set_run_message(12);
  kept[2].mutable_model_exchange()->set_garbled(true);
  return kept;
}

wire::Envelope round_trip(const std::vector<wire::Envelope>& kept, std::uint32_t max_frame) {
  // As an outbox keeps them: each encoded once, the retransmission flag added per send.
  std::vector<std::string> bodies(kept.size());
  std::vector<BatchItem> items;
  std::size_t items_bytes = 0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    encode_item_body(kept[i], bodies[i]);
    items.push_back(batch_item(bodies[i], kept[i].retransmission()));
    items_bytes += items.back().bytes;
  }
  std::string frames;
  append_batch_frame(frames, header(), items, items_bytes, max_frame);
  common::FrameDecoder decoder(max_frame);
  decoder.feed(frames.data(), frames.size());
  const auto body = decoder.next();
  EXPECT_TRUE(body.has_value());
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  return decode_envelope(*body);
}

TEST(BatchFrameTest, ABatchFrameIsAnEnvelopeWhoseItemsKeepTheirSeqFlagAndPayload) {
  const auto kept = entries();
  const wire::Envelope frame = round_trip(kept, common::kDefaultMaxFrameBytes);
  EXPECT_EQ(frame.sender(), "washington");
  EXPECT_EQ(frame.epoch(), 0xfedcba9876543210ULL);
  EXPECT_EQ(frame.ack(), 41u);
  EXPECT_EQ(frame.circuit(), "primary");
  EXPECT_EQ(frame.seq(), 0u);
  ASSERT_EQ(frame.batch().items_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const wire::Envelope& item = frame.batch().items(i);
    EXPECT_EQ(item.seq(), kept[i].seq());
    EXPECT_EQ(item.retransmission(), kept[i].retransmission());
    EXPECT_EQ(item.payload_case(), kept[i].payload_case());
    // Nothing of the entry's own header is repeated in the item.
    EXPECT_EQ(item.sender(), "");
    EXPECT_EQ(item.epoch(), 0u);
    EXPECT_EQ(item.ack(), 0u);
  }
  EXPECT_EQ(frame.batch().items(0).message().text(), std::string(300, 'x'));
  EXPECT_EQ(frame.batch().items(0).message().priority(), wire::FLASH);
  EXPECT_EQ(frame.batch().items(1).link_test().number(), 3u);
  EXPECT_TRUE(frame.batch().items(2).model_exchange().garbled());
}

TEST(BatchFrameTest, AnItemIsMeasuredAsItIsWritten) {
  // append_batch_frame checks that it wrote what the items were measured at, and throws if not.
  const auto kept = entries();
  for (const bool retransmission : {false, true}) {
    std::string body;
    const std::size_t payload_bytes = encode_item_body(kept[0], body);
    EXPECT_EQ(payload_bytes, kept[0].message().ByteSizeLong());
    const BatchItem item = batch_item(body, retransmission);
    std::string frames;
    EXPECT_NO_THROW(
        append_batch_frame(frames, header(), {item}, item.bytes, common::kDefaultMaxFrameBytes));
    common::FrameDecoder decoder(common::kDefaultMaxFrameBytes);
    decoder.feed(frames.data(), frames.size());
    const wire::Envelope frame = decode_envelope(*decoder.next());
    ASSERT_EQ(frame.batch().items_size(), 1);
    EXPECT_EQ(frame.batch().items(0).retransmission(), retransmission);
    EXPECT_EQ(frame.batch().items(0).seq(), 7u);
  }
}

TEST(BatchFrameTest, ABatchLargerThanTheFrameLimitIsRefusedBeforeItIsSent) {
  EXPECT_THROW(round_trip(entries(), 256), common::FrameError);
}

}  // namespace
}  // namespace hotline::node
