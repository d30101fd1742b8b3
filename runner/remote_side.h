#pragma once
// The referee's handle on a mind that runs inside a node process: each SideHost call becomes one
// side::Call line on the node's standard input (proto/side_calls.proto), and the reply comes back
// on its standard output among the node's own events, which are passed on to `on_event`.

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/child_process.h"
#include "model/side_host.h"
#include "proto/side_calls.pb.h"

namespace hotline::runner {

class NodeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the referee knows of the run's messages, shared by both minds' handles: which have been
// handed to a mind, and the highest number so far.
struct MessageLedger {
  std::set<int> delivered;
  int highest = -1;
};

class RemoteSideHost : public model::SideHost {
 public:
  using OnEvent = std::function<void(const std::string& party, const nlohmann::json& event)>;
  // Starts the party's node again (same journal, same address) once the link is back up.
  using Restart = std::function<common::ChildProcess&()>;

  RemoteSideHost(std::string party, common::ChildProcess& node, model::RecordSink* sink,
                 OnEvent on_event, std::chrono::milliseconds reply_timeout, MessageLedger& ledger,
                 Restart restart = nullptr, int max_restarts = 3);

  void observe(model::SimTime now, const model::SeenIncident& seen, model::Actions& out) override;
  void own_accident(model::SimTime now, int incident, const std::string& id, int victim,
                    model::Actions& out) override;
  void inquiry(model::SimTime now, int message, int from, int incident,
               const std::string& incident_id, model::StateRole role, model::Actions& out) override;
  void receive(model::SimTime now, int message, int from, const model::Exchange& exchange,
               bool garbled, bool via_hotline, model::Actions& out) override;
  void heard_link_test(model::SimTime now, int message, int from) override;
  void see_move(model::SimTime now, int mover, model::Rung rung, int against,
                model::MoveAnswers answers, model::Actions& out) override;
  void declare(model::SimTime now, model::Rung at_least, const std::string& why, int to,
               model::Actions& out) override;
  void review(model::SimTime now, model::Actions& out) override;
  void set_intent(model::SimTime now, int toward, bool intends_harm,
                  std::optional<model::Rung> aim) override;
  void gain_trust(model::SimTime now, int from, double amount) override;
  void learn_of_leak(model::SimTime now, int by, double cost) override;
  void transmit(model::SimTime now, int message, const model::Exchange& exchange, int to,
                std::size_t words, const model::Transmission& sent) override;
  double belief(model::SimTime now, int party) override;
  void belief_curves(int self, std::vector<model::BeliefCurve>& of) override;
  // As of the node's last reply: every reply says it.
  std::uint64_t belief_changes() override { return belief_changes_; }
  void circuit_outage(model::SimTime now, int line, int circuit, model::Window window) override;
  model::Rung rung() override { return rung_; }

  const std::string& party() const { return party_; }
  // What the node's link did to the copies it wrote, and what it received (see LinkFaults);
  // `flush` writes what is still held for its delay first.
  side::Counts link_counts(bool flush);
  // Reads what the node has said so far without waiting (link events between calls).
  void poll();
  // A line typed by the person playing this party; returns what was wrong with it, or "".
  std::string human(model::SimTime now, const std::string& line);
  // What the person playing this party is awaited to decide, as of the node's last reply.
  const std::vector<side::Awaited>& awaiting() const { return awaiting_; }
  // The deadline passed: the model decides what the person did not.
  void decide(model::SimTime now);
  bool has_decisions() override { return decided_; }
  // Restarts the node if it has died, even when no call is waiting on it: the other mind may be
  // waiting for a message only this node can send. Without restarts, throws NodeFailure.
  void recover_if_exited();
  // How often the node has been restarted.
  int restarts() const { return max_restarts_ - restarts_left_; }
  // Called while a reply is slow in coming.
  void on_idle(std::function<void()> idle) { idle_ = std::move(idle); }

 private:
  side::Reply call(side::Call request, model::Actions* out);
  // Sends `request` and waits for its reply; throws NodeFailure, with `exited` set when the
  // node is gone rather than slow or refusing.
  side::Reply round_trip(const side::Call& request, bool& exited);
  // A message handed to the mind, with the referee's copy of its exchange.
  side::Delivery delivery(int message, const model::Exchange& exchange);
  // A node that died mid-case comes back: restarted on its journal, its mind rebuilt by replaying
  // every call so far (a mind is deterministic), and what it had sent but the other side had not
  // yet been handed sent again.
  void recover();

  std::string party_;
  common::ChildProcess* node_;
  model::RecordSink* sink_;
  OnEvent on_event_;
  std::chrono::milliseconds reply_timeout_;
  MessageLedger& ledger_;
  Restart restart_;
  int max_restarts_;
  int restarts_left_;
  model::Rung rung_ = model::Rung::kNormal;
  std::vector<std::pair<int, model::BeliefCurve>> curves_;  // as of the last reply
  model::SimTime last_now_ = 0;                             // of the last call
  std::uint64_t belief_changes_ = 0;
  std::vector<side::Call> history_;            // every call that changed the mind, in order
  std::map<int, side::Transmit> transmitted_;  // message -> what this side sent, and to whom
  int floor_ = -1;  // messages up to this one may have reached the mind before a restart
  std::function<void()> idle_;
  std::vector<side::Awaited> awaiting_;
  bool decided_ = false;
};

}  // namespace hotline::runner
