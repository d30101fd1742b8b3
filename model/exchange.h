#pragma once
// What the two sides say to each other over the hotline (or outside it), as the model sees it.

#include <string>

#include "model/ladder.h"
#include "model/time.h"

namespace hotline::model {

// What a reply to an inquiry claims about the incident asked about.
enum class Claim {
  kNotUs,        // "not us"
  kNotDirected,  // "not ordered by us; we will act against them"
  kAccident,     // "ours, by mistake; we accept your response" (contrition)
  kAdmit,        // "ours"
  kBenign,       // "ours, and not aimed at you" (a launch, an exercise, a fleet movement)
  kRefuse,       // "we will not discuss it"
};

struct Exchange {
  // kText: words a person typed (a tabletop exercise); the model reads no claim into them.
  // kWarning, kReassurance: a warning or a reassurance a person composed; the receiver reads
  // them as it reads the scenario's scripted ones.
  enum class Type {
    kInquiry,
    kReply,
    kExplanation,
    kScripted,
    kLinkTest,
    kText,
    kWarning,
    kReassurance,
    // kConsult: a question to an ally about an incident: what does your evidence say? kAssessment:
    // the ally's answer, now or when its evidence comes in: where its evidence points
    // (`points_at`) and how firmly (`clarity`).
    kConsult,
    kAssessment
  };
  Type type = Type::kInquiry;
  int incident = -1;  // the incident asked about, answered or explained
  Claim claim = Claim::kNotUs;
  double clarity = 1.0;       // how convincing it is as sent (indicators, planted or real)
  Rung move = Rung::kNormal;  // an explanation of one's own move to this rung
  int scripted = -1;          // index of the scenario's scripted message
  std::string text;           // kText, kWarning, kReassurance: the words
  std::string line;           // kWarning: the target it protects (a bright line); empty: none
  Rung consequence = Rung::kNormal;  // kWarning: the rung it threatens; kNormal: none named
  // The party that carried it from its author, who has no line to the receiver (a mediator);
  // -1 when it came straight from its author.
  int via = -1;
  int points_at = -1;  // kAssessment: the party the ally's evidence points at; -1: none
};

const char* exchange_type_name(Exchange::Type type);
const char* claim_name(Claim claim);

}  // namespace hotline::model
