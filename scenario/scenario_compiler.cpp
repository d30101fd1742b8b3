// Parties, doctrines, perception, the hotline and its circuits, the working group, timing.
#include "scenario/scenario_compiler.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "common/duration.h"
#include "model/outcomes.h"
#include "model/time.h"

namespace hotline::scenario::detail {

model::Scenario Compiler::compile() {
  scenario_.name = spec_.name();
  scenario_.title = spec_.title();
  start();
  parties();
  hotlines();
  events();
  working_group();
  timing();
  expectations();
  if (!errors_.empty()) throw common::TextProtoError(std::move(errors_));
  return std::move(scenario_);
}

void Compiler::start() {
  try {
    start_ = parse_start(spec_.start());
  } catch (const std::exception& e) {
    error<spec::Scenario>(root_, "start", -1, std::string("start: ") + e.what());
  }
  scenario_.start_unix_seconds = start_.unix_seconds;
  scenario_.start_utc_offset_minutes = start_.utc_offset_minutes;
}

void Compiler::parties() {
  if (spec_.party_size() < 2 || spec_.party_size() > kMaxParties) {
    error<spec::Scenario>(root_, "party", 0,
                          "a scenario has two to " + std::to_string(kMaxParties) +
                              " parties (got " + std::to_string(spec_.party_size()) + ")");
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
                             "\"; expected one of " + std::string(model::doctrine_preset_names()));
    } else {
      party.doctrine = *preset;
    }
    doctrine(p.doctrine(), where.nested(spec::Party::descriptor(), "doctrine", -1), party.doctrine);
    perception(p.perception(), where.nested(spec::Party::descriptor(), "perception", -1),
               party.perception);
    scenario_.parties.push_back(party);
  }
  for (int i = 0; i < spec_.party_size(); ++i) {
    const Where where = root_.nested(spec::Scenario::descriptor(), "party", i);
    stances(spec_.party(i), where, i);
    for (int a = 0; a < spec_.party(i).ally_size(); ++a) {
      const int ally = known_party<spec::Party>(where, "ally", spec_.party(i).ally(a));
      if (ally == i) error<spec::Party>(where, "ally", a, "a party is not its own ally");
      if (ally != model::kNoParty && ally != i) scenario_.parties[i].allies.push_back(ally);
    }
  }
}

// Each party's stance toward each other one: its defaults, unless a `toward` block says
// otherwise.
void Compiler::stances(const spec::Party& p, const Where& where, int index) {
  model::PartySpec& party = scenario_.parties[index];
  party.toward.assign(scenario_.parties.size(),
                      model::Stance{party.prior_hostility, party.intends_harm, party.trust});
  std::vector<bool> seen(scenario_.parties.size(), false);
  for (int t = 0; t < p.toward_size(); ++t) {
    const spec::Toward& toward = p.toward(t);
    const Where w = where.nested(spec::Party::descriptor(), "toward", t);
    const int other = counterpart<spec::Toward>(w, "party", toward.party(), index);
    if (other == model::kNoParty) continue;
    if (seen[other])
      error<spec::Toward>(w, "party", -1, "a second toward block for \"" + toward.party() + "\"");
    seen[other] = true;
    model::Stance& stance = party.toward[other];
    if (toward.has_prior_hostility()) {
      probability<spec::Toward>(w, "prior_hostility", toward.prior_hostility());
      stance.prior_hostility = toward.prior_hostility();
    }
    if (toward.has_intends_harm()) stance.intends_harm = toward.intends_harm();
    if (toward.has_trust()) {
      probability<spec::Toward>(w, "trust", toward.trust());
      stance.trust = toward.trust();
    }
  }
}

void Compiler::doctrine(const spec::Doctrine& d, const Where& where, model::Doctrine& out) {
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
  if (d.has_consult_allies()) out.consult_allies = d.consult_allies();
  if (d.has_retaliate()) out.retaliate = d.retaliate();
  out.retaliate_after =
      duration<spec::Doctrine>(where, "retaliate_after", d.retaliate_after(), out.retaliate_after);
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
  if (d.has_commitment()) {
    probability<spec::Doctrine>(where, "commitment", d.commitment());
    out.commitment = d.commitment();
  }
  if (d.has_discretion_needed()) {
    probability<spec::Doctrine>(where, "discretion_needed", d.discretion_needed());
    out.discretion_needed = d.discretion_needed();
  }
  out.decision_latency = duration<spec::Doctrine>(where, "decision_latency", d.decision_latency(),
                                                  out.decision_latency);
  if (d.rungs_size() > 0) {
    out.can_take.fill(false);
    out.can_take[0] = true;
    for (int i = 0; i < d.rungs_size(); ++i) {
      const auto rung = known_rung<spec::Doctrine>(where, "rungs", d.rungs(i), i);
      if (rung) out.can_take[static_cast<int>(*rung)] = true;
    }
  }
  if (!d.aim().empty()) {
    const auto rung = known_rung<spec::Doctrine>(where, "aim", d.aim(), -1);
    if (rung) {
      out.aim = *rung;
      if (!out.can_take[static_cast<int>(*rung)])
        error<spec::Doctrine>(where, "aim", -1, "the aim must be one of the side's rungs");
    }
  }
}

void Compiler::perception(const spec::Perception& p, const Where& where, model::Perception& out) {
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

void Compiler::hotlines() {
  scenario_.hotlines.clear();
  const int parties = static_cast<int>(scenario_.parties.size());
  for (int i = 0; i < spec_.hotline_size(); ++i) {
    const spec::Hotline& h = spec_.hotline(i);
    const Where where = root_.nested(spec::Scenario::descriptor(), "hotline", i);
    model::HotlineSpec line;
    if (h.between_size() != 0 && h.between_size() != 2) {
      error<spec::Hotline>(where, "between", 0, "a hotline is between two parties");
    } else if (h.between_size() == 2) {
      for (int end = 0; end < 2; ++end) {
        const int party = known_party<spec::Hotline>(where, "between", h.between(end));
        if (party != model::kNoParty) line.between[end] = party;
      }
      if (line.between[0] == line.between[1])
        error<spec::Hotline>(where, "between", 1, "a hotline joins two different parties");
      // A bilateral line is line 0 from the first party's end, as it always was.
      if (parties == 2) line.between = {0, 1};
    } else if (parties != 2) {
      error<spec::Hotline>(where, "between", -1,
                           "with more than two parties, a hotline says which two it joins: "
                           "between: \"a\" between: \"b\"");
    }
    for (const auto& other : scenario_.hotlines) {
      if ((other.between[0] == line.between[0] && other.between[1] == line.between[1]) ||
          (other.between[0] == line.between[1] && other.between[1] == line.between[0])) {
        error<spec::Hotline>(where, "between", -1, "a second hotline between the same parties");
      }
    }
    hotline(h, where, line);
    scenario_.hotlines.push_back(std::move(line));
  }
  // A bilateral case always has its line, on or off, so that a setting can turn it on.
  if (parties == 2 && scenario_.hotlines.empty()) {
    model::HotlineSpec line;
    hotline(spec::Hotline(), root_, line);
    scenario_.hotlines.push_back(std::move(line));
  }
}

void Compiler::hotline(const spec::Hotline& h, const Where& where, model::HotlineSpec& out) {
  out.enabled = h.enabled();
  out.link_test_every = duration<spec::Hotline>(where, "link_test_every", h.link_test_every(), 0);
  out.failover_after =
      duration<spec::Hotline>(where, "failover_after", h.failover_after(), out.failover_after);
  out.retransmit_after = duration<spec::Hotline>(where, "retransmit_after", h.retransmit_after(),
                                                 out.retransmit_after);
  if (out.retransmit_after <= 0)
    error<spec::Hotline>(where, "retransmit_after", -1, "retransmit_after must be positive");
  if (h.circuit_size() > kMaxCircuits) {
    error<spec::Hotline>(where, "circuit", kMaxCircuits,
                         "a hotline has at most " + std::to_string(kMaxCircuits) + " circuits");
  }
  for (int i = 0; i < std::min(h.circuit_size(), kMaxCircuits); ++i) {
    circuit(h.circuit(i), where.nested(spec::Hotline::descriptor(), "circuit", i), out);
  }
  // A hotline without a described circuit is a modern, clean one.
  if (out.circuits.empty()) out.circuits.push_back(model::CircuitFaults{});
  // Unless the file says otherwise, a message is resent only once its round trip is overdue: a
  // twelve-hour circuit (1962's letters) is not a lossy ten-minute one.
  if (h.retransmit_after().empty()) {
    for (const auto& circuit : out.circuits) {
      out.retransmit_after =
          std::max(out.retransmit_after, 2 * (circuit.latency + circuit.jitter) + model::kMinute);
    }
  }
  for (int i = 0; i < h.partition_size(); ++i) {
    const model::Window window =
        this->window(h.partition(i), where.nested(spec::Hotline::descriptor(), "partition", i));
    for (auto& circuit : out.circuits) circuit.outages.push_back(window);
  }
}

void Compiler::circuit(const spec::Circuit& c, const Where& where, model::HotlineSpec& line) {
  model::CircuitFaults out;
  out.name = c.name().empty() ? "circuit-" + std::to_string(line.circuits.size() + 1) : c.name();
  for (const auto& existing : line.circuits) {
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
  line.circuits.push_back(out);
}

void Compiler::working_group() {
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

void Compiler::timing() {
  scenario_.duration =
      duration<spec::Scenario>(root_, "duration", spec_.duration(), last_event_ + kDefaultTail);
  if (scenario_.duration < last_event_) {
    error<spec::Scenario>(
        root_, "duration", -1,
        "duration ends before the last event (" + format_time(last_event_, start_, true) + ")");
  }
  scenario_.review_every =
      duration<spec::Scenario>(root_, "review_every", spec_.review_every(), scenario_.review_every);
  if (scenario_.review_every <= 0)
    error<spec::Scenario>(root_, "review_every", -1, "review_every must be positive");
}

}  // namespace hotline::scenario::detail
