#include "runner/side_protocol.h"

// The model's plain structs, field by field, as nlohmann/json's macros write and read them (every
// field required when read). They live in the model's namespace for lookup, but only here: the
// model itself knows nothing of JSON.
namespace hotline::model {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Exchange, type, incident, claim, clarity, move, scripted, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SeenIncident, incident, id, points_at_other, confidence,
                                   severity, damage, in_response_to, threat_only)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Transit, lost, outage, delay, garbled, duplicated,
                                   duplicate_delay, reordered)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Transmission, circuit, switched, transit)

}  // namespace hotline::model

namespace hotline::runner {

nlohmann::json exchange_to_json(const model::Exchange& exchange) {
  return exchange;
}

model::Exchange exchange_from_json(const nlohmann::json& json) {
  return json.get<model::Exchange>();
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
  exchange.move = model::rung_at(wire.move());
  exchange.scripted = wire.scripted();
  exchange.text = wire.text();
  return exchange;
}

nlohmann::json seen_to_json(const model::SeenIncident& seen) {
  return seen;
}

model::SeenIncident seen_from_json(const nlohmann::json& json) {
  return json.get<model::SeenIncident>();
}

nlohmann::json transmission_to_json(const model::Transmission& sent) {
  return sent;
}

model::Transmission transmission_from_json(const nlohmann::json& json) {
  return json.get<model::Transmission>();
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
    actions.moves.push_back(model::rung_at(rung.get<int>()));
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
