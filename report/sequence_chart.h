#pragma once
// The message sequence chart of a run, as SVG: one lane per party, time going down, each
// message an arrow from its sender at the time it left to its receiver at the time it arrived,
// with its kind and text and what the channel did to it (lost, garbled, duplicated, carried by a
// backup circuit); the incidents in the world's column and each side's observations and moves on
// its own lane.

#include <string>
#include <vector>

#include "model/record.h"
#include "model/scenario.h"

namespace hotline::report {

struct SequenceChart {
  std::string svg;
  int messages = 0;    // arrows drawn: one per message sent
  int rows_shown = 0;  // events on the chart
  int rows_left_out = 0;
};

// At most `max_rows` events are drawn; a longer run says how many were left out.
SequenceChart sequence_chart(const std::vector<model::Record>& records,
                             const model::Scenario& scenario, int max_rows = 1500);

}  // namespace hotline::report
