#include "model/side.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "model/constants.h"

namespace hotline::model {
namespace {

using namespace constants;

double clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}
double to_log_odds(double p) {
  p = std::clamp(p, kProbabilityFloor, 1 - kProbabilityFloor);
  return std::log(p / (1 - p));
}
double to_probability(double log_odds) {
  return 1.0 / (1.0 + std::exp(-log_odds));
}

double move_evidence(Rung rung) {
  return kMoveEvidence[static_cast<int>(rung)];
}
double move_damage(Rung rung) {
  return kMoveDamage[static_cast<int>(rung)];
}

// How convincing a reply is, given what the replier shares and whether it tells the truth.
double reply_clarity(bool truthful, AnswerPolicy policy, Sharing share) {
  // A bare denial convinces little; planted indicators as much as real ones.
  if (!truthful)
    return policy == AnswerPolicy::kDeceive ? kPlantedIndicatorsClarity : kBareDenialClarity;
  switch (share) {
    case Sharing::kSignatures:
      return kSignaturesClarity;
    case Sharing::kStrategy:
      return kStrategyClarity;
    case Sharing::kNothing:
      return kNothingSharedClarity;
  }
  return kNothingSharedClarity;
}

// How much a stated consequence weighs with the side it is meant to deter (none: more talk).
double consequence_weight(std::optional<Rung> consequence) {
  return kConsequenceWeight[static_cast<int>(consequence.value_or(Rung::kNormal))];
}

}  // namespace

Side::Side(const PartySpec& me, std::string other_id, bool hotline_available, RecordSink* sink)
    : me_(me),
      other_id_(std::move(other_id)),
      hotline_available_(hotline_available),
      sink_(sink),
      prior_log_odds_(to_log_odds(me.prior_hostility)),
      log_odds_(prior_log_odds_),
      trust_(clamp01(me.trust)) {}

double Side::decay(SimTime elapsed) const {
  if (elapsed <= 0 || me_.perception.memory <= 0) return 1.0;
  return std::exp2(-static_cast<double>(elapsed) / static_cast<double>(me_.perception.memory));
}

double Side::belief(SimTime now) const {
  // Asked several times per event (by the outcome tracker and by decisions): computed once.
  if (now != belief_cached_at_) {
    belief_cached_ = to_probability(prior_log_odds_ +
                                    (log_odds_ - prior_log_odds_) * decay(now - belief_since_));
    belief_cached_at_ = now;
  }
  return belief_cached_;
}

void Side::shift_belief(SimTime now, double log_odds) {
  const double current =
      prior_log_odds_ + (log_odds_ - prior_log_odds_) * decay(now - belief_since_);
  log_odds_ = std::clamp(current + log_odds, -kMaxLogOdds, kMaxLogOdds);
  belief_since_ = now;
  belief_cached_at_ = -1;
}

double Side::grievance_of(const Grievance& g, SimTime now) const {
  return g.standing ? g.amount : g.amount * decay(now - g.since);
}

double Side::grievance(SimTime now) const {
  double total = 0;
  for (const auto& [incident, g] : grievances_) total += grievance_of(g, now);
  return total;
}

void Side::forgive(SimTime now, int incident, double fraction) {
  const auto found = grievances_.find(incident);
  if (found == grievances_.end()) return;
  Grievance& g = found->second;
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
  const double before = belief(now);
  const double raw = clamp01(seen.confidence + noise);
  // Confirmation bias (Jervis): the more ambiguous the evidence, the more it is read toward
  // what the side already believes.
  const double ambiguity = 1.0 - std::abs(2.0 * raw - 1.0);
  const double confidence = clamp01(raw + p.confirmation_bias * ambiguity * (before - 0.5));
  const auto notice = notified_.find(seen.incident);
  const double unexplained = notice == notified_.end() ? 1.0 : 1.0 - notice->second;

  // What the side holds against the other for it: the damage done, or for a threat, what it
  // fears from it.
  const double harm = seen.threat_only ? seen.severity : seen.damage;
  auto held = grievances_.find(seen.incident);
  if (seen.points_at_other) {
    shift_belief(now, p.evidence_weight * confidence * seen.severity * unexplained);
    auto& g = grievances_[seen.incident];
    if (g.denied && confidence >= kBetrayalConfidence) {
      trust_ *= kBetrayalTrustFactor;
      g.denied = false;
      g.explained = 0;
      g.amount = std::max(grievance_of(g, now), g.original);
      g.since = now;
      if (sink_) {
        emit(record(now, "betrayal").with("incident", seen.id).with("trust", trust_));
      }
    }
    const double added = harm * confidence * unexplained;
    g.standing = seen.threat_only;
    g.amount = grievance_of(g, now) + added;
    g.since = now;
    g.original += added;
  } else if (held != grievances_.end()) {
    // New evidence about an incident already held against the other points elsewhere: the
    // side revises its attribution and takes back what it inferred from the first reading.
    shift_belief(now, -p.evidence_weight * confidence * seen.severity);
    forgive(now, seen.incident, confidence);
    // A threat seen to be gone no longer stands: what doubt is left of it fades with memory.
    held->second.standing = false;
    if (confidence >= kRevisionCancelsStrike) pending_strikes_.erase(seen.incident);
    if (sink_) {
      emit(record(now, "revise").with("incident", seen.id).with("confidence", confidence));
    }
  } else {
    // Evidence pointing elsewhere exculpates a little.
    shift_belief(now, -kExculpatingShare * p.evidence_weight * confidence * seen.severity);
  }
  if (sink_) {
    emit(record(now, "observe")
             .with("incident", seen.id)
             .with("points_at", seen.points_at_other ? other_id_ : std::string("elsewhere"))
             .with("confidence", confidence)
             .with("damage", seen.damage)
             .with("belief", belief(now)));
  }

  if (seen.points_at_other && hotline_available_ && confidence >= me_.doctrine.query_above &&
      channel_confidence_ >= me_.doctrine.discretion_needed &&
      queried_.insert(seen.incident).second) {
    Exchange ask;
    ask.type = Exchange::Type::kInquiry;
    ask.incident = seen.incident;
    out.send.push_back({0, ask});
    open_queries_[seen.incident] = now + me_.doctrine.reply_deadline;
    out.wake_at.push_back(now + me_.doctrine.reply_deadline);
  }
  if (me_.doctrine.retaliate && seen.points_at_other && confidence >= kRetaliationConfidence &&
      seen.damage > 0 && !pending_strikes_.count(seen.incident)) {
    pending_strikes_[seen.incident] = {now + me_.doctrine.retaliate_after, seen.severity};
    out.wake_at.push_back(now + me_.doctrine.retaliate_after);
  }
  decide(now, out);
}

void Side::own_accident(SimTime now, int incident, const std::string& id, Actions& out) {
  own_accidents_.insert(incident);
  if (sink_) incident_names_[incident] = id;
  if (me_.doctrine.explain_own_moves && hotline_available_) {
    Exchange explain;
    explain.type = Exchange::Type::kExplanation;
    explain.incident = incident;
    explain.claim = Claim::kAccident;
    out.send.push_back({me_.doctrine.answer_delay, explain});
    if (sink_)
      emit(record(now, "decide")
               .with("action", std::string("explain accident"))
               .with("incident", id));
  }
}

void Side::inquiry(SimTime now, int incident, const std::string& incident_id, StateRole role,
                   Actions& out) {
  if (sink_) incident_names_[incident] = incident_id;
  const Doctrine& d = me_.doctrine;
  Exchange reply;
  reply.type = Exchange::Type::kReply;
  reply.incident = incident;
  if (d.answer == AnswerPolicy::kRefuse) {
    reply.claim = Claim::kRefuse;
    reply.clarity = 1.0;
  } else if (channel_confidence_ < d.discretion_needed) {
    // Whatever is said may be in tomorrow's papers: nothing is said.
    reply.claim = Claim::kRefuse;
    reply.clarity = 1.0;
  } else if (role == StateRole::kNone) {
    reply.claim = Claim::kNotUs;
    reply.clarity = reply_clarity(true, d.answer, d.share);
  } else if (d.answer == AnswerPolicy::kHonest) {
    reply.claim = role == StateRole::kTolerated    ? Claim::kNotDirected
                  : role == StateRole::kAccidental ? Claim::kAccident
                  : me_.intends_harm               ? Claim::kAdmit
                                                   : Claim::kBenign;
    reply.clarity = role == StateRole::kTolerated ? kToleratedHonestClarity : 1.0;
  } else {
    reply.claim = Claim::kNotUs;
    reply.clarity = reply_clarity(false, d.answer, d.share);
  }
  // A side that fears a leak shares less of what backs its answer.
  if (reply.claim != Claim::kRefuse) reply.clarity *= channel_confidence_;
  out.send.push_back({d.answer_delay, reply});
  if (sink_) {
    const bool discreet = channel_confidence_ < d.discretion_needed;
    emit(record(now, "decide")
             .with("action", std::string("answer"))
             .with("incident", incident_name(incident))
             .with("policy",
                   std::string(discreet ? "discreet (the channel leaks)" : answer_name(d.answer)))
             .with("claim", std::string(claim_name(reply.claim))));
  }
}

void Side::answer_reply(SimTime now, const Exchange& exchange, double clarity, Actions& out) {
  const Perception& p = me_.perception;
  // An answer repeated (the spontaneous explanation of an accident, then the reply to the
  // inquiry about it) tells the side nothing new: only what a clearer copy adds to what the side
  // already believes counts.
  double believed = trust_ * clarity;
  if (exchange.claim != Claim::kRefuse) {
    double& before = answered_[exchange.incident];
    if (believed <= before) {
      if (sink_) {
        emit(record(now, "repeat").with("incident", incident_name(exchange.incident)));
      }
      return;
    }
    const double added = (believed - before) / (1 - before);
    before = believed;
    believed = added;
  }
  switch (exchange.claim) {
    case Claim::kNotUs: {
      shift_belief(now, -p.message_weight * believed);
      auto found = grievances_.find(exchange.incident);
      if (found != grievances_.end()) found->second.denied = true;
      forgive(now, exchange.incident, believed);
      break;
    }
    case Claim::kNotDirected:
      // An answer that owns the problem and offers to act on it.
      shift_belief(now, -p.message_weight * believed);
      forgive(now, exchange.incident, believed);
      break;
    case Claim::kAccident:
    case Claim::kBenign:
      shift_belief(now, -p.message_weight * believed);
      forgive(now, exchange.incident, believed);
      break;
    case Claim::kAdmit:
      shift_belief(now, p.message_weight * clarity);
      trust_ += (1 - trust_) * kAdmissionTrustGain;
      break;
    case Claim::kRefuse:
      shift_belief(now, p.silence_weight);
      break;
  }
  (void)out;
}

// Deterrence: a warning deters the side it is meant for with probability
//   clarity x line x consequence x credibility x (1 - commitment),
// where a bright line counts 1 (0.3 without one: "muddled"), the stated consequence its weight,
// and credibility 1 once the warner has already gone public (0.6 before). The draw happens for
// every warning so that the random stream does not depend on what the side intends.
void Side::declare(SimTime now, Rung at_least, const std::string& why, Actions& out) {
  if (rung_ >= at_least || !me_.doctrine.can_take[static_cast<int>(at_least)]) return;
  rung_ = at_least;
  decision_due_.reset();
  out.moves.push_back(at_least);
  if (sink_) {
    emit(record(now, "rung")
             .with("rung", std::string(rung_name(at_least)))
             .with("direction", std::string("climb"))
             .with("declared", why)
             .with("pressure", grievance(now) * belief(now))
             .with("belief", belief(now))
             .with("grievance", grievance(now)));
  }
}

void Side::warned(SimTime now, const MessageSpec& warning, double clarity, Rng& rng, Actions& out) {
  const double line = warning.line.empty() ? kMuddledLine : 1.0;
  const double credibility =
      other_rung_seen_ >= Rung::kNameAndShame ? 1.0 : kCredibilityBeforePublic;
  const double deterrence = clamp01(clarity * line * consequence_weight(warning.consequence) *
                                    credibility * (1 - me_.doctrine.commitment));
  const bool deterred = rng.uniform() < deterrence;
  // A warning that threatens force is itself a threat to the side warned: feared as the force it
  // names, as clearly and credibly as it reads. Words fade with memory, unlike missiles in place
  // (Kosygin, 10 June 1967: "including military"; Johnson turned the Sixth Fleet east).
  if (warning.consequence && *warning.consequence >= Rung::kCyberRetaliation) {
    const int key = -1 - static_cast<int>(grievances_.size());
    Grievance& g = grievances_[key];
    g.amount = g.original = consequence_weight(warning.consequence) * clarity * credibility;
    g.since = now;
  }
  if (!me_.intends_harm) return;
  if (deterred) out.refrain.push_back(warning.line);
  if (sink_) {
    emit(record(now, "warned")
             .with("line", warning.line.empty() ? std::string("none") : warning.line)
             .with("deterrence", deterrence)
             .with("deterred", deterred));
  }
}

void Side::learn_of_leak(SimTime now, bool ours, double cost) {
  if (!ours) {
    channel_confidence_ *= 1 - clamp01(cost);
    trust_ *= 1 - clamp01(cost);
  }
  if (sink_) {
    emit(record(now, "leak")
             .with("from", ours ? me_.id : other_id_)
             .with("channel_confidence", channel_confidence_)
             .with("trust", trust_));
  }
}

bool Side::read_message(SimTime now, const MessageSpec& message, double clarity, Rng& rng,
                        Actions& out) {
  const Perception& p = me_.perception;
  if (!message.reaches_desk) {
    if (sink_) {
      emit(record(now, "unread")
               .with("why", std::string("delivered, but never reached the desk that needed it")));
    }
    return false;
  }
  if (message.offence > 0) shift_belief(now, p.message_weight * message.offence);
  const double believed = trust_ * clarity;
  switch (message.kind) {
    case MessageKind::kNotification:
      if (message.about >= 0) {
        notified_[message.about] = std::max(notified_[message.about], believed);
        forgive(now, message.about, believed);
      }
      shift_belief(now, -kNotificationWeight * p.message_weight * believed);
      break;
    case MessageKind::kReassurance:
      shift_belief(now, -p.message_weight * believed);
      break;
    case MessageKind::kWarning:
      shift_belief(now, kWarningWeight * p.message_weight * clarity);
      warned(now, message, clarity, rng, out);
      break;
    case MessageKind::kRequest:
      break;
    case MessageKind::kRefusal:
      shift_belief(now, p.silence_weight);
      break;
    case MessageKind::kOffer:
      // An offer to end what the side holds against the sender takes back as much of that
      // grievance, and of the belief in hostility, as the side believes of it.
      if (message.about >= 0) forgive(now, message.about, believed);
      shift_belief(now, -p.message_weight * believed);
      break;
  }
  return true;
}

void Side::receive(SimTime now, const Exchange& exchange, bool garbled, const MessageSpec* scripted,
                   Rng& rng, Actions& out) {
  const Perception& p = me_.perception;
  // Per-side translation at the receiving end: a garbled message says less.
  const double clarity = exchange.clarity * (garbled ? kGarbledClarity : 1.0);
  switch (exchange.type) {
    case Exchange::Type::kInquiry:
      return;  // answered through inquiry(), which knows this side's own role
    case Exchange::Type::kLinkTest:
      last_link_test_ = now;
      return;
    case Exchange::Type::kText:
      if (sink_) emit(record(now, "read").with("text", exchange.text));
      return;
    case Exchange::Type::kReply:
      open_queries_.erase(exchange.incident);
      answer_reply(now, exchange, clarity, out);
      break;
    case Exchange::Type::kExplanation:
      if (exchange.move != Rung::kNormal) {
        // The explanation takes back its believed share of what the move implied and cost. It
        // is sent as the move is made, so it usually arrives before the move is seen: then it
        // waits for it.
        MoveExplanations& move = move_explanations_[exchange.move];
        const double believed = trust_ * clarity;
        if (move.explained++ < move.seen) {
          shift_belief(now, -p.other_moves_hostility * p.evidence_weight *
                                move_evidence(exchange.move) * believed);
          if (move.grievance != 0) forgive(now, move.grievance, believed);
        } else {
          move.waiting.push_back(believed);
        }
      } else {
        answer_reply(now, exchange, clarity, out);
      }
      break;
    case Exchange::Type::kScripted:
      if (scripted == nullptr) return;
      if (!read_message(now, *scripted, clarity, rng, out)) return;
      break;
    case Exchange::Type::kWarning:
    case Exchange::Type::kReassurance: {
      // A person's warning repeated (the same line, the same consequence) is not a fresh
      // chance to deter, nor a fresh threat: the case's own warnings are each sent once.
      if (exchange.type == Exchange::Type::kWarning &&
          !composed_warnings_.emplace(exchange.line, static_cast<int>(exchange.consequence))
               .second) {
        if (sink_) emit(record(now, "read").with("text", exchange.text).with("repeated", true));
        return;
      }
      // Composed by a person: read as the scenario's own warnings and reassurances are.
      MessageSpec composed;
      composed.kind = exchange.type == Exchange::Type::kWarning ? MessageKind::kWarning
                                                                : MessageKind::kReassurance;
      composed.text = exchange.text;
      composed.line = exchange.line;
      if (exchange.consequence != Rung::kNormal) composed.consequence = exchange.consequence;
      read_message(now, composed, clarity, rng, out);
      break;
    }
  }
  if (sink_) {
    emit(record(now, "belief")
             .with("after", std::string(exchange_type_name(exchange.type)))
             .with("belief", belief(now))
             .with("trust", trust_));
  }
  decide(now, out);
}

void Side::see_move(SimTime now, Rung rung, MoveAnswers answers, Rng& rng, Actions& out) {
  const bool deserved = answers == MoveAnswers::kOurHarm;
  // An alert that answers a threat this side posed knowingly and harmlessly is read as the
  // other's defence: neither hostile nor a cost to this side.
  const bool understood =
      answers == MoveAnswers::kOurThreat && !me_.intends_harm && rung == Rung::kMilitaryPosture;
  const Perception& p = me_.perception;
  other_rung_seen_ = std::max(other_rung_seen_, rung);
  // The spiral's asymmetry: the other's move reads as hostile; our own never did. A move that
  // answers what this side really did reads as half as hostile: the side knows why it came.
  // An explanation that came before the move takes back its share as the move is seen.
  MoveExplanations& move = move_explanations_[rung];
  ++move.seen;
  double unexplained = 1.0;
  if (!move.waiting.empty()) {
    unexplained = 1 - clamp01(move.waiting.front());
    move.waiting.pop_front();
  }
  const double hostility = understood ? 0.0 : deserved ? kDeservedMoveHostility : 1.0;
  shift_belief(now, unexplained * hostility * p.other_moves_hostility * p.evidence_weight *
                        move_evidence(rung));
  const double damage = understood ? 0.0 : move_damage(rung) * unexplained;
  if (damage > 0) {
    const int key = -1 - static_cast<int>(grievances_.size());
    move.grievance = key;
    auto& g = grievances_[key];
    g.amount = damage;
    g.original = damage;
    g.since = now;
    g.explained = 1 - unexplained;
  }
  // Naming, shaming and penalising the real sponsor raises the cost it expects of going on: it
  // gives up its later acts against the other with probability cost x (1 - commitment). Drawn
  // for every move seen, so that the random stream does not depend on guilt.
  const double deterrence = clamp01(consequence_weight(rung) * (1 - me_.doctrine.commitment));
  const bool deterred = rng.uniform() < deterrence;
  if (sink_) {
    Record r = record(now, "see_move");
    r.with("rung", std::string(rung_name(rung))).with("belief", belief(now));
    if (deserved) r.with("cost_deters", deterrence).with("deterred", deterred);
    if (understood) r.with("answers_our_threat", true);
    emit(std::move(r));
  }
  if (deserved && deterred) out.refrain.push_back("");
  decide(now, out);
}

void Side::review(SimTime now, SimTime link_test_every, Rng& rng, Actions& out) {
  const Perception& p = me_.perception;
  for (auto it = open_queries_.begin(); it != open_queries_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    shift_belief(now, p.silence_weight);
    if (sink_)
      emit(record(now, "silence")
               .with("incident", incident_name(it->first))
               .with("belief", belief(now)));
    it = open_queries_.erase(it);
  }
  for (auto it = pending_strikes_.begin(); it != pending_strikes_.end();) {
    if (it->second.due > now) {
      ++it;
      continue;
    }
    // The side strikes unless the explanation it believes talks it out of it: with probability
    // the explained share, so that trust lowers the chance of a strike smoothly, with no cliff.
    // Drawn for every strike due, so that the random stream does not depend on explanations.
    const auto g = grievances_.find(it->first);
    const double explained = g == grievances_.end() ? 1.0 : g->second.explained;
    const bool talked_out = rng.uniform() < explained;
    if (!talked_out) {
      out.strikes.push_back({it->first, it->second.severity});
      if (sink_)
        emit(record(now, "decide")
                 .with("action", std::string("strike back"))
                 .with("incident", incident_name(it->first)));
    }
    it = pending_strikes_.erase(it);
  }
  if (link_test_every > 0 && hotline_available_ && rung_ >= Rung::kInquiry &&
      now - last_link_test_ > 2 * link_test_every) {
    // Silence on a line that should be talking is read through what the side already fears.
    shift_belief(now, p.silence_weight * belief(now));
    if (sink_)
      emit(record(now, "silence")
               .with("link", std::string("no link test"))
               .with("belief", belief(now)));
  }
  decide(now, out);
}

Rung Side::warranted(double believed, double held) const {
  const double pressure = believed * held;
  const Doctrine& d = me_.doctrine;
  int target = 0;
  for (int k = 1; k < kRungCount; ++k) {
    if (d.can_take[k] && pressure >= d.climb_at[k - 1]) target = k;
  }
  if (me_.intends_harm && held >= kPretextGrievance)
    target = std::max(target, static_cast<int>(d.aim));
  return static_cast<Rung>(target);
}

// A side climbs or stands down to the rung its position warrants, as far as it warrants at
// once, but only after deliberating for its decision latency; what it then does follows the
// position at that moment, not the one that started the deliberation.
void Side::decide(SimTime now, Actions& out) {
  const Doctrine& d = me_.doctrine;
  const double held = grievance(now);
  const double believed = belief(now);
  const double pressure = believed * held;
  Rung next = warranted(believed, held);
  // Hysteresis: a side stays where it stands until pressure falls well below what put it there.
  if (next < rung_ && pressure >= d.climb_at[static_cast<int>(rung_) - 1] * d.step_down_below) {
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
  out.moves.push_back(next);
  if (sink_) {
    emit(reasons(record(now, "rung")
                     .with("rung", std::string(rung_name(next)))
                     .with("direction", std::string(climbing ? "climb" : "step down"))));
  }
  if (climbing && is_visible(next) && d.explain_own_moves && hotline_available_) {
    Exchange explain;
    explain.type = Exchange::Type::kExplanation;
    explain.move = next;
    out.send.push_back({0, explain});
  }
}

}  // namespace hotline::model
