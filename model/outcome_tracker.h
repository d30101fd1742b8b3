#pragma once
// The outcomes a run accumulates as it goes: each side's peak and its return to NORMAL, climbs
// against a side that meant no harm, misperception and days above NORMAL integrated over time;
// at the end, the final beliefs and rungs and the outcome records.
//
// Misperception is integrated exactly along each belief's curve (BeliefCurve), a segment at a
// time: a segment ends where the curve or the truth it is measured against changes. So the
// figure does not depend on when events happen to sample it: a third party's traffic, a link
// test or a moment paced at for a live run changes nothing.

#include <vector>

#include "model/belief_curve.h"
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

  // Called at every event, before anything happens at `now`: takes up what changed since the
  // last call. Everything that changed a belief or the truth since then happened at that call's
  // time (the simulator calls its sides between two events only at the first one's time).
  void track(SimTime now);
  // `party` moved to `rung` (perhaps several rungs away), driven by what it holds against
  // `against`; returns whether it climbed.
  bool moved(SimTime now, int party, Rung rung, int against);
  // The simulator changed the scenario's intents (`truth`).
  void intents_changed() { truth_may_have_changed_ = true; }
  // The final state, and one outcome record per side plus the channel's summary.
  void finish(SimTime end, RecordSink* sink);

 private:
  // Whether `party`, standing at `rung`, means `toward` harm: the scenario's intent, or the harm
  // it is doing.
  bool harms(int party, int toward, Rung rung) const;
  // Adds pair (party, other)'s misperception up to `to` along its current segment.
  void integrate(int party, int other, SimTime to);
  // Counts `party`'s time on its rung up to `now` (an alert of six minutes lasts six minutes);
  // from now it stands on `rung`.
  void count_rung_time(SimTime now, int party, Rung rung);

  const Scenario& scenario_;
  Outcomes& outcomes_;
  std::vector<SideHost*> sides_;
  const std::vector<std::vector<char>>& truth_;
  std::vector<Rung> rung_before_;   // [party] the rung before the last move
  std::vector<int> moved_against_;  // [party] whom its last move was against
  SimTime last_tracked_ = 0;
  bool started_ = false;
  bool truth_may_have_changed_ = false;
  std::vector<std::uint64_t> seen_belief_changes_;  // [party] as of the last track()
  // [party][other]: the open segment of each belief, the truth it is measured against, and how
  // far it has been integrated.
  std::vector<std::vector<BeliefCurve>> curve_;
  std::vector<std::vector<char>> segment_truth_;
  std::vector<std::vector<SimTime>> integrated_to_;
  // Time on each rung is counted at each move and at the end, from the move itself, not from
  // the next event.
  std::vector<SimTime> rung_counted_to_;
  std::vector<char> last_was_above_;
  std::vector<char> last_was_at_war_;
  std::vector<Rung> rung_now_;           // [party] its rung at the current track()
  std::vector<BeliefCurve> curves_now_;  // [other] one party's curves at the current track()
};

}  // namespace hotline::model
