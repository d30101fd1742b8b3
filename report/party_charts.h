#pragma once
// Per party, over the run's time: its rung as a step chart, and its belief that the other means
// harm beside the truth of the other's intent (the gap between the two is the misperception the
// outcome table counts).

#include <string>
#include <vector>

#include "model/record.h"
#include "model/scenario.h"

namespace hotline::report {

std::string rung_chart(const std::vector<model::Record>& records, const model::Scenario& scenario,
                       int party);
std::string belief_chart(const std::vector<model::Record>& records, const model::Scenario& scenario,
                         int party);

}  // namespace hotline::report
