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
  EXPECT_EQ(outbox.at(1).envelope.epoch(), 9u);
  EXPECT_EQ(outbox.size(), 2u);
}

TEST(OutboxTest, CumulativeAcknowledgementReleasesEverythingUpToIt) {
  Outbox outbox(1);
  for (int i = 0; i < 5; ++i) outbox.push(text("m"));
  EXPECT_EQ(outbox.acknowledge(3).size(), 3u);
  EXPECT_EQ(outbox.front().envelope.seq(), 4u);
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

TEST(OutboxTest, AReusedEnvelopeCarriesNothingOfItsLastSend) {
  Outbox outbox(1);
  // Enough messages, all acknowledged, that the next push reuses the first one's place.
  for (int i = 1; i <= 1024; ++i) {
    wire::Envelope& sent = outbox.push(text("m" + std::to_string(i))).envelope;
    sent.set_ack(7);
    sent.set_ack_epoch(3);
    sent.set_sent_at_us(123);
    sent.set_circuit("backup");
    sent.set_retransmission(true);
  }
  outbox.acknowledge(1024);

  wire::Envelope& reused = outbox.next();
  ASSERT_TRUE(reused.has_message()) << "not a reused envelope";
  EXPECT_EQ(reused.ack(), 0u);
  EXPECT_EQ(reused.ack_epoch(), 0u);
  EXPECT_EQ(reused.sent_at_us(), 0);
  EXPECT_EQ(reused.circuit(), "");
  EXPECT_FALSE(reused.retransmission());
  reused.mutable_message()->set_text("again");
  const Outbox::Entry& entry = outbox.push_next();
  EXPECT_EQ(entry.envelope.seq(), 1025u);
  EXPECT_FALSE(entry.sent);
  EXPECT_EQ(outbox.front().envelope.message().text(), "again");
}

TEST(OutboxTest, ALargeAcknowledgedPayloadIsFreedRatherThanKeptForReuse) {
  Outbox outbox(1);
  for (int i = 0; i < 256; ++i) {
    Outbox::Entry& entry = outbox.push(text(std::string(10000, 'x')));
    outbox.mark_sent(entry, Outbox::Clock::now());
  }
  outbox.acknowledge(256);
  EXPECT_FALSE(outbox.next().has_message());
}

// A new epoch acknowledges messages never sent (they go again, renumbered): their memory too is
// given back. Before, only a payload that had been sent was measured for this.
TEST(OutboxTest, ALargePayloadAcknowledgedUnsentIsFreedToo) {
  Outbox outbox(1);
  for (int i = 0; i < 256; ++i) outbox.push(text(std::string(10000, 'x')));
  outbox.acknowledge(256);
  EXPECT_FALSE(outbox.next().has_message());
}

// A message is encoded once, numbered as it is kept; a recovered outbox encodes what it holds;
// the outbox counts each payload twice.
TEST(OutboxTest, EachEntryHoldsItsItemEncodedUnderItsNumber) {
  Outbox outbox(7);
  outbox.push(text("first"));
  outbox.next() = text("second");
  const std::string& item = outbox.encode_next();
  const Outbox::Entry& second = outbox.push_next();
  EXPECT_EQ(&item, &second.item);
  std::vector<wire::Envelope> held;
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    const Outbox::Entry& entry = outbox.at(i);
    wire::Envelope decoded;
    ASSERT_TRUE(decoded.ParseFromString(entry.item));
    EXPECT_EQ(decoded.seq(), i + 1);
    EXPECT_EQ(decoded.message().text(), entry.envelope.message().text());
    EXPECT_EQ(entry.payload_bytes, entry.envelope.message().ByteSizeLong());
    held.push_back(entry.envelope);
  }
  EXPECT_EQ(outbox.bytes(), Outbox::entry_bytes(outbox.at(0).payload_bytes) +
                                Outbox::entry_bytes(outbox.at(1).payload_bytes));
  Outbox recovered(7, 2, 0, held);
  ASSERT_EQ(recovered.size(), 2u);
  EXPECT_EQ(recovered.at(0).item, outbox.at(0).item);
  EXPECT_EQ(recovered.at(1).item, outbox.at(1).item);
  EXPECT_EQ(recovered.bytes(), outbox.bytes());
}

TEST(OutboxTest, EntriesKeepTheirPlaceAndOrderWhileThousandsComeAndGo) {
  Outbox outbox(1);
  for (int i = 0; i < 600; ++i) outbox.push(text("m" + std::to_string(i + 1)));
  const wire::Envelope* sixth = &outbox.at(5).envelope;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 700; ++i) {
      outbox.next().mutable_message()->set_text("m" + std::to_string(outbox.last_seq() + 1));
      outbox.push_next();
    }
    // Pushing more never moves what is still unacknowledged.
    if (round == 0) {
      EXPECT_EQ(sixth->seq(), 6u);
    }
    EXPECT_EQ(outbox.acknowledge(outbox.acknowledged_seq() + 650).size(), 650u);
  }
  EXPECT_EQ(outbox.size(), 600u + 5 * 700 - 5 * 650);
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    const std::uint64_t seq = outbox.acknowledged_seq() + 1 + i;
    ASSERT_EQ(outbox.at(i).envelope.seq(), seq);
    ASSERT_EQ(outbox.at(i).envelope.message().text(), "m" + std::to_string(seq));
  }
}

}  // namespace
}  // namespace hotline::node
