#pragma once
// A side's belief that another party means it harm, as a curve in time: the last evidence set it
// (`log_odds` at `since`), and from then it fades back toward the side's prior, halving its
// distance in log-odds every `half_life`. Misperception is integrated along this curve exactly,
// so the figure does not depend on how many events, of any party, happen to fall in between.

#include "model/time.h"

namespace hotline::model {

struct BeliefCurve {
  double prior_log_odds = 0;
  double log_odds = 0;
  SimTime since = 0;
  SimTime half_life = 0;  // 0: it does not fade

  // The probability the side gives at `now` (not before `since`).
  double at(SimTime now) const;
  bool operator==(const BeliefCurve& other) const {
    return log_odds == other.log_odds && since == other.since &&
           prior_log_odds == other.prior_log_odds && half_life == other.half_life;
  }
  bool operator!=(const BeliefCurve& other) const { return !(*this == other); }
};

// The error the crisis added to this belief, integrated from `from` (not before the curve's
// `since`) to `to`, in days of error: how much further the belief is from the truth (`truth`:
// whether the other means harm) than the prior would put it, where it is further. A belief that
// matches the truth, or never moved, adds nothing.
double added_error_days(const BeliefCurve& curve, SimTime from, SimTime to, bool truth);

}  // namespace hotline::model
