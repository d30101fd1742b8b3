// A world of more than two parties: what each makes of each other, who can talk to whom, and
// whom each act is against.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "model/simulation.h"
#include "scenario/scenario_loader.h"

namespace hotline::model {
namespace {

// Three parties; a and b, and b and c, have hotlines; a and c have none. C attacks B, and B's
// evidence points at C. Parties decide at once, so that one observation shows its effect.
const std::string kTriangleWorld = R"(
start: "2020-01-01T00:00:00Z"
duration: "20d"
party { id: "a" prior_hostility: 0.3 trust: 0.6 doctrine { decision_latency: "0s" } }
party { id: "b" prior_hostility: 0.3 trust: 0.6 doctrine { decision_latency: "0s" } }
party { id: "c" prior_hostility: 0.3 trust: 0.6 doctrine { decision_latency: "0s" answer: DENY } }
hotline { between: "a" between: "b" enabled: true circuit { name: "ab" latency: "1m" } }
hotline { between: "b" between: "c" enabled: true circuit { name: "bc" latency: "1m" } }
)";
const std::string kTriangleAttack = R"(
event { at: "D+1 10:00" incident { id: "hit" kind: "DDOS" target: "b banks" actor: "c crew"
        sponsor: "c" state_role: DIRECTED victim: "b" severity: 0.8 } }
event { at: "+1h" observe { by: "b" incident: "hit" apparent_origin: "c" confidence: 0.9 } }
)";
const std::string kTriangle = kTriangleWorld + kTriangleAttack;

Scenario compile(const std::string& text, std::vector<scenario::Setting> settings = {}) {
  return scenario::load_scenario(scenario::parse_scenario_text(text, "test.textproto"), settings);
}

std::string field(const Record& r, const std::string& key) {
  const FieldValue* value = r.find(key);
  return value && std::holds_alternative<std::string>(*value) ? std::get<std::string>(*value) : "";
}

constexpr int kA = 0;
constexpr int kB = 1;
constexpr int kC = 2;

TEST(SeveralPartiesTest, EvidenceAgainstOnePartyRaisesTheBeliefAboutItAloneAndTheQuestionGoesToIt) {
  const Scenario scenario = compile(kTriangle);
  RecordCollector records;
  const Outcomes outcomes = simulate(scenario, 1, &records);
  // B comes to believe C means it harm (and ends, memory fading, still above its prior), and
  // believes of A what it did: evidence that C did it says nothing of what A means.
  double seen_belief = 0;
  for (const Record& r : records.records) {
    if (r.kind == "observe" && r.party == "b") seen_belief = std::get<double>(*r.find("belief"));
  }
  EXPECT_GT(seen_belief, 0.6);
  EXPECT_GT(outcomes.pairs[kB][kC].final_belief, 0.33);
  EXPECT_NEAR(outcomes.pairs[kB][kA].final_belief, 0.3, 1e-9);
  // Evidence that points at no party exculpates every party a little.
  std::string nobody = kTriangle;
  nobody.replace(nobody.find(R"(apparent_origin: "c")"), 20, R"(apparent_origin: "criminals")");
  const Outcomes cleared = simulate(compile(nobody), 1);
  EXPECT_LT(cleared.pairs[kB][kA].final_belief, 0.3);
  EXPECT_LT(cleared.pairs[kB][kC].final_belief, 0.3);
  // A and C heard nothing about each other.
  EXPECT_NEAR(outcomes.pairs[kA][kC].final_belief, 0.3, 1e-9);
  EXPECT_NEAR(outcomes.pairs[kC][kA].final_belief, 0.3, 1e-9);
  // B asks C, over their line, and nobody else.
  std::set<std::string> asked;
  for (const Record& r : records.records) {
    if (r.kind == "send" && r.party == "b" && field(r, "what") == "inquiry")
      asked.insert(field(r, "to"));
  }
  EXPECT_EQ(asked, (std::set<std::string>{"c"}));
}

TEST(SeveralPartiesTest, APublicMoveIsSeenByEveryOtherParty) {
  // B names and shames C: both A and C see it.
  const Scenario scenario = compile(kTriangle, {scenario::parse_setting("party.b.doctrine.climb_at="
                                                                        "0.01,0.02,0.03,5,6,7,8"),
                                                scenario::parse_setting("party.b.doctrine.rungs="
                                                                        "NAME_AND_SHAME")});
  RecordCollector records;
  const Outcomes outcomes = simulate(scenario, 1, &records);
  ASSERT_EQ(outcomes.sides[kB].peak, Rung::kNameAndShame);
  std::set<std::string> seen_by;
  for (const Record& r : records.records) {
    if (r.kind == "see_move") seen_by.insert(r.party);
  }
  EXPECT_EQ(seen_by, (std::set<std::string>{"a", "c"}));
}

TEST(SeveralPartiesTest, APairWithoutAHotlineTalksOnlyByTheSlowRoutes) {
  const std::string text = kTriangle + R"(
event { at: "D+3 10:00" message { from: "a" to: "c" kind: REASSURANCE text: "over a line" } }
event { at: "+1m" message { from: "a" to: "c" kind: REASSURANCE text: "by note" outside_hotline_delay: "1d" } }
event { at: "+1m" message { from: "a" to: "b" kind: REASSURANCE text: "over the a-b line" } }
)";
  RecordCollector records;
  simulate(compile(text), 1, &records);
  std::map<std::string, std::string> fate;  // text -> unsent / delivered to
  std::map<long long, std::string> sent;
  for (const Record& r : records.records) {
    if (r.kind == "unsent") fate[field(r, "what")] = "unsent";
    if (r.kind == "send" && r.find("route")) sent[std::get<long long>(*r.find("message"))] = "note";
    if (r.kind == "deliver" && r.find("text")) fate[field(r, "text")] = "delivered to " + r.party;
    if (r.kind == "deliver" && sent.count(std::get<long long>(*r.find("message"))))
      fate["by note"] = "delivered to " + r.party + " at " + std::to_string(r.at / kHour) + "h";
  }
  EXPECT_EQ(fate["over a line"], "unsent");
  EXPECT_EQ(fate["by note"], "delivered to c at " + std::to_string(3 * 24 + 10 + 24) + "h");
  EXPECT_EQ(fate["over the a-b line"], "delivered to b");
}

TEST(SeveralPartiesTest, EachOrderedPairGetsEveryMessageOnceAndInOrderThroughLossyLines) {
  // Every party asks the two others about attacks it pins on each, over lines that lose,
  // duplicate and reorder.
  std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "20d"
party { id: "a" prior_hostility: 0.5 }
party { id: "b" prior_hostility: 0.5 }
party { id: "c" prior_hostility: 0.5 }
)";
  const char* ends[][2] = {{"a", "b"}, {"b", "c"}, {"a", "c"}};
  for (const auto& line : ends) {
    text += std::string("hotline { between: \"") + line[0] + "\" between: \"" + line[1] +
            "\" enabled: true retransmit_after: \"5m\" circuit { latency: \"40s\" jitter: \"30s\" "
            "loss { p: 0.3 } duplicate: 0.2 reorder: 0.3 } }\n";
  }
  int n = 0;
  for (const char* victim : {"a", "b", "c"}) {
    for (const char* origin : {"a", "b", "c"}) {
      if (std::string(victim) == origin) continue;
      const std::string id = "x" + std::to_string(++n);
      text += "event { at: \"D+" + std::to_string(n) + " 10:00\" incident { id: \"" + id +
              "\" kind: \"DDOS\" victim: \"" + victim + "\" severity: 0.5 } }\n";
      text += "event { at: \"+1h\" observe { by: \"" + std::string(victim) + "\" incident: \"" +
              id + "\" apparent_origin: \"" + origin + "\" confidence: 0.8 } }\n";
    }
  }
  const Scenario scenario = compile(text);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    RecordCollector records;
    const Outcomes outcomes = simulate(scenario, seed, &records);
    EXPECT_EQ(outcomes.messages_delivered, outcomes.messages_sent) << "seed " << seed;
    std::map<long long, std::string> from;
    std::map<std::pair<std::string, std::string>, long long> last;
    std::set<std::pair<std::string, std::string>> pairs;
    for (const Record& r : records.records) {
      const FieldValue* id = r.find("message");
      if (!id || !std::holds_alternative<long long>(*id)) continue;
      const long long message = std::get<long long>(*id);
      if (r.kind == "send") from[message] = r.party;
      if (r.kind != "deliver") continue;
      const auto pair = std::make_pair(from.at(message), r.party);
      EXPECT_EQ(field(r, "from"), pair.first);
      EXPECT_GT(message, last.count(pair) ? last[pair] : -1) << "seed " << seed;
      last[pair] = message;
      pairs.insert(pair);
    }
    EXPECT_EQ(pairs.size(), 6u) << "every ordered pair talked, seed " << seed;
  }
}

TEST(SeveralPartiesTest, AStrikeBackLandsOnThePartyTheSideClimbedAgainst) {
  // B answers attack with attack; its evidence points at C, so its strike hits C, never A.
  const Scenario scenario =
      compile(kTriangle, {scenario::parse_setting("party.b.doctrine_preset=tit-for-tat"),
                          scenario::parse_setting("party.b.doctrine.retaliate_after=1h")});
  int strikes_on_c = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    RecordCollector records;
    const Outcomes outcomes = simulate(scenario, seed, &records);
    EXPECT_EQ(outcomes.sides[kA].damage, 0) << "seed " << seed;
    for (const Record& r : records.records) {
      if (r.kind == "incident" && field(r, "sponsor") == "b") {
        EXPECT_EQ(field(r, "target"), "government networks");
        ++strikes_on_c;
      }
    }
    EXPECT_GT(outcomes.sides[kC].damage, 0) << "seed " << seed;
  }
  EXPECT_GT(strikes_on_c, 0);
}

TEST(SeveralPartiesTest, AnIntentTowardOnePartyIsTheTruthForThatPairAlone) {
  // C comes to mean B harm, not A: B's fear of C is then no misperception.
  const Scenario with_intent = compile(
      kTriangleWorld +
      "event { at: \"D+1 09:00\" intent { party: \"c\" toward: \"b\" intends_harm: true } }\n" +
      kTriangleAttack);
  const Outcomes innocent = simulate(compile(kTriangle), 1);
  const Outcomes hostile = simulate(with_intent, 1);
  // Believing C hostile is an error while C means no harm, and the truth once it does.
  EXPECT_GT(innocent.pairs[kB][kC].misperception, 1.0);
  EXPECT_LT(hostile.pairs[kB][kC].misperception, 0.01);
  // A believed nothing new of C, and C means A no harm: A scores nothing.
  EXPECT_EQ(hostile.pairs[kA][kC].misperception, 0);
  // A side's misperception is the sum of its pairs'.
  const Metric b_of_c = Metric::parse("misperception.b.c", {"a", "b", "c"});
  const Metric b_total = Metric::parse("misperception.b", {"a", "b", "c"});
  EXPECT_DOUBLE_EQ(b_of_c.evaluate(innocent), innocent.pairs[kB][kC].misperception);
  EXPECT_DOUBLE_EQ(b_total.evaluate(innocent),
                   innocent.pairs[kB][kA].misperception + innocent.pairs[kB][kC].misperception);
}

TEST(SeveralPartiesTest, AMediatorCarriesAQuestionAndItsAnswerBetweenTwoPartiesWithoutALine) {
  // A and C have no line; B has one to each. C's evidence points at A; C asks A through B, and
  // A's answer comes back through B, each leg after B's two-hour desk.
  const std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "10d"
party { id: "a" prior_hostility: 0.3 trust: 0.5 doctrine { answer: HONEST } }
party { id: "b" prior_hostility: 0.3 trust: 0.5 doctrine { answer_delay: "2h" } }
party { id: "c" prior_hostility: 0.5 trust: 0.5 doctrine { query_above: 0.3 } }
hotline { between: "a" between: "b" enabled: true circuit { latency: "1m" } }
hotline { between: "b" between: "c" enabled: true circuit { latency: "1m" } }
event { at: "D+1 10:00" incident { id: "flood" kind: "DDOS" state_role: NONE victim: "c" severity: 0.6 } }
event { at: "+1h" observe { by: "c" incident: "flood" apparent_origin: "a" confidence: 0.8 } }
event { at: "D+2 10:00" message { from: "a" to: "c" via: "b" kind: REASSURANCE text: "carried" } }
)";
  RecordCollector records;
  const Outcomes outcomes = simulate(compile(text), 1, &records);
  // Three messages (the question, the answer, the note), each counted once, as its author's.
  EXPECT_EQ(outcomes.messages_sent, 3);
  EXPECT_EQ(outcomes.messages_delivered, 3);
  EXPECT_EQ(outcomes.sides[kB].messages_sent, 0);
  std::vector<std::string> read_by_c;
  std::vector<std::string> read_by_a;
  for (const Record& r : records.records) {
    if (r.kind != "deliver" || field(r, "via") != "b") continue;
    const std::string what = field(r, "what") + " from " + field(r, "from") + " at " +
                             std::to_string(r.at / kMinute - 24 * 60) + "m";
    (r.party == "c" ? read_by_c : read_by_a).push_back(what);
  }
  // 11:00 asked; 11:01 at B; 13:01 on to A, 13:02 there; A answers at 15:02; 15:03 at B;
  // 17:03 on to C, 17:04 there.
  EXPECT_EQ(read_by_a,
            (std::vector<std::string>{"inquiry from c at " + std::to_string(13 * 60 + 2) + "m"}));
  ASSERT_EQ(read_by_c.size(), 2u);
  EXPECT_EQ(read_by_c[0], "reply from a at " + std::to_string(17 * 60 + 4) + "m");
  // The scripted note, sent at D+2 10:00, reaches C two hours and two minutes later, as A's.
  EXPECT_EQ(read_by_c[1], "message from a at " + std::to_string(24 * 60 + 12 * 60 + 2) + "m");

  // Without B's line to C, C has no way to ask, and the note is never sent.
  RecordCollector cut;
  simulate(compile(text, {scenario::parse_setting("hotline.1.enabled=off")}), 1, &cut);
  for (const Record& r : cut.records) {
    EXPECT_NE(r.kind, "deliver") << field(r, "what");
    if (r.kind == "unsent") {
      EXPECT_EQ(field(r, "what"), "carried");
    }
  }
}

TEST(SeveralPartiesTest, ANoticeFromTheRealAuthorTakesBackWhatTheEvidencePinnedOnAnotherParty) {
  // C's launch looks to B like A's missile; C's notice, read just after, explains it.
  const std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "2d"
party { id: "a" }
party { id: "b" prior_hostility: 0.4 perception { confidence_noise: 0 } toward { party: "c" trust: 0.9 } }
party { id: "c" }
hotline { between: "b" between: "c" enabled: true circuit { latency: "1m" } }
event { at: "D+1 10:00" incident { id: "launch" kind: "ROCKET_LAUNCH" sponsor: "c" state_role: DIRECTED
        victim: "b" severity: 0.7 threat_only: true } }
event { at: "+1m" observe { by: "b" incident: "launch" apparent_origin: "a" confidence: 0.8 } }
event { at: "+1m" message { from: "c" to: "b" kind: NOTIFICATION about: "launch" text: "ours" } }
)";
  const Outcomes noticed = simulate(compile(text), 1);
  const Outcomes unnoticed = simulate(compile(text, {scenario::parse_setting("hotline=off")}), 1);
  // Believed at 0.9, the notice takes back nine tenths of what the evidence added against A.
  EXPECT_LT(noticed.pairs[kB][kA].misperception, 0.2 * unnoticed.pairs[kB][kA].misperception);
  EXPECT_GT(unnoticed.pairs[kB][kA].misperception, 0.1);
}

TEST(SeveralPartiesTest, AnAttackOnAnAllyIsAGrievanceAgainstTheAttacker) {
  // C hits A; B sees it, pinned on C. As A's ally B holds half of A's damage against C, and
  // climbs; as a bystander it holds nothing and stays.
  const std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "10d"
party { id: "a" }
party { id: "b" prior_hostility: 0.5 doctrine { decision_latency: "0s" } }
party { id: "c" }
event { at: "D+1 10:00" incident { id: "hit" kind: "DDOS" sponsor: "c" state_role: DIRECTED
        victim: "a" severity: 0.8 } }
event { at: "+1h" observe { by: "b" incident: "hit" apparent_origin: "c" confidence: 0.9 } }
)";
  const Outcomes bystander = simulate(compile(text), 1);
  const Outcomes ally = simulate(compile(text, {scenario::parse_setting("party.b.ally=a")}), 1);
  EXPECT_EQ(bystander.sides[kB].peak, Rung::kNormal);
  EXPECT_GE(ally.sides[kB].peak, Rung::kDemarche);
  EXPECT_EQ(ally.sides[kB].strikes, 0);
}

// A's warning draws a line around A's grid: a deterred C spares A's grid, and still hits B's.
TEST(SeveralPartiesTest, ABrightLineProtectsTheWarnersTargetNotAnotherPartysLikeIt) {
  const std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "10d"
party { id: "a" }
party { id: "b" }
party { id: "c" intends_harm: true doctrine { commitment: 0 } }
hotline { between: "a" between: "c" enabled: true circuit { name: "ac" latency: "1m" } }
event { at: "D+1 10:00" message { from: "a" to: "c" kind: WARNING text: "Keep off our grid"
        line: "grid" consequence: "SANCTIONS" } }
event { at: "D+2 10:00" incident { id: "hit-a" kind: "INTRUSION" target: "grid" sponsor: "c"
        state_role: DIRECTED victim: "a" severity: 0.5 } }
event { at: "+1h" incident { id: "hit-b" kind: "INTRUSION" target: "grid" sponsor: "c"
        state_role: DIRECTED victim: "b" severity: 0.5 } }
)";
  const Scenario scenario = compile(text);
  std::map<std::string, int> spared;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    RecordCollector records;
    simulate(scenario, seed, &records);
    for (const Record& r : records.records) {
      if (r.kind == "refrain") ++spared[field(r, "incident")];
    }
  }
  EXPECT_GT(spared["hit-a"], 5);
  EXPECT_EQ(spared["hit-b"], 0);
}

TEST(SeveralPartiesTest, EachLineIsJudgedByItsOwnLinkTests) {
  // The a-b line is tested hourly; the b-c line is never tested. B, on a crisis footing after
  // C's attack, must not read the b-c line's lack of tests as silence.
  const Scenario scenario =
      compile(kTriangle, {scenario::parse_setting("hotline.0.link_test_every=1h")});
  RecordCollector records;
  const Outcomes outcomes = simulate(scenario, 1, &records);
  ASSERT_GE(outcomes.sides[kB].peak, Rung::kInquiry);
  int silences = 0;
  for (const Record& r : records.records) {
    if (r.kind == "silence" && r.find("link")) ++silences;
  }
  EXPECT_EQ(silences, 0);
}

TEST(SeveralPartiesTest, PairMetricsNameTwoDifferentPartiesAndOnlyWherePairsMeanSomething) {
  const std::vector<std::string> parties{"a", "b", "c"};
  EXPECT_NO_THROW(Metric::parse("final_belief.a.c >= 0.5", parties));
  EXPECT_THROW(Metric::parse("misperception.a.a", parties), std::invalid_argument);
  EXPECT_THROW(Metric::parse("peak.a.b", parties), std::invalid_argument);
  EXPECT_THROW(Metric::parse("misperception.a.d", parties), std::invalid_argument);
}

}  // namespace
}  // namespace hotline::model
