#include "runner/side_protocol.h"

#include <cstdint>
#include <limits>
#include <type_traits>

// The model's plain structs, field by field, as nlohmann/json's macros write them. They are read
// by hand below (every field required), integers only from JSON integers. They live in the
// model's namespace for lookup, but only here: the model itself knows nothing of JSON.
namespace hotline::model {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Exchange, type, incident, claim, clarity, move, scripted, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SeenIncident, incident, id, points_at_other, confidence,
                                   severity, damage, in_response_to, threat_only)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Transit, lost, outage, delay, garbled, duplicated,
                                   duplicate_delay, reordered)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Transmission, circuit, switched, transit)

}  // namespace hotline::model

namespace hotline::runner {
namespace {

// nlohmann/json turns a float into an integer with a plain cast, undefined past the integer's
// range (a reply's "after": 1e300): integers from outside are read only from JSON integers, and
// range-checked.
template <typename Int>
Int integer(const nlohmann::json& value, const char* what) {
  if (!value.is_number_integer()) {
    throw std::out_of_range(std::string(what) + ": expected an integer, got " + value.dump());
  }
  const auto out_of_range = [&] {
    return std::out_of_range(std::string(what) + ": " + value.dump() + " is out of range");
  };
  if (value.is_number_unsigned()) {
    const auto unsigned_value = value.get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
      throw out_of_range();
    }
    return static_cast<Int>(unsigned_value);
  }
  const auto signed_value = value.get<std::int64_t>();
  if constexpr (std::is_unsigned_v<Int>) {
    if (signed_value < 0) throw out_of_range();
  } else {
    if (signed_value < std::numeric_limits<Int>::min() ||
        signed_value > std::numeric_limits<Int>::max()) {
      throw out_of_range();
    }
  }
  return static_cast<Int>(signed_value);
}

double number(const nlohmann::json& value, const char* what) {
  if (!value.is_number()) {
    throw std::out_of_range(std::string(what) + ": expected a number, got " + value.dump());
  }
  return value.get<double>();
}

// An exchange read from outside (a node's reply, a peer's ModelExchange) names a type, a claim
// and a rung the model knows, or it is refused: the model looks their names up by index.
model::Exchange checked(model::Exchange exchange) {
  const int type = static_cast<int>(exchange.type);
  if (type < 0 || type > static_cast<int>(model::Exchange::Type::kText)) {
    throw std::out_of_range("exchange type " + std::to_string(type) +
                            " is not one the model knows");
  }
  const int claim = static_cast<int>(exchange.claim);
  if (claim < 0 || claim > static_cast<int>(model::Claim::kRefuse)) {
    throw std::out_of_range("claim " + std::to_string(claim) + " is not one the model knows");
  }
  model::rung_at(static_cast<int>(exchange.move));
  return exchange;
}

// The model's claims and the wire's are numbered differently (the wire's REFUSE is 4, the
// model's kRefuse 5): each is mapped by name.
wire::ModelExchange::Claim claim_to_wire(model::Claim claim) {
  switch (claim) {
    case model::Claim::kNotUs:
      return wire::ModelExchange::NOT_US;
    case model::Claim::kNotDirected:
      return wire::ModelExchange::NOT_DIRECTED;
    case model::Claim::kAccident:
      return wire::ModelExchange::ACCIDENT;
    case model::Claim::kAdmit:
      return wire::ModelExchange::ADMIT;
    case model::Claim::kBenign:
      return wire::ModelExchange::BENIGN;
    case model::Claim::kRefuse:
      return wire::ModelExchange::REFUSE;
  }
  throw std::out_of_range("claim " + std::to_string(static_cast<int>(claim)));
}

model::Claim claim_from_wire(int claim) {
  switch (claim) {
    case wire::ModelExchange::NOT_US:
      return model::Claim::kNotUs;
    case wire::ModelExchange::NOT_DIRECTED:
      return model::Claim::kNotDirected;
    case wire::ModelExchange::ACCIDENT:
      return model::Claim::kAccident;
    case wire::ModelExchange::ADMIT:
      return model::Claim::kAdmit;
    case wire::ModelExchange::BENIGN:
      return model::Claim::kBenign;
    case wire::ModelExchange::REFUSE:
      return model::Claim::kRefuse;
    default:
      throw std::out_of_range("claim " + std::to_string(claim) + " is not one the model knows");
  }
}

}  // namespace

nlohmann::json exchange_to_json(const model::Exchange& exchange) {
  return exchange;
}

model::Exchange exchange_from_json(const nlohmann::json& json) {
  model::Exchange exchange;
  exchange.type = static_cast<model::Exchange::Type>(integer<int>(json.at("type"), "type"));
  exchange.incident = integer<int>(json.at("incident"), "incident");
  exchange.claim = static_cast<model::Claim>(integer<int>(json.at("claim"), "claim"));
  exchange.clarity = number(json.at("clarity"), "clarity");
  exchange.move = static_cast<model::Rung>(integer<int>(json.at("move"), "move"));
  exchange.scripted = integer<int>(json.at("scripted"), "scripted");
  exchange.text = json.at("text").get<std::string>();
  return checked(exchange);
}

wire::ModelExchange exchange_to_wire(std::uint64_t run_message, const model::Exchange& exchange) {
  wire::ModelExchange wire;
  wire.set_run_message(run_message);
  wire.set_type(static_cast<wire::ModelExchange::Type>(exchange.type));
  wire.set_incident(exchange.incident);
  wire.set_claim(claim_to_wire(exchange.claim));
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
  exchange.claim = claim_from_wire(wire.claim());
  exchange.clarity = wire.clarity();
  exchange.move = model::rung_at(wire.move());
  exchange.scripted = wire.scripted();
  exchange.text = wire.text();
  return checked(exchange);
}

nlohmann::json seen_to_json(const model::SeenIncident& seen) {
  return seen;
}

model::SeenIncident seen_from_json(const nlohmann::json& json) {
  model::SeenIncident seen;
  seen.incident = integer<int>(json.at("incident"), "incident");
  seen.id = json.at("id").get<std::string>();
  seen.points_at_other = json.at("points_at_other").get<bool>();
  seen.confidence = number(json.at("confidence"), "confidence");
  seen.severity = number(json.at("severity"), "severity");
  seen.damage = number(json.at("damage"), "damage");
  seen.in_response_to = integer<int>(json.at("in_response_to"), "in_response_to");
  seen.threat_only = json.at("threat_only").get<bool>();
  return seen;
}

nlohmann::json transmission_to_json(const model::Transmission& sent) {
  return sent;
}

model::Transmission transmission_from_json(const nlohmann::json& json) {
  model::Transmission sent;
  sent.circuit = integer<int>(json.at("circuit"), "circuit");
  sent.switched = json.at("switched").get<bool>();
  const nlohmann::json& transit = json.at("transit");
  sent.transit.lost = transit.at("lost").get<bool>();
  sent.transit.outage = transit.at("outage").get<bool>();
  sent.transit.delay = integer<model::SimTime>(transit.at("delay"), "delay");
  sent.transit.garbled = transit.at("garbled").get<bool>();
  sent.transit.duplicated = transit.at("duplicated").get<bool>();
  sent.transit.duplicate_delay =
      integer<model::SimTime>(transit.at("duplicate_delay"), "duplicate_delay");
  sent.transit.reordered = transit.at("reordered").get<bool>();
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
    actions.send.push_back({integer<model::SimTime>(outgoing.at("after"), "after"),
                            exchange_from_json(outgoing.at("exchange"))});
  }
  for (const auto& strike : json.at("strikes")) {
    actions.strikes.push_back({integer<int>(strike.at("in_response_to"), "in_response_to"),
                               number(strike.at("severity"), "severity")});
  }
  for (const auto& rung : json.at("moves"))
    actions.moves.push_back(model::rung_at(integer<int>(rung, "move")));
  for (const auto& at : json.at("wake_at"))
    actions.wake_at.push_back(integer<model::SimTime>(at, "wake_at"));
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
  record.at = integer<model::SimTime>(json.at("at"), "at");
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
      v = integer<long long>(value, "field");
    }
    record.fields.emplace_back(field.at(0).get<std::string>(), std::move(v));
  }
  return record;
}

SideReply read_side_reply(const nlohmann::json& reply) {
  try {
    SideReply read;
    for (const auto& record : reply.at("records")) read.records.push_back(record_from_json(record));
    read.rung = model::rung_at(integer<int>(reply.at("rung"), "rung"));
    read.actions = actions_from_json(reply.at("actions"));
    return read;
  } catch (const nlohmann::json::exception& error) {
    throw MalformedReply(std::string("a malformed reply: ") + error.what());
  } catch (const std::out_of_range& error) {
    throw MalformedReply(std::string("a malformed reply: ") + error.what());
  }
}

}  // namespace hotline::runner
