#include "runner/human_mind.h"

#include <sstream>

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

}  // namespace

HumanMind::HumanMind(const model::Scenario& scenario, int party, model::RecordSink* sink)
    : scenario_(scenario),
      party_(scenario.parties[party].id),
      other_(scenario.parties[1 - party].id),
      sink_(sink),
      belief_(scenario.parties[party].prior_hostility) {}

void HumanMind::show(model::Record record) {
  record.party = party_;
  if (sink_) sink_->record(std::move(record));
}

void HumanMind::take(model::Actions& out) {
  out.send.insert(out.send.end(), pending_.send.begin(), pending_.send.end());
  out.strikes.insert(out.strikes.end(), pending_.strikes.begin(), pending_.strikes.end());
  out.moves.insert(out.moves.end(), pending_.moves.begin(), pending_.moves.end());
  out.refrain.insert(out.refrain.end(), pending_.refrain.begin(), pending_.refrain.end());
  pending_ = model::Actions{};
}

int HumanMind::incident_index(const std::string& id) const {
  for (std::size_t i = 0; i < scenario_.incidents.size(); ++i) {
    if (scenario_.incidents[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::string HumanMind::command(model::SimTime now, const std::string& line) {
  std::istringstream words(line);
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
                          "(respond in kind); /refrain TARGET; /believe P (0 to 1: that the "
                          "other side means harm); any other line is sent as words"));
    show(std::move(help));
    return "";
  }
  if (verb == "/climb" || verb == "/down") {
    const int next = static_cast<int>(rung_) + (verb == "/climb" ? 1 : -1);
    if (next < 0 || next >= model::kRungCount) return "no rung further that way";
    rung_ = static_cast<model::Rung>(next);
    pending_.moves.push_back(rung_);
  } else if (verb == "/ask" || verb == "/strike" || verb == "/answer") {
    int index = -1;
    if (auto problem = need_incident(index); !problem.empty()) return problem;
    model::Exchange exchange;
    exchange.incident = index;
    if (verb == "/strike") {
      pending_.strikes.push_back({index, scenario_.incidents[index].severity});
    } else if (verb == "/ask") {
      exchange.type = model::Exchange::Type::kInquiry;
      pending_.send.push_back({0, exchange});
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
      exchange.type = model::Exchange::Type::kReply;
      pending_.send.push_back({0, exchange});
    }
  } else if (verb == "/explain") {
    if (rung_ == model::Rung::kNormal) return "nothing to explain: you are at NORMAL";
    model::Exchange exchange;
    exchange.type = model::Exchange::Type::kExplanation;
    exchange.move = rung_;
    pending_.send.push_back({0, exchange});
  } else if (verb == "/believe") {
    double p = -1;
    words >> p;
    if (p < 0 || p > 1) return "say a probability between 0 and 1";
    belief_ = p;
  } else if (verb == "/refrain") {
    std::string target;
    words >> target;
    if (target.empty()) return "say which target (an incident's target, as in the scenario)";
    pending_.refrain.push_back(target);
  } else if (!verb.empty() && verb[0] == '/') {
    return "unknown command " + verb;
  } else {
    model::Exchange exchange;
    exchange.type = model::Exchange::Type::kText;
    exchange.text = line;
    pending_.send.push_back({0, exchange});
  }
  show(std::move(typed));
  return "";
}

void HumanMind::observe(model::SimTime now, const model::SeenIncident& seen, model::Actions& out) {
  model::Record r;
  r.at = now;
  r.kind = "observe";
  r.with("incident", seen.id)
      .with("points_at", seen.points_at_other ? other_ : std::string("elsewhere"))
      .with("confidence", seen.confidence)
      .with("damage", seen.damage);
  show(std::move(r));
  take(out);
}

void HumanMind::own_accident(model::SimTime now, int, const std::string& id, model::Actions& out) {
  model::Record r;
  r.at = now;
  r.kind = "accident";
  r.with("incident", id).with("what", std::string("your own side caused this by mistake"));
  show(std::move(r));
  take(out);
}

void HumanMind::inquiry(model::SimTime now, int, int, const std::string& incident_id,
                        model::StateRole, model::Actions& out) {
  model::Record r;
  r.at = now;
  r.kind = "asked";
  r.with("incident", incident_id)
      .with("hint",
            std::string("/answer INCIDENT not-us|not-directed|accident|ours|benign|refuse"));
  show(std::move(r));
  take(out);
}

void HumanMind::receive(model::SimTime now, int, const model::Exchange& exchange, bool garbled,
                        bool, model::Actions& out) {
  model::Record r;
  r.at = now;
  r.kind = "read";
  r.with("what", std::string(model::exchange_type_name(exchange.type)));
  if (exchange.type == model::Exchange::Type::kReply ||
      (exchange.type == model::Exchange::Type::kExplanation &&
       exchange.move == model::Rung::kNormal)) {
    r.with("claim", std::string(model::claim_name(exchange.claim)));
  }
  if (exchange.type == model::Exchange::Type::kScripted && exchange.scripted >= 0) {
    const model::MessageSpec& message = scenario_.messages[exchange.scripted];
    r.with("text", message.text);
    if (!message.line.empty()) r.with("line", message.line);
    if (message.consequence)
      r.with("consequence", std::string(model::rung_name(*message.consequence)));
  }
  if (exchange.type == model::Exchange::Type::kText) r.with("text", exchange.text);
  if (garbled) r.with("garbled", true);
  show(std::move(r));
  take(out);
}

void HumanMind::declare(model::SimTime now, model::Rung at_least, const std::string& why,
                        model::Actions& out) {
  if (rung_ < at_least) {
    rung_ = at_least;
    pending_.moves.push_back(rung_);
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

void HumanMind::see_move(model::SimTime now, model::Rung rung, model::MoveAnswers,
                         model::Actions& out) {
  model::Record r;
  r.at = now;
  r.kind = "see_move";
  r.with("rung", std::string(model::rung_name(rung)));
  show(std::move(r));
  take(out);
}

void HumanMind::learn_of_leak(model::SimTime now, bool ours, double) {
  model::Record r;
  r.at = now;
  r.kind = "leak";
  r.with("what", std::string(ours ? "what crossed the hotline is in the press, from your side"
                                  : "what crossed the hotline is in the press, from " + other_));
  show(std::move(r));
}

void HumanMind::review(model::SimTime, model::SimTime, model::Actions& out) {
  take(out);
}

}  // namespace hotline::runner
