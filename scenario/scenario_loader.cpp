#include "scenario/scenario_loader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>

#include "common/duration.h"
#include "model/outcomes.h"

namespace hotline::scenario {
namespace {

using common::SourceError;
using google::protobuf::Descriptor;
using google::protobuf::TextFormat;

constexpr model::SimTime kDefaultTail = 30 * model::kDay;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// A place in the file: the message being checked and where it was written.
class Where {
 public:
  Where(const std::string& file, const TextFormat::ParseInfoTree* tree, int line, int column)
      : file_(file), tree_(tree), line_(line), column_(column) {}

  // The location of `field` (element `index` if repeated), or of this message if the field was
  // not written (a default, or a value set from the command line).
  SourceError at(const Descriptor* type, const char* field, int index, std::string message) const {
    int line = line_;
    int column = column_;
    if (tree_) {
      const auto* descriptor = type->FindFieldByName(field);
      const auto location = tree_->GetLocation(descriptor, descriptor->is_repeated() ? index : -1);
      if (location.line >= 0) {
        line = location.line;
        column = location.column;
      }
    }
    return {file_, line + 1, column + 1, std::move(message)};
  }

  Where nested(const Descriptor* type, const char* field, int index) const {
    const auto* descriptor = type->FindFieldByName(field);
    const int i = descriptor->is_repeated() ? index : -1;
    if (!tree_) return *this;
    const auto location = tree_->GetLocation(descriptor, i);
    const auto* nested = tree_->GetTreeForNested(descriptor, i);
    if (location.line < 0) return Where(file_, nested, line_, column_);
    return Where(file_, nested, location.line, location.column);
  }

 private:
  const std::string& file_;
  const TextFormat::ParseInfoTree* tree_;
  int line_;
  int column_;
};

class Compiler {
 public:
  Compiler(const spec::Scenario& spec, const ScenarioFile& file)
      : spec_(spec), file_(file), root_(file.path, file.locations.get(), 0, 0) {}

  model::Scenario compile() {
    scenario_.name = spec_.name();
    scenario_.title = spec_.title();
    start();
    parties();
    hotline();
    events();
    working_group();
    timing();
    expectations();
    if (!errors_.empty()) throw common::TextProtoError(std::move(errors_));
    return std::move(scenario_);
  }

 private:
  template <typename M>
  void error(const Where& where, const char* field, int index, std::string message) {
    errors_.push_back(where.at(M::descriptor(), field, index, std::move(message)));
  }

  template <typename M>
  void probability(const Where& where, const char* field, double value, int index = -1) {
    if (value < 0 || value > 1) {
      error<M>(where, field, index, std::string(field) + " must be in [0,1], got " + number(value));
    }
  }

  template <typename M>
  model::SimTime duration(const Where& where, const char* field, const std::string& text,
                          model::SimTime fallback) {
    if (text.empty()) return fallback;
    try {
      return common::parse_duration(text).count();
    } catch (const std::exception& e) {
      error<M>(where, field, -1, std::string(field) + ": " + e.what());
      return fallback;
    }
  }

  template <typename M>
  model::SimTime time(const Where& where, const char* field, const std::string& text,
                      model::SimTime previous, int index = -1) {
    try {
      const model::SimTime at = parse_time(text, start_, previous);
      if (at < 0) error<M>(where, field, index, "\"" + text + "\" is before the scenario's start");
      return std::max<model::SimTime>(at, 0);
    } catch (const std::exception& e) {
      error<M>(where, field, index, e.what());
      return previous;
    }
  }

  int party_index(const std::string& id) const {
    for (std::size_t i = 0; i < scenario_.parties.size(); ++i) {
      if (scenario_.parties[i].id == id) return static_cast<int>(i);
    }
    return model::kNoParty;
  }

  std::string party_list() const {
    std::string names;
    for (const auto& party : scenario_.parties) names += (names.empty() ? "" : ", ") + party.id;
    return names;
  }

  template <typename M>
  int known_party(const Where& where, const char* field, const std::string& id) {
    const int index = party_index(id);
    if (index == model::kNoParty) {
      error<M>(where, field, -1, "unknown party \"" + id + "\"; the parties are " + party_list());
    }
    return index;
  }

  void start() {
    try {
      start_ = parse_start(spec_.start());
    } catch (const std::exception& e) {
      error<spec::Scenario>(root_, "start", -1, std::string("start: ") + e.what());
    }
    scenario_.start_unix_seconds = start_.unix_seconds;
    scenario_.start_utc_offset_minutes = start_.utc_offset_minutes;
  }

  void parties() {
    if (spec_.party_size() != 2) {
      error<spec::Scenario>(
          root_, "party", 0,
          "a scenario has exactly two parties (got " + std::to_string(spec_.party_size()) + ")");
    }
    for (int i = 0; i < spec_.party_size(); ++i) {
      const spec::Party& p = spec_.party(i);
      const Where where = root_.nested(spec::Scenario::descriptor(), "party", i);
      model::PartySpec party;
      party.id = p.id();
      if (p.id().empty()) error<spec::Party>(where, "id", -1, "a party needs an id");
      if (party_index(p.id()) != model::kNoParty)
        error<spec::Party>(where, "id", -1, "party \"" + p.id() + "\" is defined twice");
      probability<spec::Party>(where, "prior_hostility", p.prior_hostility());
      party.prior_hostility = p.prior_hostility();
      party.intends_harm = p.intends_harm();
      if (p.has_trust()) {
        probability<spec::Party>(where, "trust", p.trust());
        party.trust = p.trust();
      }
      const auto preset = model::doctrine_preset(p.doctrine_preset());
      if (!preset) {
        error<spec::Party>(where, "doctrine_preset", -1,
                           "unknown doctrine preset \"" + p.doctrine_preset() +
                               "\"; expected one of " +
                               std::string(model::doctrine_preset_names()));
      } else {
        party.doctrine = *preset;
      }
      doctrine(p.doctrine(), where.nested(spec::Party::descriptor(), "doctrine", -1),
               party.doctrine);
      perception(p.perception(), where.nested(spec::Party::descriptor(), "perception", -1),
                 party.perception);
      scenario_.parties.push_back(party);
    }
  }

  void doctrine(const spec::Doctrine& d, const Where& where, model::Doctrine& out) {
    if (d.climb_at_size() != 0) {
      if (d.climb_at_size() != model::kRungCount - 1) {
        error<spec::Doctrine>(where, "climb_at", 0,
                              "climb_at needs 7 values (INQUIRY .. ARMED_CONFLICT), got " +
                                  std::to_string(d.climb_at_size()));
      } else {
        for (int k = 0; k < d.climb_at_size(); ++k) {
          if (d.climb_at(k) <= 0 || (k > 0 && d.climb_at(k) < d.climb_at(k - 1))) {
            error<spec::Doctrine>(where, "climb_at", k,
                                  "climb_at values must be positive and not decrease");
          }
          out.climb_at[k] = d.climb_at(k);
        }
      }
    }
    if (d.has_step_down_below()) {
      probability<spec::Doctrine>(where, "step_down_below", d.step_down_below());
      out.step_down_below = d.step_down_below();
    }
    if (d.has_query_above()) out.query_above = d.query_above();
    switch (d.answer()) {
      case spec::HONEST:
        out.answer = model::AnswerPolicy::kHonest;
        break;
      case spec::DENY:
        out.answer = model::AnswerPolicy::kDeny;
        break;
      case spec::DECEIVE:
        out.answer = model::AnswerPolicy::kDeceive;
        break;
      case spec::REFUSE:
        out.answer = model::AnswerPolicy::kRefuse;
        break;
      default:
        break;
    }
    out.answer_delay =
        duration<spec::Doctrine>(where, "answer_delay", d.answer_delay(), out.answer_delay);
    out.reply_deadline =
        duration<spec::Doctrine>(where, "reply_deadline", d.reply_deadline(), out.reply_deadline);
    if (d.has_explain_own_moves()) out.explain_own_moves = d.explain_own_moves();
    if (d.has_retaliate()) out.retaliate = d.retaliate();
    out.retaliate_after = duration<spec::Doctrine>(where, "retaliate_after", d.retaliate_after(),
                                                   out.retaliate_after);
    if (d.has_contrite()) out.contrite = d.contrite();
    switch (d.share()) {
      case spec::NOTHING:
        out.share = model::Sharing::kNothing;
        break;
      case spec::STRATEGY:
        out.share = model::Sharing::kStrategy;
        break;
      case spec::SIGNATURES:
        out.share = model::Sharing::kSignatures;
        break;
      default:
        break;
    }
  }

  void perception(const spec::Perception& p, const Where& where, model::Perception& out) {
    if (p.has_confirmation_bias()) {
      probability<spec::Perception>(where, "confirmation_bias", p.confirmation_bias());
      out.confirmation_bias = p.confirmation_bias();
    }
    auto non_negative = [&](const char* field, bool has, double value, double& target) {
      if (!has) return;
      if (value < 0)
        error<spec::Perception>(where, field, -1, std::string(field) + " must not be negative");
      target = value;
    };
    non_negative("other_moves_hostility", p.has_other_moves_hostility(), p.other_moves_hostility(),
                 out.other_moves_hostility);
    non_negative("evidence_weight", p.has_evidence_weight(), p.evidence_weight(),
                 out.evidence_weight);
    non_negative("message_weight", p.has_message_weight(), p.message_weight(), out.message_weight);
    non_negative("silence_weight", p.has_silence_weight(), p.silence_weight(), out.silence_weight);
    non_negative("confidence_noise", p.has_confidence_noise(), p.confidence_noise(),
                 out.confidence_noise);
    out.memory = duration<spec::Perception>(where, "memory", p.memory(), out.memory);
  }

  void hotline() {
    const spec::Hotline& h = spec_.hotline();
    const Where where = root_.nested(spec::Scenario::descriptor(), "hotline", -1);
    model::HotlineSpec& out = scenario_.hotline;
    out.enabled = h.enabled();
    out.link_test_every = duration<spec::Hotline>(where, "link_test_every", h.link_test_every(), 0);
    out.failover_after =
        duration<spec::Hotline>(where, "failover_after", h.failover_after(), out.failover_after);
    out.retransmit_after = duration<spec::Hotline>(where, "retransmit_after", h.retransmit_after(),
                                                   out.retransmit_after);
    if (out.retransmit_after <= 0)
      error<spec::Hotline>(where, "retransmit_after", -1, "retransmit_after must be positive");
    for (int i = 0; i < h.circuit_size(); ++i) {
      circuit(h.circuit(i), where.nested(spec::Hotline::descriptor(), "circuit", i));
    }
    // A hotline without a described circuit is a modern, clean one.
    if (out.circuits.empty()) out.circuits.push_back(model::CircuitFaults{});
    for (int i = 0; i < h.partition_size(); ++i) {
      const model::Window window =
          this->window(h.partition(i), where.nested(spec::Hotline::descriptor(), "partition", i));
      for (auto& circuit : out.circuits) circuit.outages.push_back(window);
    }
  }

  void circuit(const spec::Circuit& c, const Where& where) {
    model::CircuitFaults out;
    out.name = c.name().empty() ? "circuit-" + std::to_string(scenario_.hotline.circuits.size() + 1)
                                : c.name();
    for (const auto& existing : scenario_.hotline.circuits) {
      if (existing.name == out.name)
        error<spec::Circuit>(where, "name", -1, "circuit \"" + out.name + "\" is defined twice");
    }
    out.latency = duration<spec::Circuit>(where, "latency", c.latency(), 0);
    out.jitter = duration<spec::Circuit>(where, "jitter", c.jitter(), 0);
    out.jitter_distribution =
        c.jitter_distribution() == spec::NORMAL   ? model::JitterDistribution::kNormal
        : c.jitter_distribution() == spec::PARETO ? model::JitterDistribution::kPareto
                                                  : model::JitterDistribution::kUniform;
    const Where loss = where.nested(spec::Circuit::descriptor(), "loss", -1);
    probability<spec::Loss>(loss, "p", c.loss().p());
    out.loss.p = c.loss().p();
    if (c.loss().has_r() || c.loss().has_h()) {
      out.loss.gilbert_elliott = true;
      out.loss.r = c.loss().has_r() ? c.loss().r() : 1.0;
      out.loss.h = c.loss().has_h() ? c.loss().h() : 1.0;
      out.loss.k = c.loss().k();
      probability<spec::Loss>(loss, "r", out.loss.r);
      probability<spec::Loss>(loss, "h", out.loss.h);
      probability<spec::Loss>(loss, "k", out.loss.k);
    }
    probability<spec::Circuit>(where, "duplicate", c.duplicate());
    probability<spec::Circuit>(where, "reorder", c.reorder());
    probability<spec::Circuit>(where, "garble", c.garble());
    out.duplicate = c.duplicate();
    out.reorder = c.reorder();
    out.garble = c.garble();
    if (c.words_per_minute() < 0)
      error<spec::Circuit>(where, "words_per_minute", -1, "words_per_minute must not be negative");
    out.words_per_minute = c.words_per_minute();
    for (int i = 0; i < c.outage_size(); ++i) {
      out.outages.push_back(
          window(c.outage(i), where.nested(spec::Circuit::descriptor(), "outage", i)));
    }
    scenario_.hotline.circuits.push_back(out);
  }

  model::Window window(const spec::Window& in, const Where& where) {
    model::Window out;
    out.from = time<spec::Window>(where, "from", in.from(), 0);
    out.until = time<spec::Window>(where, "until", in.until(), out.from);
    if (out.until <= out.from)
      error<spec::Window>(where, "until", -1, "an outage must end after it starts");
    return out;
  }

  void events() {
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
          scenario_.intents.push_back(intent);
          event.index = static_cast<int>(scenario_.intents.size()) - 1;
          break;
        }
        default:
          error<spec::Event>(where, "at", -1,
                             "an event needs one of incident, observe, message or intent");
          continue;
      }
      scenario_.timeline.push_back(event);
    }
    last_event_ = previous;
  }

  int incident(const spec::Incident& in, const Where& where, std::map<std::string, int>& ids) {
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
    if (!in.victim().empty())
      out.victim = known_party<spec::Incident>(where, "victim", in.victim());
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

  template <typename M>
  int known_incident(const Where& where, const char* field, const std::string& id,
                     const std::map<std::string, int>& ids) {
    const auto found = ids.find(id);
    if (found == ids.end()) {
      error<M>(where, field, -1,
               "unknown incident \"" + id + "\" (an incident is defined by an earlier event)");
      return -1;
    }
    return found->second;
  }

  int observation(const spec::Observation& in, const Where& where,
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

  int message(const spec::ScriptedMessage& in, const Where& where,
              const std::map<std::string, int>& ids) {
    model::MessageSpec out;
    out.from = std::max(0, known_party<spec::ScriptedMessage>(where, "from", in.from()));
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
      default:
        error<spec::ScriptedMessage>(
            where, "kind", -1,
            "a message needs kind: NOTIFICATION, REASSURANCE, WARNING, REQUEST or REFUSAL");
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
    scenario_.messages.push_back(out);
    return static_cast<int>(scenario_.messages.size()) - 1;
  }

  void working_group() {
    const spec::WorkingGroup& w = spec_.working_group();
    const Where where = root_.nested(spec::Scenario::descriptor(), "working_group", -1);
    probability<spec::WorkingGroup>(where, "evasion_gain", w.evasion_gain());
    scenario_.working_group.evasion_gain = w.evasion_gain();
    model::SimTime previous = 0;
    for (int i = 0; i < w.meets_size(); ++i) {
      previous = time<spec::WorkingGroup>(where, "meets", w.meets(i), previous, i);
      scenario_.working_group.meetings.push_back(previous);
    }
  }

  void timing() {
    scenario_.duration =
        duration<spec::Scenario>(root_, "duration", spec_.duration(), last_event_ + kDefaultTail);
    if (scenario_.duration < last_event_) {
      error<spec::Scenario>(
          root_, "duration", -1,
          "duration ends before the last event (" + format_time(last_event_, start_, true) + ")");
    }
    scenario_.review_every = duration<spec::Scenario>(root_, "review_every", spec_.review_every(),
                                                      scenario_.review_every);
    if (scenario_.review_every <= 0)
      error<spec::Scenario>(root_, "review_every", -1, "review_every must be positive");
  }

  void expectations() {
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
      const int criteria = e.has_lower_by_at_least() + e.has_higher_by_at_least() +
                           e.has_at_most() + e.has_at_least();
      if (criteria == 0) {
        error<spec::Expect>(
            where, "metric", -1,
            "an expectation needs lower_by_at_least, higher_by_at_least, at_most or at_least");
      }
      const bool comparing = e.has_lower_by_at_least() || e.has_higher_by_at_least();
      if (comparing && e.compare().empty()) {
        error<spec::Expect>(
            where, e.has_lower_by_at_least() ? "lower_by_at_least" : "higher_by_at_least", -1,
            "lower_by_at_least and higher_by_at_least need compare: \"A vs B\"");
      }
      auto check_settings = [&](const char* field, const std::vector<Setting>& settings,
                                int index) {
        spec::Scenario copy = spec_;
        try {
          apply_settings(copy, settings);
        } catch (const std::exception& ex) {
          error<spec::Expect>(where, field, index, ex.what());
        }
      };
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

 public:
  // "hotline=on vs hotline=off", each side a comma-free list of settings separated by spaces.
  static std::pair<std::vector<Setting>, std::vector<Setting>> parse_comparison(
      const std::string& text) {
    const auto vs = text.find(" vs ");
    if (vs == std::string::npos)
      throw std::invalid_argument(
          "compare: expected \"A vs B\", e.g. \"hotline=on vs hotline=off\"");
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

 private:
  const spec::Scenario& spec_;
  const ScenarioFile& file_;
  Where root_;
  StartTime start_;
  model::Scenario scenario_;
  model::SimTime last_event_ = 0;
  std::map<std::string, int> future_incidents_;  // id -> the index it will have
  std::vector<SourceError> errors_;
};

}  // namespace

std::filesystem::path resolve_scenario_path(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  if (fs::exists(name_or_path)) return name_or_path;
  std::vector<fs::path> folders;
  if (const char* env = std::getenv("HOTLINE_SCENARIOS")) folders.emplace_back(env);
  folders.emplace_back("scenarios");
  folders.emplace_back(HOTLINE_SCENARIO_DIR);
  for (const auto& folder : folders) {
    const fs::path candidate = folder / (name_or_path + ".textproto");
    if (fs::exists(candidate)) return candidate;
  }
  return name_or_path;  // reading it reports that it cannot be opened
}

ScenarioFile parse_scenario_text(const std::string& text, const std::string& name) {
  ScenarioFile file;
  file.path = name;
  file.locations = std::make_shared<TextFormat::ParseInfoTree>();
  common::parse_text_proto(text, name, file.spec, file.locations.get());
  return file;
}

ScenarioFile read_scenario_file(const std::filesystem::path& path) {
  ScenarioFile file;
  file.path = path.string();
  file.locations = std::make_shared<TextFormat::ParseInfoTree>();
  common::parse_text_proto_file(path, file.spec, file.locations.get());
  return file;
}

model::Scenario compile_scenario(const spec::Scenario& spec, const ScenarioFile& file) {
  return Compiler(spec, file).compile();
}

model::Scenario load_scenario(const ScenarioFile& file, const std::vector<Setting>& settings) {
  if (settings.empty()) return compile_scenario(file.spec, file);
  spec::Scenario changed = file.spec;
  apply_settings(changed, settings);
  return compile_scenario(changed, file);
}

std::pair<std::vector<Setting>, std::vector<Setting>> parse_comparison(const std::string& text) {
  return Compiler::parse_comparison(text);
}

StartTime start_of(const model::Scenario& scenario) {
  return {scenario.start_unix_seconds, scenario.start_utc_offset_minutes};
}

}  // namespace hotline::scenario
