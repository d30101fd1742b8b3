// The timeline (incidents, observations, messages, intents, press leaks) and the expectations.
#include "scenario/scenario_compiler.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "common/duration.h"
#include "model/outcomes.h"
#include "scenario/expectations.h"

namespace hotline::scenario::detail {

model::Window Compiler::window(const spec::Window& in, const Where& where) {
  model::Window out;
  out.from = time<spec::Window>(where, "from", in.from(), 0);
  out.until = time<spec::Window>(where, "until", in.until(), out.from);
  if (out.until <= out.from)
    error<spec::Window>(where, "until", -1, "an outage must end after it starts");
  return out;
}

void Compiler::events() {
  model::SimTime previous = 0;
  std::map<std::string, int> incident_ids;
  // A notice may announce what happens later; everything else refers back.
  int upcoming = 0;
  for (const auto& e : spec_.event()) {
    if (e.has_incident() && !e.incident().id().empty()) {
      future_incidents_.emplace(e.incident().id(), upcoming);
    }
    upcoming += e.has_incident() ? 1 : 0;
  }
  for (int i = 0; i < spec_.event_size(); ++i) {
    const spec::Event& e = spec_.event(i);
    const Where where = root_.nested(spec::Scenario::descriptor(), "event", i);
    const model::SimTime at = time<spec::Event>(where, "at", e.at(), previous);
    if (at < previous) {
      error<spec::Event>(where, "at", -1,
                         "event out of order: \"" + e.at() + "\" is before the event above it (" +
                             format_time(previous, start_, true) + ")");
    }
    previous = std::max(previous, at);
    model::TimelineEvent event;
    event.at = at;
    switch (e.what_case()) {
      case spec::Event::kIncident:
        event.kind = model::TimelineEvent::Kind::kIncident;
        event.index = incident(
            e.incident(), where.nested(spec::Event::descriptor(), "incident", -1), incident_ids);
        break;
      case spec::Event::kObserve:
        event.kind = model::TimelineEvent::Kind::kObservation;
        event.index = observation(
            e.observe(), where.nested(spec::Event::descriptor(), "observe", -1), incident_ids);
        break;
      case spec::Event::kMessage:
        event.kind = model::TimelineEvent::Kind::kMessage;
        event.index = message(e.message(), where.nested(spec::Event::descriptor(), "message", -1),
                              incident_ids);
        break;
      case spec::Event::kIntent: {
        event.kind = model::TimelineEvent::Kind::kIntent;
        const Where w = where.nested(spec::Event::descriptor(), "intent", -1);
        model::IntentSpec intent;
        intent.party = std::max(0, known_party<spec::Intent>(w, "party", e.intent().party()));
        intent.intends_harm = e.intent().intends_harm();
        if (!e.intent().toward().empty())
          intent.toward = counterpart<spec::Intent>(w, "toward", e.intent().toward(), intent.party);
        if (!e.intent().aim().empty()) {
          // Left out, intends_harm would read as false and end the hostility with the plan.
          if (!e.intent().has_intends_harm())
            error<spec::Intent>(w, "aim", -1,
                                "an intent with an aim says whether the side still intends harm "
                                "(intends_harm: true or false)");
          intent.aim = known_rung<spec::Intent>(w, "aim", e.intent().aim(), -1);
          const auto& doctrine = scenario_.parties[intent.party].doctrine;
          if (intent.aim && !doctrine.can_take[static_cast<int>(*intent.aim)])
            error<spec::Intent>(w, "aim", -1, "the aim must be one of the side's rungs");
        }
        scenario_.intents.push_back(intent);
        event.index = static_cast<int>(scenario_.intents.size()) - 1;
        break;
      }
      case spec::Event::kPressLeak: {
        event.kind = model::TimelineEvent::Kind::kPressLeak;
        const Where w = where.nested(spec::Event::descriptor(), "press_leak", -1);
        model::PressLeakSpec leak;
        leak.by = std::max(0, known_party<spec::PressLeak>(w, "by", e.press_leak().by()));
        if (e.press_leak().has_chance()) {
          probability<spec::PressLeak>(w, "chance", e.press_leak().chance());
          leak.chance = e.press_leak().chance();
        }
        if (e.press_leak().has_cost()) {
          probability<spec::PressLeak>(w, "cost", e.press_leak().cost());
          leak.cost = e.press_leak().cost();
        }
        scenario_.press_leaks.push_back(leak);
        event.index = static_cast<int>(scenario_.press_leaks.size()) - 1;
        break;
      }
      default:
        error<spec::Event>(where, "at", -1,
                           "an event needs one of incident, observe, message, intent or "
                           "press_leak");
        continue;
    }
    scenario_.timeline.push_back(event);
  }
  last_event_ = previous;
}

int Compiler::incident(const spec::Incident& in, const Where& where,
                       std::map<std::string, int>& ids) {
  model::IncidentSpec out;
  out.id = in.id();
  if (in.id().empty()) error<spec::Incident>(where, "id", -1, "an incident needs an id");
  if (ids.count(in.id()))
    error<spec::Incident>(where, "id", -1, "incident \"" + in.id() + "\" is defined twice");
  out.kind = in.kind();
  out.target = in.target();
  out.actor = in.actor();
  if (!in.sponsor().empty())
    out.sponsor = known_party<spec::Incident>(where, "sponsor", in.sponsor());
  if (!in.victim().empty()) out.victim = known_party<spec::Incident>(where, "victim", in.victim());
  if (out.victim != model::kNoParty && out.victim == out.sponsor) {
    error<spec::Incident>(where, "victim", -1,
                          "an incident's victim is another party than its sponsor (an accident "
                          "to one's own networks is no incident between parties)");
  }
  switch (in.state_role()) {
    case spec::NONE:
      out.role = model::StateRole::kNone;
      break;
    case spec::TOLERATED:
      out.role = model::StateRole::kTolerated;
      break;
    case spec::DIRECTED:
      out.role = model::StateRole::kDirected;
      break;
    case spec::ACCIDENTAL:
      out.role = model::StateRole::kAccidental;
      break;
    default:
      if (!in.sponsor().empty()) {
        error<spec::Incident>(
            where, "sponsor", -1,
            "an incident with a sponsor needs state_role: TOLERATED, DIRECTED or ACCIDENTAL");
      }
      break;
  }
  if (in.sponsor().empty() && out.role != model::StateRole::kNone) {
    error<spec::Incident>(where, "state_role", -1,
                          "state_role needs a sponsor: the party whose state it is");
  }
  probability<spec::Incident>(where, "severity", in.severity());
  out.severity = in.severity();
  if (in.has_success()) {
    probability<spec::Incident>(where, "success", in.success());
    out.success = in.success();
  }
  out.threat_only = in.threat_only();
  out.routine = in.routine();
  if (out.routine && !out.threat_only) {
    error<spec::Incident>(where, "routine", -1,
                          "routine applies to a threat (threat_only: true): an act that does "
                          "harm is not routine to its victim");
  }
  out.every = duration<spec::Incident>(where, "every", in.every(), 0);
  if (out.every > 0) {
    out.until = in.until().empty() ? std::numeric_limits<model::SimTime>::max()
                                   : time<spec::Incident>(where, "until", in.until(), 0);
    if (in.has_chance()) {
      probability<spec::Incident>(where, "chance", in.chance());
      out.chance = in.chance();
    }
  } else if (!in.until().empty() || in.has_chance()) {
    error<spec::Incident>(where, in.until().empty() ? "chance" : "until", -1,
                          "until and chance need every");
  }
  scenario_.incidents.push_back(out);
  const int index = static_cast<int>(scenario_.incidents.size()) - 1;
  ids[in.id()] = index;
  return index;
}

int Compiler::observation(const spec::Observation& in, const Where& where,
                          const std::map<std::string, int>& ids) {
  model::ObservationSpec out;
  out.by = std::max(0, known_party<spec::Observation>(where, "by", in.by()));
  out.incident =
      std::max(0, known_incident<spec::Observation>(where, "incident", in.incident(), ids));
  out.apparent_origin = party_index(in.apparent_origin());
  probability<spec::Observation>(where, "confidence", in.confidence());
  out.confidence = in.confidence();
  scenario_.observations.push_back(out);
  return static_cast<int>(scenario_.observations.size()) - 1;
}

int Compiler::message(const spec::ScriptedMessage& in, const Where& where,
                      const std::map<std::string, int>& ids) {
  model::MessageSpec out;
  out.from = std::max(0, known_party<spec::ScriptedMessage>(where, "from", in.from()));
  out.to = counterpart<spec::ScriptedMessage>(where, "to", in.to(), out.from);
  if (out.to == model::kNoParty) out.to = out.from == 0 ? 1 : 0;  // reported; compiling goes on
  if (!in.via().empty()) {
    out.via = known_party<spec::ScriptedMessage>(where, "via", in.via());
    if (out.via == out.from || out.via == out.to) {
      error<spec::ScriptedMessage>(where, "via", -1,
                                   "via names a party other than the sender and the addressee");
      out.via = model::kNoParty;
    }
    if (!in.outside_hotline_delay().empty()) {
      error<spec::ScriptedMessage>(where, "via", -1,
                                   "a carried message goes over hotlines: leave out "
                                   "outside_hotline_delay");
    }
  }
  switch (in.kind()) {
    case spec::NOTIFICATION:
      out.kind = model::MessageKind::kNotification;
      break;
    case spec::REASSURANCE:
      out.kind = model::MessageKind::kReassurance;
      break;
    case spec::WARNING:
      out.kind = model::MessageKind::kWarning;
      break;
    case spec::REQUEST:
      out.kind = model::MessageKind::kRequest;
      break;
    case spec::REFUSAL:
      out.kind = model::MessageKind::kRefusal;
      break;
    case spec::OFFER:
      out.kind = model::MessageKind::kOffer;
      break;
    default:
      error<spec::ScriptedMessage>(
          where, "kind", -1,
          "a message needs kind: NOTIFICATION, REASSURANCE, WARNING, REQUEST, REFUSAL or OFFER");
  }
  out.text = in.text();
  if (!in.about().empty()) {
    const auto ahead = future_incidents_.find(in.about());
    out.about = ahead != future_incidents_.end()
                    ? ahead->second
                    : known_incident<spec::ScriptedMessage>(where, "about", in.about(), ids);
  }
  out.reaches_desk = !in.has_reaches_desk() || in.reaches_desk();
  probability<spec::ScriptedMessage>(where, "offence", in.offence());
  out.offence = in.offence();
  if (!in.outside_hotline_delay().empty()) {
    out.outside_hotline_delay = duration<spec::ScriptedMessage>(where, "outside_hotline_delay",
                                                                in.outside_hotline_delay(), 0);
  }
  if ((!in.line().empty() || !in.consequence().empty()) &&
      out.kind != model::MessageKind::kWarning) {
    error<spec::ScriptedMessage>(where, in.line().empty() ? "consequence" : "line", -1,
                                 "a line and a consequence belong to a WARNING");
  }
  out.line = in.line();
  if (!in.consequence().empty()) {
    out.consequence = known_rung<spec::ScriptedMessage>(where, "consequence", in.consequence(), -1);
  }
  scenario_.messages.push_back(out);
  return static_cast<int>(scenario_.messages.size()) - 1;
}

void Compiler::expectations() {
  std::vector<std::string> ids;
  for (const auto& party : scenario_.parties) ids.push_back(party.id);
  for (int i = 0; i < spec_.expect_size(); ++i) {
    const spec::Expect& e = spec_.expect(i);
    const Where where = root_.nested(spec::Scenario::descriptor(), "expect", i);
    try {
      model::Metric::parse(e.metric(), ids);
    } catch (const std::exception& ex) {
      error<spec::Expect>(where, "metric", -1, ex.what());
    }
    const int criteria =
        e.has_lower_by_at_least() + e.has_higher_by_at_least() + e.has_at_most() + e.has_at_least();
    if (criteria == 0) {
      error<spec::Expect>(
          where, "metric", -1,
          "an expectation needs lower_by_at_least, higher_by_at_least, at_most or at_least");
    }
    const bool comparing = e.has_lower_by_at_least() || e.has_higher_by_at_least();
    if ((e.has_lower_by_at_least() && e.lower_by_at_least() <= 0) ||
        (e.has_higher_by_at_least() && e.higher_by_at_least() <= 0)) {
      error<spec::Expect>(
          where, e.has_lower_by_at_least() ? "lower_by_at_least" : "higher_by_at_least", -1,
          "a difference the two variants pass when they are the same cannot "
          "fail; give a positive amount");
    }
    if (e.history() && (!e.compare().empty() || e.with_size() > 0)) {
      const bool with = e.compare().empty();
      error<spec::Expect>(where, with ? "with" : "compare", with ? 0 : -1,
                          "a history expectation runs the case as it happened: no with or "
                          "compare (set the file's own values to what happened)");
    }
    if (comparing && e.compare().empty()) {
      error<spec::Expect>(where,
                          e.has_lower_by_at_least() ? "lower_by_at_least" : "higher_by_at_least",
                          -1, "lower_by_at_least and higher_by_at_least need compare: \"A vs B\"");
    }
    auto check_settings = [&](const char* field, const std::vector<Setting>& settings, int index) {
      spec::Scenario copy = spec_;
      try {
        apply_settings(copy, settings);
      } catch (const std::exception& ex) {
        error<spec::Expect>(where, field, index, ex.what());
      }
    };
    for (int k = 0; k < e.holds_for_size(); ++k) {
      try {
        const SettingRange range = parse_setting_range(e.holds_for(k));
        check_settings("holds_for", {{range.key, std::to_string(range.low)}}, k);
      } catch (const std::exception& ex) {
        error<spec::Expect>(where, "holds_for", k, ex.what());
      }
    }
    for (int k = 0; k < e.with_size(); ++k) {
      try {
        check_settings("with", {parse_setting(e.with(k))}, k);
      } catch (const std::exception& ex) {
        error<spec::Expect>(where, "with", k, ex.what());
      }
    }
    if (!e.compare().empty()) {
      try {
        const auto [a, b] = parse_comparison(e.compare());
        check_settings("compare", a, -1);
        check_settings("compare", b, -1);
      } catch (const std::exception& ex) {
        error<spec::Expect>(where, "compare", -1, ex.what());
      }
    }
  }
}

std::pair<std::vector<Setting>, std::vector<Setting>> Compiler::parse_comparison(
    const std::string& text) {
  const auto vs = text.find(" vs ");
  if (vs == std::string::npos)
    throw std::invalid_argument("compare: expected \"A vs B\", e.g. \"hotline=on vs hotline=off\"");
  auto side = [](std::string part) {
    std::vector<Setting> settings;
    std::size_t start = 0;
    while (start < part.size()) {
      const auto space = part.find(' ', start);
      const std::string word =
          part.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!word.empty()) settings.push_back(parse_setting(word));
      if (space == std::string::npos) break;
      start = space + 1;
    }
    return settings;
  };
  return {side(text.substr(0, vs)), side(text.substr(vs + 4))};
}
}  // namespace hotline::scenario::detail
