#include "report/party_charts.h"

#include <algorithm>
#include <cmath>

#include "model/ladder.h"
#include "report/html.h"
#include "scenario/record_sentence.h"
#include "scenario/scenario_loader.h"

namespace hotline::report {
namespace {

constexpr int kWidth = 500;
constexpr int kLeft = 118;
constexpr int kRight = 26;
constexpr int kTop = 10;

struct Frame {
  int height;
  int bottom;  // y of the time axis
  double duration;
  double x(model::SimTime at) const {
    return kLeft +
           (kWidth - kLeft - kRight) * std::clamp(static_cast<double>(at) / duration, 0.0, 1.0);
  }
};

std::string open_svg(const char* cls, const std::string& party, int height,
                     const std::string& label) {
  return "<svg class=\"" + std::string(cls) + "\" data-party=\"" + escape(party) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
         std::to_string(height) + "\" width=\"" + std::to_string(kWidth) + "\" height=\"" +
         std::to_string(height) + "\" role=\"img\" aria-label=\"" + escape(label) + "\">";
}

// Day ticks along the bottom: about five, on whole days (or hours in a short run).
std::string time_axis(const Frame& f, const model::Scenario& scenario) {
  const scenario::StartTime start = scenario::start_of(scenario);
  std::string out = "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(f.bottom) +
                    "\" x2=\"" + std::to_string(kWidth - kRight) + "\" y2=\"" +
                    std::to_string(f.bottom) + "\" stroke=\"#9aa3b2\"/>";
  const model::SimTime span = static_cast<model::SimTime>(f.duration);
  model::SimTime step = model::kDay;
  while (span / step > 6) step *= 2;
  if (span < 2 * model::kDay) {
    step = model::kHour;
    while (span / step > 6) step *= 2;
  }
  for (model::SimTime t = 0; t <= span; t += step) {
    const std::string x = fixed(f.x(t), 1);
    out += "<line x1=\"" + x + "\" y1=\"" + std::to_string(f.bottom) + "\" x2=\"" + x + "\" y2=\"" +
           std::to_string(f.bottom + 4) + "\" stroke=\"#9aa3b2\"/><text x=\"" + x + "\" y=\"" +
           std::to_string(f.bottom + 16) +
           "\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5b6475\">" +
           escape(step >= model::kDay ? "D+" + std::to_string(t / model::kDay)
                                      : scenario::format_time(t, start, true)) +
           "</text>";
  }
  return out;
}

}  // namespace

std::string rung_chart(const std::vector<model::Record>& records, const model::Scenario& scenario,
                       int party) {
  const std::string& id = scenario.parties[party].id;
  const int row = 15;
  Frame f{kTop + model::kRungCount * row + 24, kTop + (model::kRungCount - 1) * row + 6,
          static_cast<double>(std::max<model::SimTime>(scenario.duration, 1))};
  auto y = [&](int rung) { return kTop + (model::kRungCount - 1 - rung) * row; };
  std::string svg =
      open_svg("rung-chart", id, f.height, scenario::party_name(id) + "'s rung over time");
  for (int k = 0; k < model::kRungCount; ++k) {
    svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(y(k) + 4) +
           "\" text-anchor=\"end\" font-size=\"9.5\" fill=\"#5b6475\">" +
           escape(std::string(model::rung_name(static_cast<model::Rung>(k)))) +
           "</text><line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(y(k)) +
           "\" x2=\"" + std::to_string(kWidth - kRight) + "\" y2=\"" + std::to_string(y(k)) +
           "\" stroke=\"#eef0f3\"/>";
  }
  std::string path = "M" + fixed(f.x(0), 1) + "," + std::to_string(y(0));
  for (const auto& r : records) {
    if (r.kind != "rung" || r.party != id) continue;
    const std::string* name = scenario::text_field(r, "rung");
    const auto rung = name ? model::parse_rung(*name) : std::nullopt;
    if (!rung) continue;
    path += " H" + fixed(f.x(r.at), 1) + " V" + std::to_string(y(static_cast<int>(*rung)));
  }
  path += " H" + fixed(f.x(scenario.duration), 1);
  svg += "<path class=\"rung-line\" d=\"" + path +
         "\" fill=\"none\" stroke=\"#b3261e\" stroke-width=\"2\"/>";
  svg += time_axis(f, scenario) + "</svg>";
  return svg;
}

namespace {

// The record's belief is about this party: named with several parties (`about`, or the mover of
// a move seen); with two, always the other.
std::string belief_about(const model::Record& r, const std::string& only_other) {
  if (!only_other.empty()) return only_other;
  if (r.find("about")) return scenario::text_of(r, "about");
  if (r.find("mover")) return scenario::text_of(r, "mover");
  return "";
}

// One colour per other party; the first is the two-party chart's blue.
const char* counterpart_colour(int index) {
  static const char* const kColours[] = {"#1f5fa8", "#c2571a", "#7b3fa0", "#0f7f86",
                                         "#9a6b00", "#b0306a", "#4d6b1f"};
  return kColours[index % 7];
}

}  // namespace

std::string belief_chart(const std::vector<model::Record>& records, const model::Scenario& scenario,
                         int party) {
  const std::string& id = scenario.parties[party].id;
  const bool bilateral = scenario.parties.size() == 2;
  const int plot = 100;
  // With several parties, a legend names each other party's colour, three to a row.
  const int others = static_cast<int>(scenario.parties.size()) - 1;
  const int legend = bilateral ? 0 : 4 + 12 * ((others + 2) / 3);
  Frame f{kTop + legend + plot + 30, kTop + legend + plot,
          static_cast<double>(std::max<model::SimTime>(scenario.duration, 1))};
  auto y = [&](double p) { return fixed(kTop + legend + plot * (1 - std::clamp(p, 0.0, 1.0)), 1); };
  std::string svg = open_svg(
      "belief-chart", id, f.height,
      bilateral ? scenario::party_name(id) + "'s belief that the other means harm, and the truth"
                : scenario::party_name(id) +
                      "'s belief that each other party means it harm, "
                      "and the truth");
  for (const double p : {0.0, 0.5, 1.0}) {
    svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + fixed(std::stod(y(p)) + 4, 1) +
           "\" text-anchor=\"end\" font-size=\"9.5\" fill=\"#5b6475\">" + fixed(p, 1) +
           "</text><line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + y(p) + "\" x2=\"" +
           std::to_string(kWidth - kRight) + "\" y2=\"" + y(p) + "\" stroke=\"#eef0f3\"/>";
  }
  int shown = 0;
  for (int other = 0; other < static_cast<int>(scenario.parties.size()); ++other) {
    if (other == party) continue;
    const std::string& other_id = scenario.parties[other].id;
    const std::string colour = bilateral ? "#1f5fa8" : counterpart_colour(shown);
    const std::string truth_colour = bilateral ? "#2f7d32" : colour;
    if (!bilateral) {
      svg += "<text class=\"belief-legend\" x=\"" + std::to_string(kLeft + 115 * (shown % 3)) +
             "\" y=\"" + std::to_string(kTop + 9 + 12 * (shown / 3)) +
             "\" font-size=\"10\" fill=\"" + colour + "\">&#9632; " +
             escape(scenario::party_name(other_id)) + "</text>";
    }
    ++shown;
    // The truth: the other intends this party harm, or is striking back in kind or at war
    // against it (as the misperception metric counts it).
    bool intends = scenario.parties[other].stance_toward(party).intends_harm;
    bool fighting = false;
    bool truth = intends;
    std::string path = "M" + fixed(f.x(0), 1) + "," + y(truth ? 1 : 0);
    for (const auto& r : records) {
      if (r.kind == "intent" && scenario::text_of(r, "party") == other_id &&
          (!r.find("toward") || scenario::text_of(r, "toward") == id)) {
        intends = scenario::flag_field(r, "intends_harm");
      } else if (r.kind == "rung" && r.party == other_id) {
        const auto rung = model::parse_rung(scenario::text_of(r, "rung"));
        const bool at_us = bilateral || !r.find("against") || scenario::text_of(r, "against") == id;
        fighting =
            rung && at_us &&
            (*rung == model::Rung::kCyberRetaliation || *rung == model::Rung::kArmedConflict);
      } else {
        continue;
      }
      if ((intends || fighting) != truth) {
        truth = intends || fighting;
        path += " H" + fixed(f.x(r.at), 1) + " V" + y(truth ? 1 : 0);
      }
    }
    path += " H" + fixed(f.x(scenario.duration), 1);
    svg += "<path class=\"truth-line\" data-about=\"" + escape(other_id) + "\" d=\"" + path +
           "\" fill=\"none\" stroke=\"" + truth_colour + "\" stroke-width=\"" +
           (bilateral ? "2" : "1.2") + "\" stroke-dasharray=\"6 4\"/>";
    // A long run holds tens of thousands of beliefs: per pixel column, only its lowest and
    // highest are drawn, so the page stays small and the line looks the same.
    const double prior = scenario.parties[party].stance_toward(other).prior_hostility;
    std::string points = fixed(f.x(0), 1) + "," + y(prior);
    long column = -1;
    double low = 0;
    double high = 0;
    auto flush = [&] {
      if (column < 0) return;
      points += " " + std::to_string(column) + "," + y(low);
      if (high != low) points += " " + std::to_string(column) + "," + y(high);
    };
    for (const auto& r : records) {
      if (r.party != id || !r.find("belief")) continue;
      if (belief_about(r, bilateral ? other_id : "") != other_id) continue;
      const double belief = scenario::number_field(r, "belief");
      const long x = std::lround(f.x(r.at));
      if (x != column) {
        flush();
        column = x;
        low = high = belief;
      } else {
        low = std::min(low, belief);
        high = std::max(high, belief);
      }
    }
    flush();
    // A belief nothing moved stays at its prior all run long.
    if (column < 0) points += " " + fixed(f.x(scenario.duration), 1) + "," + y(prior);
    svg += "<polyline class=\"belief-line\" data-about=\"" + escape(other_id) + "\" points=\"" +
           points + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"/>";
  }
  svg += time_axis(f, scenario) + "</svg>";
  return svg;
}

}  // namespace hotline::report
