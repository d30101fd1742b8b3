#include "scenario/record_sentence.h"

#include <cctype>
#include <cstdio>

namespace hotline::scenario {
namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

std::string field_text(const model::FieldValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    return text->find(' ') == std::string::npos ? *text : "\"" + *text + "\"";
  }
  if (const auto* real = std::get_if<double>(&value)) return number(*real);
  if (const auto* integer = std::get_if<long long>(&value)) return std::to_string(*integer);
  return std::get<bool>(value) ? "yes" : "no";
}

// Every field, for a kind no sentence is written for.
std::string all_fields(const model::Record& record) {
  std::string text = record.kind;
  for (const auto& [key, value] : record.fields) text += " " + key + "=" + field_text(value);
  return text;
}

std::string quoted(const std::string& words) {
  return "\"" + words + "\"";
}

// "belief 0.73 x grievance 0.52 = pressure 0.38, threshold 0.35"
std::string pressure_terms(const model::Record& record) {
  std::string terms = "pressure " + number(number_field(record, "pressure"));
  if (record.find("grievance")) {
    terms += " = belief " + number(number_field(record, "belief")) + " x grievance " +
             number(number_field(record, "grievance"));
  }
  if (record.find("threshold")) terms += ", threshold " + number(number_field(record, "threshold"));
  return terms;
}

// "the reply about wave-1: \"not us\"", from a send or deliver record's description.
std::string exchange_told(const model::Record& r) {
  std::string told = "the " + text_of(r, "what");
  if (r.find("incident")) told += " about " + text_of(r, "incident");
  if (r.find("move")) told += " of a move to " + text_of(r, "move");
  if (r.find("claim")) told += ": " + quoted(text_of(r, "claim"));
  if (r.find("text")) told += ": " + quoted(text_of(r, "text"));
  if (r.find("line")) told += " (line: " + text_of(r, "line") + ")";
  if (r.find("consequence")) told += " (or else: " + text_of(r, "consequence") + ")";
  return told;
}

}  // namespace

std::string party_name(const std::string& id) {
  std::string name = id;
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

std::string pointing(const model::Record& record) {
  const std::string at = text_of(record, "points_at");
  return at == "elsewhere" ? at : "at " + party_name(at);
}

const std::string* text_field(const model::Record& record, const char* key) {
  const model::FieldValue* found = record.find(key);
  return found ? std::get_if<std::string>(found) : nullptr;
}

std::string text_of(const model::Record& record, const char* key) {
  const std::string* found = text_field(record, key);
  return found ? *found : std::string();
}

bool flag_field(const model::Record& record, const char* key) {
  const model::FieldValue* found = record.find(key);
  const auto* value = found ? std::get_if<bool>(found) : nullptr;
  return value && *value;
}

double number_field(const model::Record& record, const char* key, double otherwise) {
  const model::FieldValue* found = record.find(key);
  if (!found) return otherwise;
  if (const auto* real = std::get_if<double>(found)) return *real;
  if (const auto* integer = std::get_if<long long>(found)) return static_cast<double>(*integer);
  return otherwise;
}

std::string intent_sentence(const model::Record& record) {
  const std::string party = party_name(text_of(record, "party"));
  const bool harm = flag_field(record, "intends_harm");
  // A new aim is news about the plan; the intent that comes with it may be unchanged.
  if (record.find("aim")) {
    return party + "'s plan now goes no further than " + text_of(record, "aim") +
           (harm ? "; it intends harm" : "; it intends no harm");
  }
  return party + (harm ? " now intends harm" : " no longer intends harm");
}

std::string record_actor(const model::Record& record) {
  if (!record.party.empty()) return record.party;
  if (record.kind == "send" || record.kind == "unsent") return text_of(record, "from");
  if (record.kind == "refrain" || record.kind == "share" || record.kind == "circuit")
    return text_of(record, "party");
  if (record.kind == "press_leak") return text_of(record, "by");
  return "";
}

std::string Narrator::other_than(const std::string& party) const {
  if (parties_.size() != 2) return "the other side";
  return party_name(parties_[0] == party ? parties_[1] : parties_[0]);
}

std::string Narrator::sentence(const model::Record& r) {
  const std::string& kind = r.kind;
  const std::string incident = text_of(r, "incident");
  if (kind == "incident") {
    std::string s = incident + ": " + text_of(r, "type") + " on " + text_of(r, "target") + " by " +
                    text_of(r, "actor");
    const std::string sponsor = text_of(r, "sponsor");
    if (!sponsor.empty() && sponsor != "none")
      s += " (" + text_of(r, "state_role") + " by " + party_name(sponsor) + ")";
    s += flag_field(r, "succeeded") ? ", damage " + number(number_field(r, "damage"))
                                    : ", which failed";
    return s;
  }
  if (kind == "observe") {
    std::string s = "sees " + incident + " pointing " + pointing(r);
    s += " (confidence " + number(number_field(r, "confidence"));
    if (number_field(r, "damage") > 0) s += ", damage " + number(number_field(r, "damage"));
    s += ")";
    if (r.find("belief")) s += "; belief " + number(number_field(r, "belief"));
    return s;
  }
  if (kind == "deliberate") {
    return "weighs a move to " + text_of(r, "toward") + " (" + pressure_terms(r) +
           (flag_field(r, "plan") ? ", on its plan" : "") + "); decides at " +
           format_time(static_cast<model::SimTime>(number_field(r, "decide_at")), start_, true);
  }
  if (kind == "rung") {
    const bool climb = text_of(r, "direction") == "climb";
    std::string s = (climb ? "climbs to " : "steps down to ") + text_of(r, "rung");
    if (r.find("against")) s += " against " + party_name(text_of(r, "against"));
    s += " (";
    if (flag_field(r, "plan"))
      s += "on its plan, grievance " + number(number_field(r, "grievance")) + " its pretext; ";
    if (r.find("declared")) s += "it " + text_of(r, "declared") + "; ";
    return s + pressure_terms(r) + ")";
  }
  if (kind == "see_move") {
    const std::string mover =
        r.find("mover") ? party_name(text_of(r, "mover")) : other_than(r.party);
    std::string s = "sees " + mover + " move to " + text_of(r, "rung");
    if (r.find("against")) s += " against " + party_name(text_of(r, "against"));
    if (r.find("belief")) s += "; belief " + number(number_field(r, "belief"));
    if (r.find("cost_deters")) {
      s += "; the cost deters its own acts with chance " + number(number_field(r, "cost_deters")) +
           (flag_field(r, "deterred") ? ": deterred" : ": not deterred");
    }
    return s;
  }
  if (kind == "send") {
    const std::string told = text_of(r, "route") == "outside the hotline"
                                 ? quoted(text_of(r, "what")) + ", outside the hotline"
                                 : exchange_told(r);
    const long long id = static_cast<long long>(number_field(r, "message", -1));
    sent_[id] = told;
    // With more than two parties, the record names the addressee, and a mediator's part.
    const std::string to = r.find("to") ? " to " + party_name(text_of(r, "to")) : "";
    const std::string id_text = " (message " + std::to_string(id) + ")";
    if (r.find("carrying"))
      return "passes on " + told + " from " + party_name(text_of(r, "carrying")) + to + id_text;
    const std::string for_whom = r.find("for") ? " for " + party_name(text_of(r, "for")) : "";
    return "sends " + told + to + for_whom + id_text;
  }
  if (kind == "deliver") {
    const long long id = static_cast<long long>(number_field(r, "message", -1));
    const auto found = sent_.find(id);
    const std::string from = r.find("from") ? " from " + party_name(text_of(r, "from")) : "";
    const std::string via = r.find("via") ? ", carried by " + party_name(text_of(r, "via")) : "";
    std::string s = "receives " + (found != sent_.end() ? found->second : exchange_told(r)) + from +
                    via + " (message " + std::to_string(id) + ")";
    if (flag_field(r, "garbled")) s += ", garbled on the way";
    return s;
  }
  if (kind == "carry") {
    return "takes message " + std::to_string(static_cast<long long>(number_field(r, "message"))) +
           " from " + party_name(text_of(r, "from")) + " to pass on to " +
           party_name(text_of(r, "to"));
  }
  if (kind == "channel") {
    std::string s = "message " +
                    std::to_string(static_cast<long long>(number_field(r, "message"))) + ": " +
                    text_of(r, "did");
    if (r.find("circuit")) s += " on circuit " + text_of(r, "circuit");
    return s;
  }
  if (kind == "circuit") return "traffic moves to circuit " + text_of(r, "circuit");
  if (kind == "belief") {
    return "after the " + text_of(r, "after") + ", belief " + number(number_field(r, "belief")) +
           ", trust " + number(number_field(r, "trust"));
  }
  if (kind == "silence") {
    const std::string about =
        r.find("link") ? std::string("no link test heard") : "no answer about " + incident;
    return "reads silence: " + about + "; belief " + number(number_field(r, "belief"));
  }
  if (kind == "revise") {
    return "revises " + incident + ": it pointed elsewhere after all (confidence " +
           number(number_field(r, "confidence")) + ")";
  }
  if (kind == "betrayal") {
    return "finds the denial of " + incident + " was false; trust falls to " +
           number(number_field(r, "trust"));
  }
  if (kind == "accept") return "accepts the strike on " + incident + ": " + text_of(r, "why");
  if (kind == "decide") {
    const std::string action = text_of(r, "action");
    if (action == "answer") {
      return "answers the inquiry about " + incident + ": " + quoted(text_of(r, "claim")) +
             " (policy " + text_of(r, "policy") + ")";
    }
    if (action == "strike back") return "strikes back for " + incident;
    if (action == "explain accident") return "explains " + incident + " as its own accident";
    if (action == "consult") {
      return "asks its ally " + party_name(text_of(r, "ally")) + " what its evidence says of " +
             incident + " (its own: confidence " + number(number_field(r, "confidence")) + ")";
    }
    return action + (incident.empty() ? "" : " " + incident);
  }
  if (kind == "consulted") {
    return "is asked by its ally " + party_name(text_of(r, "by")) + " what its evidence says" +
           (flag_field(r, "evidence")
                ? std::string("; tells it")
                : std::string("; has none yet, and will tell it when it has"));
  }
  if (kind == "assessment") {
    return "reads " + party_name(text_of(r, "from")) + "'s assessment of " + incident +
           ": its evidence points " + pointing(r) + " (believed " +
           number(number_field(r, "believed")) + ")" +
           (r.find("suspect") ? "; belief in " + party_name(text_of(r, "suspect")) + " " +
                                    number(number_field(r, "belief"))
                              : std::string());
  }
  if (kind == "repeat") return "hears again what it already knew about " + incident;
  if (kind == "warned") {
    std::string s = "reads the warning (line: " + text_of(r, "line") + "); it deters with chance " +
                    number(number_field(r, "deterrence"));
    return s + (flag_field(r, "deterred") ? ": deterred" : ": not deterred");
  }
  if (kind == "leak") {
    if (r.find("channel_confidence")) {
      return "learns the hotline leaked from " + party_name(text_of(r, "from")) +
             "; confidence in the channel " + number(number_field(r, "channel_confidence")) +
             ", trust " + number(number_field(r, "trust"));
    }
    return text_of(r, "what");
  }
  if (kind == "read") {
    std::string s = "reads the " + (r.find("what") ? text_of(r, "what") : std::string("text"));
    if (r.find("claim")) s += ": " + quoted(text_of(r, "claim"));
    if (r.find("text")) s += ": " + quoted(text_of(r, "text"));
    if (r.find("line")) s += " (line: " + text_of(r, "line") + ")";
    if (r.find("consequence")) s += " (or else: " + text_of(r, "consequence") + ")";
    if (flag_field(r, "garbled")) s += ", garbled";
    return s;
  }
  if (kind == "unread") return "the message " + text_of(r, "why");
  if (kind == "unsent")
    return "cannot send " + quoted(text_of(r, "what")) +
           (r.find("to") ? " to " + party_name(text_of(r, "to")) : "") + ": " + text_of(r, "why");
  if (kind == "intent") return intent_sentence(r);
  if (kind == "refrain")
    return "gives up " + incident + " against " + text_of(r, "target") + ", deterred";
  if (kind == "press_leak") return "leaks what crossed the hotline to the press";
  if (kind == "share") {
    return "shares material in the working group (" + number(number_field(r, "amount")) + ")";
  }
  if (kind == "outcome") {
    return party_name(text_of(r, "party")) + " peaked at " + text_of(r, "peak") + " and ends at " +
           text_of(r, "final_rung") + "; misperception " +
           number(number_field(r, "misperception")) + ", " +
           std::to_string(static_cast<long long>(number_field(r, "inadvertent_climbs"))) +
           " inadvertent climb(s), damage " + number(number_field(r, "damage"));
  }
  if (kind == "channel_summary") {
    return std::to_string(static_cast<long long>(number_field(r, "messages_sent"))) +
           " messages sent, " +
           std::to_string(static_cast<long long>(number_field(r, "messages_delivered"))) +
           " delivered";
  }
  if (kind == "link") {
    std::string s = "link: " + text_of(r, "event");
    if (r.find("circuit")) s += " on circuit " + text_of(r, "circuit");
    if (r.find("reason")) s += " (" + text_of(r, "reason") + ")";
    return s;
  }
  if (kind == "asked") return "is asked about " + incident + "; " + text_of(r, "hint");
  if (kind == "accident") return incident + ": " + text_of(r, "what");
  if (kind == "typed") return "types " + quoted(text_of(r, "line"));
  if (kind == "console") return "console: " + text_of(r, "problem");
  if (kind == "help") return "commands: " + text_of(r, "commands");
  if (kind == "inject") return "the white cell injects: " + text_of(r, "what");
  if (kind == "branch") return "the exercise branches here; changed: " + text_of(r, "changed");
  if (kind == "clock_held") {
    return "the clock waits up to " +
           std::to_string(static_cast<long long>(number_field(r, "seconds"))) +
           " s for a decision: " + text_of(r, "awaiting");
  }
  if (kind == "model_decided") {
    return "did not decide in time (" + text_of(r, "for") +
           (r.find("incident") ? " on " + incident : std::string()) +
           "); the model decided: " + text_of(r, "decided");
  }
  return all_fields(r);
}

}  // namespace hotline::scenario
