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
  wire = exchange_to_wire(9, explanation(model::Claim::kAdmit));
  wire.set_consequence(42);
  EXPECT_THROW(exchange_from_wire(wire), std::out_of_range);
}

TEST(SideProtocolTest, APersonsWarningCrossesWithItsLineAndConsequence) {
  model::Exchange warning;
  warning.type = model::Exchange::Type::kWarning;
  warning.line = "US grid operator";
  warning.consequence = model::Rung::kCyberRetaliation;
  warning.text = "Keep off our grid.";
  const model::Exchange read = exchange_from_wire(exchange_to_wire(3, warning));
  EXPECT_TRUE(same_exchange(read, warning));
  EXPECT_EQ(read.line, "US grid operator");
  EXPECT_EQ(read.consequence, model::Rung::kCyberRetaliation);
  model::Exchange reassurance;
  reassurance.type = model::Exchange::Type::kReassurance;
  reassurance.text = "We mean you no harm.";
  EXPECT_EQ(exchange_from_wire(exchange_to_wire(4, reassurance)).type,
            model::Exchange::Type::kReassurance);
}

// An ally's assessment names the party its evidence points at, party 0 included (which an
// unset field would also read as), or none.
TEST(SideProtocolTest, AnAssessmentCrossesWithWhereItsEvidencePoints) {
  model::Exchange assessment;
  assessment.type = model::Exchange::Type::kAssessment;
  assessment.incident = 4;
  assessment.points_at = 0;
  assessment.clarity = 0.7;
  const model::Exchange read = exchange_from_wire(exchange_to_wire(5, assessment));
  EXPECT_TRUE(same_exchange(read, assessment));
  EXPECT_EQ(read.points_at, 0);
  assessment.points_at = model::kNoParty;
  EXPECT_EQ(exchange_from_wire(exchange_to_wire(6, assessment)).points_at, model::kNoParty);
  model::Exchange consult;
  consult.type = model::Exchange::Type::kConsult;
  consult.incident = 4;
  EXPECT_EQ(exchange_from_wire(exchange_to_wire(7, consult)).type, model::Exchange::Type::kConsult);
}

side::Reply observe_reply() {
  model::Actions actions;
  // Every counterpart is party 1, not the default 0 a lost field would read as.
  actions.send.push_back({3600, explanation(model::Claim::kBenign), 1});
  actions.strikes.push_back({2, 0.5, 1});
  actions.moves.push_back({model::Rung::kDemarche, 1});
  actions.wake_at.push_back(7200);
  actions.refrain.push_back({"washington", 1});
  model::Record record;
  record.at = 60;
  record.kind = "belief";
  record.party = "moscow";
  record.fields = {{"value", 0.25}, {"why", std::string("a leak")}, {"count", 3LL}, {"sure", true}};
  side::Reply reply;
  *reply.mutable_actions() = actions_to_proto(actions);
  reply.set_rung(2);
  *reply.add_records() = record_to_proto(record);
  return reply;
}

// A reply crosses as one line and is read whole, each record's fields in order and typed.
TEST(SideProtocolTest, AReplyCrossesAsOneLineAndIsReadWhole) {
  const std::string line = reply_line(observe_reply());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("{\"reply\":", 0), 0u);
  const auto reply = read_reply_line(line);
  ASSERT_TRUE(reply);
  const SideReply read = read_side_reply(*reply);
  EXPECT_EQ(read.rung, model::Rung::kDemarche);
  ASSERT_EQ(read.actions.send.size(), 1u);
  EXPECT_EQ(read.actions.send[0].after, 3600);
  EXPECT_EQ(read.actions.send[0].exchange.claim, model::Claim::kBenign);
  EXPECT_EQ(read.actions.send[0].to, 1);
  ASSERT_EQ(read.actions.strikes.size(), 1u);
  EXPECT_EQ(read.actions.strikes[0].against, 1);
  EXPECT_EQ(read.actions.moves, (std::vector<model::Move>{{model::Rung::kDemarche, 1}}));
  EXPECT_EQ(read.actions.wake_at, std::vector<model::SimTime>{7200});
  EXPECT_EQ(read.actions.refrain, (std::vector<model::Refrain>{{"washington", 1}}));
  ASSERT_EQ(read.records.size(), 1u);
  const auto& fields = read.records[0].fields;
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].first, "value");
  EXPECT_EQ(std::get<double>(fields[0].second), 0.25);
  EXPECT_EQ(std::get<std::string>(fields[1].second), "a leak");
  EXPECT_EQ(std::get<long long>(fields[2].second), 3);
  EXPECT_EQ(std::get<bool>(fields[3].second), true);
  // The node's own events on the same output are not replies.
  EXPECT_FALSE(read_reply_line(R"({"event":"link_up","circuit":"primary"})"));
  EXPECT_FALSE(read_reply_line("not json"));
}

TEST(SideProtocolTest, ABeliefCurveCrossesWhole) {
  side::Reply reply;
  *reply.add_curves() = curve_to_proto(1, {-0.4, 2.5, 3600, 86400});
  const auto read = read_reply_line(reply_line(reply));
  ASSERT_TRUE(read);
  const SideReply side = read_side_reply(*read);
  ASSERT_EQ(side.curves.size(), 1u);
  EXPECT_EQ(side.curves[0].first, 1);
  EXPECT_EQ(side.curves[0].second, (model::BeliefCurve{-0.4, 2.5, 3600, 86400}));
}

TEST(SideProtocolTest, AMalformedReplySaysWhatIsWrong) {
  const auto refused = [](const std::string& line) -> std::string {
    try {
      const auto reply = read_reply_line(line);
      if (!reply) return "not a reply";
      read_side_reply(*reply);
    } catch (const MalformedReply& error) {
      return error.what();
    }
    return "";
  };
  const std::string good = reply_line(observe_reply());
  EXPECT_EQ(refused(good), "");
  for (const char* bad :
       {R"({"reply":{"rung":8}})", R"({"reply":{"rung":"high"}})", R"({"reply":{"rung":2.5e300}})",
        R"({"reply":{"records":3}})", R"({"reply":{"launch":true}})", R"({"reply":[1]})",
        R"({"reply":{"actions":{"moves":[99]}}})",
        R"({"reply":{"records":[{"kind":"x","fields":[{"key":"k"}]}]}})",
        R"({"reply":{"actions":{"strikes":[{"in_response_to":1e300}]}}})",
        R"({"reply":{"actions":{"wake_at":[-1e300]}}})",
        R"({"reply":{"curves":[{"of":-1,"log_odds":1}]}})",
        R"({"reply":{"curves":[{"of":1,"log_odds":"NaN"}]}})",
        R"({"reply":{"curves":[{"of":1,"prior_log_odds":"-Infinity"}]}})",
        R"({"reply":{"curves":[{"of":1,"since":"-5"}]}})",
        R"({"reply":{"curves":[{"of":1,"log_odds":800}]}})",
        R"({"reply":{"curves":[{"of":1,"prior_log_odds":1e300}]}})",
        R"({"reply":{"curves":[{"of":1,"half_life":"-1"}]}})"}) {
    EXPECT_NE(refused(bad).find("malformed reply"), std::string::npos) << bad;
  }
}

// The referee's calls cross as typed lines: whole, and a line that is not a call is refused
// saying so, before anything is dispatched on it.
TEST(SideProtocolTest, CallsCrossWholeAndAnythingElseIsRefused) {
  model::SeenIncident seen;
  seen.incident = 2;
  seen.id = "wave-1";
  seen.points_at = 1;
  seen.confidence = 0.8;
  seen.severity = 0.4;
  seen.in_response_to = 1;
  side::Call call;
  call.set_now(93000000000);
  *call.mutable_observe()->mutable_seen() = seen_to_proto(seen);
  const side::Call back = read_call_line(call_line(call));
  EXPECT_EQ(call_name(back), "observe");
  EXPECT_EQ(back.now(), 93000000000);
  const model::SeenIncident read = seen_from_proto(back.observe().seen());
  EXPECT_EQ(read.id, "wave-1");
  EXPECT_EQ(read.incident, 2);
  EXPECT_EQ(read.in_response_to, 1);
  EXPECT_DOUBLE_EQ(read.confidence, 0.8);

  model::Transmission sent;
  sent.circuit = 1;
  sent.transit.delay = 90;
  sent.transit.duplicated = true;
  sent.transit.duplicate_delay = 30;
  EXPECT_EQ(transmission_from_proto(transmission_to_proto(sent)).transit, sent.transit);

  for (const char* bad : {"", "{}", "[1]", R"({"now":"soon"})",
                          R"({"observe":{"seen":{"incident":1e300}}})", R"({"launch":{}})"}) {
    EXPECT_THROW(read_call_line(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace hotline::runner
