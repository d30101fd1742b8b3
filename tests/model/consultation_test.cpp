// Allies among several parties: a side consults its ally about an incident it pins on a third
// party, the ally tells it what its own evidence says, now or when it comes in, and a move
// against a third party reads as hostile only as far as that party is an ally.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/simulation.h"
#include "scenario/scenario_loader.h"

namespace hotline::model {
namespace {

// A and B are allies with a line; C has none. C's criminals hit A; A's evidence points at C,
// B's (a week later) at criminals. A decides at once, so that what it reads shows.
const std::string kAllies = R"(
start: "2020-01-01T00:00:00Z"
duration: "20d"
party { id: "a" prior_hostility: 0.3 doctrine { decision_latency: "0s" consult_allies: true }
        toward { party: "b" trust: 0.9 } }
party { id: "b" prior_hostility: 0.3 ally: "a" }
party { id: "c" prior_hostility: 0.3 }
hotline { between: "a" between: "b" enabled: true circuit { name: "ab" latency: "1m" } }
event { at: "D+1 10:00" incident { id: "hit" kind: "DDOS" actor: "criminals" state_role: NONE
        victim: "a" severity: 0.8 } }
event { at: "+1h" observe { by: "a" incident: "hit" apparent_origin: "c" confidence: 0.8 } }
event { at: "D+8 10:00" id: "b-reads" observe { by: "b" incident: "hit" apparent_origin: "criminals"
        confidence: 0.9 } }
)";

Scenario compile(const std::string& text, std::vector<std::string> settings = {}) {
  std::vector<scenario::Setting> parsed;
  for (const std::string& s : settings) parsed.push_back(scenario::parse_setting(s));
  return scenario::load_scenario(scenario::parse_scenario_text(text, "test.textproto"), parsed);
}

std::string field(const Record& r, const std::string& key) {
  const FieldValue* value = r.find(key);
  return value && std::holds_alternative<std::string>(*value) ? std::get<std::string>(*value) : "";
}

struct Traffic {
  std::vector<Record> consultations;  // sent by a
  std::vector<Record> assessments;    // sent by b
  double belief_in_c_after = -1;      // a's, after the last assessment it read
};

Traffic traffic(const Scenario& scenario) {
  RecordCollector records;
  simulate(scenario, 1, &records);
  Traffic t;
  for (const Record& r : records.records) {
    if (r.kind == "send" && field(r, "what") == "consultation") t.consultations.push_back(r);
    if (r.kind == "send" && field(r, "what") == "assessment") t.assessments.push_back(r);
    if (r.kind == "assessment") t.belief_in_c_after = std::get<double>(*r.find("belief"));
  }
  return t;
}

constexpr int kA = 0;
constexpr int kC = 2;

TEST(ConsultationTest, ASideAsksItsAllyAndTheAllyAnswersWhenItsOwnEvidenceComesIn) {
  const Traffic t = traffic(compile(kAllies));
  ASSERT_EQ(t.consultations.size(), 1u);
  EXPECT_EQ(t.consultations[0].party, "a");
  EXPECT_EQ(field(t.consultations[0], "to"), "b");
  // B had nothing to say when asked; it speaks once its evidence comes in, a week later.
  ASSERT_EQ(t.assessments.size(), 1u);
  EXPECT_EQ(t.assessments[0].party, "b");
  EXPECT_EQ(field(t.assessments[0], "points_at"), "elsewhere");
  EXPECT_GE(t.assessments[0].at, t.consultations[0].at + 7 * kDay);
}

TEST(ConsultationTest, AnAssessmentThatPointsElsewhereTakesBackWhatTheAskerHeldAgainstItsSuspect) {
  const Outcomes consulted = simulate(compile(kAllies), 1);
  const Outcomes alone = simulate(compile(kAllies, {"party.a.doctrine.consult_allies=false"}), 1);
  EXPECT_LT(consulted.pairs[kA][kC].misperception, alone.pairs[kA][kC].misperception - 0.5);
  EXPECT_LT(consulted.pairs[kA][kC].final_belief, alone.pairs[kA][kC].final_belief);
}

TEST(ConsultationTest, AnAllysWordCountsAsFarAsItIsTrusted) {
  const double trusted = traffic(compile(kAllies)).belief_in_c_after;
  const double doubted =
      traffic(compile(kAllies, {"party.a.toward.b.trust=0.2"})).belief_in_c_after;
  ASSERT_GE(trusted, 0);
  EXPECT_LT(trusted, doubted);
}

TEST(ConsultationTest, OnlyAlliesAreAskedAndOnlyOverTheirOwnLine) {
  // B is no ally (a party's `ally` list empty): no question. An ally without a line to A is not
  // asked through a carrier either.
  std::string no_ally = kAllies;
  no_ally.replace(no_ally.find(R"( ally: "a")"), 11, "");
  EXPECT_FALSE(traffic(compile(kAllies)).consultations.empty());
  EXPECT_TRUE(traffic(compile(no_ally)).consultations.empty());
  EXPECT_TRUE(traffic(compile(kAllies, {"hotline.0.enabled=off"})).consultations.empty());
}

TEST(ConsultationTest, AnAllyWithEvidenceAnswersAtOnceAndTellsAgainOnlyWhenItsReadingChanges) {
  // B has seen it before A asks; then it sees it twice more: once the same way (nothing new to
  // tell), then pointing elsewhere.
  const std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "20d"
party { id: "a" prior_hostility: 0.3 doctrine { decision_latency: "0s" consult_allies: true } }
party { id: "b" prior_hostility: 0.3 ally: "a" doctrine { answer_delay: "2h" } }
party { id: "c" prior_hostility: 0.3 }
hotline { between: "a" between: "b" enabled: true circuit { name: "ab" latency: "1m" } }
event { at: "D+1 10:00" incident { id: "hit" kind: "DDOS" sponsor: "c" state_role: DIRECTED
        victim: "a" severity: 0.8 } }
event { at: "+10m" observe { by: "b" incident: "hit" apparent_origin: "c" confidence: 0.6 } }
event { at: "+50m" observe { by: "a" incident: "hit" apparent_origin: "c" confidence: 0.8 } }
event { at: "D+3 10:00" observe { by: "b" incident: "hit" apparent_origin: "c" confidence: 0.7 } }
event { at: "D+5 10:00" observe { by: "b" incident: "hit" apparent_origin: "criminals" confidence: 0.5 } }
)";
  const Traffic t = traffic(compile(text));
  ASSERT_EQ(t.consultations.size(), 1u);
  ASSERT_EQ(t.assessments.size(), 2u);
  EXPECT_EQ(field(t.assessments[0], "points_at"), "c");
  // The first answer goes after B's own desk's delay from the question's arrival.
  EXPECT_GE(t.assessments[0].at, t.consultations[0].at + 2 * kHour);
  EXPECT_LT(t.assessments[0].at, t.consultations[0].at + 3 * kHour);
  EXPECT_EQ(field(t.assessments[1], "points_at"), "elsewhere");
}

// C names and shames B. A, a bystander, learns nothing of what C means it; as B's ally it reads
// the move as half as hostile as one against itself.
TEST(ConsultationTest, AMoveAgainstAThirdPartyIsHostileOnlyAsFarAsThatPartyIsAnAlly) {
  const std::string text = R"(
start: "2020-01-01T00:00:00Z"
duration: "10d"
party { id: "a" prior_hostility: 0.3 }
party { id: "b" prior_hostility: 0.3 }
party { id: "c" prior_hostility: 0.3 doctrine { decision_latency: "0s" rungs: "NAME_AND_SHAME"
        climb_at: [0.01, 0.02, 0.03, 5, 6, 7, 8] } }
hotline { between: "a" between: "b" enabled: true circuit { name: "ab" latency: "1m" } }
event { at: "D+1 10:00" incident { id: "hit" kind: "DDOS" sponsor: "b" state_role: DIRECTED
        victim: "c" severity: 0.8 } }
event { at: "+1h" observe { by: "c" incident: "hit" apparent_origin: "b" confidence: 0.9 } }
)";
  const auto belief_seen_by_a = [&](std::vector<std::string> settings) {
    RecordCollector records;
    const Outcomes outcomes = simulate(compile(text, settings), 1, &records);
    EXPECT_EQ(outcomes.sides[kC].peak, Rung::kNameAndShame);
    for (const Record& r : records.records) {
      if (r.kind == "see_move" && r.party == "a") {
        EXPECT_EQ(field(r, "against"), "b");
        return std::get<double>(*r.find("belief"));
      }
    }
    ADD_FAILURE() << "a never saw c's move";
    return -1.0;
  };
  const double bystander = belief_seen_by_a({});
  const double ally = belief_seen_by_a({"party.a.ally=b"});
  EXPECT_NEAR(bystander, 0.3, 1e-9);
  EXPECT_GT(ally, bystander + 0.01);
}

}  // namespace
}  // namespace hotline::model
