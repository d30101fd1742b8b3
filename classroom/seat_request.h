#pragma once
// What a browser may ask of the classroom, read from one WebSocket message: a JSON object with
// an "action" and its arguments. Anything else is refused with a sentence saying why, and
// changes nothing. Which seat may ask what is `refusal`'s to say.
//
//   {"action": "command", "line": "/ask grid-intrusion"}   a party's seat: what HumanMind takes
//   {"action": "start"} {"action": "pause"} {"action": "resume"}
//   {"action": "speed", "value": 20000}                     model seconds per wall second
//   {"action": "decision_time", "value": 90}                seconds a decision may take
//   {"action": "reveal"}                                    the whole run, to every seat (at the
//   end)
//   {"action": "revoke", "seat": "moscow"}                  a new token for that seat
//   {"action": "inject", "event": 3}                        the case's timeline entry 3, now
//   {"action": "outage", "circuit": 0, "value": 6}           hotline circuit 0 down for 6 hours
//   {"action": "branch", "from": "D+1 06:00", "change": "nothing"}
//                                                           play the exercise again up to that
//                                                           moment, and on from there with one
//                                                           thing changed: "nothing", "move"
//                                                           (with "input": an index into the
//                                                           exercise's inputs), "inject" (with
//                                                           "event"), "outage" (with "circuit"
//                                                           and "value", hours)
//   {"action": "close"}                                     the exercise is over; the server stops

#include <stdexcept>
#include <string>
#include <string_view>

#include "runner/exercise_inputs.h"

namespace hotline::classroom {

struct SeatRequest {
  enum class Action {
    kCommand,
    kStart,
    kPause,
    kResume,
    kSpeed,
    kDecisionTime,
    kReveal,
    kRevoke,
    kInject,
    kOutage,
    kBranch,
    kClose
  };
  Action action = Action::kCommand;
  std::string line;             // kCommand
  double value = 0;             // kSpeed, kDecisionTime
  std::string seat;             // kRevoke
  int event = -1;               // kInject: an index into the case's timeline
  int circuit = -1;             // kOutage: an index into the case's hotline circuits (value: hours)
  std::string from;             // kBranch: a time as scenario files write it ("D+1 06:00")
  runner::BranchChange change;  // kBranch
};

class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxCommandLength = 2000;

// Throws BadRequest saying what is wrong with `text`.
SeatRequest parse_seat_request(std::string_view text);

// Why `seat` ("instructor" or a party id) may not make `request`; empty if it may.
std::string refusal(const std::string& seat, const SeatRequest& request);

}  // namespace hotline::classroom
