#include "runner/player.h"

#include "runner/side_protocol.h"

#include <optional>
#include <stdexcept>

namespace hotline::runner {

Player::Player(const model::Scenario& scenario, int party, std::uint64_t seed, bool human,
               double speed, Send send, LinkFaults::After after, Reply reply)
    : send_(send),
      faults_(scenario, seed, party, speed, std::move(send), std::move(after)),
      reply_(std::move(reply)) {
  if (human) {
    auto mind = std::make_unique<HumanMind>(scenario, party, seed, &records_);
    human_ = mind.get();
    mind_ = std::move(mind);
  } else {
    mind_ = std::make_unique<model::LocalSideHost>(scenario, party, seed, &records_);
  }
}

void Player::on_call(const std::string& line) {
  const nlohmann::json call = nlohmann::json::parse(line, nullptr, false);
  if (!call.is_object() || !call.contains("call")) {
    reply_(nlohmann::json{{"reply", "error"}, {"error", "not a call: " + line}}.dump());
    return;
  }
  try {
    if (!run(call)) waiting_ = call;
  } catch (const std::exception& error) {
    reply_(nlohmann::json{{"reply", "error"}, {"error", error.what()}}.dump());
  }
}

void Player::on_received(const wire::ModelExchange& exchange) {
  ++copies_received_;
  garbled_received_ += exchange.garbled() ? 1 : 0;
  model::Exchange decoded;
  try {
    decoded = exchange_from_wire(exchange);
  } catch (const std::exception& error) {
    // The peer's node authenticated, but what it carried is not a model exchange: the run
    // cannot go on as simulated, and the referee says so.
    reply_(nlohmann::json{
        {"reply", "error"},
        {"error", std::string("the peer sent a malformed exchange: ") + error.what()}}
               .dump());
    return;
  }
  Copies& copies = received_[exchange.run_message()];
  copies.exchange = decoded;
  (exchange.garbled() ? copies.garbled : copies.clean) = true;
  if (waiting_ && run(*waiting_)) waiting_.reset();
}

void Player::answer(const std::string& name, const model::Actions& actions, nlohmann::json extra) {
  nlohmann::json reply = {{"reply", name},
                          {"actions", actions_to_json(actions)},
                          {"rung", static_cast<int>(mind_->rung())},
                          {"records", nlohmann::json::array()}};
  for (const auto& record : records_.records) reply["records"].push_back(record_to_json(record));
  records_.records.clear();
  if (human_) {
    // What the referee holds the clock for, and whether the person has decided something the
    // world should take now.
    nlohmann::json awaited = nlohmann::json::array();
    for (const auto& one : human_->awaited()) {
      awaited.push_back(one.kind == HumanMind::Awaited::Kind::kAnswer
                            ? nlohmann::json{{"kind", "answer"}, {"incident", one.incident}}
                            : nlohmann::json{{"kind", "warning"}, {"text", one.text}});
    }
    reply["awaiting"] = std::move(awaited);
    reply["decided"] = human_->has_decisions();
  }
  for (auto& [key, value] : extra.items()) reply[key] = value;
  reply_(reply.dump());
}

bool Player::run(const nlohmann::json& call) {
  const std::string name = call.at("call").get<std::string>();
  const model::SimTime now = call.value("now", model::SimTime{0});
  model::Actions actions;
  // A call that hands over a message needs it to have crossed the link first, unless the
  // referee says it may have reached this mind before a restart; then it hands it over itself.
  std::optional<model::Exchange> exchange;
  if (call.contains("exchange")) {
    const model::Exchange given = exchange_from_json(call.at("exchange"));
    const bool await_link = call.value("await_link", false) && call.value("via_hotline", true);
    if (!await_link) {
      exchange = given;
    } else {
      const auto found = received_.find(call.at("message").get<std::uint64_t>());
      if (found == received_.end()) return false;
      // The copy the referee delivers may be the garbled one or the clean one.
      if (call.contains("garbled") &&
          !(call.at("garbled").get<bool>() ? found->second.garbled : found->second.clean)) {
        return false;
      }
      if (exchange_to_json(found->second.exchange) != exchange_to_json(given)) {
        throw std::runtime_error("message " + call.at("message").dump() +
                                 " arrived over the link different from what was sent");
      }
      exchange = found->second.exchange;
    }
  }
  if (name == "observe") {
    mind_->observe(now, seen_from_json(call.at("seen")), actions);
  } else if (name == "own_accident") {
    mind_->own_accident(now, call.at("incident").get<int>(), call.at("id").get<std::string>(),
                        actions);
  } else if (name == "inquiry" && exchange) {
    mind_->inquiry(now, call.at("message").get<int>(), exchange->incident,
                   call.at("id").get<std::string>(),
                   static_cast<model::StateRole>(call.at("role").get<int>()), actions);
  } else if (name == "receive" && exchange) {
    mind_->receive(now, call.at("message").get<int>(), *exchange, call.at("garbled").get<bool>(),
                   call.value("via_hotline", true), actions);
  } else if (name == "heard_link_test" && exchange) {
    mind_->heard_link_test(now, call.at("message").get<int>());
  } else if (name == "declare") {
    mind_->declare(now, model::rung_at(call.at("rung").get<int>()),
                   call.at("why").get<std::string>(), actions);
  } else if (name == "see_move") {
    const int answers = call.at("answers").get<int>();
    if (answers < 0 || answers > static_cast<int>(model::MoveAnswers::kOurThreat))
      throw std::out_of_range("see_move: no such answer " + std::to_string(answers));
    mind_->see_move(now, model::rung_at(call.at("rung").get<int>()),
                    static_cast<model::MoveAnswers>(answers), actions);
  } else if (name == "review") {
    mind_->review(now, call.at("link_test_every").get<model::SimTime>(), actions);
  } else if (name == "set_intent") {
    mind_->set_intent(now, call.at("intends_harm").get<bool>());
  } else if (name == "gain_trust") {
    mind_->gain_trust(now, call.at("amount").get<double>());
  } else if (name == "learn_of_leak") {
    mind_->learn_of_leak(now, call.at("ours").get<bool>(), call.at("cost").get<double>());
  } else if (name == "transmit" || name == "resend") {
    const std::uint64_t id = call.at("message").get<std::uint64_t>();
    wire::Envelope envelope;
    *envelope.mutable_model_exchange() =
        exchange_to_wire(id, exchange_from_json(call.at("exchange")));
    if (name == "resend") {
      faults_.count_resend();
      send_(std::move(envelope));
    } else {
      faults_.transmit(now, std::move(envelope), call.at("words").get<std::size_t>(),
                       transmission_from_json(call.at("sent")), call.value("replay", false));
    }
  } else if (name == "human") {
    if (!human_) throw std::invalid_argument("this party is not played by a person");
    const std::string problem = human_->command(now, call.at("line").get<std::string>());
    answer(name, actions, {{"problem", problem}});
    return true;
  } else if (name == "decide") {
    if (!human_) throw std::invalid_argument("this party is not played by a person");
    human_->decide_awaited(now);
  } else if (name == "link_counts") {
    // Copies still held for their delay go now: the referee has finished.
    if (call.value("flush", false)) faults_.flush();
    const LinkFaults::Counts& counts = faults_.counts();
    answer(name, actions,
           {{"written", counts.written},
            {"lost", counts.lost},
            {"garbled", counts.garbled},
            {"duplicated", counts.duplicated},
            {"resent", counts.resent},
            {"received", copies_received_},
            {"received_garbled", garbled_received_}});
    return true;
  } else if (name == "belief") {
    answer(name, actions, {{"belief", mind_->belief(now)}});
    return true;
  } else {
    throw std::invalid_argument("unknown call \"" + name + "\"");
  }
  answer(name, actions);
  return true;
}

}  // namespace hotline::runner
