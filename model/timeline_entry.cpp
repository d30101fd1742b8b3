#include "model/timeline_entry.h"

namespace hotline::model {

std::string describe_timeline_entry(const Scenario& scenario, int index) {
  const TimelineEvent& entry = scenario.timeline.at(index);
  switch (entry.kind) {
    case TimelineEvent::Kind::kIncident:
      return "incident " + scenario.incidents[entry.index].id;
    case TimelineEvent::Kind::kObservation: {
      const ObservationSpec& spec = scenario.observations[entry.index];
      return scenario.parties[spec.by].id + " observes " + scenario.incidents[spec.incident].id;
    }
    case TimelineEvent::Kind::kMessage: {
      const MessageSpec& spec = scenario.messages[entry.index];
      std::string text = spec.text.size() > 60 ? spec.text.substr(0, 57) + "..." : spec.text;
      return scenario.parties[spec.from].id + "'s message \"" + text + "\"";
    }
    case TimelineEvent::Kind::kIntent: {
      const IntentSpec& spec = scenario.intents[entry.index];
      return scenario.parties[spec.party].id +
             (spec.intends_harm ? " comes to intend harm" : " gives up intending harm");
    }
    case TimelineEvent::Kind::kPressLeak:
      return "press leak by " + scenario.parties[scenario.press_leaks[entry.index].by].id;
  }
  return "timeline entry " + std::to_string(index);
}

}  // namespace hotline::model
