#include "model/simulation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "model/constants.h"
#include "model/outcome_tracker.h"
#include "model/scheduler.h"
#include "model/side_host.h"
#include "model/sim_event.h"
#include "model/simulated_link.h"
#include "model/timeline_entry.h"

namespace hotline::model {
namespace {

using namespace constants;

// The teleprinter's load of a model message and of a link test, in words.
constexpr auto kExchangeWords = static_cast<std::size_t>(kWordsPerExchange);
constexpr auto kLinkTestWords = static_cast<std::size_t>(kWordsPerLinkTest);

std::size_t count_words(const std::string& text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return std::max<std::size_t>(words, 1);
}

double shared_amount(Sharing share) {
  switch (share) {
    case Sharing::kSignatures:
      return kSignaturesShared;
    case Sharing::kStrategy:
      return kStrategyShared;
    case Sharing::kNothing:
      return 0;
  }
  return 0;
}

class Simulation {
 public:
  Simulation(const Scenario& scenario, std::uint64_t seed, RecordSink* sink,
             std::vector<SideHost*> sides, std::function<void(SimTime)> pace,
             std::function<std::vector<Inject>()> injects)
      : scenario_(scenario),
        sink_(sink),
        world_rng_(RunSeeds::world(seed)),
        incidents_(scenario.incidents),
        incident_damage_(scenario.incidents.size(), 0.0),
        link_(scenario, seed, scheduler_, outcomes_, sink),
        sides_(std::move(sides)),
        pace_(std::move(pace)),
        injects_(std::move(injects)),
        tracker_(scenario, outcomes_, sides_, truth_) {
    const int parties = scenario.party_count();
    truth_.assign(parties, std::vector<char>(parties, false));
    for (int i = 0; i < parties; ++i) {
      for (int j = 0; j < parties; ++j)
        truth_[i][j] = i != j && scenario.parties[i].stance_toward(j).intends_harm;
    }
    evasion_.assign(parties, std::vector<double>(parties, 0));
    acted_against_.assign(parties, std::vector<char>(parties, false));
    threatened_.assign(parties, std::vector<char>(parties, false));
    refrain_targets_.resize(parties);
    refrain_victims_.resize(parties);
    for (const TimelineEvent& event : scenario.timeline) {
      if (event.kind == TimelineEvent::Kind::kIncident) incident_at_[event.index] = event.at;
    }
  }

  Outcomes run(const std::vector<SimTime>& pace_also_at = {}) {
    for (std::size_t i = 0; i < scenario_.timeline.size(); ++i) {
      scheduler_.schedule(scenario_.timeline[i].at,
                          {SimEvent::Type::kTimeline, static_cast<int>(i), 0});
    }
    for (std::size_t i = 0; i < scenario_.working_group.meetings.size(); ++i) {
      scheduler_.schedule(scenario_.working_group.meetings[i],
                          {SimEvent::Type::kMeeting, static_cast<int>(i), 0});
    }
    if (scenario_.review_every > 0)
      scheduler_.schedule(scenario_.review_every, {SimEvent::Type::kTick, 0, 0});
    for (std::size_t line = 0; line < scenario_.hotlines.size(); ++line) {
      const HotlineSpec& spec = scenario_.hotlines[line];
      if (spec.enabled && spec.link_test_every > 0) {
        scheduler_.schedule(spec.link_test_every,
                            {SimEvent::Type::kLinkTest, static_cast<int>(line), 0});
      }
    }
    for (const SimTime at : pace_also_at) {
      if (at >= 0 && at < scenario_.duration)
        scheduler_.schedule(at, {SimEvent::Type::kPace, 0, 0});
    }
    scheduler_.schedule(scenario_.duration, {SimEvent::Type::kEnd, 0, 0});
    while (!scheduler_.empty()) {
      const SimEvent event = scheduler_.pop();
      if (event.type != SimEvent::Type::kPace) ++outcomes_.events;
      const SimTime now = scheduler_.now();
      // Before anything happens at `now`: the tracker dates what changed since its last call
      // to that call's time.
      tracker_.track(now);
      if (pace_) {
        pace_(now);
        take_decisions(now);
        take_injects(now);
      }
      if (event.type == SimEvent::Type::kEnd) break;
      dispatch(now, event);
      if (pace_) {
        pace_(now);
        take_decisions(now);
        take_injects(now);
      }
    }
    tracker_.finish(scenario_.duration, sink_);
    return outcomes_;
  }

 private:
  void review(SimTime now, int party) {
    Actions actions;
    sides_[party]->review(now, actions);
    apply(now, party, actions);
  }

  void emit(Record record) {
    if (sink_) sink_->record(std::move(record));
  }
  Record world(SimTime now, const char* kind) const {
    Record r;
    r.at = now;
    r.kind = kind;
    return r;
  }

  void take_decisions(SimTime now) {
    for (int i = 0; i < static_cast<int>(sides_.size()); ++i) {
      if (sides_[i]->has_decisions()) review(now, i);
    }
  }

  void take_injects(SimTime now) {
    if (!injects_) return;
    for (const Inject& inject : injects_()) {
      if (inject.timeline_entry < 0) {
        outage(now, inject.line, inject.circuit, inject.outage);
        continue;
      }
      if (inject.timeline_entry >= static_cast<int>(scenario_.timeline.size())) continue;
      const TimelineEvent& entry = scenario_.timeline[inject.timeline_entry];
      emit(world(now, "inject")
               .with("what", describe_timeline_entry(scenario_, inject.timeline_entry)));
      timeline(now, entry);
      // An incident comes with what each party was to observe of it, now.
      if (entry.kind != TimelineEvent::Kind::kIncident) continue;
      for (const TimelineEvent& other : scenario_.timeline) {
        if (other.kind == TimelineEvent::Kind::kObservation &&
            scenario_.observations[other.index].incident == entry.index) {
          timeline(now, other);
        }
      }
    }
  }

  void outage(SimTime now, int line, int circuit, SimTime length) {
    if (line < 0 || line >= static_cast<int>(scenario_.hotlines.size())) return;
    const HotlineSpec& spec = scenario_.hotlines[line];
    const auto& circuits = spec.circuits;
    if (!spec.enabled || circuit < 0 || circuit >= static_cast<int>(circuits.size()) ||
        length <= 0) {
      return;
    }
    const Window window{now, now + length};
    link_.add_outage(line, circuit, window);
    for (const int end : spec.between) sides_[end]->circuit_outage(now, line, circuit, window);
    emit(world(now, "inject")
             .with("what", "circuit " + circuits[circuit].name + " down for " +
                               std::to_string(length / kMinute) + " min"));
  }

  void dispatch(SimTime now, const SimEvent& event) {
    switch (event.type) {
      case SimEvent::Type::kTimeline:
        timeline(now, scenario_.timeline[event.a]);
        break;
      case SimEvent::Type::kObserve:
        observe(now, event.a, pending_observations_[event.b]);
        break;
      case SimEvent::Type::kSend: {
        const OutgoingExchange& pending = pending_sends_[event.b];
        send_or_carry(now, event.a, pending);
        break;
      }
      case SimEvent::Type::kCarry: {
        const Carried& carried = carried_[event.b];
        Exchange exchange = carried.exchange;
        exchange.via = event.a;
        const int id = send(now, event.a, carried.to, exchange, kNoParty, carried.author);
        if (id >= 0) link_.message(id).garbled_on_the_way = carried.garbled;
        break;
      }
      case SimEvent::Type::kArrive:
        for (const auto& [id, garbled] : link_.arrive(event.a, event.b != 0))
          deliver(now, id, garbled);
        break;
      case SimEvent::Type::kRetransmit: {
        const LinkMessage& message = link_.message(event.a);
        if (message.delivered) break;
        const Transmission sent = link_.transmit(now, event.a, true);
        sides_[message.from]->transmit(now, event.a, message.exchange, message.to, message.words,
                                       sent);
        break;
      }
      case SimEvent::Type::kWake:
        review(now, event.a);
        break;
      case SimEvent::Type::kTick:
        for (int i = 0; i < static_cast<int>(sides_.size()); ++i) review(now, i);
        scheduler_.schedule(now + scenario_.review_every, {SimEvent::Type::kTick, 0, 0});
        break;
      case SimEvent::Type::kStrikeLands:
        strike_lands(now, event.a);
        break;
      case SimEvent::Type::kSeeMove: {
        Actions actions;
        const int side = event.a;
        const int mover = event.c;
        const MoveAnswers answers = acted_against_[side][mover] ? MoveAnswers::kOurHarm
                                    : threatened_[side][mover]  ? MoveAnswers::kOurThreat
                                                                : MoveAnswers::kNothing;
        sides_[side]->see_move(now, mover, static_cast<Rung>(event.b), event.d, answers, actions);
        apply(now, event.a, actions);
        break;
      }
      case SimEvent::Type::kLinkTest: {
        // Each end of the line tests it, the line's first party first.
        const HotlineSpec& line = scenario_.hotlines[event.a];
        for (const int end : line.between) {
          Exchange test;
          test.type = Exchange::Type::kLinkTest;
          send(now, end, line.between[line.between[0] == end ? 1 : 0], test);
        }
        scheduler_.schedule(now + line.link_test_every, {SimEvent::Type::kLinkTest, event.a, 0});
        break;
      }
      case SimEvent::Type::kMeeting:
        meeting(now);
        break;
      case SimEvent::Type::kOccurrence:
        occurrence(now, event.a, event.b);
        break;
      case SimEvent::Type::kPace:
      case SimEvent::Type::kEnd:
        break;
    }
  }

  void timeline(SimTime now, const TimelineEvent& event) {
    switch (event.kind) {
      case TimelineEvent::Kind::kIncident: {
        const IncidentSpec& spec = scenario_.incidents[event.index];
        if (refrains(now, spec)) {
          refrained_.insert(event.index);
          break;
        }
        if (spec.every > 0) {
          scheduler_.schedule(now, {SimEvent::Type::kOccurrence, event.index, 0});
        } else {
          incident(now, event.index);
        }
        break;
      }
      case TimelineEvent::Kind::kObservation: {
        const ObservationSpec& spec = scenario_.observations[event.index];
        // Recurring incidents are observed at each occurrence instead; what was never done
        // is never seen.
        if (scenario_.incidents[spec.incident].every > 0 || refrained_.count(spec.incident)) break;
        observe(now, spec.by, seen_from_spec(spec, spec.incident));
        break;
      }
      case TimelineEvent::Kind::kMessage:
        scripted_message(now, event.index);
        break;
      case TimelineEvent::Kind::kIntent: {
        const IntentSpec& spec = scenario_.intents[event.index];
        for (int other = 0; other < scenario_.party_count(); ++other) {
          if (other != spec.party && (spec.toward == kNoParty || spec.toward == other))
            truth_[spec.party][other] = spec.intends_harm;
        }
        tracker_.intents_changed();
        sides_[spec.party]->set_intent(now, spec.toward, spec.intends_harm, spec.aim);
        Record r = world(now, "intent").with("party", scenario_.parties[spec.party].id);
        if (spec.toward != kNoParty) r.with("toward", scenario_.parties[spec.toward].id);
        r.with("intends_harm", spec.intends_harm);
        if (spec.aim) r.with("aim", std::string(rung_name(*spec.aim)));
        emit(std::move(r));
        // A new plan is weighed at once, not at the side's next review.
        if (spec.aim) review(now, spec.party);
        break;
      }
      case TimelineEvent::Kind::kPressLeak:
        press_leak(now, scenario_.press_leaks[event.index]);
        break;
    }
  }

  // A deterred sponsor does not carry out what its warning covered.
  bool refrains(SimTime now, const IncidentSpec& spec) {
    if (!is_deliberate(spec)) return false;
    // A bright line covers its target in the warner's hands, not the same kind of target of
    // another party; an act that names no victim, the target wherever it is. An act with no
    // named target is covered by any refrain from acting against a party, as a muddled
    // warning's empty line always covered it.
    const auto line = refrain_targets_[spec.sponsor].find(spec.target);
    const bool on_a_line = line != refrain_targets_[spec.sponsor].end() &&
                           (spec.victim < 0 || line->second.count(spec.victim));
    const bool covered = on_a_line ||
                         (spec.victim >= 0 && refrain_victims_[spec.sponsor].count(spec.victim)) ||
                         (spec.target.empty() && !refrain_victims_[spec.sponsor].empty());
    if (!covered) return false;
    ++outcomes_.sides[spec.sponsor].refrained;
    emit(world(now, "refrain")
             .with("party", scenario_.parties[spec.sponsor].id)
             .with("incident", spec.id)
             .with("target", spec.target));
    return true;
  }

  void press_leak(SimTime now, const PressLeakSpec& spec) {
    // Drawn even when certain, so that the chance does not shift the world's stream.
    const bool happens = world_rng_.uniform() < spec.chance;
    if (!happens) return;
    emit(world(now, "press_leak").with("by", scenario_.parties[spec.by].id));
    for (SideHost* side : sides_) side->learn_of_leak(now, spec.by, spec.cost);
  }

  SeenIncident seen_from_spec(const ObservationSpec& spec, int incident) const {
    const IncidentSpec& truth = incidents_[incident];
    SeenIncident seen;
    seen.incident = incident;
    seen.id = truth.id;
    seen.points_at = spec.apparent_origin == spec.by ? kNoParty : spec.apparent_origin;
    seen.confidence = spec.confidence;
    seen.severity = truth.severity;
    seen.damage = truth.victim == spec.by ? incident_damage_[incident] : 0;
    seen.ally_damage = is_ally(spec.by, truth.victim) ? incident_damage_[incident] : 0;
    seen.threat_only = truth.threat_only;
    return seen;
  }

  // The incident happens: draw whether it gets past the victim's defences.
  void incident(SimTime now, int index) {
    IncidentSpec& spec = incidents_[index];
    double chance = spec.success;
    if (spec.sponsor >= 0 && spec.victim >= 0 && spec.sponsor != spec.victim)
      chance = std::min(1.0, chance + evasion_[spec.sponsor][spec.victim]);
    const bool succeeded = world_rng_.bernoulli(chance);
    const double damage =
        spec.threat_only ? 0.0 : spec.severity * (succeeded ? 1.0 : kBlockedDamageShare);
    incident_damage_[index] = damage;
    if (is_deliberate(spec) && spec.victim >= 0 && spec.victim != spec.sponsor) {
      if (!spec.threat_only) acted_against_[spec.sponsor][spec.victim] = true;
      if (spec.threat_only && spec.routine) threatened_[spec.sponsor][spec.victim] = true;
    }
    if (spec.victim >= 0) outcomes_.sides[spec.victim].damage += damage;
    if (sink_) {
      emit(world(now, "incident")
               .with("incident", spec.id)
               .with("type", spec.kind)
               .with("target", spec.target)
               .with("actor", spec.actor)
               .with("sponsor",
                     spec.sponsor >= 0 ? scenario_.parties[spec.sponsor].id : std::string("none"))
               .with("state_role", std::string(role_name(spec.role)))
               .with("succeeded", succeeded)
               .with("damage", damage));
    }
    if (spec.role == StateRole::kAccidental && spec.sponsor >= 0) {
      Actions actions;
      sides_[spec.sponsor]->own_accident(now, index, spec.id, spec.victim, actions);
      apply(now, spec.sponsor, actions);
    }
  }

  void occurrence(SimTime now, int base, int count) {
    const IncidentSpec& spec = scenario_.incidents[base];
    if (now > spec.until) return;
    scheduler_.schedule(now + spec.every, {SimEvent::Type::kOccurrence, base, count + 1});
    if (!world_rng_.bernoulli(spec.chance)) return;
    if (refrains(now, spec)) return;
    IncidentSpec copy = spec;
    copy.id = spec.id + "#" + std::to_string(count + 1);
    copy.every = 0;
    const int index = add_incident(copy);
    incident(now, index);
    // Each occurrence is observed as the scenario says the base incident is, at the same delay.
    const SimTime base_at = incident_at_.at(base);
    for (const TimelineEvent& event : scenario_.timeline) {
      if (event.kind != TimelineEvent::Kind::kObservation) continue;
      const ObservationSpec& obs = scenario_.observations[event.index];
      if (obs.incident != base) continue;
      schedule_observation(now + (event.at - base_at), obs.by, seen_from_spec(obs, index));
    }
  }

  int add_incident(const IncidentSpec& spec) {
    incidents_.push_back(spec);
    incident_damage_.push_back(0);
    return static_cast<int>(incidents_.size()) - 1;
  }

  void schedule_observation(SimTime at, int by, const SeenIncident& seen) {
    pending_observations_.push_back(seen);
    scheduler_.schedule(
        at, {SimEvent::Type::kObserve, by, static_cast<int>(pending_observations_.size()) - 1});
  }

  void observe(SimTime now, int by, const SeenIncident& given) {
    SeenIncident seen = given;
    // Damage is known once the incident has happened, which may be after the observation was
    // scheduled.
    const int victim = incidents_[seen.incident].victim;
    if (victim == by) seen.damage = incident_damage_[seen.incident];
    if (is_ally(by, victim)) seen.ally_damage = incident_damage_[seen.incident];
    Actions actions;
    sides_[by]->observe(now, seen, actions);
    apply(now, by, actions);
  }

  void apply(SimTime now, int party, Actions& actions) {
    for (const OutgoingExchange& outgoing : actions.send) {
      // A mind in another process may name anything: what names no party or incident is dropped.
      const int incident = outgoing.exchange.incident;
      if (!is_party(outgoing.to) || outgoing.to == party || incident < -1 ||
          incident >= static_cast<int>(incidents_.size()))
        continue;
      if (outgoing.after <= 0) {
        send_or_carry(now, party, outgoing);
      } else {
        pending_sends_.push_back(outgoing);
        scheduler_.schedule(now + outgoing.after, {SimEvent::Type::kSend, party,
                                                   static_cast<int>(pending_sends_.size()) - 1});
      }
    }
    for (const Strike& strike : actions.strikes) {
      if (is_party(strike.against) && strike.against != party)
        launch_strike(now, party, strike.against, strike.in_response_to, strike.severity);
    }
    for (const Move& move : actions.moves) moved(now, party, move);
    for (const SimTime at : actions.wake_at)
      scheduler_.schedule(at, {SimEvent::Type::kWake, party, 0});
    for (const Refrain& refrain : actions.refrain) {
      if (!refrain.target.empty()) {
        refrain_targets_[party][refrain.target].insert(refrain.against);
      } else if (is_party(refrain.against)) {
        refrain_victims_[party].insert(refrain.against);
      }
    }
  }

  bool is_party(int party) const { return party >= 0 && party < scenario_.party_count(); }
  bool is_ally(int party, int other) const {
    const auto& allies = scenario_.parties[party].allies;
    return other >= 0 && std::find(allies.begin(), allies.end(), other) != allies.end();
  }

  // Straight to its addressee, or to the party that carries it there.
  void send_or_carry(SimTime now, int from, const OutgoingExchange& outgoing) {
    if (outgoing.via == kNoParty) {
      send(now, from, outgoing.to, outgoing.exchange);
    } else if (is_party(outgoing.via) && outgoing.via != from && outgoing.via != outgoing.to) {
      send(now, from, outgoing.via, outgoing.exchange, outgoing.to);
    }
  }

  void moved(SimTime now, int party, const Move& move) {
    const int against = is_party(move.against) && move.against != party ? move.against : kNoParty;
    if (!tracker_.moved(now, party, move.rung, against)) return;
    // A public move is seen by every other party, in party order.
    if (is_visible(move.rung)) {
      for (int seer = 0; seer < scenario_.party_count(); ++seer) {
        if (seer == party) continue;
        scheduler_.schedule(now + kMoveSeenAfter, {SimEvent::Type::kSeeMove, seer,
                                                   static_cast<int>(move.rung), party, against});
      }
    }
    // A side that answers attack by attack (tit-for-tat) already strikes back in kind; climbing
    // to the rung is not a second strike.
    if (move.rung == Rung::kCyberRetaliation && !scenario_.parties[party].doctrine.retaliate &&
        against != kNoParty) {
      launch_strike(now, party, against, -1, kRetaliationRungStrikeSeverity);
    }
  }

  void launch_strike(SimTime now, int party, int against, int in_response_to, double severity) {
    IncidentSpec strike;
    strike.id = "strike-" + std::to_string(++strikes_) + "-by-" + scenario_.parties[party].id;
    strike.kind = "CYBER_STRIKE";
    strike.target = "government networks";
    strike.actor = scenario_.parties[party].id + " cyber command";
    strike.sponsor = party;
    strike.role = StateRole::kDirected;
    strike.victim = against;
    strike.severity = severity;
    const int index = add_incident(strike);
    response_to_[index] = in_response_to;
    ++outcomes_.sides[party].strikes;
    scheduler_.schedule(now + kStrikeLandsAfter, {SimEvent::Type::kStrikeLands, index, 0});
  }

  void strike_lands(SimTime now, int index) {
    incident(now, index);
    const IncidentSpec& spec = incidents_[index];
    SeenIncident seen;
    seen.incident = index;
    seen.id = spec.id;
    seen.points_at = spec.sponsor;
    seen.confidence = kStrikeAttribution;
    seen.severity = spec.severity;
    seen.damage = incident_damage_[index];
    seen.in_response_to = response_to_[index];
    schedule_observation(now + kStrikeSeenAfter, spec.victim, seen);
  }

  void meeting(SimTime now) {
    for (int party = 0; party < static_cast<int>(sides_.size()); ++party) {
      const double amount = shared_amount(scenario_.parties[party].doctrine.share);
      if (amount <= 0) continue;
      // What this side hands over helps every other party in the group get past this side's
      // defences.
      outcomes_.leaked += amount;
      for (int other = 0; other < scenario_.party_count(); ++other) {
        if (other == party) continue;
        evasion_[other][party] += scenario_.working_group.evasion_gain * amount;
        sides_[other]->gain_trust(now, party, kMeetingTrustGain * amount);
      }
      if (sink_) {
        // One figure for a bilateral case: the other's; with more, the highest.
        double other_evasion = 0;
        for (int other = 0; other < scenario_.party_count(); ++other) {
          if (other != party) other_evasion = std::max(other_evasion, evasion_[other][party]);
        }
        emit(world(now, "share")
                 .with("party", scenario_.parties[party].id)
                 .with("amount", amount)
                 .with("other_evasion", other_evasion));
      }
    }
  }

  void scripted_message(SimTime now, int index) {
    const MessageSpec& spec = scenario_.messages[index];
    // A message a mediator carries needs a line to the mediator, and the mediator one onward.
    const bool hotline = spec.via == kNoParty ? scenario_.hotline_between(spec.from, spec.to)
                                              : scenario_.hotline_between(spec.from, spec.via) &&
                                                    scenario_.hotline_between(spec.via, spec.to);
    if (spec.kind == MessageKind::kWarning && (spec.outside_hotline_delay || hotline)) {
      // To warn is to protest formally: the sender stands at DEMARCHE at least.
      Actions actions;
      sides_[spec.from]->declare(now, Rung::kDemarche, "sends a warning", spec.to, actions);
      apply(now, spec.from, actions);
    }
    Exchange exchange;
    exchange.type = Exchange::Type::kScripted;
    exchange.scripted = index;
    exchange.incident = spec.about;
    if (spec.outside_hotline_delay) {
      const int id = link_.add(spec.from, spec.to, exchange, count_words(spec.text), false);
      ++outcomes_.messages_sent;
      ++outcomes_.sides[spec.from].messages_sent;
      if (sink_) {
        Record r = world(now, "send");
        r.with("from", scenario_.parties[spec.from].id)
            .with("message", static_cast<long long>(id))
            .with("what", spec.text)
            .with("route", std::string("outside the hotline"));
        if (scenario_.party_count() > 2) r.with("to", scenario_.parties[spec.to].id);
        emit(std::move(r));
      }
      scheduler_.schedule(now + *spec.outside_hotline_delay, {SimEvent::Type::kArrive, id, 0});
      return;
    }
    if (!hotline) {
      if (sink_) {
        Record r = world(now, "unsent");
        r.with("from", scenario_.parties[spec.from].id)
            .with("what", spec.text)
            .with("why", std::string("there is no hotline"));
        if (scenario_.party_count() > 2) r.with("to", scenario_.parties[spec.to].id);
        emit(std::move(r));
      }
      return;
    }
    if (spec.via == kNoParty) {
      send(now, spec.from, spec.to, exchange);
    } else {
      send(now, spec.from, spec.via, exchange, spec.to);
    }
  }

  // What an exchange says, as its sender's and its receiver's records both show it.
  void describe(Record& r, const Exchange& exchange) const {
    r.with("what", std::string(exchange_type_name(exchange.type)));
    if (exchange.type == Exchange::Type::kReply ||
        (exchange.type == Exchange::Type::kExplanation && exchange.move == Rung::kNormal)) {
      r.with("claim", std::string(claim_name(exchange.claim)));
    }
    if (exchange.incident >= 0) r.with("incident", incidents_[exchange.incident].id);
    if (exchange.move != Rung::kNormal) r.with("move", std::string(rung_name(exchange.move)));
    if (exchange.type == Exchange::Type::kScripted)
      r.with("text", scenario_.messages[exchange.scripted].text);
    if (exchange.type == Exchange::Type::kText || exchange.type == Exchange::Type::kWarning ||
        exchange.type == Exchange::Type::kReassurance) {
      r.with("text", exchange.text);
    }
    if (exchange.type == Exchange::Type::kAssessment) {
      r.with("points_at", exchange.points_at >= 0 && exchange.points_at < scenario_.party_count()
                              ? scenario_.parties[exchange.points_at].id
                              : std::string("elsewhere"));
      r.with("confidence", exchange.clarity);
    }
    if (!exchange.line.empty()) r.with("line", exchange.line);
    if (exchange.consequence != Rung::kNormal)
      r.with("consequence", std::string(rung_name(exchange.consequence)));
  }

  // `relay_to`: the party `to` is to carry it on to; `author`: the party whose words a carrier
  // passes on (else `from`).
  // Returns the message's id, or -1 if no line carries it.
  int send(SimTime now, int from, int to, const Exchange& exchange, int relay_to = kNoParty,
           int author = kNoParty) {
    const int line = scenario_.line_between(from, to);
    if (line < 0 || !scenario_.hotlines[line].enabled || scenario_.hotlines[line].circuits.empty())
      return -1;
    std::size_t words =
        exchange.type == Exchange::Type::kLinkTest ? kLinkTestWords : kExchangeWords;
    if (exchange.type == Exchange::Type::kScripted)
      words = count_words(scenario_.messages[exchange.scripted].text);
    if (exchange.type == Exchange::Type::kText || exchange.type == Exchange::Type::kWarning ||
        exchange.type == Exchange::Type::kReassurance) {
      words = count_words(exchange.text);
    }
    const int id = link_.add(from, to, exchange, words, true);
    link_.message(id).relay_to = relay_to;
    if (author != kNoParty) link_.message(id).author = author;
    // A carrier's hop passes on a message already counted as its author's.
    if (exchange.type != Exchange::Type::kLinkTest && author == kNoParty) {
      ++outcomes_.messages_sent;
      ++outcomes_.sides[from].messages_sent;
    }
    if (sink_) {
      Record r = world(now, "send");
      r.party = scenario_.parties[from].id;
      r.with("message", static_cast<long long>(id));
      if (scenario_.party_count() > 2) r.with("to", scenario_.parties[to].id);
      if (relay_to != kNoParty) r.with("for", scenario_.parties[relay_to].id);
      if (author != kNoParty) r.with("carrying", scenario_.parties[author].id);
      describe(r, exchange);
      emit(std::move(r));
    }
    const Transmission sent = link_.transmit(now, id, false);
    sides_[from]->transmit(now, id, exchange, to, words, sent);
    return id;
  }

  void deliver(SimTime now, int id, bool garbled) {
    LinkMessage& message = link_.message(id);
    message.delivered = true;
    const int to = message.to;
    const Exchange& exchange = message.exchange;
    if (message.relay_to != kNoParty) {
      carry(now, id, message, garbled);
      return;
    }
    // What the carrier's own translators garbled reaches the addressee garbled.
    garbled = garbled || message.garbled_on_the_way;
    const int from = message.author;
    if (exchange.type == Exchange::Type::kLinkTest) {
      sides_[to]->heard_link_test(now, id, from);
      return;
    }
    ++outcomes_.messages_delivered;
    if (sink_) {
      Record r = world(now, "deliver");
      r.party = scenario_.parties[to].id;
      r.with("message", static_cast<long long>(id));
      if (scenario_.party_count() > 2) r.with("from", scenario_.parties[from].id);
      if (exchange.via != kNoParty) r.with("via", scenario_.parties[exchange.via].id);
      describe(r, exchange);
      if (garbled) r.with("garbled", true);
      emit(std::move(r));
    }
    Actions actions;
    if (is_question(message)) {
      const IncidentSpec& spec = incidents_[exchange.incident];
      const StateRole role = spec.sponsor == to ? spec.role : StateRole::kNone;
      sides_[to]->inquiry(now, id, from, exchange.incident, spec.id, role, actions);
    } else {
      sides_[to]->receive(now, id, from, exchange, garbled, message.seq >= 0, actions);
    }
    apply(now, to, actions);
  }

  // A carrier passes on the document it was given, after its own desk's delay, over its line to
  // the addressee; it does not read it as addressed to itself.
  void carry(SimTime now, int id, const LinkMessage& message, bool garbled) {
    carried_.push_back({message.author, message.relay_to, message.exchange, garbled});
    const int carrier = message.to;
    if (sink_) {
      Record r = world(now, "carry");
      r.party = scenario_.parties[carrier].id;
      r.with("message", static_cast<long long>(id))
          .with("from", scenario_.parties[message.author].id)
          .with("to", scenario_.parties[message.relay_to].id);
      if (garbled) r.with("garbled", true);
      emit(std::move(r));
    }
    scheduler_.schedule(now + scenario_.parties[carrier].doctrine.answer_delay,
                        {SimEvent::Type::kCarry, carrier, static_cast<int>(carried_.size()) - 1});
  }

  // An inquiry, or a scripted request for help about an incident that came over the hotline,
  // which the receiver answers there as its doctrine says. (A request by a slow route is
  // answered by the scenario's own script, as the 2007 legal request was.)
  bool is_question(const LinkMessage& message) const {
    const Exchange& exchange = message.exchange;
    if (exchange.type == Exchange::Type::kInquiry) return true;
    if (exchange.type != Exchange::Type::kScripted || exchange.incident < 0 || message.seq < 0)
      return false;
    // A request that never reaches the desk that could answer it is not answered.
    if (!scenario_.messages[exchange.scripted].reaches_desk) return false;
    return scenario_.messages[exchange.scripted].kind == MessageKind::kRequest;
  }

  // An act a state chose to do or to let be done: what costs can deter.
  static bool is_deliberate(const IncidentSpec& spec) {
    return spec.sponsor >= 0 &&
           (spec.role == StateRole::kDirected || spec.role == StateRole::kTolerated);
  }

  static const char* role_name(StateRole role) {
    switch (role) {
      case StateRole::kNone:
        return "none";
      case StateRole::kTolerated:
        return "tolerated";
      case StateRole::kDirected:
        return "directed";
      case StateRole::kAccidental:
        return "accidental";
    }
    return "?";
  }

  const Scenario& scenario_;
  RecordSink* sink_;
  Rng world_rng_;
  Scheduler<SimEvent> scheduler_;
  std::vector<std::vector<char>> truth_;  // [party][other]: it means the other harm
  std::vector<IncidentSpec> incidents_;
  std::vector<double> incident_damage_;
  std::map<int, int> response_to_;
  std::vector<SeenIncident> pending_observations_;
  std::vector<OutgoingExchange> pending_sends_;
  // What carriers were given to pass on.
  struct Carried {
    int author = 0;
    int to = 0;
    Exchange exchange;
    bool garbled = false;  // as the carrier received it
  };
  std::vector<Carried> carried_;
  // [attacker][victim]: extra chance of success against the victim's defences.
  std::vector<std::vector<double>> evasion_;
  // [party][other]: it has directed or tolerated acts against the other: the other's public
  // moves are costs it earned.
  std::vector<std::vector<char>> acted_against_;
  // [party][other]: it posed a routine threat to the other (an exercise) without harming it.
  std::vector<std::vector<char>> threatened_;
  std::map<int, SimTime> incident_at_;  // scenario incident -> when it happens
  // [party]: the targets it was deterred from (target -> the parties whose target it is, as
  // their warnings drew the line), and the parties it was deterred from acting against at all.
  std::vector<std::map<std::string, std::set<int>>> refrain_targets_;
  std::vector<std::set<int>> refrain_victims_;
  std::set<int> refrained_;  // scenario incidents not carried out
  int strikes_ = 0;
  Outcomes outcomes_;
  SimulatedLink link_;
  std::vector<SideHost*> sides_;
  std::function<void(SimTime)> pace_;
  std::function<std::vector<Inject>()> injects_;
  OutcomeTracker tracker_;
};

}  // namespace

Outcomes simulate(const Scenario& scenario, std::uint64_t seed, RecordSink* sink) {
  std::vector<std::unique_ptr<LocalSideHost>> minds;
  std::vector<SideHost*> sides;
  for (int i = 0; i < static_cast<int>(scenario.parties.size()); ++i) {
    minds.push_back(std::make_unique<LocalSideHost>(scenario, i, seed, sink));
    sides.push_back(minds.back().get());
  }
  return Simulation(scenario, seed, sink, std::move(sides), nullptr, nullptr).run();
}

Outcomes simulate_with(const Scenario& scenario, std::uint64_t seed, RecordSink* sink,
                       std::vector<SideHost*> sides, std::function<void(SimTime)> pace,
                       std::function<std::vector<Inject>()> injects,
                       const std::vector<SimTime>& pace_also_at) {
  return Simulation(scenario, seed, sink, std::move(sides), std::move(pace), std::move(injects))
      .run(pace_also_at);
}

}  // namespace hotline::model
