// The scenario commands as a user runs them: the real executable, real files, exit codes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/node_process.h"
#include "tests/support/shell_command.h"

namespace hotline {
namespace {

using testing::CommandResult;

CommandResult run(const std::string& arguments) {
  return testing::run_shell(std::string(HOTLINE_BINARY) + " " + arguments);
}

const std::string kCases = std::string(HOTLINE_SOURCE_DIR) + "/scenarios/";

TEST(ScenarioCommandsIntegrationTest, ValidateListsEveryProblemAndExitsNonZero) {
  hotline::testing::TempDir dir;
  const std::string bad = (dir.path() / "bad.textproto").string();
  std::ofstream(bad) << "start: \"2020-01-01T00:00:00Z\"\n"
                        "party { id: \"a\" prior_hostility: 1.2 }\n"
                        "party { id: \"b\" }\n"
                        "event { at: \"D+1\" observe { by: \"c\" incident: \"x\" } }\n";
  const CommandResult result = run("validate " + kCases + "estonia-2007.textproto " + bad);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("estonia-2007.textproto: ok"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(bad + ":2:17: prior_hostility must be in [0,1], got 1.2"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(bad + ":4:29: unknown party \"c\""), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(bad + ":4:37: unknown incident \"x\""), std::string::npos)
      << result.output;
}

TEST(ScenarioCommandsIntegrationTest, SimIsByteIdenticalForTheSameSeedAndNamesCasesByName) {
  const CommandResult first = run("sim estonia-2007 --seed 3 --set hotline=on");
  const CommandResult second =
      run("sim " + kCases + "estonia-2007.textproto --seed 3 --set hotline=on");
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(first.output, second.output);
  EXPECT_NE(first.output.find("outcome of estonia-2007"), std::string::npos);
  EXPECT_NE(first.output.find("inquiry"), std::string::npos) << "with a hotline, Tallinn asks";
  EXPECT_NE(run("sim estonia-2007 --seed 4 --set hotline=on").output, first.output);
}

TEST(ScenarioCommandsIntegrationTest, SimRejectsAnUnknownSetting) {
  const CommandResult result = run("sim estonia-2007 --set hotlien=on");
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.output.find("Scenario has no field \"hotlien\""), std::string::npos)
      << result.output;
}

TEST(ScenarioCommandsIntegrationTest, SimPlaysAPartyWithoutAHotlineWhichLivePlayRefusesSayingWhy) {
  hotline::testing::TempDir dir;
  const std::string file = (dir.path() / "triangle.textproto").string();
  std::ofstream(file) << "name: \"triangle\"\nstart: \"2020-01-01T00:00:00Z\"\n"
                         "party { id: \"a\" }\nparty { id: \"b\" }\nparty { id: \"c\" }\n"
                         "hotline { between: \"a\" between: \"b\" enabled: true }\n"
                         "event { at: \"D+1\" message { from: \"a\" to: \"b\" kind: REASSURANCE "
                         "text: \"calm\" } }\n"
                         "event { at: \"D+2\" message { from: \"a\" to: \"c\" kind: REASSURANCE "
                         "text: \"calm\" } }\n";
  const CommandResult sim = run("sim " + file);
  ASSERT_EQ(sim.status, 0) << sim.output;
  EXPECT_NE(sim.output.find("sends the message: \"calm\" to B (message 0)"), std::string::npos)
      << sim.output;
  EXPECT_NE(sim.output.find("cannot send \"calm\" to C: there is no hotline"), std::string::npos)
      << sim.output;
  // Live play runs a node per party with a link per hotline: C, on none, cannot take part.
  const CommandResult live = run("run " + file);
  EXPECT_EQ(live.status, 1);
  EXPECT_NE(live.output.find("hotline run: triangle: c shares no hotline with any party"),
            std::string::npos)
      << live.output;
}

TEST(ScenarioCommandsIntegrationTest, CompareTabulatesEveryVariantAsCsv) {
  const CommandResult result = run(
      "compare estonia-2007 --vary hotline=on,off --runs 50 --metric \"peak >= SANCTIONS\" --csv");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("variant,metric,runs,mean,stddev,ci95"), std::string::npos);
  EXPECT_NE(result.output.find("\"hotline=on\",\"peak >= SANCTIONS\",50,"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("\"hotline=off\",\"peak >= SANCTIONS\",50,"), std::string::npos)
      << result.output;
}

TEST(ScenarioCommandsIntegrationTest, CompareShowsEachMetricsDistributionAndThePeakShares) {
  // Without a hotline the accidents' echoes run to hundreds of strikes; with it, a few: the
  // distribution, not only the mean, shows it, and the peak's shares add up to every run.
  const CommandResult csv =
      run("compare accidental-defection --vary hotline=off,on --runs 40 --metric strikes "
          "--metric peak --csv");
  ASSERT_EQ(csv.status, 0) << csv.output;
  EXPECT_NE(csv.output.find("variant,metric,runs,mean,stddev,ci95,p10,p50,p90,share_NORMAL,"),
            std::string::npos)
      << csv.output;
  EXPECT_NE(csv.output.find("\"hotline=off\",\"peak\",40,5,0,0,5,5,5,0,0,0,0,0,1,0,0"),
            std::string::npos)
      << csv.output;
  const CommandResult table =
      run("compare accidental-defection --vary hotline=off,on --runs 40 --metric peak");
  ASSERT_EQ(table.status, 0) << table.output;
  EXPECT_NE(table.output.find("peaks: CYBER_RETALIATION 100%"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("p90"), std::string::npos) << table.output;
}

TEST(ScenarioCommandsIntegrationTest, ASweepSplitIntoShardsByGnuParallelMergesToTheSameMap) {
  if (std::system("command -v parallel >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "GNU parallel is not installed (Debian package parallel); CI installs it";
  hotline::testing::TempDir dir;
  const std::string sweep =
      "sweep black-brant-1995 --param party.moscow.toward.oslo.trust=0.3:0.9:4 --runs 30";
  const CommandResult whole = run(sweep + " --csv");
  ASSERT_EQ(whole.status, 0) << whole.output;
  const std::string shards = "parallel --will-cite " + std::string(HOTLINE_BINARY) + " " + sweep +
                             " --threads 1 --shard {}/3 --out " + dir.path().string() +
                             " ::: 0 1 2 2>&1";
  ASSERT_EQ(std::system(shards.c_str()), 0);
  const CommandResult merged = run("sweep merge " + dir.path().string() + " --csv");
  ASSERT_EQ(merged.status, 0) << merged.output;
  EXPECT_EQ(merged.output, whole.output);
  EXPECT_NE(whole.output.find("\"party.moscow.toward.oslo.trust\",expectation,says,holds,value"),
            std::string::npos)
      << whole.output;
  // One shard missing: merge says so instead of printing a partial map.
  std::filesystem::remove(dir.path() / "shard-1-of-3.sweep");
  const CommandResult partial = run("sweep merge " + dir.path().string());
  EXPECT_NE(partial.status, 0);
  EXPECT_NE(partial.output.find("a shard is missing"), std::string::npos) << partial.output;
}

TEST(ScenarioCommandsIntegrationTest, ErrorsANewUserMetSayWhatWasMeant) {
  const CommandResult unknown = run("sim nosuch");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.output.find("no case named \"nosuch\""), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("the cases are: "), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("estonia-2007"), std::string::npos) << unknown.output;
  const CommandResult no_runs = run("compare estonia-2007 --runs 0");
  EXPECT_NE(no_runs.status, 0);
  EXPECT_NE(no_runs.output.find("at least 1"), std::string::npos) << no_runs.output;
  EXPECT_EQ(no_runs.output.find("1.79"), std::string::npos) << no_runs.output;
  const CommandResult backwards = run("run estonia-2007 --speed -5");
  EXPECT_NE(backwards.status, 0);
  EXPECT_NE(backwards.output.find("--speed: must be a positive number"), std::string::npos)
      << backwards.output;
}

TEST(ScenarioCommandsIntegrationTest, CheckReportsWhatEachExpectationMeasured) {
  const CommandResult result = run("check accidental-defection");
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("pass  "), std::string::npos);
  EXPECT_EQ(result.output.find("FAIL"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace hotline
