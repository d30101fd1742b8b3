#pragma once
// Where each expectation of a case holds, over a grid of one or two parameters: every grid point
// runs every expectation as `hotline check` does, with the point's settings on top. A point's
// result depends only on the case, the point and the base seed (run i of every variant uses the
// seed derived from (base seed, i)), so a sweep split into shards, on one machine or many, gives
// the same results as one run; shards write files that `merge` puts back together.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/expectations.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario {

// "party.tallinn.trust=0.1:0.6:6": six values from 0.1 to 0.6.
struct SweepParameter {
  std::string key;
  double low = 0;
  double high = 0;
  int steps = 2;
  std::string text() const;
  std::vector<double> values() const;
};
// Throws std::invalid_argument naming what was expected.
SweepParameter parse_sweep_parameter(std::string_view text);

struct SweepPlan {
  std::string scenario;  // the case's name, as the shards must agree on it
  // A digest of the case as parsed (comments aside): shards of two versions do not merge.
  std::string digest;
  std::vector<SweepParameter> parameters;  // one or two
  std::uint64_t seed = 1;
  int runs = 0;  // per variant; 0: as each expectation asks
  // Every point of the grid, the first parameter varying slowest.
  std::vector<std::vector<double>> points() const;
};

struct SweepCell {
  int point = 0;
  int expectation = 0;
  bool passed = false;
  double value = 0;  // what the expectation's bound was compared with
};

struct SweepResult {
  SweepPlan plan;
  std::vector<std::string> expectations;  // what each says
  std::vector<SweepCell> cells;           // in (point, expectation) order
};

// Runs the points with index % shard_count == shard (every point when shard_count is 1).
// `progress(done, total)` is called after each point.
SweepResult run_sweep(const ScenarioFile& file, const SweepPlan& plan, int threads, int shard = 0,
                      int shard_count = 1, const std::function<void(int, int)>& progress = nullptr);

// A digest of a case as parsed (FNV-1a, 64 bits, in hex, over its text form): the same on every
// machine for the same case, and changed by any change of a value.
std::string case_digest(const ScenarioFile& file);

// The file contract of shards: a header naming the plan, one CSV row per cell, and a last line
// with the number of cells, so that a file cut short is refused rather than misread.
void write_sweep(std::ostream& out, const SweepResult& result);
// Reads one shard file; throws std::runtime_error naming the file and line on a malformed one.
SweepResult read_sweep(std::istream& in, const std::string& name);
// Puts shards of one plan back together; throws std::runtime_error if their plans differ, a
// point is missing, or a point appears twice.
SweepResult merge_sweeps(const std::vector<SweepResult>& shards);

// One map per expectation: a row per value of the first parameter, a column per value of the
// second; each cell "yes" or "no" with the measured value.
void print_sweep_table(std::ostream& out, const SweepResult& result);
// point values, expectation, says, passed, value: one row per cell.
void print_sweep_csv(std::ostream& out, const SweepResult& result);

}  // namespace hotline::scenario
