#include "report/sequence_chart.h"

#include <map>
#include <optional>

#include "report/html.h"
#include "scenario/record_sentence.h"
#include "scenario/scenario_loader.h"

namespace hotline::report {
namespace {

using scenario::number_field;
using scenario::party_name;
using scenario::text_of;

constexpr int kWidth = 1040;
constexpr int kTimeColumn = 96;
constexpr int kWorldRight = 330;
constexpr int kLanesLeft = 350;
constexpr int kTop = 46;
constexpr int kRowHeight = 22;

std::string shortened(const std::string& words, std::size_t limit) {
  if (words.size() <= limit) return words;
  std::size_t cut = limit;
  // Never cut a UTF-8 character in two.
  while (cut > 0 && (static_cast<unsigned char>(words[cut]) & 0xC0) == 0x80) --cut;
  return words.substr(0, cut) + "…";
}

// Which records get a row of their own.
bool charted(const model::Record& r) {
  static const char* kKinds[] = {"incident", "observe",    "send",    "deliver", "rung",
                                 "channel",  "circuit",    "revise",  "silence", "unsent",
                                 "link",     "press_leak", "refrain", "intent"};
  for (const char* kind : kKinds) {
    if (r.kind == kind) return true;
  }
  return false;
}

struct Arrow {
  int from = -1;
  int to = -1;
  std::optional<int> sent_row;
  model::SimTime sent_at = 0;
  model::SimTime first_arrival = -1;
  std::vector<std::pair<int, bool>> arrivals;  // row, garbled
  std::optional<int> lost_row;
  std::string label;
  std::string tooltip;
  bool retransmitted = false;
};

}  // namespace

SequenceChart sequence_chart(const std::vector<model::Record>& records,
                             const model::Scenario& scenario, int max_rows) {
  const scenario::StartTime start = scenario::start_of(scenario);
  const int parties = static_cast<int>(scenario.parties.size());
  const double lane_width = static_cast<double>(kWidth - kLanesLeft) / std::max(parties, 1);
  auto lane_x = [&](int party) { return kLanesLeft + (party + 0.5) * lane_width; };
  auto party_index = [&](const std::string& id) {
    for (int i = 0; i < parties; ++i) {
      if (scenario.parties[i].id == id) return i;
    }
    return -1;
  };

  SequenceChart chart;
  std::string rows;
  std::map<long long, Arrow> arrows;
  std::vector<long long> arrow_order;
  int row = 0;
  std::string last_time;
  for (const model::Record& r : records) {
    if (!charted(r)) continue;
    if (row >= max_rows) {
      ++chart.rows_left_out;
      continue;
    }
    const int y = kTop + row * kRowHeight;
    const std::string time = scenario::format_time(r.at, start, true);
    std::string content;
    const int lane = party_index(scenario::record_actor(r));
    const double x = lane >= 0 ? lane_x(lane) : 0;
    const std::string incident = text_of(r, "incident");
    if (r.kind == "send") {
      const long long id = static_cast<long long>(number_field(r, "message", -1));
      Arrow& arrow = arrows[id];
      if (!arrow.sent_row) arrow_order.push_back(id);
      arrow.from = lane;
      arrow.to = r.find("to")                ? party_index(text_of(r, "to"))
                 : parties == 2 && lane >= 0 ? 1 - lane
                                             : -1;
      arrow.sent_row = row;
      arrow.sent_at = r.at;
      const std::string outside =
          text_of(r, "route") == "outside the hotline" ? " (not by hotline)" : "";
      std::string label = text_of(r, "what") + outside;
      if (r.find("incident")) label += " · " + incident;
      if (r.find("claim")) label += " · “" + text_of(r, "claim") + "”";
      if (r.find("text")) label += " · “" + text_of(r, "text") + "”";
      if (r.find("move")) label += " · move to " + text_of(r, "move");
      if (!outside.empty()) label = "“" + text_of(r, "what") + "”" + outside;
      arrow.label = label;
      arrow.tooltip = time + " " + label;
      content = "";
    } else if (r.kind == "deliver") {
      const long long id = static_cast<long long>(number_field(r, "message", -1));
      Arrow& arrow = arrows[id];
      if (!arrow.sent_row) {
        // Sent before the first row or not shown: drawn from the top.
        arrow_order.push_back(id);
        arrow.sent_row = -1;
        arrow.to = lane;
        arrow.from = r.find("from")              ? party_index(text_of(r, "from"))
                     : parties == 2 && lane >= 0 ? 1 - lane
                                                 : -1;
        arrow.label = text_of(r, "what");
      }
      arrow.to = lane;
      if (arrow.first_arrival < 0) arrow.first_arrival = r.at;
      arrow.arrivals.push_back({row, scenario::flag_field(r, "garbled")});
    } else if (r.kind == "channel") {
      const long long id = static_cast<long long>(number_field(r, "message", -1));
      const std::string did = text_of(r, "did");
      auto found = arrows.find(id);
      if (did.rfind("lost", 0) == 0 && found != arrows.end()) {
        found->second.lost_row = row;
      } else if (did == "retransmitted" && found != arrows.end()) {
        found->second.retransmitted = true;
      }
      content = "<text class=\"channel-note\" x=\"" +
                fixed(kLanesLeft + (kWidth - kLanesLeft) / 2.0, 0) + "\" y=\"" +
                std::to_string(y + 4) +
                "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#b3261e\">message " +
                std::to_string(id) + ": " + escape(did) +
                (r.find("circuit") ? " on " + escape(text_of(r, "circuit")) : "") + "</text>";
    } else if (r.kind == "incident") {
      std::string label = incident + ": " + text_of(r, "type") + " on " + text_of(r, "target");
      const std::string sponsor = text_of(r, "sponsor");
      content = "<g class=\"incident\"><title>" +
                escape(time + " " + label + " by " + text_of(r, "actor") +
                       (sponsor != "none" ? " (" + text_of(r, "state_role") + " by " + sponsor + ")"
                                          : "")) +
                "</title><rect x=\"" + std::to_string(kTimeColumn) + "\" y=\"" +
                std::to_string(y - 12) + "\" width=\"" + std::to_string(kWorldRight - kTimeColumn) +
                "\" height=\"17\" rx=\"3\" fill=\"#eef0f3\"/>"
                "<text x=\"" +
                std::to_string(kTimeColumn + 6) + "\" y=\"" + std::to_string(y + 1) +
                "\" font-size=\"11.5\" fill=\"#374151\">" + escape(shortened(label, 44)) +
                "</text></g>";
    } else if (lane >= 0 || r.kind == "intent") {
      std::string label;
      std::string colour = "#374151";
      if (r.kind == "observe") {
        const std::string at = text_of(r, "points_at");
        label = "sees " + incident + " → " + (at == "elsewhere" ? at : party_name(at)) + " " +
                fixed(number_field(r, "confidence"));
      } else if (r.kind == "rung") {
        const bool climb = text_of(r, "direction") == "climb";
        label = std::string(climb ? "▲ " : "▼ ") + text_of(r, "rung");
        colour = climb ? "#b3261e" : "#2f7d32";
      } else if (r.kind == "silence") {
        label = r.find("link") ? "silence on the link" : "no answer about " + incident;
      } else if (r.kind == "revise") {
        label = "revises " + incident;
      } else if (r.kind == "circuit") {
        label = "fails over to " + text_of(r, "circuit");
        colour = "#b3261e";
      } else if (r.kind == "unsent") {
        label = "cannot send: " + text_of(r, "why");
      } else if (r.kind == "link") {
        label = "link " + text_of(r, "event");
      } else if (r.kind == "press_leak") {
        label = "leaks the hotline to the press";
      } else if (r.kind == "refrain") {
        label = "gives up " + incident + ", deterred";
      } else if (r.kind == "intent") {
        label = scenario::intent_sentence(r);
      }
      // A side's own events are labelled away from the messages: the first lane's to its
      // left, the others' to their right.
      const bool on_lane = lane >= 0;
      const double label_x = !on_lane ? kTimeColumn + 6 : lane == 0 ? x - 8 : x + 8;
      const char* anchor = on_lane && lane == 0 ? "end" : "start";
      content = "<g class=\"lane-event " + escape(r.kind) + "\"><title>" +
                escape(time + " " + label) + "</title>" +
                (on_lane ? "<circle cx=\"" + fixed(x, 1) + "\" cy=\"" + std::to_string(y - 3) +
                               "\" r=\"3.5\" fill=\"" + colour + "\"/>"
                         : "") +
                "<text x=\"" + fixed(label_x, 1) + "\" y=\"" + std::to_string(y + 1) +
                "\" text-anchor=\"" + anchor + "\" font-size=\"11\" fill=\"" + colour + "\">" +
                escape(shortened(label, on_lane ? 30 : 44)) + "</text></g>";
    }
    if (time != last_time) {
      rows += "<text x=\"4\" y=\"" + std::to_string(y + 1) +
              "\" font-size=\"11\" fill=\"#5b6475\">" + escape(time) + "</text>";
      last_time = time;
    }
    rows += content;
    ++row;
  }
  chart.rows_shown = row;
  const int height = kTop + std::max(row, 1) * kRowHeight + 10;

  std::string svg =
      "<svg class=\"sequence-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
      std::to_string(kWidth) + " " + std::to_string(height) + "\" width=\"" +
      std::to_string(kWidth) + "\" height=\"" + std::to_string(height) +
      "\" role=\"img\" aria-label=\"message sequence chart\">"
      "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
      "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
      "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f5fa8\"/></marker></defs>";
  svg += "<text x=\"" + std::to_string(kTimeColumn + 6) +
         "\" y=\"20\" font-size=\"13\" font-weight=\"600\" fill=\"#6b7280\">world (truth)</text>";
  for (int i = 0; i < parties; ++i) {
    const std::string x = fixed(lane_x(i), 1);
    svg += "<g class=\"lane\" data-party=\"" + escape(scenario.parties[i].id) + "\"><text x=\"" +
           x + "\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\">" +
           escape(party_name(scenario.parties[i].id)) + "</text><line x1=\"" + x +
           "\" y1=\"28\" x2=\"" + x + "\" y2=\"" + std::to_string(height - 4) +
           "\" stroke=\"#9aa3b2\" stroke-width=\"2\"/></g>";
  }
  svg += rows;
  for (const long long id : arrow_order) {
    const Arrow& a = arrows[id];
    ++chart.messages;
    const double x1 = a.from >= 0 ? lane_x(a.from) : kLanesLeft;
    const double x2 = a.to >= 0 ? lane_x(a.to) : kWidth - 10;
    const int y1 = *a.sent_row < 0 ? kTop - 14 : kTop + *a.sent_row * kRowHeight - 3;
    std::string group = "<g class=\"message\" data-message=\"" + std::to_string(id) + "\"><title>" +
                        escape(a.tooltip.empty() ? a.label : a.tooltip) + "</title>";
    std::vector<std::pair<int, bool>> ends = a.arrivals;
    if (ends.empty()) {
      // Never delivered: the arrow stops half-way with a cross where it was lost.
      const int y2 = kTop + (a.lost_row ? *a.lost_row : std::max(*a.sent_row, 0)) * kRowHeight +
                     kRowHeight / 2;
      const double xm = (x1 + x2) / 2;
      group += "<line x1=\"" + fixed(x1, 1) + "\" y1=\"" + std::to_string(y1) + "\" x2=\"" +
               fixed(xm, 1) + "\" y2=\"" + std::to_string(y2) +
               "\" stroke=\"#b3261e\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
               "<text class=\"lost\" x=\"" +
               fixed(xm, 1) + "\" y=\"" + std::to_string(y2 + 5) +
               "\" text-anchor=\"middle\" font-size=\"14\" fill=\"#b3261e\">✕</text>";
    }
    bool first = true;
    for (const auto& [arrival_row, garbled] : ends) {
      const int y2 = kTop + arrival_row * kRowHeight - 3;
      group += "<line x1=\"" + fixed(x1, 1) + "\" y1=\"" + std::to_string(y1) + "\" x2=\"" +
               fixed(x2, 1) + "\" y2=\"" + std::to_string(y2) +
               "\" stroke=\"#1f5fa8\" stroke-width=\"" + (first ? "1.6" : "1") + "\"" +
               (garbled ? " stroke-dasharray=\"2 2\"" : "") + " marker-end=\"url(#head)\"/>";
      if (!first) {
        group += "<text x=\"" + fixed(x2 + (x2 > x1 ? -8 : 8), 1) + "\" y=\"" +
                 std::to_string(y2 - 4) + "\" text-anchor=\"" + (x2 > x1 ? "end" : "start") +
                 "\" font-size=\"10\" fill=\"#b3261e\">duplicate</text>";
      }
      if (garbled) {
        group += "<text x=\"" + fixed(x2 + (x2 > x1 ? -8 : 8), 1) + "\" y=\"" +
                 std::to_string(y2 + 10) + "\" text-anchor=\"" + (x2 > x1 ? "end" : "start") +
                 "\" font-size=\"10\" fill=\"#b3261e\">garbled</text>";
      }
      first = false;
    }
    const bool rightward = x2 >= x1;
    // How long it took, where that is worth a reader's notice (a teleprinter, a diplomatic bag).
    std::string note = a.retransmitted ? " (resent)" : "";
    const model::SimTime took = a.first_arrival - a.sent_at;
    if (a.sent_row && *a.sent_row >= 0 && a.first_arrival >= 0 && took >= model::kHour) {
      note += " · took " + (took >= model::kDay
                                ? fixed(static_cast<double>(took) / model::kDay, 1) + " d"
                                : fixed(static_cast<double>(took) / model::kHour, 1) + " h");
    }
    group += "<text x=\"" + fixed(x1 + (rightward ? 8 : -8), 1) + "\" y=\"" +
             std::to_string(y1 - 4) + "\" text-anchor=\"" + (rightward ? "start" : "end") +
             "\" font-size=\"11\" fill=\"#1f5fa8\">" + escape(shortened(a.label, 60) + note) +
             "</text></g>";
    svg += group;
  }
  svg += "</svg>";
  chart.svg = std::move(svg);
  return chart;
}

}  // namespace hotline::report
