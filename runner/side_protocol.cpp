#include "runner/side_protocol.h"

namespace hotline::runner {

nlohmann::json exchange_to_json(const model::Exchange& exchange) {
  return {{"type", static_cast<int>(exchange.type)},
          {"incident", exchange.incident},
          {"claim", static_cast<int>(exchange.claim)},
          {"clarity", exchange.clarity},
          {"move", static_cast<int>(exchange.move)},
          {"scripted", exchange.scripted},
          {"text", exchange.text}};
}

model::Exchange exchange_from_json(const nlohmann::json& json) {
  model::Exchange exchange;
  exchange.type = static_cast<model::Exchange::Type>(json.at("type").get<int>());
  exchange.incident = json.at("incident").get<int>();
  exchange.claim = static_cast<model::Claim>(json.at("claim").get<int>());
  exchange.clarity = json.at("clarity").get<double>();
  exchange.move = static_cast<model::Rung>(json.at("move").get<int>());
  exchange.scripted = json.at("scripted").get<int>();
  exchange.text = json.value("text", "");
  return exchange;
}

wire::ModelExchange exchange_to_wire(std::uint64_t run_message, const model::Exchange& exchange) {
  wire::ModelExchange wire;
  wire.set_run_message(run_message);
  wire.set_type(static_cast<wire::ModelExchange::Type>(exchange.type));
  wire.set_incident(exchange.incident);
  wire.set_claim(static_cast<wire::ModelExchange::Claim>(exchange.claim));
  wire.set_clarity(exchange.clarity);
  wire.set_move(static_cast<int>(exchange.move));
  wire.set_scripted(exchange.scripted);
  wire.set_text(exchange.text);
  return wire;
}

model::Exchange exchange_from_wire(const wire::ModelExchange& wire) {
  model::Exchange exchange;
  exchange.type = static_cast<model::Exchange::Type>(wire.type());
  exchange.incident = wire.incident();
  exchange.claim = static_cast<model::Claim>(wire.claim());
  exchange.clarity = wire.clarity();
  exchange.move = static_cast<model::Rung>(wire.move());
  exchange.scripted = wire.scripted();
  exchange.text = wire.text();
  return exchange;
}

nlohmann::json seen_to_json(const model::SeenIncident& seen) {
  return {{"incident", seen.incident},
          {"id", seen.id},
          {"points_at_other", seen.points_at_other},
          {"confidence", seen.confidence},
          {"severity", seen.severity},
          {"damage", seen.damage},
          {"in_response_to", seen.in_response_to}};
}

model::SeenIncident seen_from_json(const nlohmann::json& json) {
  model::SeenIncident seen;
  seen.incident = json.at("incident").get<int>();
  seen.id = json.at("id").get<std::string>();
  seen.points_at_other = json.at("points_at_other").get<bool>();
  seen.confidence = json.at("confidence").get<double>();
  seen.severity = json.at("severity").get<double>();
  seen.damage = json.at("damage").get<double>();
  seen.in_response_to = json.at("in_response_to").get<int>();
  return seen;
}

nlohmann::json transmission_to_json(const model::Transmission& sent) {
  const model::Transit& t = sent.transit;
  return {{"circuit", sent.circuit},
          {"lost", t.lost},
          {"outage", t.outage},
          {"delay", t.delay},
          {"garbled", t.garbled},
          {"duplicated", t.duplicated},
          {"duplicate_delay", t.duplicate_delay},
          {"reordered", t.reordered}};
}

model::Transmission transmission_from_json(const nlohmann::json& json) {
  model::Transmission sent;
  sent.circuit = json.at("circuit").get<int>();
  model::Transit& t = sent.transit;
  t.lost = json.at("lost").get<bool>();
  t.outage = json.at("outage").get<bool>();
  t.delay = json.at("delay").get<model::SimTime>();
  t.garbled = json.at("garbled").get<bool>();
  t.duplicated = json.at("duplicated").get<bool>();
  t.duplicate_delay = json.at("duplicate_delay").get<model::SimTime>();
  t.reordered = json.at("reordered").get<bool>();
  return sent;
}

nlohmann::json actions_to_json(const model::Actions& actions) {
  nlohmann::json json = {{"send", nlohmann::json::array()},
                         {"strikes", nlohmann::json::array()},
                         {"moves", nlohmann::json::array()},
                         {"wake_at", nlohmann::json::array()},
                         {"refrain", nlohmann::json::array()}};
  for (const auto& outgoing : actions.send) {
    json["send"].push_back(
        {{"after", outgoing.after}, {"exchange", exchange_to_json(outgoing.exchange)}});
  }
  for (const auto& strike : actions.strikes) {
    json["strikes"].push_back(
        {{"in_response_to", strike.in_response_to}, {"severity", strike.severity}});
  }
  for (const auto rung : actions.moves) json["moves"].push_back(static_cast<int>(rung));
  for (const auto at : actions.wake_at) json["wake_at"].push_back(at);
  for (const auto& target : actions.refrain) json["refrain"].push_back(target);
  return json;
}

model::Actions actions_from_json(const nlohmann::json& json) {
  model::Actions actions;
  for (const auto& outgoing : json.at("send")) {
    actions.send.push_back(
        {outgoing.at("after").get<model::SimTime>(), exchange_from_json(outgoing.at("exchange"))});
  }
  for (const auto& strike : json.at("strikes")) {
    actions.strikes.push_back(
        {strike.at("in_response_to").get<int>(), strike.at("severity").get<double>()});
  }
  for (const auto& rung : json.at("moves"))
    actions.moves.push_back(static_cast<model::Rung>(rung.get<int>()));
  for (const auto& at : json.at("wake_at")) actions.wake_at.push_back(at.get<model::SimTime>());
  for (const auto& target : json.at("refrain"))
    actions.refrain.push_back(target.get<std::string>());
  return actions;
}

nlohmann::json record_to_json(const model::Record& record) {
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& [key, value] : record.fields) {
    nlohmann::json v;
    std::visit([&v](const auto& x) { v = x; }, value);
    fields.push_back({key, v});
  }
  return {{"at", record.at}, {"kind", record.kind}, {"party", record.party}, {"fields", fields}};
}

model::Record record_from_json(const nlohmann::json& json) {
  model::Record record;
  record.at = json.at("at").get<model::SimTime>();
  record.kind = json.at("kind").get<std::string>();
  record.party = json.at("party").get<std::string>();
  for (const auto& field : json.at("fields")) {
    const auto& value = field.at(1);
    model::FieldValue v;
    if (value.is_string()) {
      v = value.get<std::string>();
    } else if (value.is_boolean()) {
      v = value.get<bool>();
    } else if (value.is_number_float()) {
      v = value.get<double>();
    } else {
      v = value.get<long long>();
    }
    record.fields.emplace_back(field.at(0).get<std::string>(), std::move(v));
  }
  return record;
}

}  // namespace hotline::runner
