#pragma once
// What the simulator's scheduler carries: one small value per event, so a run schedules
// millions of them without allocating.

#include <cstdint>

namespace hotline::model {

struct SimEvent {
  enum class Type : std::uint8_t {
    kTimeline,
    kObserve,
    kSend,
    kArrive,
    kRetransmit,
    kWake,
    kTick,
    kStrikeLands,
    kSeeMove,
    kLinkTest,
    kMeeting,
    kOccurrence,
    kCarry,  // a carrier passes on what it was given for another party
    kPace,   // nothing happens: a moment a live run asked to act at (a branch's)
    kEnd,
  };
  Type type = Type::kTimeline;
  int a = 0;  // what the event is about: a party, a message, an incident, an index
  int b = 0;
  int c = 0;   // a third party to it (who made a move that is seen)
  int d = -1;  // a fourth (whom a move that is seen is against; -1: none)
};

}  // namespace hotline::model
