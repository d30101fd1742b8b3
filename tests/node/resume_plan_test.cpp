// The peer's Hello weighed against what the node knows: each rule of docs/protocol.md, "Resuming".

#include <gtest/gtest.h>

#include "node/resume_plan.h"

namespace hotline::node {
namespace {

ResumeFacts facts() {
  ResumeFacts facts;
  facts.own_epoch = 7;
  facts.own_transmitted = 20;
  facts.own_acknowledged_seq = 10;
  facts.delivered_of_peer = 5;
  return facts;
}

wire::Hello hello(std::uint64_t resume_epoch, std::uint64_t delivered, std::uint64_t floor = 0) {
  wire::Hello hello;
  hello.mutable_resume()->set_peer_epoch(resume_epoch);
  hello.mutable_resume()->set_delivered_seq(delivered);
  hello.set_acknowledged_floor(floor);
  return hello;
}

TEST(ResumePlanTest, WhatThePeerDeliveredPastOurAcknowledgementsIsAcknowledged) {
  const ResumePlan plan = plan_resume(facts(), hello(7, 15));
  EXPECT_EQ(plan.acknowledged_up_to, 15u);
  EXPECT_FALSE(plan.start_new_epoch);
  EXPECT_EQ(plan.raise_delivered_to, 0u);
}

TEST(ResumePlanTest, AResumePointGoingBackwardsOrForAnotherEpochChangesNothing) {
  for (const auto& given : {hello(7, 3), hello(7, 10), hello(8, 15), hello(8, 1'000'000)}) {
    const ResumePlan plan = plan_resume(facts(), given);
    EXPECT_EQ(plan.acknowledged_up_to, 0u) << given.ShortDebugString();
    EXPECT_FALSE(plan.start_new_epoch) << given.ShortDebugString();
  }
}

TEST(ResumePlanTest, APeerThatDeliveredMoreThanWeNumberedMeansOurJournalWentBackInTime) {
  const ResumePlan plan = plan_resume(facts(), hello(7, 21));
  EXPECT_TRUE(plan.start_new_epoch);
  EXPECT_EQ(plan.peer_delivered, 21u);
  EXPECT_EQ(plan.acknowledged_up_to, 0u);
  EXPECT_FALSE(plan_resume(facts(), hello(7, 20)).start_new_epoch);
}

// The review's worse case of a journal gone back in time: numbered past what the peer
// delivered, but by this life, which has not sent them yet. The peer's 15 are an earlier life's
// messages; before, this node took its own new 11..15 for acknowledged, and they were lost.
TEST(ResumePlanTest, APeerThatDeliveredMoreThanCouldHaveReachedItMeansANewEpoch) {
  ResumeFacts numbered_more = facts();
  numbered_more.own_transmitted = 10;  // the journal held 10; 11..20 were numbered since
  const ResumePlan plan = plan_resume(numbered_more, hello(7, 15));
  EXPECT_TRUE(plan.start_new_epoch);
  EXPECT_EQ(plan.acknowledged_up_to, 0u);
}

TEST(ResumePlanTest, AFloorPastWhatWeDeliveredRaisesTheWatermarkAndNeverLowersIt) {
  EXPECT_EQ(plan_resume(facts(), hello(0, 0, 9)).raise_delivered_to, 9u);
  EXPECT_EQ(plan_resume(facts(), hello(0, 0, 5)).raise_delivered_to, 0u);
  EXPECT_EQ(plan_resume(facts(), hello(0, 0, 2)).raise_delivered_to, 0u);
}

}  // namespace
}  // namespace hotline::node
