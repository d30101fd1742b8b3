#include "node/outbox.h"

#include <gtest/gtest.h>

#include "node/protocol.h"

namespace hotline::node {
namespace {

wire::Envelope text(const std::string& body) {
  wire::Envelope envelope;
  envelope.mutable_message()->set_text(body);
  return envelope;
}

TEST(OutboxTest, NumbersContiguouslyInItsEpoch) {
  Outbox outbox(9);
  EXPECT_EQ(outbox.push(text("a")).envelope.seq(), 1u);
  EXPECT_EQ(outbox.push(text("b")).envelope.seq(), 2u);
  EXPECT_EQ(outbox.pending().back().envelope.epoch(), 9u);
  EXPECT_EQ(outbox.size(), 2u);
}

TEST(OutboxTest, CumulativeAcknowledgementReleasesEverythingUpToIt) {
  Outbox outbox(1);
  for (int i = 0; i < 5; ++i) outbox.push(text("m"));
  EXPECT_EQ(outbox.acknowledge(3).size(), 3u);
  EXPECT_EQ(outbox.pending().front().envelope.seq(), 4u);
  EXPECT_TRUE(outbox.acknowledge(2).empty());
  EXPECT_EQ(outbox.acknowledge(5).size(), 2u);
  EXPECT_TRUE(outbox.empty());
}

TEST(OutboxTest, AcknowledgingWhatWasNeverSentIsAViolation) {
  Outbox outbox(1);
  outbox.push(text("m"));
  EXPECT_THROW(outbox.acknowledge(2), ProtocolViolation);
  EXPECT_EQ(outbox.size(), 1u);
}

TEST(OutboxTest, SequenceNumbersAreNeverReusedAfterAcknowledgement) {
  Outbox outbox(1);
  outbox.push(text("a"));
  outbox.acknowledge(1);
  EXPECT_EQ(outbox.push(text("b")).envelope.seq(), 2u);
}

}  // namespace
}  // namespace hotline::node
