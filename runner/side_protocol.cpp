#include "runner/side_protocol.h"

#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <variant>

namespace hotline::runner {
namespace {

// An exchange read from outside (a node's reply, a peer's ModelExchange) names a type, a claim
// and a rung the model knows, or it is refused: the model looks their names up by index.
model::Exchange checked(model::Exchange exchange) {
  const int type = static_cast<int>(exchange.type);
  if (type < 0 || type > static_cast<int>(model::Exchange::Type::kAssessment)) {
    throw std::out_of_range("exchange type " + std::to_string(type) +
                            " is not one the model knows");
  }
  const int claim = static_cast<int>(exchange.claim);
  if (claim < 0 || claim > static_cast<int>(model::Claim::kRefuse)) {
    throw std::out_of_range("claim " + std::to_string(claim) + " is not one the model knows");
  }
  model::rung_at(static_cast<int>(exchange.move));
  model::rung_at(static_cast<int>(exchange.consequence));
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

google::protobuf::util::JsonPrintOptions print_options() {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  return options;
}

}  // namespace

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
  wire.set_line(exchange.line);
  wire.set_consequence(static_cast<int>(exchange.consequence));
  if (exchange.via != model::kNoParty) wire.set_via(exchange.via);
  if (exchange.points_at != model::kNoParty) wire.set_points_at(exchange.points_at);
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
  exchange.line = wire.line();
  exchange.consequence = model::rung_at(wire.consequence());
  if (wire.has_via()) exchange.via = wire.via();
  if (wire.has_points_at()) exchange.points_at = wire.points_at();
  return checked(exchange);
}

bool same_exchange(const model::Exchange& a, const model::Exchange& b) {
  return a.type == b.type && a.incident == b.incident && a.claim == b.claim &&
         a.clarity == b.clarity && a.move == b.move && a.scripted == b.scripted &&
         a.text == b.text && a.line == b.line && a.consequence == b.consequence && a.via == b.via &&
         a.points_at == b.points_at;
}

side::Seen seen_to_proto(const model::SeenIncident& seen) {
  side::Seen proto;
  proto.set_incident(seen.incident);
  proto.set_id(seen.id);
  proto.set_points_at(seen.points_at);
  proto.set_confidence(seen.confidence);
  proto.set_severity(seen.severity);
  proto.set_damage(seen.damage);
  proto.set_ally_damage(seen.ally_damage);
  proto.set_in_response_to(seen.in_response_to);
  proto.set_threat_only(seen.threat_only);
  return proto;
}

model::SeenIncident seen_from_proto(const side::Seen& proto) {
  model::SeenIncident seen;
  seen.incident = proto.incident();
  seen.id = proto.id();
  seen.points_at = proto.points_at();
  seen.confidence = proto.confidence();
  seen.severity = proto.severity();
  seen.damage = proto.damage();
  seen.ally_damage = proto.ally_damage();
  seen.in_response_to = proto.in_response_to();
  seen.threat_only = proto.threat_only();
  return seen;
}

side::Transmission transmission_to_proto(const model::Transmission& sent) {
  side::Transmission proto;
  proto.set_circuit(sent.circuit);
  proto.set_switched(sent.switched);
  proto.set_lost(sent.transit.lost);
  proto.set_outage(sent.transit.outage);
  proto.set_delay(sent.transit.delay);
  proto.set_garbled(sent.transit.garbled);
  proto.set_duplicated(sent.transit.duplicated);
  proto.set_duplicate_delay(sent.transit.duplicate_delay);
  proto.set_reordered(sent.transit.reordered);
  return proto;
}

model::Transmission transmission_from_proto(const side::Transmission& proto) {
  model::Transmission sent;
  sent.circuit = proto.circuit();
  sent.switched = proto.switched();
  sent.transit.lost = proto.lost();
  sent.transit.outage = proto.outage();
  sent.transit.delay = proto.delay();
  sent.transit.garbled = proto.garbled();
  sent.transit.duplicated = proto.duplicated();
  sent.transit.duplicate_delay = proto.duplicate_delay();
  sent.transit.reordered = proto.reordered();
  return sent;
}

side::Actions actions_to_proto(const model::Actions& actions) {
  side::Actions proto;
  for (const auto& outgoing : actions.send) {
    side::Outgoing* out = proto.add_send();
    out->set_after(outgoing.after);
    *out->mutable_exchange() = exchange_to_wire(0, outgoing.exchange);
    out->set_to(outgoing.to);
    if (outgoing.via != model::kNoParty) out->set_via(outgoing.via);
  }
  for (const auto& strike : actions.strikes) {
    side::Strike* out = proto.add_strikes();
    out->set_in_response_to(strike.in_response_to);
    out->set_severity(strike.severity);
    out->set_against(strike.against);
  }
  for (const auto& move : actions.moves) {
    side::Move* out = proto.add_moves();
    out->set_rung(static_cast<int>(move.rung));
    out->set_against(move.against);
  }
  for (const auto at : actions.wake_at) proto.add_wake_at(at);
  for (const auto& refrain : actions.refrain) {
    side::Refrain* out = proto.add_refrain();
    out->set_target(refrain.target);
    out->set_against(refrain.against);
  }
  return proto;
}

model::Actions actions_from_proto(const side::Actions& proto) {
  model::Actions actions;
  for (const auto& outgoing : proto.send())
    actions.send.push_back({outgoing.after(), exchange_from_wire(outgoing.exchange()),
                            outgoing.to(), outgoing.has_via() ? outgoing.via() : model::kNoParty});
  for (const auto& strike : proto.strikes())
    actions.strikes.push_back({strike.in_response_to(), strike.severity(), strike.against()});
  for (const auto& move : proto.moves())
    actions.moves.push_back({model::rung_at(move.rung()), move.against()});
  for (const auto at : proto.wake_at()) actions.wake_at.push_back(at);
  for (const auto& refrain : proto.refrain())
    actions.refrain.push_back({refrain.target(), refrain.against()});
  return actions;
}

side::BeliefCurve curve_to_proto(int of, const model::BeliefCurve& curve) {
  side::BeliefCurve proto;
  proto.set_of(of);
  proto.set_prior_log_odds(curve.prior_log_odds);
  proto.set_log_odds(curve.log_odds);
  proto.set_since(curve.since);
  proto.set_half_life(curve.half_life);
  return proto;
}

model::BeliefCurve curve_from_proto(const side::BeliefCurve& proto) {
  if (proto.of() < 0) throw std::out_of_range("a belief curve about no party");
  // Past any belief a side can hold (the model's within ±8, a person's stated one ±9.2).
  constexpr double kLogOddsBound = 20;
  if (!(std::abs(proto.prior_log_odds()) <= kLogOddsBound) ||
      !(std::abs(proto.log_odds()) <= kLogOddsBound))
    throw std::out_of_range("a belief curve whose log-odds are not finite or past any belief");
  if (proto.since() < 0 || proto.half_life() < 0)
    throw std::out_of_range("a belief curve with a negative time or half-life");
  return {proto.prior_log_odds(), proto.log_odds(), proto.since(), proto.half_life()};
}

side::Record record_to_proto(const model::Record& record) {
  side::Record proto;
  proto.set_at(record.at);
  proto.set_kind(record.kind);
  proto.set_party(record.party);
  for (const auto& [key, value] : record.fields) {
    side::Field* field = proto.add_fields();
    field->set_key(key);
    if (const auto* text = std::get_if<std::string>(&value)) field->set_text(*text);
    if (const auto* number = std::get_if<double>(&value)) field->set_number(*number);
    if (const auto* integer = std::get_if<long long>(&value)) field->set_integer(*integer);
    if (const auto* flag = std::get_if<bool>(&value)) field->set_flag(*flag);
  }
  return proto;
}

model::Record record_from_proto(const side::Record& proto) {
  model::Record record;
  record.at = proto.at();
  record.kind = proto.kind();
  record.party = proto.party();
  for (const auto& field : proto.fields()) {
    model::FieldValue value;
    switch (field.value_case()) {
      case side::Field::kText:
        value = field.text();
        break;
      case side::Field::kNumber:
        value = field.number();
        break;
      case side::Field::kInteger:
        value = static_cast<long long>(field.integer());
        break;
      case side::Field::kFlag:
        value = field.flag();
        break;
      case side::Field::VALUE_NOT_SET:
        throw std::out_of_range("record field \"" + field.key() + "\" has no value");
    }
    record.fields.emplace_back(field.key(), std::move(value));
  }
  return record;
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

std::string call_name(const side::Call& call) {
  const auto* field = side::Call::descriptor()->FindFieldByNumber(call.call_case());
  return field ? field->name() : "nothing";
}

std::string call_line(const side::Call& call) {
  std::string line;
  if (!google::protobuf::util::MessageToJsonString(call, &line, print_options()).ok())
    throw std::runtime_error("cannot write a call as JSON");
  return line;
}

side::Call read_call_line(std::string_view line) {
  side::Call call;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &call);
  if (!status.ok()) throw std::invalid_argument("not a call: " + status.ToString());
  if (call.call_case() == side::Call::CALL_NOT_SET)
    throw std::invalid_argument("a call that names nothing to do");
  return call;
}

std::string reply_line(const side::Reply& reply) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(reply, &json, print_options()).ok())
    throw std::runtime_error("cannot write a reply as JSON");
  return "{\"reply\":" + json + "}";
}

std::optional<side::Reply> read_reply_line(std::string_view line) {
  const auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  const auto found = parsed.find("reply");
  if (found == parsed.end()) return std::nullopt;
  side::Reply reply;
  const std::string json = found->dump();
  const auto status = google::protobuf::util::JsonStringToMessage(json, &reply);
  if (!status.ok()) throw MalformedReply("a malformed reply: " + status.ToString());
  return reply;
}

SideReply read_side_reply(const side::Reply& reply) {
  try {
    SideReply read;
    for (const auto& record : reply.records()) read.records.push_back(record_from_proto(record));
    read.rung = model::rung_at(reply.rung());
    read.actions = actions_from_proto(reply.actions());
    for (const auto& curve : reply.curves())
      read.curves.emplace_back(curve.of(), curve_from_proto(curve));
    return read;
  } catch (const std::out_of_range& error) {
    throw MalformedReply(std::string("a malformed reply: ") + error.what());
  }
}

}  // namespace hotline::runner
