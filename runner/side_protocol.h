#pragma once
// How the referee of a live run and the mind inside a node talk: one JSON object per line.
// A call names the SideHost method and its arguments; the reply carries the side's decisions
// (Actions), the records it wrote, and its rung. Exchanges between the minds do not travel
// here: they go over the hotline as wire::ModelExchange.

#include <nlohmann/json.hpp>

#include "model/exchange.h"
#include "model/outbound_channel.h"
#include "model/record.h"
#include "model/side.h"
#include "proto/hotline.pb.h"

namespace hotline::runner {

nlohmann::json exchange_to_json(const model::Exchange& exchange);
model::Exchange exchange_from_json(const nlohmann::json& json);

wire::ModelExchange exchange_to_wire(std::uint64_t run_message, const model::Exchange& exchange);
model::Exchange exchange_from_wire(const wire::ModelExchange& wire);

nlohmann::json seen_to_json(const model::SeenIncident& seen);
model::SeenIncident seen_from_json(const nlohmann::json& json);

nlohmann::json transmission_to_json(const model::Transmission& sent);
model::Transmission transmission_from_json(const nlohmann::json& json);

nlohmann::json actions_to_json(const model::Actions& actions);
model::Actions actions_from_json(const nlohmann::json& json);

nlohmann::json record_to_json(const model::Record& record);
model::Record record_from_json(const nlohmann::json& json);

// What a side's reply to a call tells the referee: the records the side wrote, its rung, and
// its decisions.
struct SideReply {
  std::vector<model::Record> records;
  model::Rung rung = model::Rung::kNormal;
  model::Actions actions;
};

// A node's reply that does not hold what a reply must.
class MalformedReply : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a reply (a JSON object with "records", "rung" and "actions"); throws MalformedReply
// saying what is wrong with it.
SideReply read_side_reply(const nlohmann::json& reply);

}  // namespace hotline::runner
