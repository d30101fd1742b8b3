// The commit pipeline's rules, in-process: nothing acted on before it is durable, batches
// released in ticket order, one commit point per turn, memory reused.

#include "node/commit_pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hotline::node {
namespace {

const std::string kPrimary = "primary";

wire::Envelope delivery(std::uint64_t seq) {
  wire::Envelope envelope;
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text("message " + std::to_string(seq));
  return envelope;
}

std::vector<std::uint64_t> release(CommitPipeline& pipeline, CommitPipeline::Ticket synced,
                                   CommitPipeline::Released* out = nullptr) {
  std::vector<std::uint64_t> announced;
  const auto released =
      pipeline.release(synced, [&](const Delivery& d) { announced.push_back(d.envelope.seq()); });
  if (out != nullptr) *out = released;
  return announced;
}

TEST(CommitPipelineTest, NothingIsReleasedBeforeTheFsyncThatCoversIt) {
  CommitPipeline pipeline;
  pipeline.add_delivery(delivery(1), kPrimary);
  pipeline.owe_acknowledgement();
  EXPECT_TRUE(release(pipeline, 100).empty()) << "an open batch is not even written";
  pipeline.commit(/*ticket=*/1, /*last_seq=*/5);
  pipeline.add_delivery(delivery(2), kPrimary);
  pipeline.commit(/*ticket=*/2, /*last_seq=*/9);
  EXPECT_FALSE(pipeline.nothing_written());
  CommitPipeline::Released released;
  EXPECT_TRUE(release(pipeline, 0, &released).empty());
  EXPECT_EQ(released.last_seq, 0u);
  EXPECT_FALSE(released.ack_due);
  EXPECT_EQ(release(pipeline, 1, &released), std::vector<std::uint64_t>{1});
  EXPECT_EQ(released.last_seq, 5u);
  EXPECT_TRUE(released.ack_due);
  EXPECT_EQ(release(pipeline, 2, &released), std::vector<std::uint64_t>{2});
  EXPECT_EQ(released.last_seq, 9u);
  EXPECT_FALSE(released.ack_due) << "the second batch owed no acknowledgement";
  EXPECT_TRUE(pipeline.nothing_written());
}

TEST(CommitPipelineTest, OneFsyncReleasesEveryBatchItCoversInOrder) {
  CommitPipeline pipeline;
  for (std::uint64_t ticket = 1; ticket <= 3; ++ticket) {
    pipeline.add_delivery(delivery(2 * ticket - 1), kPrimary);
    pipeline.add_delivery(delivery(2 * ticket), kPrimary);
    pipeline.commit(ticket, ticket);
  }
  EXPECT_EQ(release(pipeline, 3), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(CommitPipelineTest, TicketsNeverGoBack) {
  CommitPipeline pipeline;
  pipeline.commit(4, 0);
  EXPECT_THROW(pipeline.commit(3, 0), std::logic_error);
}

TEST(CommitPipelineTest, AnnouncedDeliveriesLendTheirMemoryToLaterOnes) {
  CommitPipeline pipeline;
  const wire::Envelope* first = nullptr;
  pipeline.add_delivery(delivery(1), kPrimary);
  pipeline.commit(1, 0);
  pipeline.release(1, [&](const Delivery& d) { first = &d.envelope; });
  pipeline.add_delivery(delivery(2), kPrimary);
  pipeline.commit(2, 0);
  pipeline.add_delivery(delivery(3), kPrimary);  // into the list the first batch gave back
  pipeline.commit(3, 0);
  std::vector<const wire::Envelope*> seen;
  pipeline.release(3, [&](const Delivery& d) {
    seen.push_back(&d.envelope);
    EXPECT_EQ(d.circuit, &kPrimary);
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], first);
}

}  // namespace
}  // namespace hotline::node
