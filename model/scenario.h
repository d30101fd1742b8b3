#pragma once
// A scenario as the model runs it: parties by index, times in SimTime, references resolved.
// The scenario loader builds it from a text file; the model never reads files.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/channel.h"
#include "model/doctrine.h"
#include "model/time.h"

namespace hotline::model {

constexpr int kNoParty = -1;

enum class StateRole { kNone, kTolerated, kDirected, kAccidental };
enum class MessageKind { kNotification, kReassurance, kWarning, kRequest, kRefusal, kOffer };

struct PartySpec {
  std::string id;
  double prior_hostility = 0.3;
  bool intends_harm = false;
  double trust = 0.5;
  Doctrine doctrine;
  Perception perception;
};

struct IncidentSpec {
  std::string id;
  std::string kind;
  std::string target;
  std::string actor;
  int sponsor = kNoParty;
  StateRole role = StateRole::kNone;
  int victim = kNoParty;
  double severity = 0.3;
  double success = 1.0;
  // Recurring accidents: at every `every` until `until`, with probability `chance`.
  SimTime every = 0;
  SimTime until = 0;
  double chance = 1.0;
  // It threatens rather than harms (a rocket on the radar): it costs its victim nothing, and is
  // feared as its severity while it is believed.
  bool threat_only = false;
  // Its sponsor regards it as routine (an exercise): an alert answering it is understood.
  bool routine = false;
};

struct ObservationSpec {
  int by = 0;
  int incident = 0;
  int apparent_origin = kNoParty;
  double confidence = 0.5;
};

struct MessageSpec {
  int from = 0;
  MessageKind kind = MessageKind::kNotification;
  std::string text;
  int about = -1;  // incident index
  bool reaches_desk = true;
  double offence = 0;
  std::optional<SimTime> outside_hotline_delay;
  // A warning's bright line (the target it protects; empty: none) and stated consequence.
  std::string line;
  std::optional<Rung> consequence;
};

// The hotline's contents reach the press from `by`'s side.
struct PressLeakSpec {
  int by = 0;
  double chance = 1.0;
  double cost = 0.6;
};

struct IntentSpec {
  int party = 0;
  bool intends_harm = false;
};

struct TimelineEvent {
  enum class Kind { kIncident, kObservation, kMessage, kIntent, kPressLeak };
  SimTime at = 0;
  Kind kind = Kind::kIncident;
  int index = 0;  // into the matching vector of Scenario
};

struct HotlineSpec {
  bool enabled = false;
  std::vector<CircuitFaults> circuits;
  SimTime link_test_every = 0;
  SimTime failover_after = 3 * kHour;
  SimTime retransmit_after = 10 * kMinute;
};

struct WorkingGroupSpec {
  double evasion_gain = 0;
  std::vector<SimTime> meetings;
};

struct Scenario {
  std::string name;
  std::string title;
  std::int64_t start_unix_seconds = 0;
  int start_utc_offset_minutes = 0;
  SimTime duration = 30 * kDay;
  SimTime review_every = 6 * kHour;
  std::vector<PartySpec> parties;
  HotlineSpec hotline;
  WorkingGroupSpec working_group;
  std::vector<IncidentSpec> incidents;
  std::vector<ObservationSpec> observations;
  std::vector<MessageSpec> messages;
  std::vector<IntentSpec> intents;
  std::vector<PressLeakSpec> press_leaks;
  std::vector<TimelineEvent> timeline;  // in time order
};

}  // namespace hotline::model
