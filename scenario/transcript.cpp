#include "scenario/transcript.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace hotline::scenario {
namespace {

std::string value_text(const model::FieldValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    return text->find(' ') == std::string::npos ? *text : "\"" + *text + "\"";
  }
  if (const auto* number = std::get_if<double>(&value)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", *number);
    return buffer;
  }
  if (const auto* integer = std::get_if<long long>(&value)) return std::to_string(*integer);
  return std::get<bool>(value) ? "yes" : "no";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string format_record_line(const model::Record& record, const StartTime& start) {
  std::string line = format_time(record.at, start, true) + "  " +
                     pad(record.party.empty() ? "world" : record.party, 11) + " " +
                     pad(record.kind, 10);
  for (const auto& [key, value] : record.fields) line += " " + key + "=" + value_text(value);
  return line;
}

std::string format_record_json(const model::Record& record, const StartTime& start) {
  nlohmann::ordered_json json;
  json["t"] = format_time(record.at, start, true);
  json["time"] = format_time(record.at, start, false);
  json["at_us"] = record.at;
  json["kind"] = record.kind;
  if (!record.party.empty()) json["party"] = record.party;
  for (const auto& [key, value] : record.fields) {
    std::visit([&, &key = key](const auto& v) { json[key] = v; }, value);
  }
  return json.dump();
}

void print_outcome_summary(std::ostream& out, const model::Scenario& scenario,
                           const model::Outcomes& outcomes) {
  const StartTime start{scenario.start_unix_seconds, scenario.start_utc_offset_minutes};
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

void TranscriptPrinter::record(model::Record record) {
  out_ << (json_ ? format_record_json(record, start_) : format_record_line(record, start_)) << '\n';
}

}  // namespace hotline::scenario
