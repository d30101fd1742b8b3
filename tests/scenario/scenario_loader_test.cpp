#include "scenario/scenario_loader.h"

#include <gtest/gtest.h>

namespace hotline::scenario {
namespace {

// The problems reported for `text`, one "file:line:col: message" each.
std::vector<std::string> problems(const std::string& text) {
  try {
    const ScenarioFile file = parse_scenario_text(text, "x.textproto");
    compile_scenario(file.spec, file);
  } catch (const common::TextProtoError& error) {
    std::vector<std::string> lines;
    for (const auto& e : error.errors()) lines.push_back(e.to_string());
    return lines;
  }
  return {};
}

const std::string kParties =
    "start: \"2020-01-01T00:00:00Z\"\n"
    "party { id: \"washington\" prior_hostility: 0.3 }\n"
    "party { id: \"moscow\" prior_hostility: 0.5 }\n";

TEST(ScenarioLoaderTest, AValidScenarioCompiles) {
  EXPECT_TRUE(
      problems(kParties + "event { at: \"D+1 10:00\" incident { id: \"a\" kind: \"DDOS\" } }\n")
          .empty());
}

TEST(ScenarioLoaderTest, AMisspelledFieldNamesFileLineAndColumn) {
  EXPECT_EQ(
      problems(kParties + "event { at: \"D+1\"\n  observe { by: \"moscow\" attribtion: 0.3 } }\n"),
      std::vector<std::string>{
          "x.textproto:5:26: unknown field \"attribtion\" in hotline.spec.Observation"});
}

TEST(ScenarioLoaderTest, EveryProblemBeyondTheSchemaIsListedWithItsPlace) {
  const std::string text =
      kParties +
      "event { at: \"D+2 10:00\" incident { id: \"a\" kind: \"DDOS\" severity: 1.5 } }\n"
      "event { at: \"D+1 10:00\"\n"
      "        observe { by: \"london\" incident: \"a\" confidence: 0.5 } }\n"
      "event { at: \"+1h\" observe { by: \"moscow\" incident: \"b\" confidence: 0.5 } }\n"
      "event { at: \"next tuesday\" intent { party: \"moscow\" } }\n";
  EXPECT_EQ(
      problems(text),
      (std::vector<std::string>{
          "x.textproto:4:57: severity must be in [0,1], got 1.5",
          "x.textproto:5:9: event out of order: \"D+1 10:00\" is before the event above it (D+2 "
          "10:00)",
          "x.textproto:6:19: unknown party \"london\"; the parties are washington, moscow",
          "x.textproto:7:42: unknown incident \"b\" (an incident is defined by an earlier event)",
          "x.textproto:8:9: cannot read time \"next tuesday\"; expected \"+2h30m\", \"D+3 14:00\" "
          "or ISO 8601 "
          "(2007-05-09T00:00+04:00)",
      }));
}

TEST(ScenarioLoaderTest, PartiesDoctrinesAndExpectationsAreChecked) {
  const std::string text =
      "start: \"2020-01-01T00:00:00Z\"\n"
      "party { id: \"a\" prior_hostility: -0.1 doctrine_preset: \"reckless\" }\n"
      "party { id: \"b\" doctrine { climb_at: 0.1 climb_at: 0.2 } }\n"
      "expect { metric: \"peak >= WAR\" compare: \"hotline=on vs hotline=maybe\" "
      "lower_by_at_least: 0.1 }\n";
  EXPECT_EQ(problems(text),
            (std::vector<std::string>{
                "x.textproto:2:17: prior_hostility must be in [0,1], got -0.1",
                "x.textproto:2:39: unknown doctrine preset \"reckless\"; expected one of measured, "
                "hawkish, dovish, "
                "deny, deceive, tit-for-tat, contrite, early-warning",
                "x.textproto:3:28: climb_at needs 7 values (INQUIRY .. ARMED_CONFLICT), got 2",
                "x.textproto:4:10: unknown rung \"WAR\"; expected NORMAL, INQUIRY, DEMARCHE, "
                "NAME_AND_SHAME, SANCTIONS, "
                "CYBER_RETALIATION, MILITARY_POSTURE or ARMED_CONFLICT",
                "x.textproto:4:32: setting hotline: expected on/off or true/false, got \"maybe\"",
            }));
}

TEST(ScenarioLoaderTest, ChannelProbabilitiesAndOutagesAreChecked) {
  const std::string text =
      kParties +
      "hotline { enabled: true circuit { name: \"primary\" loss { p: 2 } garble: -1\n"
      "  outage { from: \"D+2\" until: \"D+1\" } } }\n";
  EXPECT_EQ(problems(text), (std::vector<std::string>{
                                "x.textproto:4:58: p must be in [0,1], got 2",
                                "x.textproto:4:65: garble must be in [0,1], got -1",
                                "x.textproto:5:24: an outage must end after it starts",
                            }));
}

TEST(ScenarioLoaderTest, WarningsAndPressLeaksAreChecked) {
  const std::string text =
      kParties +
      "event { at: \"D+1\" message { from: \"moscow\" kind: NOTIFICATION line: \"grid\" } }\n"
      "event { at: \"D+2\" message { from: \"moscow\" kind: WARNING consequence: \"WAR\" } }\n"
      "event { at: \"D+3\" press_leak { by: \"london\" cost: 2 } }\n";
  EXPECT_EQ(problems(text),
            (std::vector<std::string>{
                "x.textproto:4:63: a line and a consequence belong to a WARNING",
                "x.textproto:5:58: unknown rung \"WAR\"; expected INQUIRY, DEMARCHE, "
                "NAME_AND_SHAME, SANCTIONS, CYBER_RETALIATION, MILITARY_POSTURE or ARMED_CONFLICT",
                "x.textproto:6:32: unknown party \"london\"; the parties are washington, moscow",
                "x.textproto:6:45: cost must be in [0,1], got 2",
            }));
}

TEST(ScenarioLoaderTest, OnlyAThreatCanBeRoutine) {
  const std::string text =
      kParties +
      "event { at: \"D+1\" incident { id: \"x\" sponsor: \"moscow\" state_role: DIRECTED "
      "victim: \"washington\" routine: true } }\n";
  const auto found = problems(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("x.textproto:4:", 0), 0u) << found[0];
  EXPECT_NE(found[0].find("routine applies to a threat (threat_only: true)"), std::string::npos)
      << found[0];
}

TEST(ScenarioLoaderTest, ACaseOfSeveralPartiesNamesEachLineAndEachAddressee) {
  const std::string three = kParties + "party { id: \"tallinn\" prior_hostility: 0.2 }\n";
  EXPECT_TRUE(problems(three +
                       "hotline { between: \"moscow\" between: \"tallinn\" enabled: true }\n"
                       "event { at: \"D+1\" message { from: \"tallinn\" to: \"moscow\" "
                       "kind: REASSURANCE text: \"calm\" } }\n")
                  .empty());
  EXPECT_EQ(
      problems(three +
               "hotline { enabled: true }\n"
               "hotline { between: \"moscow\" between: \"moscow\" }\n"
               "hotline { between: \"tallinn\" between: \"washington\" }\n"
               "hotline { between: \"washington\" between: \"tallinn\" }\n"
               "event { at: \"D+1\" message { from: \"tallinn\" kind: REASSURANCE } }\n"
               "event { at: \"D+2\" message { from: \"tallinn\" to: \"tallinn\" kind: OFFER } }\n"
               "event { at: \"D+3\" intent { party: \"moscow\" toward: \"oslo\" } }\n"),
      (std::vector<std::string>{
          "x.textproto:5:1: with more than two parties, a hotline says which two it joins: "
          "between: \"a\" between: \"b\"",
          "x.textproto:6:29: a hotline joins two different parties",
          "x.textproto:8:11: a second hotline between the same parties",
          "x.textproto:9:19: with more than two parties, say which: to: one of washington, "
          "moscow, tallinn",
          "x.textproto:10:45: to names the party itself (\"tallinn\")",
          "x.textproto:11:44: unknown party \"oslo\"; the parties are washington, moscow, "
          "tallinn"}));
}

TEST(ScenarioLoaderTest, AnIncidentsVictimIsAnotherPartyThanItsSponsor) {
  EXPECT_EQ(problems(kParties +
                     "event { at: \"D+1\" incident { id: \"a\" kind: \"DDOS\" sponsor: \"moscow\" "
                     "state_role: ACCIDENTAL victim: \"moscow\" } }\n"),
            (std::vector<std::string>{
                "x.textproto:4:92: an incident's victim is another party than its sponsor (an "
                "accident to one's own networks is no incident between parties)"}));
}

TEST(ScenarioLoaderTest, AMessageCarriedByAThirdPartyGoesOverHotlines) {
  const std::string three = kParties + "party { id: \"tallinn\" }\n";
  EXPECT_EQ(
      problems(three + "event { at: \"D+1\" message { from: \"tallinn\" to: \"moscow\" via: "
                       "\"moscow\" kind: REASSURANCE } }\n"
                       "event { at: \"D+2\" message { from: \"tallinn\" to: \"moscow\" via: "
                       "\"washington\" kind: REASSURANCE outside_hotline_delay: \"1d\" } }\n"),
      (std::vector<std::string>{
          "x.textproto:5:58: via names a party other than the sender and the addressee",
          "x.textproto:6:58: a carried message goes over hotlines: leave out "
          "outside_hotline_delay"}));
}

TEST(ScenarioLoaderTest, APartysStanceTowardAnotherOverridesItsDefaults) {
  const ScenarioFile file = parse_scenario_text(
      kParties +
          "party { id: \"tallinn\" prior_hostility: 0.2 trust: 0.7\n"
          "  toward { party: \"moscow\" prior_hostility: 0.8 trust: 0.1 intends_harm: true } }\n",
      "x.textproto");
  const model::Scenario scenario = compile_scenario(file.spec, file);
  const model::PartySpec& tallinn = scenario.parties[2];
  EXPECT_DOUBLE_EQ(tallinn.stance_toward(1).prior_hostility, 0.8);
  EXPECT_DOUBLE_EQ(tallinn.stance_toward(1).trust, 0.1);
  EXPECT_TRUE(tallinn.stance_toward(1).intends_harm);
  EXPECT_DOUBLE_EQ(tallinn.stance_toward(0).prior_hostility, 0.2);
  EXPECT_DOUBLE_EQ(tallinn.stance_toward(0).trust, 0.7);
  EXPECT_FALSE(tallinn.stance_toward(0).intends_harm);
  // A pair without a declared hotline has none.
  EXPECT_FALSE(scenario.hotline_between(0, 2));
  EXPECT_EQ(problems(kParties + "party { id: \"tallinn\" toward { party: \"tallinn\" } "
                                "toward { party: \"riga\" } }\n"),
            (std::vector<std::string>{
                "x.textproto:4:32: party names the party itself (\"tallinn\")",
                "x.textproto:4:60: unknown party \"riga\"; the parties are washington, moscow, "
                "tallinn"}));
  std::string nine = "start: \"2020-01-01T00:00:00Z\"\n";
  for (int i = 0; i < 9; ++i) nine += "party { id: \"p" + std::to_string(i) + "\" }\n";
  EXPECT_EQ(problems(nine),
            (std::vector<std::string>{"x.textproto:2:1: a scenario has two to 8 parties (got 9)"}));
}

TEST(ScenarioLoaderTest, AMissingFileIsReported) {
  EXPECT_THROW(read_scenario_file("/nonexistent/case.textproto"), common::TextProtoError);
}

TEST(ScenarioLoaderTest, AuthoringErrorsTeachWhatWasMeantAndComeAllAtOnce) {
  // The mistakes a new author made writing a case from the schema alone.
  const auto found = problems(
      "start: \"2020-01-01T00:00:00Z\"\n"
      "party { id: \"washington\" doctrine: \"measured\" }\n"
      "party { id: \"moscow\" doctrine { answer: LIE } }\n"
      "party { id: \"london\" prior_hostilty: 0.3 }\n");
  ASSERT_EQ(found.size(), 3u) << ::testing::PrintToString(found);
  EXPECT_NE(found[0].find("x.textproto:2:"), std::string::npos) << found[0];
  EXPECT_NE(found[0].find("doctrine_preset"), std::string::npos) << found[0];
  EXPECT_NE(found[1].find("x.textproto:3:"), std::string::npos) << found[1];
  EXPECT_NE(found[1].find("Expected one of HONEST, DENY, DECEIVE, REFUSE"), std::string::npos)
      << found[1];
  EXPECT_NE(found[2].find("x.textproto:4:22: unknown field \"prior_hostilty\""), std::string::npos)
      << found[2];
}

TEST(ScenarioLoaderTest, AStartWithoutAnOffsetIsAnError) {
  const auto found =
      problems("start: \"1962-10-26 09:00\"\nparty { id: \"a\" }\nparty { id: \"b\" }\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("has no UTC offset"), std::string::npos) << found[0];
  EXPECT_TRUE(
      problems("start: \"1962-10-26 09:00-04:00\"\nparty { id: \"a\" }\nparty { id: \"b\" }\n")
          .empty());
}

TEST(ScenarioLoaderTest, AnIntentsNewAimIsARungTheSideCanTakeAndSaysWhetherHarmIsStillMeant) {
  const std::string crew =
      "start: \"2020-01-01T00:00:00Z\"\n"
      "party { id: \"washington\" doctrine { rungs: [\"MILITARY_POSTURE\"] } }\n"
      "party { id: \"moscow\" }\n";
  const auto found = problems(
      crew +
      "event { at: \"D+1\" intent { party: \"washington\" intends_harm: true aim: \"SANCTIONS\" } "
      "}\n" +
      "event { at: \"D+2\" intent { party: \"moscow\" intends_harm: true aim: \"SOON\" } }\n" +
      "event { at: \"D+3\" intent { party: \"moscow\" aim: \"SANCTIONS\" } }\n" +
      "event { at: \"D+4\" intent { party: \"moscow\" intends_harm: false aim: \"SANCTIONS\" } "
      "}\n");
  ASSERT_EQ(found.size(), 3u) << ::testing::PrintToString(found);
  EXPECT_NE(found[0].find("x.textproto:4:"), std::string::npos) << found[0];
  EXPECT_NE(found[0].find("the aim must be one of the side's rungs"), std::string::npos);
  EXPECT_NE(found[1].find("x.textproto:5:"), std::string::npos) << found[1];
  EXPECT_NE(found[1].find("SOON"), std::string::npos);
  // Beside an aim, whether the side still means harm is said, never assumed.
  EXPECT_NE(found[2].find("x.textproto:6:"), std::string::npos) << found[2];
  EXPECT_NE(found[2].find("says whether the side still intends harm"), std::string::npos);
}

TEST(ScenarioLoaderTest, HistoryExpectationsRunTheCaseAsWrittenAndComparisonsMustBeAbleToFail) {
  const auto found =
      problems(kParties +
               "expect { history: true metric: \"peak\" with: \"hotline=on\" at_most: 3 }\n"
               "expect { metric: \"peak\" compare: \"hotline=on vs hotline=off\"\n"
               "         lower_by_at_least: 0 }\n"
               "expect { metric: \"took.moscow >= SANCTIONS\" at_most: 1 }\n"
               "expect { metric: \"days_above_normal.moscow <= soon\" at_most: 1 }\n");
  ASSERT_EQ(found.size(), 4u) << ::testing::PrintToString(found);
  EXPECT_NE(found[0].find("a history expectation runs the case as it happened"), std::string::npos);
  EXPECT_NE(found[1].find("cannot fail"), std::string::npos);
  EXPECT_NE(found[2].find("took names a rung"), std::string::npos);
  EXPECT_NE(found[3].find("not a number"), std::string::npos);
}

}  // namespace
}  // namespace hotline::scenario
