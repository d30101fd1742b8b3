#pragma once
// How the referee of a live run and the mind inside a node talk: typed calls and replies
// (proto/side_calls.proto), one per line as protobuf's JSON mapping. This file turns the model's
// plain structs into those messages and back, and checks what comes from outside before the
// model looks anything up by it. Exchanges between the minds do not travel here: they go over
// the hotline as wire::ModelExchange.

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/exchange.h"
#include "model/outbound_channel.h"
#include "model/record.h"
#include "model/side.h"
#include "proto/hotline.pb.h"
#include "proto/side_calls.pb.h"

namespace hotline::runner {

// What the model knows of an exchange, as the wire carries it (claims mapped by name). Reading
// refuses a type, claim or rung the model does not know (std::out_of_range).
wire::ModelExchange exchange_to_wire(std::uint64_t run_message, const model::Exchange& exchange);
model::Exchange exchange_from_wire(const wire::ModelExchange& wire);
bool same_exchange(const model::Exchange& a, const model::Exchange& b);

side::Seen seen_to_proto(const model::SeenIncident& seen);
model::SeenIncident seen_from_proto(const side::Seen& seen);

side::Transmission transmission_to_proto(const model::Transmission& sent);
model::Transmission transmission_from_proto(const side::Transmission& sent);

side::Actions actions_to_proto(const model::Actions& actions);
model::Actions actions_from_proto(const side::Actions& actions);

side::Record record_to_proto(const model::Record& record);
model::Record record_from_proto(const side::Record& record);
side::BeliefCurve curve_to_proto(int of, const model::BeliefCurve& curve);
// Throws std::out_of_range for a curve no side could hold (log-odds not finite or past ±20, a
// negative time or half-life, no party).
model::BeliefCurve curve_from_proto(const side::BeliefCurve& curve);

// A record as JSON for a page (the classroom): at, kind, party, and its fields as [key, value].
nlohmann::json record_to_json(const model::Record& record);

// The name of what a call asks ("observe", "human", ...), for messages about it.
std::string call_name(const side::Call& call);

// One line each way. A call line is the Call's JSON; a reply line is {"reply": <Reply>}, so that
// the referee tells it from the node's own events on the same output.
std::string call_line(const side::Call& call);
// Throws std::invalid_argument saying what is wrong with the line.
side::Call read_call_line(std::string_view line);
std::string reply_line(const side::Reply& reply);

// What a node's reply to a call tells the referee: the records the side wrote, its rung, and
// its decisions.
struct SideReply {
  std::vector<model::Record> records;
  model::Rung rung = model::Rung::kNormal;
  model::Actions actions;
  std::vector<std::pair<int, model::BeliefCurve>> curves;  // (the party it is about, its curve)
};

// A node's reply that does not hold what a reply must.
class MalformedReply : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A line of a node's output: its Reply, or nothing if the line is one of the node's events
// (any other JSON object). Throws MalformedReply if it claims to be a reply and is not one.
std::optional<side::Reply> read_reply_line(std::string_view line);
// Checks a reply and reads it into the model's terms; throws MalformedReply saying what is
// wrong (a rung past the ladder, an exchange the model cannot name, ...).
SideReply read_side_reply(const side::Reply& reply);

}  // namespace hotline::runner
