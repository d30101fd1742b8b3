// Consultation among allies: a side asks the parties it is allied with what their evidence says
// of an incident it pins on another party (Estonia, 2007: NATO, EU and US experts came to help,
// and a month later the US assessment pointed at hacker gangs, not the state [E1][E11]). An
// ally answers when it has evidence of its own and again whenever its reading changes; the
// answer moves the asker's belief as far as it trusts the ally, as any message does.
#include "model/constants.h"
#include "model/side.h"
#include "model/side_rules.h"

namespace hotline::model {

using namespace side_rules;

void Side::consult_allies(SimTime now, const SeenIncident& seen, const Relation& accused,
                          double confidence, Actions& out) {
  for (Relation& ally : relations_) {
    // Over their own line only: what allies say of a third party is not for a carrier's desk.
    if (!ally.allied || &ally == &accused || !ally.hotline ||
        ally.channel_confidence < me_.doctrine.discretion_needed ||
        !ally.consulted.insert(seen.incident).second) {
      continue;
    }
    Exchange ask;
    ask.type = Exchange::Type::kConsult;
    ask.incident = seen.incident;
    send_to(ally, 0, ask, out);
    if (sink_) {
      emit(record(now, "decide")
               .with("action", std::string("consult"))
               .with("ally", ally.id)
               .with("incident", seen.id)
               .with("confidence", confidence));
    }
  }
}

void Side::assess_for(const Relation& ally, int incident, Actions& out) const {
  // A side that fears its channel leaks keeps its assessments to itself, as its answers.
  if (!ally.hotline || ally.channel_confidence < me_.doctrine.discretion_needed) return;
  const auto found = readings_.find(incident);
  if (found == readings_.end()) return;
  const Reading& reading = found->second;
  Exchange assessment;
  assessment.type = Exchange::Type::kAssessment;
  assessment.incident = incident;
  // An ally is not told that the evidence points at it: it knows its own part.
  assessment.points_at = reading.points_at == ally.party ? kNoParty : reading.points_at;
  assessment.clarity = reading.confidence;
  send_to(ally, me_.doctrine.answer_delay, assessment, out);
}

void Side::read_assessment(Relation& ally, SimTime now, const Exchange& assessment,
                           double clarity) {
  const double believed = ally.trust * clarity;
  const double weight = me_.perception.message_weight * believed;
  Relation* named = find_relation(assessment.points_at);
  // The party this side's own evidence last pointed at: the ally's reading confirms it, or
  // points away from it (then what this side holds against it for the incident is revised by
  // as much as it believes the ally).
  const auto own = readings_.find(assessment.incident);
  Relation* suspect = own == readings_.end() ? nullptr : find_relation(own->second.points_at);
  if (named) shift_belief(*named, now, weight);
  if (suspect && suspect != named) {
    shift_belief(*suspect, now, -weight);
    forgive(*suspect, now, assessment.incident, believed);
  }
  if (sink_) {
    Record r = record(now, "assessment");
    r.with("from", ally.id)
        .with("incident", incident_name(assessment.incident))
        .with("points_at", named ? named->id : std::string("elsewhere"))
        .with("believed", believed);
    if (suspect)
      about(r.with("suspect", suspect->id).with("belief", belief_of(*suspect, now)), *suspect);
    if (named && named != suspect) r.with("belief_in_named", belief_of(*named, now));
    emit(std::move(r));
  }
}

}  // namespace hotline::model
