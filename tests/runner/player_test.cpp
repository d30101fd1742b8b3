// The mind inside a node answers the referee's calls: a call naming a party the scenario does
// not have is refused with an error reply, and a move against a third party reaches the mind
// with whom it was against.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner/player.h"
#include "runner/side_protocol.h"
#include "scenario/scenario_loader.h"

namespace hotline::runner {
namespace {

const char* kThreeParties = R"(
start: "2020-01-01T00:00:00Z"
duration: "10d"
party { id: "a" prior_hostility: 0.3 }
party { id: "b" prior_hostility: 0.3 }
party { id: "c" prior_hostility: 0.3 }
hotline { between: "a" between: "b" enabled: true circuit { name: "ab" latency: "1m" } }
hotline { between: "b" between: "c" enabled: true circuit { name: "bc" latency: "1m" } }
)";

struct PlayerOfA {
  model::Scenario scenario =
      scenario::load_scenario(scenario::parse_scenario_text(kThreeParties, "three.textproto"), {});
  std::vector<side::Reply> replies;
  Player player{scenario,
                0,
                1,
                false,
                1.0,
                [](wire::Envelope, const std::string&) {},
                [](std::chrono::microseconds, std::function<void()> then) { then(); },
                [this](const std::string& line) {
                  const auto reply = read_reply_line(line);
                  ASSERT_TRUE(reply.has_value()) << line;
                  replies.push_back(*reply);
                }};

  const side::Reply& see_move(int mover, int against) {
    side::Call call;
    call.set_now(3600);
    call.mutable_see_move()->set_mover(mover);
    call.mutable_see_move()->set_rung(static_cast<int>(model::Rung::kSanctions));
    call.mutable_see_move()->set_answers(0);
    call.mutable_see_move()->set_against(against);
    player.on_call(call_line(call));
    return replies.back();
  }
};

TEST(PlayerTest, TheMindGivesItsBeliefCurvesAndCountsWhatMovedThem) {
  PlayerOfA a;
  a.see_move(1, 0);  // b's move against a moves a's belief about b, once
  EXPECT_EQ(a.replies.back().belief_changes(), 1u);
  side::Call call;
  call.set_now(7200);
  call.mutable_belief_curves();
  a.player.on_call(call_line(call));
  const SideReply reply = read_side_reply(a.replies.back());
  ASSERT_EQ(reply.curves.size(), 2u);  // one about each other party
  EXPECT_EQ(reply.curves[0].first, 1);
  EXPECT_EQ(reply.curves[1].first, 2);
  const model::BeliefCurve& of_b = reply.curves[0].second;
  const model::BeliefCurve& of_c = reply.curves[1].second;
  EXPECT_EQ(of_b.since, 3600);
  EXPECT_GT(of_b.log_odds, of_b.prior_log_odds);
  EXPECT_EQ(of_c.log_odds, of_c.prior_log_odds);
  EXPECT_EQ(of_c.half_life, of_b.half_life);
  EXPECT_GT(of_b.half_life, 0);
}

TEST(PlayerTest, AMoveAgainstAThirdPartyReachesTheMindWithWhomItWasAgainst) {
  PlayerOfA a;
  const side::Reply& reply = a.see_move(2, 1);
  ASSERT_TRUE(reply.error().empty()) << reply.error();
  ASSERT_EQ(reply.records_size(), 1);
  const model::Record record = record_from_proto(reply.records(0));
  EXPECT_EQ(record.kind, "see_move");
  ASSERT_NE(record.find("against"), nullptr);
  EXPECT_EQ(std::get<std::string>(*record.find("against")), "b");
  // A bystander: the move against B says nothing of what C means A.
  EXPECT_NEAR(std::get<double>(*record.find("belief")), 0.3, 1e-9);
}

TEST(PlayerTest, AnIntentNamingNoSuchPartyOrRungIsRefusedAndAGoodOneIsTaken) {
  PlayerOfA a;
  auto set_intent = [&](int toward, std::optional<int> aim) -> const side::Reply& {
    side::Call call;
    call.set_now(3600);
    call.mutable_set_intent()->set_intends_harm(true);
    call.mutable_set_intent()->set_toward(toward);
    if (aim) call.mutable_set_intent()->set_aim(*aim);
    a.player.on_call(call_line(call));
    return a.replies.back();
  };
  EXPECT_NE(set_intent(5, std::nullopt).error().find("set_intent: no such party 5"),
            std::string::npos);
  EXPECT_NE(set_intent(1, 12).error().find("set_intent: no such rung 12"), std::string::npos);
  EXPECT_NE(set_intent(1, -1).error().find("no such rung"), std::string::npos);
  EXPECT_TRUE(set_intent(1, static_cast<int>(model::Rung::kSanctions)).error().empty());
  EXPECT_TRUE(set_intent(model::kNoParty, std::nullopt).error().empty());
}

TEST(PlayerTest, ACallNamingNoSuchPartyIsRefused) {
  PlayerOfA a;
  EXPECT_NE(a.see_move(2, 7).error().find("no such party"), std::string::npos);
  EXPECT_NE(a.see_move(-4, 1).error().find("no such party"), std::string::npos);
  // The mind is unharmed: a good call after the bad ones is answered.
  EXPECT_TRUE(a.see_move(2, 1).error().empty());
}

}  // namespace
}  // namespace hotline::runner
