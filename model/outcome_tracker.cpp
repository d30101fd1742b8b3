#include "model/outcome_tracker.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace hotline::model {

OutcomeTracker::OutcomeTracker(const Scenario& scenario, Outcomes& outcomes,
                               std::vector<SideHost*> sides,
                               const std::vector<std::vector<char>>& truth)
    : scenario_(scenario), outcomes_(outcomes), sides_(std::move(sides)), truth_(truth) {
  const int parties = static_cast<int>(sides_.size());
  outcomes_.sides.resize(parties);
  outcomes_.pairs.assign(parties, std::vector<PairOutcome>(parties));
  outcomes_.duration = scenario.duration;
  rung_before_.assign(parties, Rung::kNormal);
  moved_against_.assign(parties, kNoParty);
  rung_counted_to_.assign(parties, 0);
  last_was_above_.assign(parties, false);
  last_was_at_war_.assign(parties, false);
  curve_.assign(parties, std::vector<BeliefCurve>(parties));
  segment_truth_.assign(parties, std::vector<char>(parties, false));
  integrated_to_.assign(parties, std::vector<SimTime>(parties, 0));
  for (SideOutcome& outcome : outcomes_.sides) outcome.took[0] = true;
}

// Whether `party` means `toward` harm now: the scenario's intent, or the harm it is doing
// (striking back in kind, or at war, against it), whatever it intended at the start.
bool OutcomeTracker::harms(int party, int toward, Rung rung) const {
  return truth_[party][toward] ||
         ((rung == Rung::kCyberRetaliation || rung == Rung::kArmedConflict) &&
          moved_against_[party] == toward);
}

void OutcomeTracker::integrate(int party, int other, SimTime to) {
  SimTime& from = integrated_to_[party][other];
  if (to <= from) return;
  const double error =
      added_error_days(curve_[party][other], from, to, segment_truth_[party][other] != 0);
  outcomes_.pairs[party][other].misperception += error;
  outcomes_.sides[party].misperception += error;
  from = to;
}

void OutcomeTracker::track(SimTime now) {
  const int parties = static_cast<int>(sides_.size());
  const SimTime changed_at = last_tracked_;
  last_tracked_ = now;
  const bool first = !started_;
  if (first) {
    // Nothing happens before the first event: the segments start at 0 as the world is then
    // (the simulator sets the truth after building the tracker).
    seen_belief_changes_.assign(parties, 0);
    truth_may_have_changed_ = true;
    started_ = true;
  }
  rung_now_.resize(parties, Rung::kNormal);
  for (int j = 0; j < parties; ++j) {
    const Rung rung = sides_[j]->rung();
    if (rung != rung_now_[j]) truth_may_have_changed_ = true;
    rung_now_[j] = rung;
  }
  curves_now_.resize(parties);
  // Most events move no belief and change no truth: a side whose beliefs have not moved is not
  // asked for its curves.
  for (int i = 0; i < parties; ++i) {
    const std::uint64_t belief_changes = sides_[i]->belief_changes();
    const bool beliefs_moved = first || belief_changes != seen_belief_changes_[i];
    if (!beliefs_moved && !truth_may_have_changed_) continue;
    if (beliefs_moved) {
      sides_[i]->belief_curves(i, curves_now_);
      seen_belief_changes_[i] = belief_changes;
    }
    for (int j = 0; j < parties; ++j) {
      if (j == i) continue;
      const bool truth = truth_may_have_changed_ ? harms(j, i, rung_now_[j])
                                                 : static_cast<bool>(segment_truth_[i][j]);
      const bool truth_changed = truth != static_cast<bool>(segment_truth_[i][j]);
      const BeliefCurve& curve = curves_now_[j];
      const bool curve_changed = beliefs_moved && curve != curve_[i][j];
      if (!truth_changed && !curve_changed) continue;
      // A new curve starts where its evidence came, a new truth at the last call's time: the
      // same moment for every change the simulator makes; taken in order all the same, should a
      // curve ever start between two calls.
      const SimTime curve_at = std::clamp(curve.since, integrated_to_[i][j], now);
      const bool curve_first = curve_changed && (!truth_changed || curve_at <= changed_at);
      if (curve_first) {
        integrate(i, j, curve_at);
        curve_[i][j] = curve;
      }
      if (truth_changed) {
        integrate(i, j, changed_at);
        segment_truth_[i][j] = truth;
      }
      if (curve_changed && !curve_first) {
        integrate(i, j, curve_at);
        curve_[i][j] = curve;
      }
    }
  }
  truth_may_have_changed_ = false;
}

void OutcomeTracker::count_rung_time(SimTime now, int party, Rung rung) {
  const double elapsed = to_days(now - rung_counted_to_[party]);
  if (elapsed > 0 && last_was_above_[party]) outcomes_.sides[party].days_above_normal += elapsed;
  if (elapsed > 0 && last_was_at_war_[party]) outcomes_.sides[party].days_at_war += elapsed;
  rung_counted_to_[party] = now;
  last_was_above_[party] = rung != Rung::kNormal;
  last_was_at_war_[party] = rung == Rung::kArmedConflict;
}

bool OutcomeTracker::moved(SimTime now, int party, Rung rung, int against) {
  count_rung_time(now, party, rung);
  truth_may_have_changed_ = true;
  SideOutcome& outcome = outcomes_.sides[party];
  // The rung before tells which way this move went, and how far.
  const bool climbing = rung > rung_before_[party];
  const int rungs_climbed = static_cast<int>(rung) - static_cast<int>(rung_before_[party]);
  rung_before_[party] = rung;
  if (against != kNoParty) moved_against_[party] = against;
  outcome.took[static_cast<int>(rung)] = true;
  if (climbing) {
    if (rung > outcome.peak) {
      outcome.peak = rung;
      outcome.peak_at = now;
    }
    if (moved_against_[party] != kNoParty &&
        !harms(moved_against_[party], party, sides_[moved_against_[party]]->rung()))
      outcome.inadvertent_climbs += rungs_climbed;
  }
  if (rung == Rung::kNormal) {
    outcome.back_to_normal = now;
  } else {
    outcome.back_to_normal.reset();
  }
  return climbing;
}

void OutcomeTracker::finish(SimTime end, RecordSink* sink) {
  track(end);
  const int parties = static_cast<int>(sides_.size());
  for (int i = 0; i < parties; ++i) {
    for (int j = 0; j < parties; ++j) {
      if (j != i) integrate(i, j, end);
    }
    count_rung_time(end, i, sides_[i]->rung());
  }
  auto world = [end](const char* kind) {
    Record r;
    r.at = end;
    r.kind = kind;
    return r;
  };
  for (std::size_t i = 0; i < sides_.size(); ++i) {
    SideOutcome& outcome = outcomes_.sides[i];
    outcome.final_belief = 0;
    for (std::size_t j = 0; j < sides_.size(); ++j) {
      if (j == i) continue;
      const double belief = sides_[i]->belief(end, static_cast<int>(j));
      outcomes_.pairs[i][j].final_belief = belief;
      outcome.final_belief = std::max(outcome.final_belief, belief);
    }
    outcome.final_rung = sides_[i]->rung();
    if (outcome.final_rung != Rung::kNormal) outcome.back_to_normal.reset();
    if (sink) {
      sink->record(
          world("outcome")
              .with("party", scenario_.parties[i].id)
              .with("peak", std::string(rung_name(outcome.peak)))
              .with("peak_day", to_days(outcome.peak_at))
              .with("final_rung", std::string(rung_name(outcome.final_rung)))
              .with("final_belief", outcome.final_belief)
              .with("misperception", outcome.misperception)
              .with("inadvertent_climbs", static_cast<long long>(outcome.inadvertent_climbs))
              .with("damage", outcome.damage)
              .with("strikes", static_cast<long long>(outcome.strikes))
              .with("refrained", static_cast<long long>(outcome.refrained))
              .with("messages_sent", static_cast<long long>(outcome.messages_sent)));
    }
  }
  if (sink) {
    sink->record(
        world("channel_summary")
            .with("messages_sent", static_cast<long long>(outcomes_.messages_sent))
            .with("messages_delivered", static_cast<long long>(outcomes_.messages_delivered))
            .with("frames_lost", static_cast<long long>(outcomes_.frames_lost))
            .with("frames_garbled", static_cast<long long>(outcomes_.frames_garbled))
            .with("frames_duplicated", static_cast<long long>(outcomes_.frames_duplicated))
            .with("leaked", outcomes_.leaked));
  }
}

}  // namespace hotline::model
