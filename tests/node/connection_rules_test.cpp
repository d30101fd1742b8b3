// What a peer must respect on one connection (node/connection_rules.h), each rule broken once.

#include <gtest/gtest.h>

#include "node/connection_rules.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

wire::Envelope hello(std::uint64_t epoch, const std::string& party = "moscow") {
  wire::Envelope envelope;
  envelope.set_sender(party);
  envelope.set_epoch(epoch);
  envelope.mutable_hello()->set_party(party);
  envelope.mutable_hello()->set_protocol_version(kProtocolVersion);
  envelope.mutable_hello()->set_epoch(epoch);
  return envelope;
}

wire::Envelope message(std::uint64_t epoch, std::uint64_t seq, bool retransmission = false) {
  wire::Envelope envelope;
  envelope.set_sender("moscow");
  envelope.set_epoch(epoch);
  envelope.set_seq(seq);
  envelope.set_retransmission(retransmission);
  envelope.mutable_message()->set_text("m");
  return envelope;
}

std::string violation(ConnectionRules& rules, const wire::Envelope& envelope) {
  try {
    rules.check(envelope);
  } catch (const ProtocolViolation& error) {
    return error.what();
  }
  return "";
}

TEST(ConnectionRulesTest, AHelloFirstThenNumberedMessagesOfItsEpoch) {
  ConnectionRules rules("moscow");
  EXPECT_TRUE(rules.check(hello(9)));
  EXPECT_EQ(rules.peer_epoch(), 9u);
  EXPECT_FALSE(rules.check(message(9, 1)));
  EXPECT_FALSE(rules.check(message(9, 2)));
  EXPECT_FALSE(rules.check(message(9, 1, /*retransmission=*/true)));
}

TEST(ConnectionRulesTest, EachBreachIsAViolationNamingIt) {
  ConnectionRules fresh("moscow");
  EXPECT_NE(violation(fresh, message(9, 1)).find("expected a Hello first"), std::string::npos);
  EXPECT_NE(violation(fresh, hello(9, "washington")).find("authenticated as \"moscow\""),
            std::string::npos);
  wire::Envelope no_epoch = hello(0);
  EXPECT_NE(violation(fresh, no_epoch).find("without a valid epoch"), std::string::npos);
  wire::Envelope old_version = hello(9);
  old_version.mutable_hello()->set_protocol_version(kProtocolVersion + 1);
  EXPECT_NE(violation(fresh, old_version).find("protocol version"), std::string::npos);

  ConnectionRules rules("moscow");
  rules.check(hello(9));
  EXPECT_NE(violation(rules, hello(9)).find("a second Hello"), std::string::npos);
  EXPECT_NE(violation(rules, message(10, 1)).find("epoch changed"), std::string::npos);
  rules.check(message(9, 5));
  EXPECT_NE(violation(rules, message(9, 5)).find("went backwards"), std::string::npos);
}

TEST(ConnectionRulesTest, ABatchHoldsOnlyNumberedReliablePayloadsMovingForward) {
  ConnectionRules rules("moscow");
  rules.check(hello(9));
  const wire::Envelope first = message(9, 1);
  const wire::Envelope second = message(9, 2);
  rules.check_batch_items({&first, &second});
  const wire::Envelope unnumbered = message(9, 0);
  EXPECT_THROW(rules.check_batch_items({&unnumbered}), ProtocolViolation);
  wire::Envelope heartbeat = message(9, 3);
  heartbeat.mutable_heartbeat();
  EXPECT_THROW(rules.check_batch_items({&heartbeat}), ProtocolViolation);
  EXPECT_THROW(rules.check_batch_items({&first}), ProtocolViolation);
}

}  // namespace
}  // namespace hotline::node
