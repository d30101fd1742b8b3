#include "model/side.h"

#include <algorithm>
#include <cmath>

#include "model/constants.h"
#include "model/side_rules.h"

namespace hotline::model {

using namespace constants;
using namespace side_rules;

Side::Side(const Scenario& scenario, int index, RecordSink* sink)
    : me_(scenario.parties[index]), aim_(me_.doctrine.aim), index_(index), sink_(sink) {
  relation_of_.assign(scenario.parties.size(), -1);
  for (int party = 0; party < scenario.party_count(); ++party) {
    if (party == index) continue;
    const Stance stance = me_.stance_toward(party);
    Relation r;
    r.party = party;
    r.id = scenario.parties[party].id;
    r.hotline = scenario.hotline_between(index, party);
    if (r.hotline)
      r.link_test_every = scenario.hotlines[scenario.line_between(index, party)].link_test_every;
    r.intends_harm = stance.intends_harm;
    r.prior_log_odds = to_log_odds(stance.prior_hostility);
    r.log_odds = r.prior_log_odds;
    r.trust = clamp01(stance.trust);
    const auto& theirs = scenario.parties[party].allies;
    r.allied = std::count(me_.allies.begin(), me_.allies.end(), party) > 0 ||
               std::count(theirs.begin(), theirs.end(), index) > 0;
    has_allies_ = has_allies_ || r.allied;
    relation_of_[party] = static_cast<int>(relations_.size());
    relations_.push_back(std::move(r));
  }
  for (Relation& r : relations_) {
    if (r.hotline) continue;
    for (int carrier = 0; carrier < scenario.party_count(); ++carrier) {
      if (carrier == index || carrier == r.party) continue;
      if (scenario.hotline_between(index, carrier) && scenario.hotline_between(carrier, r.party)) {
        r.carrier = carrier;
        break;
      }
    }
  }
}

void Side::send_to(const Relation& r, SimTime after, const Exchange& exchange, Actions& out) const {
  out.send.push_back({after, exchange, r.party, r.hotline ? kNoParty : r.carrier});
}

Side::Relation* Side::find_relation(int party) {
  if (party < 0 || party >= static_cast<int>(relation_of_.size()) || relation_of_[party] < 0)
    return nullptr;
  return &relations_[relation_of_[party]];
}

// Callers name a party other than this one: the world never asks a side about itself.
Side::Relation& Side::relation(int party) {
  Relation* r = find_relation(party);
  return r ? *r : relations_.front();
}

const Side::Relation& Side::relation(int party) const {
  return const_cast<Side*>(this)->relation(party);
}

void Side::set_intent(int toward, bool intends_harm, std::optional<Rung> aim) {
  if (aim) aim_ = *aim;
  for (Relation& r : relations_) {
    if (toward == kNoParty || r.party == toward) r.intends_harm = intends_harm;
  }
}

double Side::decay(SimTime elapsed) const {
  if (elapsed <= 0 || me_.perception.memory <= 0) return 1.0;
  return std::exp2(-static_cast<double>(elapsed) / static_cast<double>(me_.perception.memory));
}

double Side::belief_of(const Relation& r, SimTime now) const {
  // Asked several times per event (by decisions and records): computed once. A
  // belief nothing has moved is its prior at any time (the same number the formula gives).
  if (r.log_odds == r.prior_log_odds && r.belief_cached_at >= 0) return r.belief_cached;
  if (now != r.belief_cached_at) {
    r.belief_cached = to_probability(r.prior_log_odds +
                                     (r.log_odds - r.prior_log_odds) * decay(now - r.belief_since));
    r.belief_cached_at = now;
  }
  return r.belief_cached;
}

double Side::belief(SimTime now, int party) const {
  return belief_of(relation(party), now);
}

void Side::belief_curves(std::vector<BeliefCurve>& of) const {
  for (const Relation& r : relations_) {
    of[r.party] = {r.prior_log_odds, r.log_odds, r.belief_since, me_.perception.memory};
  }
}

double Side::belief(SimTime now) const {
  double highest = 0;
  for (const Relation& r : relations_) highest = std::max(highest, belief_of(r, now));
  return highest;
}

void Side::shift_belief(Relation& r, SimTime now, double log_odds) {
  const double current =
      r.prior_log_odds + (r.log_odds - r.prior_log_odds) * decay(now - r.belief_since);
  r.log_odds = std::clamp(current + log_odds, -kMaxLogOdds, kMaxLogOdds);
  r.belief_since = now;
  r.belief_cached_at = -1;
  ++belief_changes_;
}

double Side::grievance_of(const Grievance& g, SimTime now) const {
  return g.standing ? g.amount : g.amount * decay(now - g.since);
}

double Side::grievance_of(const Relation& r, SimTime now) const {
  double total = 0;
  for (const auto& [incident, g] : r.grievances) total += grievance_of(g, now);
  return total;
}

double Side::grievance(SimTime now, int party) const {
  return grievance_of(relation(party), now);
}

double Side::grievance(SimTime now) const {
  double total = 0;
  for (const Relation& r : relations_) total += grievance_of(r, now);
  return total;
}

void Side::forgive(Relation& r, SimTime now, int incident, double fraction) {
  const auto found = r.grievances.find(incident);
  if (found != r.grievances.end()) forgive(found->second, now, fraction);
}

void Side::forgive(Grievance& g, SimTime now, double fraction) const {
  g.amount = grievance_of(g, now) * (1 - clamp01(fraction));
  g.since = now;
  g.explained = 1 - (1 - g.explained) * (1 - clamp01(fraction));
}

Record Side::record(SimTime now, const char* kind) const {
  Record r;
  r.at = now;
  r.kind = kind;
  r.party = me_.id;
  return r;
}

void Side::emit(Record record) const {
  if (sink_) sink_->record(std::move(record));
}

const std::string& Side::incident_name(int incident) {
  std::string& name = incident_names_[incident];
  if (name.empty()) name = "#" + std::to_string(incident);
  return name;
}

void Side::observe(SimTime now, const SeenIncident& seen, Rng& rng, Actions& out) {
  const Perception& p = me_.perception;
  // The noise is drawn for every observation so that the random stream does not depend on
  // what the side believed.
  const double noise = p.confidence_noise * rng.normal();
  if (sink_) incident_names_[seen.incident] = seen.id;
  if (seen.in_response_to >= 0 && me_.doctrine.contrite &&
      own_accidents_.count(seen.in_response_to)) {
    if (sink_) {
      emit(record(now, "accept")
               .with("incident", seen.id)
               .with("why",
                     std::string("a strike answering our own accident; contrition: no reply")));
    }
    return;
  }
  Relation* accused = find_relation(seen.points_at);
  const double before = accused ? belief_of(*accused, now) : belief(now);
  const double raw = clamp01(seen.confidence + noise);
  // Confirmation bias (Jervis): the more ambiguous the evidence, the more it is read toward
  // what the side already believes.
  const double ambiguity = 1.0 - std::abs(2.0 * raw - 1.0);
  const double confidence = clamp01(raw + p.confirmation_bias * ambiguity * (before - 0.5));
  if (accused) {
    const auto notice = notified_.find(seen.incident);
    const double unexplained = notice == notified_.end() ? 1.0 : 1.0 - notice->second;
    evidence_against(*accused, now, seen, confidence, unexplained, out);
  }
  // The evidence points away from everyone else: it revises what was held against them for
  // this incident. Pointing at no party it exculpates each a little too; pointing at one, it
  // says nothing of what the others mean.
  for (Relation& r : relations_) {
    if (&r != accused) evidence_away_from(r, now, seen, confidence, accused == nullptr);
  }
  if (sink_) {
    Record rec = record(now, "observe");
    rec.with("incident", seen.id)
        .with("points_at", accused ? accused->id : std::string("elsewhere"))
        .with("confidence", confidence)
        .with("damage", seen.damage)
        .with("belief", accused ? belief_of(*accused, now) : belief(now));
    if (accused) about(rec, *accused);
    emit(std::move(rec));
  }
  if (accused && can_reach(*accused) && confidence >= me_.doctrine.query_above &&
      accused->channel_confidence >= me_.doctrine.discretion_needed &&
      accused->queried.insert(seen.incident).second) {
    Exchange ask;
    ask.type = Exchange::Type::kInquiry;
    ask.incident = seen.incident;
    send_to(*accused, 0, ask, out);
    accused->open_queries[seen.incident] = now + me_.doctrine.reply_deadline;
    out.wake_at.push_back(now + me_.doctrine.reply_deadline);
  }
  if (has_allies_) {
    // Allies who asked are told each new reading: a first one, or one that points elsewhere.
    const int points_at = accused ? accused->party : kNoParty;
    const auto [reading, first] = readings_.try_emplace(seen.incident, Reading{points_at, 0});
    const bool changed = first || reading->second.points_at != points_at;
    reading->second = {points_at, confidence};
    const auto askers = consulted_by_.find(seen.incident);
    if (changed && askers != consulted_by_.end()) {
      for (const int ally : askers->second) assess_for(relation(ally), seen.incident, out);
    }
  }
  if (accused && me_.doctrine.consult_allies && confidence >= me_.doctrine.query_above)
    consult_allies(now, seen, *accused, confidence, out);
  if (accused && me_.doctrine.retaliate && confidence >= kRetaliationConfidence &&
      seen.damage > 0 && !accused->pending_strikes.count(seen.incident)) {
    accused->pending_strikes[seen.incident] = {now + me_.doctrine.retaliate_after, seen.severity};
    out.wake_at.push_back(now + me_.doctrine.retaliate_after);
  }
  decide(now, out);
}

void Side::evidence_against(Relation& r, SimTime now, const SeenIncident& seen, double confidence,
                            double unexplained, Actions&) {
  const Perception& p = me_.perception;
  // What the side holds against the other for it: the damage done, or for a threat, what it
  // fears from it.
  const double harm =
      seen.threat_only ? seen.severity : seen.damage + kAllyHarmShare * seen.ally_damage;
  const double lift = p.evidence_weight * confidence * seen.severity * unexplained;
  shift_belief(r, now, lift);
  auto& g = r.grievances[seen.incident];
  g.lifted += lift;
  if (g.denied && confidence >= kBetrayalConfidence) {
    r.trust *= kBetrayalTrustFactor;
    g.denied = false;
    g.explained = 0;
    g.amount = std::max(grievance_of(g, now), g.original);
    g.since = now;
    if (sink_) emit(record(now, "betrayal").with("incident", seen.id).with("trust", r.trust));
  }
  const double added = harm * confidence * unexplained;
  g.standing = seen.threat_only;
  g.amount = grievance_of(g, now) + added;
  g.since = now;
  g.original += added;
}

void Side::evidence_away_from(Relation& r, SimTime now, const SeenIncident& seen, double confidence,
                              bool at_no_party) {
  const Perception& p = me_.perception;
  const auto held = r.grievances.find(seen.incident);
  if (held == r.grievances.end()) {
    // Evidence pointing at no party exculpates a little.
    if (at_no_party)
      shift_belief(r, now, -kExculpatingShare * p.evidence_weight * confidence * seen.severity);
    return;
  }
  // New evidence about an incident already held against the other points elsewhere: the side
  // revises its attribution and takes back what it inferred from the first reading.
  shift_belief(r, now, -p.evidence_weight * confidence * seen.severity);
  forgive(r, now, seen.incident, confidence);
  // A threat seen to be gone no longer stands: what doubt is left of it fades with memory.
  held->second.standing = false;
  if (confidence >= kRevisionCancelsStrike) r.pending_strikes.erase(seen.incident);
  if (sink_) emit(record(now, "revise").with("incident", seen.id).with("confidence", confidence));
}

void Side::declare(SimTime now, Rung at_least, const std::string& why, int to, Actions& out) {
  if (rung_ >= at_least || !me_.doctrine.can_take[static_cast<int>(at_least)]) return;
  rung_ = at_least;
  decision_due_.reset();
  out.moves.push_back({at_least, to});
  if (sink_) {
    const Relation& r = relation(to);
    const double held = grievance_of(r, now);
    const double believed = belief_of(r, now);
    emit(about(record(now, "rung")
                   .with("rung", std::string(rung_name(at_least)))
                   .with("direction", std::string("climb"))
                   .with("declared", why)
                   .with("pressure", held * believed)
                   .with("belief", believed)
                   .with("grievance", held),
               r));
  }
}

void Side::see_move(SimTime now, int mover, Rung rung, int against, MoveAnswers answers, Rng& rng,
                    Actions& out) {
  Relation& r = relation(mover);
  // A move concerns this side if it is against it, or answers what this side did to the mover
  // (harm, or a routine threat), whomever it is against.
  const bool at_us = against == kNoParty || against == index_ || answers != MoveAnswers::kNothing;
  const double share = at_us ? 1.0
                       : std::count(me_.allies.begin(), me_.allies.end(), against) > 0
                           ? kAllyHarmShare
                           : 0.0;
  // Only a move against this side is a cost it earned by its own acts against the mover.
  const bool deserved = at_us && answers == MoveAnswers::kOurHarm;
  // An alert that answers a threat this side posed knowingly and harmlessly is read as the
  // other's defence: neither hostile nor a cost to this side.
  const bool understood =
      answers == MoveAnswers::kOurThreat && !r.intends_harm && rung == Rung::kMilitaryPosture;
  const Perception& p = me_.perception;
  r.rung_seen = std::max(r.rung_seen, rung);
  // The spiral's asymmetry: the other's move reads as hostile; our own never did. A move that
  // answers what this side really did reads as half as hostile: the side knows why it came.
  // An explanation that came before the move takes back its share as the move is seen.
  MoveExplanations& move = r.move_explanations[rung];
  ++move.seen;
  double unexplained = 1.0;
  if (!move.waiting.empty()) {
    unexplained = 1 - clamp01(move.waiting.front());
    move.waiting.pop_front();
  }
  const double hostility = understood ? 0.0 : deserved ? kDeservedMoveHostility : share;
  shift_belief(
      r, now,
      unexplained * hostility * p.other_moves_hostility * p.evidence_weight * move_evidence(rung));
  const double damage = understood ? 0.0 : share * move_damage(rung) * unexplained;
  if (damage > 0) {
    const int key = -1 - static_cast<int>(r.grievances.size());
    move.grievance = key;
    auto& g = r.grievances[key];
    g.amount = damage;
    g.original = damage;
    g.since = now;
    g.explained = 1 - unexplained;
  }
  // Naming, shaming and penalising the real sponsor raises the cost it expects of going on: it
  // gives up its later acts against the mover with probability cost x (1 - commitment). Drawn
  // for every move seen, so that the random stream does not depend on guilt.
  const double deterrence = clamp01(consequence_weight(rung) * (1 - me_.doctrine.commitment));
  const bool deterred = rng.uniform() < deterrence;
  if (sink_) {
    Record rec = record(now, "see_move");
    // With several other parties, who moved (a bilateral record needs no name).
    if (relations_.size() > 1) rec.with("mover", r.id);
    const Relation* target = find_relation(against);
    if (against != index_ && target) rec.with("against", target->id);
    rec.with("rung", std::string(rung_name(rung))).with("belief", belief_of(r, now));
    if (deserved) rec.with("cost_deters", deterrence).with("deterred", deterred);
    if (understood) rec.with("answers_our_threat", true);
    emit(std::move(rec));
  }
  if (deserved && deterred) out.refrain.push_back({"", r.party});
  decide(now, out);
}

void Side::review(SimTime now, Rng& rng, Actions& out) {
  const Perception& p = me_.perception;
  for (Relation& r : relations_) {
    for (auto it = r.open_queries.begin(); it != r.open_queries.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      shift_belief(r, now, p.silence_weight);
      if (sink_)
        emit(about(record(now, "silence")
                       .with("incident", incident_name(it->first))
                       .with("belief", belief_of(r, now)),
                   r));
      it = r.open_queries.erase(it);
    }
  }
  for (Relation& r : relations_) {
    for (auto it = r.pending_strikes.begin(); it != r.pending_strikes.end();) {
      if (it->second.due > now) {
        ++it;
        continue;
      }
      // The side strikes unless the explanation it believes talks it out of it: with probability
      // the explained share, so that trust lowers the chance of a strike smoothly, with no
      // cliff. Drawn for every strike due, so that the random stream does not depend on
      // explanations.
      const auto g = r.grievances.find(it->first);
      const double explained = g == r.grievances.end() ? 1.0 : g->second.explained;
      const bool talked_out = rng.uniform() < explained;
      if (!talked_out) {
        out.strikes.push_back({it->first, it->second.severity, r.party});
        if (sink_)
          emit(record(now, "decide")
                   .with("action", std::string("strike back"))
                   .with("incident", incident_name(it->first)));
      }
      it = r.pending_strikes.erase(it);
    }
  }
  for (Relation& r : relations_) {
    if (r.link_test_every > 0 && r.hotline && rung_ >= Rung::kInquiry &&
        now - r.last_link_test > 2 * r.link_test_every) {
      // Silence on a line that should be talking is read through what the side already fears.
      shift_belief(r, now, p.silence_weight * belief_of(r, now));
      if (sink_)
        emit(about(record(now, "silence")
                       .with("link", std::string("no link test"))
                       .with("belief", belief_of(r, now)),
                   r));
    }
  }
  decide(now, out);
}

Rung Side::warranted(const Relation& r, double believed, double held) const {
  const double pressure = believed * held;
  const Doctrine& d = me_.doctrine;
  int target = 0;
  for (int k = 1; k < kRungCount; ++k) {
    if (d.can_take[k] && pressure >= d.climb_at[k - 1]) target = k;
  }
  if (r.intends_harm && held >= kPretextGrievance)
    target = std::max(target, static_cast<int>(aim_));
  return static_cast<Rung>(target);
}

// A side climbs or stands down to the rung its position warrants, as far as it warrants at
// once, but only after deliberating for its decision latency; what it then does follows the
// position at that moment, not the one that started the deliberation. With several other
// parties, the position is the one toward whichever warrants the highest rung (ties: the one
// that presses hardest, then the lowest index).
void Side::decide(SimTime now, Actions& out) {
  const Doctrine& d = me_.doctrine;
  // Grievances are summed once per relation: with a long memory a side holds hundreds.
  const Relation* driver = &relations_.front();
  Rung next = Rung::kNormal;
  double held = 0;
  double believed = 0;
  double pressure = -1;
  double highest_pressure = 0;
  for (const Relation& r : relations_) {
    const double r_held = grievance_of(r, now);
    const double r_believed = belief_of(r, now);
    const double r_pressure = r_believed * r_held;
    const Rung wants = warranted(r, r_believed, r_held);
    highest_pressure = std::max(highest_pressure, r_pressure);
    if (wants > next || (wants == next && r_pressure > pressure)) {
      next = wants;
      driver = &r;
      held = r_held;
      believed = r_believed;
      pressure = r_pressure;
    }
  }
  // Hysteresis: a side stays where it stands until pressure falls well below what put it there.
  if (next < rung_ &&
      highest_pressure >= d.climb_at[static_cast<int>(rung_) - 1] * d.step_down_below) {
    next = rung_;
  }
  if (next == rung_) {
    decision_due_.reset();
    return;
  }
  // What the move is measured against, for the record: the climbed-to rung's threshold, or on
  // the way down the level pressure fell below.
  const bool climbing = next > rung_;
  const double threshold = climbing ? d.climb_at[static_cast<int>(next) - 1]
                                    : d.climb_at[static_cast<int>(rung_) - 1] * d.step_down_below;
  // A side that intends harm climbs to its aim on a pretext, whatever the pressure.
  const bool on_plan = climbing && pressure < threshold;
  auto reasons = [&](Record r) {
    r.with("pressure", pressure).with("belief", believed).with("grievance", held);
    about(r, *driver);
    r.with("threshold", threshold);
    if (on_plan) r.with("plan", true);
    return r;
  };
  if (!decision_due_) {
    decision_due_ = now + d.decision_latency;
    if (d.decision_latency > 0) {
      out.wake_at.push_back(*decision_due_);
      if (sink_) {
        emit(reasons(record(now, "deliberate").with("toward", std::string(rung_name(next))))
                 .with("decide_at", static_cast<long long>(*decision_due_)));
      }
    }
  }
  if (now < *decision_due_) return;
  decision_due_.reset();
  rung_ = next;
  out.moves.push_back({next, driver->party});
  if (sink_) {
    Record r = reasons(record(now, "rung")
                           .with("rung", std::string(rung_name(next)))
                           .with("direction", std::string(climbing ? "climb" : "step down")));
    // With several other parties, whom a climb is against (a bilateral record needs no name).
    if (relations_.size() > 1 && climbing) r.with("against", driver->id);
    emit(std::move(r));
  }
  // A visible climb is explained to every party this side can reach: all of them see it.
  if (climbing && is_visible(next) && d.explain_own_moves) {
    for (const Relation& r : relations_) {
      if (!can_reach(r)) continue;
      Exchange explain;
      explain.type = Exchange::Type::kExplanation;
      explain.move = next;
      send_to(r, 0, explain, out);
    }
  }
}

}  // namespace hotline::model
