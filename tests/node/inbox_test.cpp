#include "node/inbox.h"

#include <gtest/gtest.h>

#include "node/protocol.h"

namespace hotline::node {
namespace {

wire::Envelope message(std::uint64_t epoch, std::uint64_t seq) {
  wire::Envelope envelope;
  envelope.set_epoch(epoch);
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text("m" + std::to_string(seq));
  return envelope;
}

// What an arrival makes deliverable: itself if it is next in order, then what it unblocked.
std::vector<std::uint64_t> seqs(Inbox& inbox, const wire::Envelope& arrival) {
  std::vector<std::uint64_t> out;
  if (inbox.accept(arrival) != Inbox::Arrival::kDeliverable) return out;
  out.push_back(arrival.seq());
  while (auto next = inbox.next_unblocked(arrival.epoch())) out.push_back(next->seq());
  return out;
}

TEST(InboxTest, DeliversInOrderOnce) {
  Inbox inbox;
  EXPECT_EQ(seqs(inbox, message(1, 1)), std::vector<std::uint64_t>{1});
  EXPECT_EQ(seqs(inbox, message(1, 2)), std::vector<std::uint64_t>{2});
  EXPECT_EQ(inbox.delivered(1), 2u);
}

TEST(InboxTest, DuplicatesAreRecognisedAndNotDelivered) {
  Inbox inbox;
  inbox.accept(message(1, 1));
  EXPECT_EQ(inbox.accept(message(1, 1)), Inbox::Arrival::kDuplicate);
  EXPECT_EQ(inbox.delivered(1), 1u);
}

TEST(InboxTest, HoldsArrivalsAheadOfAGapUntilItFills) {
  Inbox inbox;
  EXPECT_EQ(inbox.accept(message(1, 3)), Inbox::Arrival::kHeld);
  EXPECT_EQ(inbox.accept(message(1, 2)), Inbox::Arrival::kHeld);
  EXPECT_EQ(inbox.accept(message(1, 3)), Inbox::Arrival::kDuplicate);
  EXPECT_EQ(seqs(inbox, message(1, 1)), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(inbox.delivered(1), 3u);
}

TEST(InboxTest, EpochsAreSeparateAndAnOldEpochIsNotForgottenWhenANewOneAppears) {
  Inbox inbox;
  inbox.accept(message(1, 1));
  EXPECT_EQ(seqs(inbox, message(2, 1)), std::vector<std::uint64_t>{1});
  // A stale connection of epoch 1 comes back: its old message is still a duplicate.
  EXPECT_EQ(inbox.accept(message(1, 1)), Inbox::Arrival::kDuplicate);
}

TEST(InboxTest, TooManyHeldMessagesIsAViolation) {
  Inbox inbox(3);
  for (std::uint64_t seq = 2; seq <= 4; ++seq) inbox.accept(message(1, seq));
  EXPECT_THROW(inbox.accept(message(1, 5)), ProtocolViolation);
}

}  // namespace
}  // namespace hotline::node
