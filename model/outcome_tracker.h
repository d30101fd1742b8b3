#pragma once
// The outcomes a run accumulates as it goes: each side's peak and its return to NORMAL, climbs
// against a side that meant no harm, misperception and days above NORMAL integrated over time;
// at the end, the final beliefs and rungs and the outcome records.

#include <vector>

#include "model/outcomes.h"
#include "model/record.h"
#include "model/scenario.h"
#include "model/side_host.h"

namespace hotline::model {

class OutcomeTracker {
 public:
  // `truth[i][j]`: whether party i means party j harm now (the scenario's intents change it).
  OutcomeTracker(const Scenario& scenario, Outcomes& outcomes, std::vector<SideHost*> sides,
                 const std::vector<std::vector<char>>& truth);

  // Integrates misperception and time above NORMAL up to `now`.
  void track(SimTime now);
  // `party` moved to `rung` (perhaps several rungs away), driven by what it holds against
  // `against`; returns whether it climbed.
  bool moved(SimTime now, int party, Rung rung, int against);
  // The final state, and one outcome record per side plus the channel's summary.
  void finish(SimTime end, RecordSink* sink);

 private:
  bool harms(int party, int toward) const;
  // Counts `party`'s time on its rung up to `now` (an alert of six minutes lasts six minutes);
  // from now it stands on `rung`.
  void count_rung_time(SimTime now, int party, Rung rung);

  const Scenario& scenario_;
  Outcomes& outcomes_;
  std::vector<SideHost*> sides_;
  const std::vector<std::vector<char>>& truth_;
  std::vector<Rung> rung_before_;   // [party] the rung before the last move
  std::vector<int> moved_against_;  // [party] whom its last move was against
  std::vector<SimTime> last_tracked_;
  std::vector<std::vector<double>> last_belief_;   // [party][other]
  std::vector<std::vector<double>> prior_belief_;  // [party][other]
  // Time on each rung runs on its own clock, apart from the beliefs' `last_tracked_`, so that it
  // is counted from the move itself, not from the next event.
  std::vector<SimTime> rung_counted_to_;
  std::vector<char> last_was_above_;
  std::vector<char> last_was_at_war_;
  std::vector<Rung> rung_now_;      // [party] its rung at the current track()
  std::vector<double> belief_now_;  // [other] one party's beliefs at the current track()
};

}  // namespace hotline::model
