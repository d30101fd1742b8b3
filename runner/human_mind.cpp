#include "runner/human_mind.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

#include "model/side_rules.h"

namespace hotline::runner {
namespace {

struct NamedClaim {
  const char* name;
  model::Claim claim;
};
constexpr NamedClaim kClaims[] = {
    {"not-us", model::Claim::kNotUs},      {"not-directed", model::Claim::kNotDirected},
    {"accident", model::Claim::kAccident}, {"ours", model::Claim::kAdmit},
    {"benign", model::Claim::kBenign},     {"refuse", model::Claim::kRefuse},
};

std::string rest_of_line(std::istringstream& words) {
  std::string rest;
  std::getline(words >> std::ws, rest);
  return rest;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

HumanMind::HumanMind(const model::Scenario& scenario, int party, std::uint64_t seed,
                     model::RecordSink* sink)
    : scenario_(scenario),
      party_(scenario.parties[party].id),
      self_(party),
      other_index_(1 - party),
      other_(scenario.parties[1 - party].id),
      sink_(sink),
      belief_(scenario.parties[party].stance_toward(1 - party).prior_hostility),
      prior_log_odds_(model::side_rules::to_log_odds(belief_)),
      belief_log_odds_(prior_log_odds_),
      model_(scenario, party, seed, nullptr) {}

void HumanMind::show(model::Record record) {
  record.party = party_;
  if (sink_) sink_->record(std::move(record));
}

std::string HumanMind::target_at_start(const std::string& text) const {
  // The longest target the text starts with, whole words only.
  std::string found;
  for (const std::string& target : known_targets()) {
    if (target.size() <= found.size() || text.compare(0, target.size(), target) != 0) continue;
    if (text.size() == target.size() || text[target.size()] == ' ') found = target;
  }
  return found;
}

std::vector<std::string> HumanMind::known_targets() const {
  // The incidents' targets, and every line a warning drew (the case's own, or the other
  // team's): what a warning may protect and a party may refrain from.
  std::vector<std::string> targets;
  auto add = [&](const std::string& target) {
    if (!target.empty() && std::find(targets.begin(), targets.end(), target) == targets.end())
      targets.push_back(target);
  };
  for (const auto& incident : scenario_.incidents) add(incident.target);
  for (const auto& message : scenario_.messages) add(message.line);
  for (const auto& line : lines_drawn_) add(line);
  return targets;
}

std::string HumanMind::targets_named() const {
  const std::vector<std::string> targets = known_targets();
  std::string named = "the targets are:";
  for (std::size_t i = 0; i < targets.size(); ++i) named += (i ? ", " : " ") + targets[i];
  return named;
}

void HumanMind::take(model::Actions& out) {
  out.send.insert(out.send.end(), pending_.send.begin(), pending_.send.end());
  out.strikes.insert(out.strikes.end(), pending_.strikes.begin(), pending_.strikes.end());
  out.moves.insert(out.moves.end(), pending_.moves.begin(), pending_.moves.end());
  out.refrain.insert(out.refrain.end(), pending_.refrain.begin(), pending_.refrain.end());
  pending_ = model::Actions{};
}

bool HumanMind::settle(Awaited::Kind kind, const std::string& incident) {
  for (auto it = awaited_.begin(); it != awaited_.end(); ++it) {
    if (it->kind == kind && (kind != Awaited::Kind::kAnswer || it->incident == incident)) {
      awaited_.erase(it);
      return true;
    }
  }
  return false;
}

void HumanMind::hand_to_model(model::SimTime now, Awaited awaited) {
  // Only what answers the input: the person's rung and strikes stay the person's.
  const model::Actions& choice = awaited.model_choice;
  pending_.send.insert(pending_.send.end(), choice.send.begin(), choice.send.end());
  pending_.refrain.insert(pending_.refrain.end(), choice.refrain.begin(), choice.refrain.end());
  model::Record r;
  r.at = now;
  r.kind = "model_decided";
  r.with("for", std::string(awaited.kind == Awaited::Kind::kAnswer ? "answer" : "warning"));
  if (!awaited.incident.empty()) r.with("incident", awaited.incident);
  std::string what;
  for (const auto& outgoing : choice.send) {
    if (outgoing.exchange.type == model::Exchange::Type::kReply)
      what = std::string("answered ") + model::claim_name(outgoing.exchange.claim);
  }
  for (const auto& target : choice.refrain)
    what += (what.empty() ? "" : ", ") + std::string("refrained from ") +
            (target.target.empty() ? std::string("every act against ") + other_ : target.target);
  r.with("decided", what.empty() ? std::string("nothing") : what);
  show(std::move(r));
}

void HumanMind::decide_awaited(model::SimTime now) {
  std::vector<Awaited> awaited;
  awaited.swap(awaited_);
  for (auto& one : awaited) hand_to_model(now, std::move(one));
}

int HumanMind::incident_index(const std::string& id) const {
  for (std::size_t i = 0; i < scenario_.incidents.size(); ++i) {
    if (scenario_.incidents[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::string HumanMind::command(model::SimTime now, const std::string& line) {
  // Tabs are spaces: a target's name is matched word by word.
  std::string spaced = line;
  std::replace(spaced.begin(), spaced.end(), '\t', ' ');
  std::istringstream words(spaced);
  std::string verb;
  words >> verb;
  model::Record typed;
  typed.at = now;
  typed.kind = "typed";
  typed.with("line", line);
  auto need_incident = [&](int& index) -> std::string {
    std::string id;
    words >> id;
    index = incident_index(id);
    return index < 0 ? "no incident \"" + id + "\" in this scenario" : "";
  };
  if (verb == "/help") {
    model::Record help;
    help.at = now;
    help.kind = "help";
    help.with("commands",
              std::string("/ask INCIDENT (ask the other side about it); /answer INCIDENT "
                          "not-us|not-directed|accident|ours|benign|refuse; /explain (your last "
                          "move); /climb and /down (a rung of the ladder); /strike INCIDENT "
                          "(respond in kind); /warn RUNG|- TARGET|- [words] (name a consequence, "
                          "draw a line around a target); /reassure [words]; /refrain TARGET (heed "
                          "a warning); /noted (a warning read, not heeded); /pass (let the model "
                          "decide what is awaited of "
                          "you); /believe P (0 to 1: that the other side means harm); any other "
                          "line is sent as words"));
    show(std::move(help));
    return "";
  }
  if (verb == "/pass") {
    if (awaited_.empty()) return "nothing is awaited of you";
    decide_awaited(now);
    return "";
  }
  if (verb == "/noted") {
    if (!settle(Awaited::Kind::kWarning)) return "no warning awaits you";
  } else if (verb == "/climb" || verb == "/down") {
    const int next = static_cast<int>(rung_) + (verb == "/climb" ? 1 : -1);
    if (next < 0 || next >= model::kRungCount) return "no rung further that way";
    rung_ = static_cast<model::Rung>(next);
    pending_.moves.push_back({rung_, other_index_});
  } else if (verb == "/ask" || verb == "/strike" || verb == "/answer") {
    int index = -1;
    if (auto problem = need_incident(index); !problem.empty()) return problem;
    model::Exchange exchange;
    exchange.incident = index;
    if (verb == "/strike") {
      pending_.strikes.push_back({index, scenario_.incidents[index].severity, other_index_});
    } else if (verb == "/ask") {
      exchange.type = model::Exchange::Type::kInquiry;
      pending_.send.push_back({0, exchange, other_index_});
    } else {
      std::string claim;
      words >> claim;
      bool known = false;
      for (const auto& named : kClaims) {
        if (claim == named.name) {
          exchange.claim = named.claim;
          known = true;
        }
      }
      if (!known) return "say not-us, not-directed, accident, ours, benign or refuse";
      settle(Awaited::Kind::kAnswer, scenario_.incidents[index].id);
      exchange.type = model::Exchange::Type::kReply;
      pending_.send.push_back({0, exchange, other_index_});
    }
  } else if (verb == "/warn" || verb == "/reassure") {
    model::Exchange exchange;
    std::string rest;
    if (verb == "/warn") {
      // /warn RUNG|- TARGET|- [words]: the consequence named, the line drawn around a target.
      exchange.type = model::Exchange::Type::kWarning;
      std::string consequence;
      words >> consequence;
      if (consequence.empty())
        return "say the rung the warning threatens (or - for none), then the target it "
               "protects (or - for none), then its words";
      if (consequence != "-") {
        for (char& c : consequence)
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const auto rung = model::parse_rung(consequence);
        if (!rung || *rung == model::Rung::kNormal) return "no rung \"" + consequence + "\"";
        exchange.consequence = *rung;
      }
      rest = rest_of_line(words);
      if (rest.empty())
        return "say the target the warning protects (or - for none); " + targets_named();
      if (rest == "-" || rest.rfind("- ", 0) == 0) {
        rest = rest.size() > 2 ? rest.substr(2) : "";
      } else {
        exchange.line = target_at_start(rest);
        if (exchange.line.empty()) return "no target at \"" + rest + "\"; " + targets_named();
        rest = rest.substr(exchange.line.size());
      }
      if (exchange.line.empty() && exchange.consequence == model::Rung::kNormal)
        return "a warning draws a line or names a consequence (or both); else just say it";
    } else {
      exchange.type = model::Exchange::Type::kReassurance;
      rest = rest_of_line(words);
    }
    exchange.text = trimmed(rest);
    if (exchange.text.empty())
      exchange.text = verb == "/warn" ? "This is a warning." : "We mean you no harm.";
    // To warn is to protest formally: the warner stands at DEMARCHE at least, as the case's own
    // warnings put their senders.
    if (verb == "/warn" && rung_ < model::Rung::kDemarche) {
      rung_ = model::Rung::kDemarche;
      pending_.moves.push_back({rung_, other_index_});
    }
    pending_.send.push_back({0, exchange, other_index_});
  } else if (verb == "/explain") {
    if (rung_ == model::Rung::kNormal) return "nothing to explain: you are at NORMAL";
    model::Exchange exchange;
    exchange.type = model::Exchange::Type::kExplanation;
    exchange.move = rung_;
    pending_.send.push_back({0, exchange, other_index_});
  } else if (verb == "/believe") {
    double p = -1;
    words >> p;
    if (p < 0 || p > 1) return "say a probability between 0 and 1";
    belief_ = p;
    belief_log_odds_ = model::side_rules::to_log_odds(p);
    belief_since_ = now;
    ++belief_changes_;
  } else if (verb == "/refrain") {
    // Targets are several words ("US grid operator"): the whole rest of the line names one.
    const std::string target = trimmed(rest_of_line(words));
    if (target.empty()) return "say which target; " + targets_named();
    if (target_at_start(target) != target)
      return "no target \"" + target + "\"; " + targets_named();
    settle(Awaited::Kind::kWarning);
    pending_.refrain.push_back({target, other_index_});
  } else if (!verb.empty() && verb[0] == '/') {
    return "unknown command " + verb;
  } else {
    model::Exchange exchange;
    exchange.type = model::Exchange::Type::kText;
    exchange.text = line;
    pending_.send.push_back({0, exchange, other_index_});
  }
  show(std::move(typed));
  return "";
}

void HumanMind::observe(model::SimTime now, const model::SeenIncident& seen, model::Actions& out) {
  model::Actions ignored;  // the person decides
  model_.observe(now, seen, ignored);
  model::Record r;
  r.at = now;
  r.kind = "observe";
  r.with("incident", seen.id)
      .with("points_at", seen.points_at == model::kNoParty ? std::string("elsewhere")
                                                           : scenario_.parties[seen.points_at].id)
      .with("confidence", seen.confidence)
      .with("damage", seen.damage);
  show(std::move(r));
  take(out);
}

void HumanMind::own_accident(model::SimTime now, int incident, const std::string& id, int victim,
                             model::Actions& out) {
  model::Actions ignored;  // the person decides
  model_.own_accident(now, incident, id, victim, ignored);
  model::Record r;
  r.at = now;
  r.kind = "accident";
  r.with("incident", id).with("what", std::string("your own side caused this by mistake"));
  show(std::move(r));
  take(out);
}

void HumanMind::inquiry(model::SimTime now, int message, int from, int incident,
                        const std::string& incident_id, model::StateRole role,
                        model::Actions& out) {
  Awaited awaited;
  awaited.kind = Awaited::Kind::kAnswer;
  awaited.incident = incident_id;
  model_.inquiry(now, message, from, incident, incident_id, role, awaited.model_choice);
  awaited_.push_back(std::move(awaited));
  model::Record r;
  r.at = now;
  r.kind = "asked";
  r.with("incident", incident_id)
      .with("hint",
            std::string("/answer INCIDENT not-us|not-directed|accident|ours|benign|refuse"));
  show(std::move(r));
  take(out);
}

void HumanMind::receive(model::SimTime now, int message, int from, const model::Exchange& exchange,
                        bool garbled, bool via_hotline, model::Actions& out) {
  model::Actions model_choice;
  model_.receive(now, message, from, exchange, garbled, via_hotline, model_choice);
  model::Record r;
  r.at = now;
  r.kind = "read";
  r.with("what", std::string(model::exchange_type_name(exchange.type)));
  if (exchange.type == model::Exchange::Type::kReply ||
      (exchange.type == model::Exchange::Type::kExplanation &&
       exchange.move == model::Rung::kNormal)) {
    r.with("claim", std::string(model::claim_name(exchange.claim)));
  }
  // What the message says, and whether it draws a line or names a consequence.
  std::string text;
  std::string line;
  std::optional<model::Rung> consequence;
  if (exchange.type == model::Exchange::Type::kScripted && exchange.scripted >= 0) {
    const model::MessageSpec& message = scenario_.messages[exchange.scripted];
    text = message.text;
    line = message.line;
    consequence = message.consequence;
  } else if (exchange.type == model::Exchange::Type::kWarning ||
             exchange.type == model::Exchange::Type::kReassurance) {
    text = exchange.text;
    line = exchange.line;
    if (exchange.consequence != model::Rung::kNormal) consequence = exchange.consequence;
  }
  if (!text.empty() || exchange.type == model::Exchange::Type::kScripted) r.with("text", text);
  if (!line.empty()) r.with("line", line);
  if (!line.empty() &&
      std::find(lines_drawn_.begin(), lines_drawn_.end(), line) == lines_drawn_.end())
    lines_drawn_.push_back(line);
  if (consequence) r.with("consequence", std::string(model::rung_name(*consequence)));
  // A line drawn or a consequence named is a warning: it awaits being heeded or not.
  if (!line.empty() || consequence) {
    Awaited awaited;
    awaited.kind = Awaited::Kind::kWarning;
    awaited.text = text;
    awaited.model_choice = std::move(model_choice);
    awaited_.push_back(std::move(awaited));
    r.with("hint", std::string("/refrain TARGET to heed it, /noted to go on"));
  }
  if (exchange.type == model::Exchange::Type::kText) r.with("text", exchange.text);
  if (garbled) r.with("garbled", true);
  show(std::move(r));
  take(out);
}

void HumanMind::declare(model::SimTime now, model::Rung at_least, const std::string& why, int to,
                        model::Actions& out) {
  model::Actions ignored;  // the person decides
  model_.declare(now, at_least, why, to, ignored);
  if (rung_ < at_least) {
    rung_ = at_least;
    pending_.moves.push_back({rung_, other_index_});
    model::Record r;
    r.at = now;
    r.kind = "rung";
    r.with("rung", std::string(model::rung_name(rung_)))
        .with("direction", std::string("climb"))
        .with("declared", "your side " + why);
    show(std::move(r));
  }
  take(out);
}

void HumanMind::see_move(model::SimTime now, int mover, model::Rung rung, int against,
                         model::MoveAnswers answers, model::Actions& out) {
  model::Actions ignored;  // the person decides
  model_.see_move(now, mover, rung, against, answers, ignored);
  model::Record r;
  r.at = now;
  r.kind = "see_move";
  r.with("rung", std::string(model::rung_name(rung)));
  show(std::move(r));
  take(out);
}

void HumanMind::learn_of_leak(model::SimTime now, int by, double cost) {
  model_.learn_of_leak(now, by, cost);
  const bool ours = by == self_;
  model::Record r;
  r.at = now;
  r.kind = "leak";
  r.with("what", std::string(ours ? "what crossed the hotline is in the press, from your side"
                                  : "what crossed the hotline is in the press, from " + other_));
  show(std::move(r));
}

void HumanMind::review(model::SimTime now, model::Actions& out) {
  model::Actions ignored;  // the person decides
  model_.review(now, ignored);
  take(out);
}

void HumanMind::heard_link_test(model::SimTime now, int message, int from) {
  model_.heard_link_test(now, message, from);
}

void HumanMind::set_intent(model::SimTime now, int toward, bool intends_harm,
                           std::optional<model::Rung> aim) {
  model_.set_intent(now, toward, intends_harm, aim);
}

void HumanMind::gain_trust(model::SimTime now, int from, double amount) {
  model_.gain_trust(now, from, amount);
}

void HumanMind::transmit(model::SimTime now, int message, const model::Exchange& exchange, int to,
                         std::size_t words, const model::Transmission& sent) {
  model_.transmit(now, message, exchange, to, words, sent);
}

}  // namespace hotline::runner
