#include "scenario/transcript.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>

#include "scenario/scenario_loader.h"

namespace hotline::scenario {
namespace {

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::vector<std::string> party_ids(const model::Scenario& scenario) {
  std::vector<std::string> ids;
  for (const auto& party : scenario.parties) ids.push_back(party.id);
  return ids;
}

}  // namespace

std::string format_record_json(const model::Record& record, const StartTime& start) {
  nlohmann::ordered_json json;
  json["t"] = format_time(record.at, start, true);
  json["time"] = format_time(record.at, start, false);
  json["at_us"] = record.at;
  json["kind"] = record.kind;
  if (!record.party.empty()) json["party"] = record.party;
  for (const auto& [key, value] : record.fields) {
    // A field never overwrites what every line carries (the record's own kind, its time).
    if (json.contains(key)) throw std::logic_error("record field \"" + key + "\" is reserved");
    std::visit([&, &key = key](const auto& v) { json[key] = v; }, value);
  }
  return json.dump();
}

void print_outcome_summary(std::ostream& out, const model::Scenario& scenario,
                           const model::Outcomes& outcomes) {
  const StartTime start = start_of(scenario);
  out << "\noutcome of " << scenario.name << " after "
      << format_time(outcomes.duration, start, true) << ":\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-11s %-18s %-11s %-18s %8s %6s %7s %7s\n", "party",
                "peak rung", "peak at", "ends on", "misperc.", "inadv.", "damage", "strikes");
  out << line;
  for (std::size_t i = 0; i < outcomes.sides.size(); ++i) {
    const model::SideOutcome& side = outcomes.sides[i];
    std::snprintf(
        line, sizeof line, "  %-11s %-18s %-11s %-18s %8.2f %6d %7.2f %7d\n",
        scenario.parties[i].id.c_str(), std::string(model::rung_name(side.peak)).c_str(),
        side.peak == model::Rung::kNormal ? "-" : format_time(side.peak_at, start, true).c_str(),
        std::string(model::rung_name(side.final_rung)).c_str(), side.misperception,
        side.inadvertent_climbs, side.damage, side.strikes);
    out << line;
  }
  for (std::size_t i = 0; i < outcomes.sides.size(); ++i) {
    if (outcomes.sides[i].refrained == 0) continue;
    out << "  " << scenario.parties[i].id << " gave up " << outcomes.sides[i].refrained
        << " planned act(s), deterred by a warning\n";
  }
  std::snprintf(line, sizeof line,
                "  messages: %d sent, %d delivered; frames: %d lost, %d garbled, %d duplicated; "
                "shared in the working group: %.1f\n",
                outcomes.messages_sent, outcomes.messages_delivered, outcomes.frames_lost,
                outcomes.frames_garbled, outcomes.frames_duplicated, outcomes.leaked);
  out << line;
  out << "  (misperception: belief-days away from the truth of the other's intent; inadv.: climbs "
         "against a side that meant no harm)\n";
}

TranscriptPrinter::TranscriptPrinter(std::ostream& out, const model::Scenario& scenario, bool json)
    : out_(out), start_(start_of(scenario)), json_(json), narrator_(start_, party_ids(scenario)) {}

void TranscriptPrinter::record(model::Record record) {
  if (json_) {
    out_ << format_record_json(record, start_) << '\n';
    return;
  }
  // The outcome table that closes a text transcript says what these say.
  if (record.kind == "outcome" || record.kind == "channel_summary") return;
  const std::string actor = record_actor(record);
  out_ << pad(format_time(record.at, start_, true), 11) << "  "
       << pad(actor.empty() ? "world" : party_name(actor), 11) << "  " << narrator_.sentence(record)
       << '\n';
}

}  // namespace hotline::scenario
