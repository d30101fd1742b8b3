#include "report/climb_reasons.h"

#include <map>

#include "report/html.h"
#include "scenario/record_sentence.h"
#include "scenario/scenario_loader.h"

namespace hotline::report {
namespace {

using scenario::number_field;
using scenario::party_name;
using scenario::text_of;

// What set a side deliberating: the input it had just taken, in words.
std::string trigger(const model::Record& r, const std::map<std::string, std::string>& sponsors) {
  const std::string incident = text_of(r, "incident");
  if (r.kind == "observe") {
    const std::string at = text_of(r, "points_at");
    std::string s = incident + " seen pointing " + scenario::pointing(r) + " with confidence " +
                    fixed(number_field(r, "confidence"));
    // The misreading a class should see: the evidence named a side that did not do it.
    const auto sponsor = sponsors.find(incident);
    if (at != "elsewhere" && sponsor != sponsors.end() && sponsor->second != at) {
      s += " (in truth " +
           (sponsor->second == "none" ? std::string("no state's act")
                                      : "an act of " + party_name(sponsor->second)) +
           ")";
    }
    return s;
  }
  if (r.kind == "belief") return "the " + text_of(r, "after") + " it received";
  if (r.kind == "silence") {
    return r.find("link") ? std::string("no link test heard on the hotline")
                          : "no answer about " + incident + " by the deadline";
  }
  if (r.kind == "see_move") return "the other side's move to " + text_of(r, "rung");
  if (r.kind == "betrayal") return "finding that the denial of " + incident + " was false";
  if (r.kind == "warned") return "a warning";
  if (r.kind == "leak") return "the hotline's contents in the press";
  if (r.kind == "revise") return incident + " found to point elsewhere";
  if (r.kind == "assessment") {
    return party_name(text_of(r, "from")) + "'s assessment of " + incident + ": pointing " +
           scenario::pointing(r);
  }
  return "";
}

bool is_input(const std::string& kind) {
  return kind == "observe" || kind == "belief" || kind == "silence" || kind == "see_move" ||
         kind == "betrayal" || kind == "warned" || kind == "leak" || kind == "revise" ||
         kind == "assessment";
}

}  // namespace

std::vector<ClimbReason> explain_climbs(const std::vector<model::Record>& records,
                                        const model::Scenario& scenario) {
  const scenario::StartTime start = scenario::start_of(scenario);
  std::map<std::string, std::string> sponsors;  // incident -> its real sponsor ("none")
  // Per party: the input that started the current deliberation, and its questions still open.
  struct Open {
    std::string about;
    model::SimTime sent = 0;
  };
  struct PartyState {
    std::string last_input;
    model::SimTime last_input_at = -1;
    std::string deliberation_trigger;
    std::map<long long, Open> inquiries;  // message id -> what it asked
  };
  std::map<std::string, PartyState> parties;
  std::map<long long, std::string> inquiry_about;  // message id -> incident asked about
  std::vector<ClimbReason> reasons;
  for (const model::Record& r : records) {
    if (r.kind == "incident") {
      sponsors[text_of(r, "incident")] = text_of(r, "sponsor");
      continue;
    }
    if (r.party.empty()) continue;
    PartyState& me = parties[r.party];
    if (is_input(r.kind)) {
      const std::string said = trigger(r, sponsors);
      if (!said.empty()) {
        me.last_input = said;
        me.last_input_at = r.at;
      }
    } else if (r.kind == "send" && text_of(r, "what") == "inquiry") {
      const long long id = static_cast<long long>(number_field(r, "message", -1));
      me.inquiries[id] = {text_of(r, "incident"), r.at};
    } else if (r.kind == "deliver" && text_of(r, "what") == "reply") {
      // A reply closes the question about its incident.
      const std::string about = text_of(r, "incident");
      for (auto it = me.inquiries.begin(); it != me.inquiries.end();) {
        it = it->second.about == about ? me.inquiries.erase(it) : std::next(it);
      }
    } else if (r.kind == "silence" && r.find("incident")) {
      const std::string about = text_of(r, "incident");
      for (auto it = me.inquiries.begin(); it != me.inquiries.end();) {
        it = it->second.about == about ? me.inquiries.erase(it) : std::next(it);
      }
    } else if (r.kind == "deliberate") {
      me.deliberation_trigger = me.last_input_at == r.at ? me.last_input : "";
    } else if (r.kind == "rung" && text_of(r, "direction") == "climb") {
      ClimbReason reason;
      reason.at = r.at;
      reason.party = r.party;
      reason.rung = text_of(r, "rung");
      std::string why = me.deliberation_trigger.empty() && me.last_input_at == r.at
                            ? me.last_input
                            : me.deliberation_trigger;
      std::string s = scenario::format_time(r.at, start, true) + " " + party_name(r.party) +
                      " climbs to " + reason.rung + ": ";
      if (!why.empty()) s += why + "; ";
      if (r.find("declared")) {
        // Not pressure but the side's own act put it there (a warning is a demarche).
        reason.sentence = s + "it " + text_of(r, "declared");
        reasons.push_back(std::move(reason));
        continue;
      }
      const double pressure = number_field(r, "pressure");
      const double threshold = number_field(r, "threshold");
      s += "belief " + fixed(number_field(r, "belief")) + " x grievance " +
           fixed(number_field(r, "grievance")) + " gives pressure " + fixed(pressure);
      if (scenario::flag_field(r, "plan")) {
        s += ", below its threshold " + fixed(threshold) +
             ": it acts on its plan, the grievance its pretext";
      } else {
        s += " >= " + fixed(threshold);
      }
      for (const auto& [id, open] : me.inquiries) {
        s += "; the inquiry about " + open.about + " sent at " +
             scenario::format_time(open.sent, start, true) + " had no answer yet";
      }
      reason.sentence = s;
      reasons.push_back(std::move(reason));
      me.deliberation_trigger.clear();
    }
  }
  return reasons;
}

}  // namespace hotline::report
