// What a side says and reads: answering an inquiry, reading a reply, a warning, a notice or an
// offer, explaining its own accident, and learning that the channel leaked.
#include <algorithm>
#include <cmath>

#include "model/constants.h"
#include "model/side.h"
#include "model/side_rules.h"

namespace hotline::model {

using namespace constants;
using namespace side_rules;

void Side::own_accident(SimTime now, int incident, const std::string& id, int victim,
                        Actions& out) {
  own_accidents_.insert(incident);
  if (sink_) incident_names_[incident] = id;
  if (!me_.doctrine.explain_own_moves) return;
  // The accident is explained to the party it hit; one that hit no other party, to every party
  // the side can reach (in a bilateral case: the other).
  Relation* hit = find_relation(victim);
  bool explained = false;
  for (const Relation& r : relations_) {
    if ((hit && &r != hit) || !can_reach(r)) continue;
    Exchange explain;
    explain.type = Exchange::Type::kExplanation;
    explain.incident = incident;
    explain.claim = Claim::kAccident;
    send_to(r, me_.doctrine.answer_delay, explain, out);
    explained = true;
  }
  if (explained && sink_)
    emit(
        record(now, "decide").with("action", std::string("explain accident")).with("incident", id));
}

void Side::inquiry(SimTime now, int from, int incident, const std::string& incident_id,
                   StateRole role, Actions& out) {
  if (sink_) incident_names_[incident] = incident_id;
  const Relation& asker = relation(from);
  const Doctrine& d = me_.doctrine;
  Exchange reply;
  reply.type = Exchange::Type::kReply;
  reply.incident = incident;
  if (d.answer == AnswerPolicy::kRefuse) {
    reply.claim = Claim::kRefuse;
    reply.clarity = 1.0;
  } else if (asker.channel_confidence < d.discretion_needed) {
    // Whatever is said may be in tomorrow's papers: nothing is said.
    reply.claim = Claim::kRefuse;
    reply.clarity = 1.0;
  } else if (role == StateRole::kNone) {
    reply.claim = Claim::kNotUs;
    reply.clarity = reply_clarity(true, d.answer, d.share);
  } else if (d.answer == AnswerPolicy::kHonest) {
    reply.claim = role == StateRole::kTolerated    ? Claim::kNotDirected
                  : role == StateRole::kAccidental ? Claim::kAccident
                  : asker.intends_harm             ? Claim::kAdmit
                                                   : Claim::kBenign;
    reply.clarity = role == StateRole::kTolerated ? kToleratedHonestClarity : 1.0;
  } else {
    reply.claim = Claim::kNotUs;
    reply.clarity = reply_clarity(false, d.answer, d.share);
  }
  // A side that fears a leak shares less of what backs its answer.
  if (reply.claim != Claim::kRefuse) reply.clarity *= asker.channel_confidence;
  send_to(asker, d.answer_delay, reply, out);
  if (sink_) {
    const bool discreet = asker.channel_confidence < d.discretion_needed;
    emit(record(now, "decide")
             .with("action", std::string("answer"))
             .with("incident", incident_name(incident))
             .with("policy",
                   std::string(discreet ? "discreet (the channel leaks)" : answer_name(d.answer)))
             .with("claim", std::string(claim_name(reply.claim))));
  }
}

void Side::answer_reply(Relation& r, SimTime now, const Exchange& exchange, double clarity) {
  const Perception& p = me_.perception;
  // An answer repeated (the spontaneous explanation of an accident, then the reply to the
  // inquiry about it) tells the side nothing new: only what a clearer copy adds to what the side
  // already believes counts.
  double believed = r.trust * clarity;
  if (exchange.claim != Claim::kRefuse) {
    double& before = r.answered[exchange.incident];
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
      shift_belief(r, now, -p.message_weight * believed);
      auto found = r.grievances.find(exchange.incident);
      if (found != r.grievances.end()) found->second.denied = true;
      forgive(r, now, exchange.incident, believed);
      break;
    }
    case Claim::kNotDirected:
      // An answer that owns the problem and offers to act on it.
      shift_belief(r, now, -p.message_weight * believed);
      forgive(r, now, exchange.incident, believed);
      break;
    case Claim::kAccident:
    case Claim::kBenign:
      shift_belief(r, now, -p.message_weight * believed);
      forgive(r, now, exchange.incident, believed);
      break;
    case Claim::kAdmit:
      shift_belief(r, now, p.message_weight * clarity);
      r.trust += (1 - r.trust) * kAdmissionTrustGain;
      break;
    case Claim::kRefuse:
      shift_belief(r, now, p.silence_weight);
      break;
  }
}

// Deterrence: a warning deters the side it is meant for with probability
//   clarity x line x consequence x credibility x (1 - commitment),
// where a bright line counts 1 (0.3 without one: "muddled"), the stated consequence its weight,
// and credibility 1 once the warner has already gone public (0.6 before). The draw happens for
// every warning so that the random stream does not depend on what the side intends.
void Side::warned(Relation& r, SimTime now, const MessageSpec& warning, double clarity, Rng& rng,
                  Actions& out) {
  const double line = warning.line.empty() ? kMuddledLine : 1.0;
  const double credibility = r.rung_seen >= Rung::kNameAndShame ? 1.0 : kCredibilityBeforePublic;
  const double deterrence = clamp01(clarity * line * consequence_weight(warning.consequence) *
                                    credibility * (1 - me_.doctrine.commitment));
  const bool deterred = rng.uniform() < deterrence;
  // A warning that threatens force is itself a threat to the side warned: feared as the force it
  // names, as clearly and credibly as it reads. Words fade with memory, unlike missiles in place
  // (Kosygin, 10 June 1967: "including military"; Johnson turned the Sixth Fleet east).
  if (warning.consequence && *warning.consequence >= Rung::kCyberRetaliation) {
    const int key = -1 - static_cast<int>(r.grievances.size());
    Grievance& g = r.grievances[key];
    g.amount = g.original = consequence_weight(warning.consequence) * clarity * credibility;
    g.since = now;
  }
  if (!r.intends_harm) return;
  if (deterred) out.refrain.push_back({warning.line, r.party});
  if (sink_) {
    emit(record(now, "warned")
             .with("line", warning.line.empty() ? std::string("none") : warning.line)
             .with("deterrence", deterrence)
             .with("deterred", deterred));
  }
}

void Side::learn_of_leak(SimTime now, int by, double cost) {
  Relation* leaker = find_relation(by);
  if (leaker) {
    leaker->channel_confidence *= 1 - clamp01(cost);
    leaker->trust *= 1 - clamp01(cost);
  }
  if (sink_) {
    const Relation& shown = leaker ? *leaker : relations_.front();
    emit(record(now, "leak")
             .with("from", leaker ? leaker->id : me_.id)
             .with("channel_confidence", shown.channel_confidence)
             .with("trust", shown.trust));
  }
}

bool Side::read_message(Relation& r, SimTime now, const MessageSpec& message, double clarity,
                        Rng& rng, Actions& out) {
  const Perception& p = me_.perception;
  if (!message.reaches_desk) {
    if (sink_) {
      emit(record(now, "unread")
               .with("why", std::string("delivered, but never reached the desk that needed it")));
    }
    return false;
  }
  if (message.offence > 0) shift_belief(r, now, p.message_weight * message.offence);
  const double believed = r.trust * clarity;
  switch (message.kind) {
    case MessageKind::kNotification:
      if (message.about >= 0) {
        notified_[message.about] = std::max(notified_[message.about], believed);
        // Whoever the side held it against, the notice explains it. Pinned on another party
        // than the sender (Oslo's rocket taken for a US Trident), it also takes back its
        // believed share of what the evidence added to the belief in that party's hostility.
        for (Relation& held : relations_) {
          const auto g = held.grievances.find(message.about);
          if (&held != &r && g != held.grievances.end() && g->second.lifted > 0) {
            shift_belief(held, now, -g->second.lifted * believed);
            g->second.lifted *= 1 - believed;
          }
          forgive(held, now, message.about, believed);
        }
      }
      shift_belief(r, now, -kNotificationWeight * p.message_weight * believed);
      break;
    case MessageKind::kReassurance:
      shift_belief(r, now, -p.message_weight * believed);
      break;
    case MessageKind::kWarning:
      shift_belief(r, now, kWarningWeight * p.message_weight * clarity);
      warned(r, now, message, clarity, rng, out);
      break;
    case MessageKind::kRequest:
      break;
    case MessageKind::kRefusal:
      shift_belief(r, now, p.silence_weight);
      break;
    case MessageKind::kOffer:
      // An offer to end what the side holds against the sender takes back as much of that
      // grievance, and of the belief in hostility, as the side believes of it. About no
      // incident it offers to stop the fighting (a ceasefire): what it takes back is what the
      // sender's moves and threats of force did.
      if (message.about >= 0) {
        forgive(r, now, message.about, believed);
      } else {
        for (auto& [key, g] : r.grievances) {
          if (key < 0) forgive(g, now, believed);
        }
      }
      shift_belief(r, now, -p.message_weight * believed);
      break;
  }
  return true;
}

void Side::receive(SimTime now, int from, const Exchange& exchange, bool garbled,
                   const MessageSpec* scripted, Rng& rng, Actions& out) {
  const Perception& p = me_.perception;
  Relation& r = relation(from);
  // Per-side translation at the receiving end: a garbled message says less.
  const double clarity = exchange.clarity * (garbled ? kGarbledClarity : 1.0);
  switch (exchange.type) {
    case Exchange::Type::kInquiry:
      return;  // answered through inquiry(), which knows this side's own role
    case Exchange::Type::kConsult:
      // An ally asks what this side's evidence says: told now if it has any, and again whenever
      // its reading changes. Only allies are told.
      if (!r.allied || exchange.incident < 0) return;
      consulted_by_[exchange.incident].insert(r.party);
      assess_for(r, exchange.incident, out);
      if (sink_) {
        emit(record(now, "consulted")
                 .with("by", r.id)
                 .with("evidence", readings_.count(exchange.incident) > 0));
      }
      return;
    case Exchange::Type::kAssessment:
      // Its record names the beliefs it moved, which are not in the ally.
      if (!r.allied) return;
      read_assessment(r, now, exchange, clarity);
      decide(now, out);
      return;
    case Exchange::Type::kLinkTest:
      r.last_link_test = now;
      return;
    case Exchange::Type::kText:
      if (sink_) emit(record(now, "read").with("text", exchange.text));
      return;
    case Exchange::Type::kReply:
      r.open_queries.erase(exchange.incident);
      answer_reply(r, now, exchange, clarity);
      break;
    case Exchange::Type::kExplanation:
      if (exchange.move != Rung::kNormal) {
        // The explanation takes back its believed share of what the move implied and cost. It
        // is sent as the move is made, so it usually arrives before the move is seen: then it
        // waits for it.
        MoveExplanations& move = r.move_explanations[exchange.move];
        const double believed = r.trust * clarity;
        if (move.explained++ < move.seen) {
          shift_belief(r, now,
                       -p.other_moves_hostility * p.evidence_weight * move_evidence(exchange.move) *
                           believed);
          if (move.grievance != 0) forgive(r, now, move.grievance, believed);
        } else {
          move.waiting.push_back(believed);
        }
      } else {
        answer_reply(r, now, exchange, clarity);
      }
      break;
    case Exchange::Type::kScripted:
      if (scripted == nullptr) return;
      if (!read_message(r, now, *scripted, clarity, rng, out)) return;
      break;
    case Exchange::Type::kWarning:
    case Exchange::Type::kReassurance: {
      // A person's warning repeated (the same line, the same consequence) is not a fresh
      // chance to deter, nor a fresh threat: the case's own warnings are each sent once.
      if (exchange.type == Exchange::Type::kWarning &&
          !r.composed_warnings.emplace(exchange.line, static_cast<int>(exchange.consequence))
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
      read_message(r, now, composed, clarity, rng, out);
      break;
    }
  }
  if (sink_) {
    emit(about(record(now, "belief")
                   .with("after", std::string(exchange_type_name(exchange.type)))
                   .with("belief", belief_of(r, now))
                   .with("trust", r.trust),
               r));
  }
  decide(now, out);
}

}  // namespace hotline::model
