#include "report/run_report.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "report/climb_reasons.h"
#include "report/html.h"
#include "report/party_charts.h"
#include "report/sequence_chart.h"
#include "scenario/record_sentence.h"
#include "scenario/scenario_loader.h"

namespace hotline::report {
namespace {

using scenario::number_field;
using scenario::party_name;
using scenario::text_of;

std::string briefing_section(const spec::Briefing& b) {
  std::string out = "<section id=\"briefing\"><h2>The case</h2>";
  auto part = [&](const char* heading, const std::string& body) {
    if (!body.empty()) out += "<h3>" + std::string(heading) + "</h3>" + paragraphs(body);
  };
  part("Premise", b.premise());
  part("What each side could see", b.seen());
  part("Known, and modelled", b.known());
  part("Teaching point", b.teaching_point());
  if (b.premise().empty() && b.teaching_point().empty())
    out += "<p class=\"note\">This case file has no briefing.</p>";
  return out + "</section>\n";
}

// One cell that carries the exact number --json carries, and shows it as the transcript does.
std::string metric_cell(const std::string& metric, double value, int decimals = 2) {
  return "<td class=\"num\" data-metric=\"" + escape(metric) + "\" data-value=\"" + exact(value) +
         "\">" + fixed(value, decimals) + "</td>";
}

std::string outcome_section(const RunReportInput& in) {
  const scenario::StartTime start = scenario::start_of(in.scenario);
  std::string out =
      "<section id=\"outcome\"><h2>Outcome</h2><table class=\"outcome\"><tr><th>party</th>"
      "<th>peak rung</th><th>peak at</th><th>ends on</th><th class=\"num\">misperception</th>"
      "<th class=\"num\">inadvertent climbs</th><th class=\"num\">damage</th>"
      "<th class=\"num\">strikes</th><th class=\"num\">final belief</th></tr>";
  int rows = 0;
  std::string channel;
  for (const auto& r : in.records) {
    if (r.kind == "outcome") {
      const std::string id = text_of(r, "party");
      const std::string peak = text_of(r, "peak");
      const double peak_day = number_field(r, "peak_day");
      out += "<tr data-party=\"" + escape(id) + "\"><td>" + escape(party_name(id)) + "</td><td>" +
             escape(peak) + "</td><td>" +
             (peak == "NORMAL"
                  ? std::string("-")
                  : escape(scenario::format_time(
                        static_cast<model::SimTime>(peak_day * model::kDay + 0.5), start, true))) +
             "</td><td>" + escape(text_of(r, "final_rung")) + "</td>" +
             metric_cell("misperception." + id, number_field(r, "misperception")) +
             metric_cell("inadvertent_climbs." + id, number_field(r, "inadvertent_climbs"), 0) +
             metric_cell("damage." + id, number_field(r, "damage")) +
             metric_cell("strikes." + id, number_field(r, "strikes"), 0) +
             metric_cell("final_belief." + id, number_field(r, "final_belief")) + "</tr>";
      ++rows;
    } else if (r.kind == "channel_summary") {
      channel = "<p>Messages: <span data-metric=\"messages_sent\" data-value=\"" +
                exact(number_field(r, "messages_sent")) + "\">" +
                fixed(number_field(r, "messages_sent"), 0) +
                "</span> sent, <span data-metric=\"messages_delivered\" data-value=\"" +
                exact(number_field(r, "messages_delivered")) + "\">" +
                fixed(number_field(r, "messages_delivered"), 0) +
                "</span> delivered; frames lost " + fixed(number_field(r, "frames_lost"), 0) +
                ", garbled " + fixed(number_field(r, "frames_garbled"), 0) + ", duplicated " +
                fixed(number_field(r, "frames_duplicated"), 0) + ".</p>";
    }
  }
  out += "</table>";
  if (rows == 0) out += "<p class=\"note\">The run ended before its outcome was recorded.</p>";
  out += channel +
         "<p class=\"note\">Misperception: belief-days away from the truth of the other's intent, "
         "beyond the gap the side began with. Inadvertent climbs: rungs climbed against a side "
         "that meant no harm. See the glossary (docs/glossary.md).</p>";
  if (!in.spec.briefing().recorded_outcome().empty()) {
    out += "<h3>What history records</h3>" + paragraphs(in.spec.briefing().recorded_outcome());
  }
  return out + "</section>\n";
}

std::string reasons_section(const RunReportInput& in) {
  const auto reasons = explain_climbs(in.records, in.scenario);
  std::string out = "<section id=\"why\"><h2>Why each climb happened</h2>";
  if (reasons.empty()) {
    out += "<p>No side climbed.</p>";
  } else {
    constexpr std::size_t kShown = 300;
    out += "<ol class=\"reasons\">";
    for (std::size_t i = 0; i < reasons.size() && i < kShown; ++i)
      out += "<li>" + escape(reasons[i].sentence) + "</li>";
    out += "</ol>";
    if (reasons.size() > kShown) {
      out += "<p class=\"note\">The first " + std::to_string(kShown) + " of " +
             std::to_string(reasons.size()) + " climbs.</p>";
    }
  }
  return out + "</section>\n";
}

std::string charts_section(const RunReportInput& in) {
  const bool bilateral = in.scenario.parties.size() == 2;
  std::string out =
      "<section id=\"charts\"><h2>Rungs and beliefs</h2><p class=\"note\">Left: the rung each "
      "side stood on. Right: " +
      std::string(bilateral
                      ? "its belief that the other means harm (blue) and the truth (green, "
                        "dashed: 1 when the other intends harm or is striking or at war)."
                      : "its belief that each other party means it harm (a colour per party) "
                        "and the truth (dashed, in the same colour: 1 when that party intends "
                        "it harm or is striking it or at war with it).") +
      "</p>";
  for (std::size_t i = 0; i < in.scenario.parties.size(); ++i) {
    const int party = static_cast<int>(i);
    if (!in.seen_by.empty() && in.scenario.parties[i].id != in.seen_by) continue;
    out += "<h3>" + escape(party_name(in.scenario.parties[i].id)) +
           "</h3><div class=\"grid\"><figure>" + rung_chart(in.records, in.scenario, party) +
           "<figcaption>rung</figcaption></figure><figure>" +
           belief_chart(in.records, in.scenario, party) +
           "<figcaption>belief and truth</figcaption></figure></div>";
  }
  return out + "</section>\n";
}

std::string sequence_section(const RunReportInput& in) {
  const SequenceChart chart = sequence_chart(in.records, in.scenario);
  std::string out =
      "<section id=\"sequence\"><h2>Messages and events</h2><p class=\"note\">Time goes "
      "down. Arrows are messages, from the time they left to the time they arrived; a cross "
      "marks one the channel lost, a dotted arrow one it garbled. Grey boxes are what really "
      "happened in the world; dots on a lane are what that side saw and did.</p>";
  if (chart.messages == 0) out += "<p>No message crossed between the parties in this run.</p>";
  out += "<figure>" + chart.svg + "</figure>";
  if (chart.rows_left_out > 0) {
    out += "<p class=\"note\">The chart shows the first " + std::to_string(chart.rows_shown) +
           " events; " + std::to_string(chart.rows_left_out) +
           " more are in the transcript (<code>--json</code>).</p>";
  }
  return out + "</section>\n";
}

std::string truth_section(const RunReportInput& in) {
  const scenario::StartTime start = scenario::start_of(in.scenario);
  std::string out =
      "<section id=\"truth\"><h2>What really happened</h2><table><tr><th>when</th>"
      "<th>incident</th><th>what</th><th>by</th><th>state's role</th><th class=\"num\">damage"
      "</th></tr>";
  // One row per incident; a recurring one says how often it happened and what it cost in all.
  struct Row {
    const model::Record* first = nullptr;
    model::SimTime last = 0;
    int times = 0;
    int failed = 0;
    double damage = 0;
  };
  std::vector<std::string> order;
  std::map<std::string, Row> incidents;
  for (const auto& r : in.records) {
    if (r.kind != "incident") continue;
    // Occurrences of a recurring incident are named "probe#1", "probe#2", ...
    const std::string occurrence = text_of(r, "incident");
    const std::string id = occurrence.substr(0, occurrence.find('#'));
    Row& row = incidents[id];
    if (!row.first) {
      row.first = &r;
      order.push_back(id);
    }
    row.last = r.at;
    ++row.times;
    if (r.find("succeeded") && !scenario::flag_field(r, "succeeded")) ++row.failed;
    row.damage += number_field(r, "damage");
  }
  for (const auto& id : order) {
    const Row& row = incidents[id];
    const model::Record& r = *row.first;
    const std::string sponsor = text_of(r, "sponsor");
    std::string when = scenario::format_time(r.at, start, true);
    if (row.times > 1) {
      when += " to " + scenario::format_time(row.last, start, true) + ", " +
              std::to_string(row.times) + " times";
    }
    out += "<tr><td>" + escape(when) + "</td><td>" + escape(id) + "</td><td>" +
           escape(text_of(r, "type") + " on " + text_of(r, "target")) + "</td><td>" +
           escape(text_of(r, "actor")) + "</td><td>" +
           escape(sponsor == "none" ? std::string("none")
                                    : text_of(r, "state_role") + " by " + party_name(sponsor)) +
           "</td><td class=\"num\">" +
           (row.failed == row.times ? std::string("failed") : fixed(row.damage)) + "</td></tr>";
  }
  const std::size_t rows = order.size();
  if (rows == 0) out += "<p>No incident happened in this run.</p>";
  std::string intents;
  for (const auto& party : in.scenario.parties) {
    intents += (intents.empty() ? "" : "; ") + party_name(party.id) +
               (party.intends_harm ? " meant the other harm" : " meant no harm");
  }
  out += "<p>At the start, " + escape(intents) + ".</p>";
  return out + "</section>\n";
}

std::string debrief_section(const spec::Debrief& d) {
  if (d.what_happened().empty() && d.question_size() == 0) return "";
  std::string out = "<section id=\"debrief\"><h2>Debrief</h2>";
  if (!d.what_happened().empty()) out += "<h3>What happened</h3>" + paragraphs(d.what_happened());
  if (d.question_size() > 0) {
    out += "<h3>For discussion</h3><ol>";
    for (const auto& q : d.question()) out += "<li>" + paragraphs(q) + "</li>";
    out += "</ol>";
  }
  if (d.reading_size() > 0) {
    out += "<h3>Further reading</h3><ul>";
    for (const auto& r : d.reading()) out += "<li>" + escape(r) + "</li>";
    out +=
        "</ul><p class=\"note\">Source tags refer to the project's CASES.md and OUTCOMES.md.</p>";
  }
  return out + "</section>\n";
}

}  // namespace

std::string run_report(const RunReportInput& in) {
  const std::string title = in.scenario.name + ": " + in.scenario.title;
  std::string body = "<header><h1>" + escape(in.scenario.title) + "</h1><p class=\"meta\">" +
                     escape(in.scenario.name) + " · after-action report · <code>" +
                     escape(in.command) + "</code>";
  if (!in.seen_by.empty()) {
    body += " · as " + escape(party_name(in.seen_by)) +
            " saw it (the other side's mind and the truth are not shown)";
  }
  body += "</p></header>\n";
  body += briefing_section(in.spec.briefing());
  body += outcome_section(in);
  body += reasons_section(in);
  body += charts_section(in);
  body += sequence_section(in);
  if (in.seen_by.empty()) body += truth_section(in);
  body += debrief_section(in.spec.debrief());
  body +=
      "<footer><p class=\"note\">Made by hotline from the case file and the run's records; the "
      "same numbers are in <code>--json</code>.</p></footer>\n";
  return page(title, body);
}

void write_report_file(const std::string& path, const std::string& html) {
  const std::filesystem::path target(path);
  const std::filesystem::path temporary = target.string() + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << html;
    out.flush();
    if (!out) {
      throw std::runtime_error(path + ": cannot write the report (" + std::strerror(errno) + ")");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::filesystem::remove(temporary);
    throw std::runtime_error(path + ": cannot write the report (" + error.message() + ")");
  }
}

}  // namespace hotline::report
