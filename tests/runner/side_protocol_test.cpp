// How the referee and the minds inside the nodes talk (runner/side_protocol.h): what crosses
// intact, and what from outside is refused before the model looks it up.

#include <gtest/gtest.h>

#include "runner/side_protocol.h"

namespace hotline::runner {
namespace {

model::Exchange explanation(model::Claim claim) {
  model::Exchange exchange;
  exchange.type = model::Exchange::Type::kExplanation;
  exchange.incident = 3;
  exchange.claim = claim;
  exchange.clarity = 0.75;
  exchange.move = model::Rung::kSanctions;
  return exchange;
}

// Before, claims crossed by number, and the wire numbers BENIGN and REFUSE the other way round
// from the model: a benign explanation went out named REFUSE, which is what an outside
// implementer of docs/protocol.md would have read.
TEST(SideProtocolTest, EachClaimCrossesTheWireUnderItsOwnName) {
  const std::pair<model::Claim, wire::ModelExchange::Claim> names[] = {
      {model::Claim::kNotUs, wire::ModelExchange::NOT_US},
      {model::Claim::kNotDirected, wire::ModelExchange::NOT_DIRECTED},
      {model::Claim::kAccident, wire::ModelExchange::ACCIDENT},
      {model::Claim::kAdmit, wire::ModelExchange::ADMIT},
      {model::Claim::kBenign, wire::ModelExchange::BENIGN},
      {model::Claim::kRefuse, wire::ModelExchange::REFUSE}};
  for (const auto& [claim, name] : names) {
    const wire::ModelExchange sent = exchange_to_wire(9, explanation(claim));
    EXPECT_EQ(sent.claim(), name) << model::claim_name(claim);
    const model::Exchange read = exchange_from_wire(sent);
    EXPECT_EQ(read.claim, claim);
    EXPECT_EQ(read.move, model::Rung::kSanctions);
    EXPECT_EQ(read.incident, 3);
  }
}

// A peer's node, or a node's reply, naming a type, claim or rung the model does not know is
// refused: the model looks their names up by index (rung 99 read past the ladder's table).
TEST(SideProtocolTest, AnExchangeTheModelCannotNameIsRefused) {
  wire::ModelExchange wire = exchange_to_wire(9, explanation(model::Claim::kAdmit));
  wire.set_claim(static_cast<wire::ModelExchange::Claim>(17));
  EXPECT_THROW(exchange_from_wire(wire), std::out_of_range);
  wire = exchange_to_wire(9, explanation(model::Claim::kAdmit));
  wire.set_move(99);
  EXPECT_THROW(exchange_from_wire(wire), std::out_of_range);
  wire = exchange_to_wire(9, explanation(model::Claim::kAdmit));
  wire.set_type(static_cast<wire::ModelExchange::Type>(-3));
  EXPECT_THROW(exchange_from_wire(wire), std::out_of_range);

  nlohmann::json json = exchange_to_json(explanation(model::Claim::kAdmit));
  json["move"] = 99;
  EXPECT_THROW(exchange_from_json(json), std::out_of_range);
  json = exchange_to_json(explanation(model::Claim::kAdmit));
  json["claim"] = 6;
  EXPECT_THROW(exchange_from_json(json), std::out_of_range);
}

TEST(SideProtocolTest, AReplyIsReadWhole) {
  model::Actions actions;
  actions.send.push_back({3600, explanation(model::Claim::kBenign)});
  actions.strikes.push_back({2, 0.5});
  actions.moves.push_back(model::Rung::kDemarche);
  actions.wake_at.push_back(7200);
  actions.refrain.push_back("washington");
  model::Record record;
  record.at = 60;
  record.kind = "belief";
  record.party = "moscow";
  record.fields = {{"value", 0.25}, {"why", std::string("a leak")}, {"count", 3LL}};
  const nlohmann::json reply = {{"reply", "observe"},
                                {"actions", actions_to_json(actions)},
                                {"rung", 2},
                                {"records", {record_to_json(record)}}};
  const SideReply read = read_side_reply(reply);
  EXPECT_EQ(read.rung, model::Rung::kDemarche);
  ASSERT_EQ(read.actions.send.size(), 1u);
  EXPECT_EQ(read.actions.send[0].exchange.claim, model::Claim::kBenign);
  EXPECT_EQ(read.actions.strikes.size(), 1u);
  EXPECT_EQ(read.actions.refrain, std::vector<std::string>{"washington"});
  ASSERT_EQ(read.records.size(), 1u);
  EXPECT_EQ(read.records[0].fields.size(), 3u);
}

TEST(SideProtocolTest, AMalformedReplySaysWhatIsWrong) {
  const nlohmann::json good = {{"reply", "observe"},
                               {"actions", actions_to_json({})},
                               {"rung", 0},
                               {"records", nlohmann::json::array()}};
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"rung", 8},
                                                           {"rung", "high"},
                                                           {"rung", 2.5e300},
                                                           {"records", 3},
                                                           {"actions", nlohmann::json::object()}}) {
    nlohmann::json bad = good;
    bad[key] = value;
    try {
      read_side_reply(bad);
      ADD_FAILURE() << "accepted " << bad.dump();
    } catch (const MalformedReply& error) {
      EXPECT_NE(std::string(error.what()).find("malformed reply"), std::string::npos);
    }
  }
  nlohmann::json missing = good;
  missing.erase("rung");
  EXPECT_THROW(read_side_reply(missing), MalformedReply);
  // Before, a float far past an integer's range where one is expected was cast, which is
  // undefined; the fuzzer's sanitizer build stopped on it (tests/fuzz/side_reply/huge-float.json).
  nlohmann::json huge = good;
  huge["actions"]["strikes"] = {{{"in_response_to", 1e300}, {"severity", 0.5}}};
  EXPECT_THROW(read_side_reply(huge), MalformedReply);
  huge["actions"]["strikes"] = nlohmann::json::array();
  huge["actions"]["wake_at"] = {-1e300};
  EXPECT_THROW(read_side_reply(huge), MalformedReply);
}

// The referee's calls are read the same way: whole, and integers only from JSON integers.
TEST(SideProtocolTest, ObservationsAndTransmissionsCrossWholeAndRefuseFloatsForIntegers) {
  model::SeenIncident seen;
  seen.incident = 2;
  seen.id = "wave-1";
  seen.points_at_other = true;
  seen.confidence = 0.8;
  seen.severity = 0.4;
  seen.in_response_to = 1;
  const model::SeenIncident read = seen_from_json(seen_to_json(seen));
  EXPECT_EQ(read.id, "wave-1");
  EXPECT_EQ(read.incident, 2);
  EXPECT_EQ(read.in_response_to, 1);
  EXPECT_DOUBLE_EQ(read.confidence, 0.8);
  nlohmann::json bad = seen_to_json(seen);
  bad["incident"] = 1e300;
  EXPECT_THROW(seen_from_json(bad), std::out_of_range);

  model::Transmission sent;
  sent.circuit = 1;
  sent.transit.delay = 90;
  sent.transit.duplicated = true;
  sent.transit.duplicate_delay = 30;
  const model::Transmission back = transmission_from_json(transmission_to_json(sent));
  EXPECT_EQ(back.circuit, 1);
  EXPECT_EQ(back.transit, sent.transit);
  nlohmann::json late = transmission_to_json(sent);
  late["transit"]["delay"] = -1e300;
  EXPECT_THROW(transmission_from_json(late), std::out_of_range);
}

}  // namespace
}  // namespace hotline::runner
