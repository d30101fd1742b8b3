#pragma once
// A scenario as the model runs it: parties by index, times in SimTime, references resolved.
// The scenario loader builds it from a text file; the model never reads files.

#include <array>
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

// What one party holds toward another at the start: its belief that the other means it harm,
// how far it believes what the other says, and whether it means the other harm itself.
struct Stance {
  double prior_hostility = 0.3;
  bool intends_harm = false;
  double trust = 0.5;
};

struct PartySpec {
  std::string id;
  // Toward every other party, unless `toward` says otherwise.
  double prior_hostility = 0.3;
  bool intends_harm = false;
  double trust = 0.5;
  // [party]: this party's stance toward each other party (its own entry unused). Empty: the
  // defaults above toward everyone.
  std::vector<Stance> toward;
  std::vector<int> allies;  // the parties it defends: an attack on one is a grievance of its own
  Doctrine doctrine;
  Perception perception;

  Stance stance_toward(int party) const {
    if (party >= 0 && party < static_cast<int>(toward.size())) return toward[party];
    return {prior_hostility, intends_harm, trust};
  }
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
  int to = 1;
  int via = kNoParty;  // a party that carries it over its lines to both (a mediator)
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
  int by = 0;  // the leak reaches every other party
  double chance = 1.0;
  double cost = 0.6;
};

struct IntentSpec {
  int party = 0;
  int toward = kNoParty;  // kNoParty: every other party
  bool intends_harm = false;
  std::optional<Rung> aim;  // the plan's new aim; none: unchanged
};

struct TimelineEvent {
  enum class Kind { kIncident, kObservation, kMessage, kIntent, kPressLeak };
  SimTime at = 0;
  Kind kind = Kind::kIncident;
  int index = 0;  // into the matching vector of Scenario
};

// A hotline between two parties; a pair with none (or with one disabled) talks only by the slow
// routes (a message's `outside_hotline_delay`).
struct HotlineSpec {
  std::array<int, 2> between = {0, 1};
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
  std::vector<HotlineSpec> hotlines{HotlineSpec{}};
  WorkingGroupSpec working_group;
  std::vector<IncidentSpec> incidents;
  std::vector<ObservationSpec> observations;
  std::vector<MessageSpec> messages;
  std::vector<IntentSpec> intents;
  std::vector<PressLeakSpec> press_leaks;
  std::vector<TimelineEvent> timeline;  // in time order

  int party_count() const { return static_cast<int>(parties.size()); }
  // The line between `a` and `b` (either way round), or -1.
  int line_between(int a, int b) const {
    for (std::size_t i = 0; i < hotlines.size(); ++i) {
      const auto& ends = hotlines[i].between;
      if ((ends[0] == a && ends[1] == b) || (ends[0] == b && ends[1] == a))
        return static_cast<int>(i);
    }
    return -1;
  }
  // Whether `a` and `b` can talk over a hotline: one joins them and it is on.
  bool hotline_between(int a, int b) const {
    const int line = line_between(a, b);
    return line >= 0 && hotlines[line].enabled;
  }
  // A bilateral scenario's only hotline (every scenario has one entry per declared line; a
  // bilateral one always has exactly one, enabled or not).
  const HotlineSpec& hotline() const { return hotlines.front(); }
  HotlineSpec& hotline() { return hotlines.front(); }
};

}  // namespace hotline::model
