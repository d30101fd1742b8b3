#pragma once
// Why each climb happened, in one sentence: the observation, message, silence or move that set
// the side deliberating, the numbers that carried pressure over the rung's threshold, and the
// questions it had asked that were still unanswered ("D+13 03:00 Tallinn climbs to DEMARCHE:
// wave-peak seen pointing at Moscow with confidence 0.54; belief 0.73 x grievance 0.52 gives
// pressure 0.38 >= 0.35; the inquiry about wave-peak sent at D+13 03:00 had no answer yet").
// Read from the run's records alone, so that it explains a live run as it does a simulated one.

#include <string>
#include <vector>

#include "model/record.h"
#include "model/scenario.h"
#include "scenario/scenario_time.h"

namespace hotline::report {

struct ClimbReason {
  model::SimTime at = 0;
  std::string party;
  std::string rung;
  std::string sentence;  // the whole sentence, time and party first
};

std::vector<ClimbReason> explain_climbs(const std::vector<model::Record>& records,
                                        const model::Scenario& scenario);

}  // namespace hotline::report
