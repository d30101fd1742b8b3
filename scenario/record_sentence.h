#pragma once
// What a record says, in words: "climbs to DEMARCHE (pressure 0.38 = belief 0.73 x grievance
// 0.52, threshold 0.35)". The transcript and the after-action report both read records this way,
// so the page and the terminal tell the same story.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/record.h"
#include "scenario/scenario_time.h"

namespace hotline::scenario {

// A party's id as a name: "tallinn" -> "Tallinn".
std::string party_name(const std::string& id);

// Where a record's evidence points (its `points_at`), in words: "at Moscow", or "elsewhere".
std::string pointing(const model::Record& record);

// What an `intent` record says: the party's new intent, and its plan's new aim if it has one.
std::string intent_sentence(const model::Record& record);

// Whose line the record belongs on: its party, or for the world's records about one party's act
// (a scripted message sent, a plan given up) that party; empty for the world itself.
std::string record_actor(const model::Record& record);

// Tells a run's records as sentences about their actors, without time or actor. It remembers
// what each message said when it was sent, so that its delivery can say it again. Kinds it does
// not know are shown as their fields, so nothing in a record is ever dropped from a transcript.
class Narrator {
 public:
  // `parties`: the scenario's party ids, so that a move seen can name who made it.
  Narrator(StartTime start, std::vector<std::string> parties)
      : start_(start), parties_(std::move(parties)) {}
  std::string sentence(const model::Record& record);

 private:
  std::string other_than(const std::string& party) const;

  StartTime start_;
  std::vector<std::string> parties_;
  std::map<long long, std::string> sent_;  // message id -> what it was, as told when sent
};

// Field access for readers of records: a missing field reads as "", `otherwise` or false.
const std::string* text_field(const model::Record& record, const char* key);
std::string text_of(const model::Record& record, const char* key);
double number_field(const model::Record& record, const char* key, double otherwise = 0);
bool flag_field(const model::Record& record, const char* key);

}  // namespace hotline::scenario
