// The transcript as people read it: sentences naming parties and incidents, with the numbers
// behind each move.
#include "scenario/transcript.h"

#include <gtest/gtest.h>

#include <sstream>

#include "model/simulation.h"
#include "runner/party_view.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario {
namespace {

model::Scenario library_case(const std::string& name, std::vector<Setting> settings = {}) {
  const auto file =
      read_scenario_file(std::string(HOTLINE_SOURCE_DIR) + "/scenarios/" + name + ".textproto");
  return load_scenario(file, settings);
}

std::string text_transcript(const model::Scenario& scenario, bool json) {
  std::ostringstream out;
  TranscriptPrinter printer(out, scenario, json);
  model::simulate(scenario, 1, &printer);
  return out.str();
}

TEST(TranscriptTest, AClimbReadsAsASentenceWithTheNumbersThatCausedIt) {
  const std::string text = text_transcript(library_case("estonia-2007"), false);
  // "D+7 17:00    Tallinn      climbs to NAME_AND_SHAME (pressure 0.34 = belief 0.63 x
  // grievance 0.54, threshold 0.25)"
  std::istringstream lines(text);
  bool found = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Tallinn      climbs to NAME_AND_SHAME (pressure ") == std::string::npos)
      continue;
    found = true;
    EXPECT_EQ(line.rfind("D+", 0), 0u) << line;
    EXPECT_NE(line.find(" = belief "), std::string::npos) << line;
    EXPECT_NE(line.find(" x grievance "), std::string::npos) << line;
    EXPECT_NE(line.find(", threshold 0.25)"), std::string::npos) << line;
  }
  EXPECT_TRUE(found) << text;
  EXPECT_EQ(text.find("key="), std::string::npos);
  EXPECT_EQ(text.find("incident="), std::string::npos) << "no raw fields in the sentences";
}

TEST(TranscriptTest, EveryRecordNamesItsIncidentByIdNeverByIndex) {
  // Before, the answer to an inquiry said `incident=4` where the observation said
  // `incident=wave-peak`.
  const std::string json =
      text_transcript(library_case("estonia-2007", {parse_setting("hotline=on")}), true);
  std::istringstream lines(json);
  int answers = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find("\"incident\":0"), std::string::npos) << line;
    for (char digit = '1'; digit <= '9'; ++digit)
      EXPECT_EQ(line.find(std::string("\"incident\":") + digit), std::string::npos) << line;
    if (line.find("\"action\":\"answer\"") != std::string::npos) {
      ++answers;
      EXPECT_NE(line.find("\"incident\":\""), std::string::npos) << line;
      EXPECT_EQ(line.find("\"incident\":\"#"), std::string::npos) << line;
    }
  }
  EXPECT_GT(answers, 0);
}

TEST(TranscriptTest, AnIncidentInJsonKeepsItsRecordKind) {
  // Before, the incident's own kind ("DDOS") overwrote the record's ("incident") in --json, so
  // no program reading it could find the incidents.
  const std::string json = text_transcript(library_case("estonia-2007"), true);
  EXPECT_NE(json.find("\"kind\":\"incident\",\"incident\":\"wave-1\",\"type\":\"DDOS\""),
            std::string::npos)
      << json.substr(0, 600);
}

TEST(TranscriptTest, APartysViewHoldsNeitherTheOthersMindNorTheTruth) {
  const model::Scenario scenario = library_case("estonia-2007", {parse_setting("hotline=on")});
  std::ostringstream out;
  TranscriptPrinter printer(out, scenario, false);
  runner::PartyView view("tallinn", printer);
  model::simulate(scenario, 1, &view);
  const std::string text = out.str();
  EXPECT_NE(text.find("Tallinn      sees wave-1 pointing at Moscow"), std::string::npos) << text;
  // The reply's claim reaches Tallinn with the message.
  EXPECT_NE(text.find("Tallinn      receives the reply about wave-1: \"not us\""),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Moscow  "), std::string::npos) << "no line of Moscow's mind";
  EXPECT_EQ(text.find("world  "), std::string::npos) << "no ground truth";
  EXPECT_EQ(text.find("tolerated by Moscow"), std::string::npos);
}

}  // namespace
}  // namespace hotline::scenario
