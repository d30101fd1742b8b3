#include "classroom/seat_request.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "classroom/seat_tokens.h"

namespace hotline::classroom {
namespace {

struct NamedAction {
  const char* name;
  SeatRequest::Action action;
};
constexpr NamedAction kActions[] = {
    {"command", SeatRequest::Action::kCommand},
    {"start", SeatRequest::Action::kStart},
    {"pause", SeatRequest::Action::kPause},
    {"resume", SeatRequest::Action::kResume},
    {"speed", SeatRequest::Action::kSpeed},
    {"decision_time", SeatRequest::Action::kDecisionTime},
    {"reveal", SeatRequest::Action::kReveal},
    {"revoke", SeatRequest::Action::kRevoke},
    {"inject", SeatRequest::Action::kInject},
    {"outage", SeatRequest::Action::kOutage},
    {"branch", SeatRequest::Action::kBranch},
    {"close", SeatRequest::Action::kClose},
};

std::string text_field(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string())
    throw BadRequest(std::string("\"") + key + "\" must be a string");
  return found->get<std::string>();
}

double number_field(const nlohmann::json& object, const char* key, double low, double high) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number())
    throw BadRequest(std::string("\"") + key + "\" must be a number");
  const double value = found->get<double>();
  if (!std::isfinite(value) || value < low || value > high) {
    throw BadRequest(std::string("\"") + key + "\" must be between " + nlohmann::json(low).dump() +
                     " and " + nlohmann::json(high).dump());
  }
  return value;
}

int index_field(const nlohmann::json& object, const char* key, long long most,
                const char* meaning) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer() || found->get<long long>() < 0 ||
      found->get<long long>() > most) {
    throw BadRequest(std::string("\"") + key + "\" must be " + meaning);
  }
  return static_cast<int>(found->get<long long>());
}

void read_branch(const nlohmann::json& object, SeatRequest& request) {
  using Kind = runner::BranchChange::Kind;
  request.from = text_field(object, "from");
  if (request.from.size() > 64) throw BadRequest("\"from\" is a time, such as \"D+1 06:00\"");
  const std::string change = text_field(object, "change");
  auto& wanted = request.change;
  if (change == "nothing") {
    wanted.kind = Kind::kNothing;
  } else if (change == "move") {
    wanted.kind = Kind::kMove;
    wanted.input =
        index_field(object, "input", 1'000'000, "the index of one of the exercise's inputs");
  } else if (change == "inject") {
    wanted.kind = Kind::kInject;
    wanted.timeline_entry =
        index_field(object, "event", 1'000'000, "the index of an entry of the case's timeline");
  } else if (change == "outage") {
    wanted.kind = Kind::kOutage;
    wanted.circuit =
        index_field(object, "circuit", 1000, "the index of one of the hotline's circuits");
    wanted.outage = static_cast<model::SimTime>(number_field(object, "value", 1.0 / 60, 24 * 365) *
                                                model::kHour);
  } else {
    throw BadRequest("\"change\" must be \"nothing\", \"move\", \"inject\" or \"outage\"");
  }
}

}  // namespace

SeatRequest parse_seat_request(std::string_view text) {
  const nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
  if (object.is_discarded()) throw BadRequest("not JSON");
  if (!object.is_object()) throw BadRequest("not a JSON object");
  const std::string name = text_field(object, "action");
  SeatRequest request;
  bool known = false;
  for (const auto& one : kActions) {
    if (name == one.name) {
      request.action = one.action;
      known = true;
    }
  }
  if (!known) throw BadRequest("unknown action \"" + name + "\"");
  switch (request.action) {
    case SeatRequest::Action::kCommand:
      request.line = text_field(object, "line");
      if (request.line.empty()) throw BadRequest("an empty command");
      if (request.line.size() > kMaxCommandLength)
        throw BadRequest("a command is at most " + std::to_string(kMaxCommandLength) + " bytes");
      for (const char c : request.line) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
          throw BadRequest("a command is one line of text, without control characters");
      }
      break;
    case SeatRequest::Action::kSpeed:
      request.value = number_field(object, "value", 1e-3, 1e9);
      break;
    case SeatRequest::Action::kDecisionTime:
      request.value = number_field(object, "value", 0, 86400);
      break;
    case SeatRequest::Action::kRevoke:
      request.seat = text_field(object, "seat");
      break;
    case SeatRequest::Action::kInject:
      request.event =
          index_field(object, "event", 1'000'000, "the index of an entry of the case's timeline");
      break;
    case SeatRequest::Action::kOutage:
      request.circuit =
          index_field(object, "circuit", 1000, "the index of one of the hotline's circuits");
      request.value = number_field(object, "value", 1.0 / 60, 24 * 365);
      break;
    case SeatRequest::Action::kBranch:
      read_branch(object, request);
      break;
    default:
      break;
  }
  return request;
}

std::string refusal(const std::string& seat, const SeatRequest& request) {
  const bool instructor = seat == kInstructor;
  if (request.action == SeatRequest::Action::kCommand) {
    return instructor ? "the instructor runs the exercise; a party's seat plays it" : "";
  }
  return instructor ? "" : "only the instructor may do that";
}

}  // namespace hotline::classroom
