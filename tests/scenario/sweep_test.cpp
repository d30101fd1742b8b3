// A sweep maps where expectations hold, and its shards put back together give the same map.
#include "scenario/sweep.h"

#include <gtest/gtest.h>

#include <sstream>

namespace hotline::scenario {
namespace {

ScenarioFile black_brant() {
  return read_scenario_file(HOTLINE_SOURCE_DIR "/scenarios/black-brant-1995.textproto");
}

SweepPlan plan() {
  SweepPlan p;
  p.scenario = "black-brant-1995";
  p.runs = 30;
  p.parameters = {parse_sweep_parameter("party.moscow.toward.oslo.trust=0.3:0.9:3"),
                  parse_sweep_parameter("party.moscow.prior_hostility=0.2:0.7:2")};
  return p;
}

TEST(SweepTest, ParametersSayWhatWasExpected) {
  const SweepParameter p = parse_sweep_parameter("party.tallinn.trust=0.1:0.6:6");
  EXPECT_EQ(p.key, "party.tallinn.trust");
  ASSERT_EQ(p.values().size(), 6u);
  EXPECT_DOUBLE_EQ(p.values().front(), 0.1);
  EXPECT_DOUBLE_EQ(p.values().back(), 0.6);
  for (const char* bad : {"party.tallinn.trust=0.1:0.6", "party.tallinn.trust", "=0:1:2", "x=0:1:0",
                          "x=0:1:2.5", "x=1:0:3", "x=a:1:3"}) {
    EXPECT_THROW(parse_sweep_parameter(bad), std::invalid_argument) << bad;
  }
}

TEST(SweepTest, TheMapShowsWhereTheTeachingPointStopsHolding) {
  // At a hostile prior and little trust, the notice on the day no longer prevents the alert.
  const SweepResult result = run_sweep(black_brant(), plan(), 0);
  ASSERT_EQ(result.cells.size(), 6u * result.expectations.size());
  int holds = 0;
  int fails = 0;
  for (const auto& cell : result.cells) {
    if (result.expectations[cell.expectation].rfind("A direct channel", 0) != 0) continue;
    (cell.passed ? holds : fails)++;
  }
  EXPECT_GT(holds, 0);
  EXPECT_GT(fails, 0);
}

TEST(SweepTest, ShardsMergedGiveTheSameResultsAsOneRun) {
  const ScenarioFile file = black_brant();
  const SweepResult whole = run_sweep(file, plan(), 0);
  std::vector<SweepResult> shards;
  for (int shard = 0; shard < 4; ++shard) {
    // Through the file contract, as shards on other machines would hand them over.
    std::stringstream text;
    write_sweep(text, run_sweep(file, plan(), 1, shard, 4));
    shards.push_back(read_sweep(text, "shard-" + std::to_string(shard)));
  }
  const SweepResult merged = merge_sweeps(shards);
  ASSERT_EQ(merged.cells.size(), whole.cells.size());
  for (std::size_t i = 0; i < whole.cells.size(); ++i) {
    EXPECT_EQ(merged.cells[i].point, whole.cells[i].point);
    EXPECT_EQ(merged.cells[i].passed, whole.cells[i].passed);
    EXPECT_DOUBLE_EQ(merged.cells[i].value, whole.cells[i].value);
  }
}

TEST(SweepTest, MergeRefusesAMissingDoubledOrForeignShard) {
  const ScenarioFile file = black_brant();
  const SweepResult first = run_sweep(file, plan(), 0, 0, 2);
  const SweepResult second = run_sweep(file, plan(), 0, 1, 2);
  EXPECT_THROW(merge_sweeps({first}), std::runtime_error);
  EXPECT_THROW(merge_sweeps({first, first, second}), std::runtime_error);
  SweepPlan other = plan();
  other.seed = 2;
  EXPECT_THROW(merge_sweeps({first, run_sweep(file, other, 0, 1, 2)}), std::runtime_error);
  EXPECT_NO_THROW(merge_sweeps({second, first}));
}

TEST(SweepTest, AMalformedShardFileIsNamedWithItsLine) {
  std::stringstream text("# hotline sweep v1\nscenario,x\nparameter,a=0:1:2\ncell,0,0,maybe,1\n");
  try {
    read_sweep(text, "shard.sweep");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("shard.sweep:4: ", 0), 0u) << e.what();
  }
  std::stringstream not_a_shard("hello\n");
  EXPECT_THROW(read_sweep(not_a_shard, "x"), std::runtime_error);
}

TEST(SweepTest, AShardCutShortOrOfAnotherVersionOfTheCaseIsRefused) {
  const ScenarioFile file = black_brant();
  SweepPlan p = plan();
  p.digest = case_digest(file);
  p.seed = 18446744073709551557ull;  // the largest 64-bit prime: a seed survives the file exactly
  std::stringstream whole;
  write_sweep(whole, run_sweep(file, p, 0, 0, 2));
  const std::string text = whole.str();
  std::stringstream again(text);
  EXPECT_EQ(read_sweep(again, "whole").plan.seed, p.seed);
  // Cut in the middle of the last value.
  std::stringstream cut(text.substr(0, text.rfind("\ncell,") + 12));
  EXPECT_THROW(read_sweep(cut, "cut"), std::runtime_error);
  // The other half of the grid, from a case whose values changed in between.
  ScenarioFile changed = file;
  changed.spec.mutable_party(1)->set_trust(0.61);
  SweepPlan other = p;
  other.digest = case_digest(changed);
  EXPECT_NE(other.digest, p.digest);
  std::stringstream first(text);
  EXPECT_THROW(merge_sweeps({read_sweep(first, "a"), run_sweep(changed, other, 0, 1, 2)}),
               std::runtime_error);
}

}  // namespace
}  // namespace hotline::scenario
