#include "model/outcome_tracker.h"

#include <cmath>
#include <string>

namespace hotline::model {

OutcomeTracker::OutcomeTracker(const Scenario& scenario, Outcomes& outcomes,
                               std::vector<SideHost*> sides, const std::vector<char>& truth)
    : scenario_(scenario), outcomes_(outcomes), sides_(std::move(sides)), truth_(truth) {
  const std::size_t parties = sides_.size();
  outcomes_.sides.resize(parties);
  outcomes_.duration = scenario.duration;
  rung_before_.assign(parties, Rung::kNormal);
  last_tracked_.assign(parties, 0);
  last_was_above_.assign(parties, false);
  for (SideHost* side : sides_) {
    last_belief_.push_back(side->belief(0));
    prior_belief_.push_back(side->belief(0));
  }
  for (SideOutcome& outcome : outcomes_.sides) outcome.took[0] = true;
}

// Whether `party` means the other harm now: the scenario's intent, or the harm it is doing
// (striking back in kind, or at war), whatever it intended at the start.
bool OutcomeTracker::harms(std::size_t party) const {
  const Rung rung = sides_[party]->rung();
  return truth_[party] || rung == Rung::kCyberRetaliation || rung == Rung::kArmedConflict;
}

void OutcomeTracker::track(SimTime now) {
  for (std::size_t i = 0; i < sides_.size(); ++i) {
    const double belief = sides_[i]->belief(now);
    const double truth = harms(1 - i) ? 1.0 : 0.0;
    const double elapsed = to_days(now - last_tracked_[i]);
    if (elapsed > 0) {
      // Only the error the crisis added counts: how much further from the truth the side is
      // than its prior would put it. A side that never hears anything scores nothing, however
      // long the run, and a side whose belief matches the truth scores nothing.
      const double prior_gap = std::abs(prior_belief_[i] - truth);
      auto excess = [&](double b) { return std::max(0.0, std::abs(b - truth) - prior_gap); };
      const double gap = 0.5 * (excess(last_belief_[i]) + excess(belief));
      outcomes_.sides[i].misperception += gap * elapsed;
      if (last_was_above_[i]) outcomes_.sides[i].days_above_normal += elapsed;
    }
    last_tracked_[i] = now;
    last_belief_[i] = belief;
    last_was_above_[i] = sides_[i]->rung() != Rung::kNormal;
  }
}

bool OutcomeTracker::moved(SimTime now, int party, Rung rung) {
  SideOutcome& outcome = outcomes_.sides[party];
  // The rung before tells which way this move went, and how far.
  const bool climbing = rung > rung_before_[party];
  const int rungs_climbed = static_cast<int>(rung) - static_cast<int>(rung_before_[party]);
  rung_before_[party] = rung;
  outcome.took[static_cast<int>(rung)] = true;
  if (climbing) {
    if (rung > outcome.peak) {
      outcome.peak = rung;
      outcome.peak_at = now;
    }
    if (!harms(1 - party)) outcome.inadvertent_climbs += rungs_climbed;
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
    outcome.final_belief = sides_[i]->belief(end);
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
