#pragma once
// What a node reports about its link, for the console, JSON output and tests.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/hotline.pb.h"

namespace hotline::node {

struct NodeEvent {
  enum class Kind {
    kListening,      // address
    kLinkUp,         // peer, circuit, address
    kLinkDown,       // peer, circuit, address, reason
    kRefused,        // address, reason: a connection that never became the link
    kDialFailed,     // address, reason, retry_in
    kQueued,         // seq, envelope: accepted while the link is down
    kSent,           // seq, circuit, envelope
    kRetransmitted,  // seq, circuit
    kAcked,          // seq, round_trip
    kDelivered,      // peer, seq, envelope
    kDuplicate,      // peer, seq: re-acknowledged, not delivered again
    kPeerBye,        // peer, reason
    kStopped,        // reason, unacked
    kError,          // reason
    kNote,           // reason: what recovery found or repaired
    kTrafficMoved,   // circuit: traffic now goes over this circuit
  };

  explicit NodeEvent(Kind k) : kind(k) {}
  NodeEvent(Kind k, std::chrono::system_clock::time_point at) : kind(k), time(at) {}

  Kind kind;
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  // Like `envelope`, valid only during the callback: names the node keeps, not copied into the
  // three events every message makes.
  std::string_view peer;
  // The node has several peers: events of one link say which (JSON "link").
  bool among_several = false;
  std::string_view circuit;
  std::string address;
  std::string reason;
  std::uint64_t seq = 0;
  std::uint64_t epoch = 0;
  std::uint64_t count = 0;
  bool recovered = false;  // announced at start, from the journal
  std::chrono::microseconds duration{0};
  const wire::Envelope* envelope = nullptr;  // valid only during the callback
};

std::string_view event_name(NodeEvent::Kind kind);

class NodeObserver {
 public:
  virtual ~NodeObserver() = default;
  virtual void on_event(const NodeEvent& event) = 0;
};

}  // namespace hotline::node
