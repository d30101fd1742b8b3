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
  last_tracked_.assign(parties, 0);
  rung_counted_to_.assign(parties, 0);
  last_was_above_.assign(parties, false);
  last_was_at_war_.assign(parties, false);
  last_belief_.assign(parties, std::vector<double>(parties, 0));
  for (int i = 0; i < parties; ++i) {
    for (int j = 0; j < parties; ++j) {
      if (i != j) last_belief_[i][j] = sides_[i]->belief(0, j);
    }
  }
  prior_belief_ = last_belief_;
  for (SideOutcome& outcome : outcomes_.sides) outcome.took[0] = true;
}

// Whether `party` means `toward` harm now: the scenario's intent, or the harm it is doing
// (striking back in kind, or at war, against it), whatever it intended at the start.
bool OutcomeTracker::harms(int party, int toward) const {
  const Rung rung = sides_[party]->rung();
  return truth_[party][toward] ||
         ((rung == Rung::kCyberRetaliation || rung == Rung::kArmedConflict) &&
          moved_against_[party] == toward);
}

void OutcomeTracker::track(SimTime now) {
  const int parties = static_cast<int>(sides_.size());
  // Asked once per party, not once per pair: the tracker runs at every event.
  rung_now_.resize(parties);
  belief_now_.resize(parties);
  for (int j = 0; j < parties; ++j) rung_now_[j] = sides_[j]->rung();
  for (int i = 0; i < parties; ++i) {
    const double elapsed = to_days(now - last_tracked_[i]);
    sides_[i]->beliefs(now, i, belief_now_);
    std::vector<double>& last_belief = last_belief_[i];
    const std::vector<double>& prior_belief = prior_belief_[i];
    for (int j = 0; j < parties; ++j) {
      if (j == i) continue;
      const double belief = belief_now_[j];
      // A belief at its prior now and at the last event adds exactly nothing, whatever the
      // truth (its error is the prior's own): most pairs of a crowded world, skipped.
      if (belief == prior_belief[j] && last_belief[j] == belief) continue;
      const bool fighting =
          rung_now_[j] == Rung::kCyberRetaliation || rung_now_[j] == Rung::kArmedConflict;
      const double truth = truth_[j][i] || (fighting && moved_against_[j] == i) ? 1.0 : 0.0;
      if (elapsed > 0) {
        // Only the error the crisis added counts: how much further from the truth the side is
        // than its prior would put it. A side that never hears anything scores nothing, however
        // long the run, and a side whose belief matches the truth scores nothing.
        const double prior_gap = std::abs(prior_belief[j] - truth);
        auto excess = [&](double b) { return std::max(0.0, std::abs(b - truth) - prior_gap); };
        const double gap = 0.5 * (excess(last_belief[j]) + excess(belief));
        outcomes_.pairs[i][j].misperception += gap * elapsed;
        outcomes_.sides[i].misperception += gap * elapsed;
      }
      last_belief[j] = belief;
    }
    last_tracked_[i] = now;
    count_rung_time(now, i, rung_now_[i]);
  }
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
    if (moved_against_[party] != kNoParty && !harms(moved_against_[party], party))
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
