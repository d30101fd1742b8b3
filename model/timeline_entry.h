#pragma once
// A scenario's timeline entry in a few words, for whoever picks one (a white cell's inject).

#include <string>

#include "model/scenario.h"

namespace hotline::model {

// "incident grid-intrusion", "moscow observes grid-intrusion", "press leak by moscow"; throws
// std::out_of_range for an index past the timeline.
std::string describe_timeline_entry(const Scenario& scenario, int index);

}  // namespace hotline::model
