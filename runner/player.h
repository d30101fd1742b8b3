#pragma once
// One party's mind inside its node, for `hotline run`: answers the referee's calls (one line
// each, proto/side_calls.proto) with the side's decisions, sends the exchanges it decides on
// over the hotline, and hands the exchanges the other side sent to its mind when the referee
// says their model time has come. A call about a message that has not yet arrived over the link
// waits for it. Each copy it puts on the link goes through the scenario's channel faults
// (link_faults.h).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "model/side_host.h"
#include "proto/hotline.pb.h"
#include "proto/side_calls.pb.h"
#include "runner/human_mind.h"
#include "runner/link_faults.h"

namespace hotline::runner {

class Player {
 public:
  // Sends an envelope to the peer of that party (its id in the scenario).
  using Send = LinkFaults::Send;
  using Reply = std::function<void(const std::string&)>;

  // `human`: a person at the referee's console decides for this party (see human_mind.h).
  // `speed` and `after` scale and time the channel's delays (see LinkFaults).
  Player(const model::Scenario& scenario, int party, std::uint64_t seed, bool human, double speed,
         Send send, LinkFaults::After after, Reply reply);

  // A line from the referee. Malformed calls are answered with an error reply.
  void on_call(const std::string& line);
  // A model exchange delivered by the link (exactly once, in order).
  void on_received(const wire::ModelExchange& exchange);
  // The referee is done: copies still held for their delay are written now.
  void flush() { faults_.flush(); }

 private:
  struct Collector : model::RecordSink {
    void record(model::Record record) override { records.push_back(std::move(record)); }
    std::vector<model::Record> records;
  };

  // Runs `call` if the message it needs is here; false if it must wait.
  bool run(const side::Call& call);
  // The exchange a delivery hands over: the referee's copy, or the one that crossed the link
  // (checked against it); nothing if it has not crossed yet. The referee's copy of a question
  // (`question`) names only its incident: the one that crossed may be a scripted request, or
  // carried by a third party, and is checked for the incident alone.
  std::optional<model::Exchange> delivered(const side::Delivery& delivery,
                                           std::optional<bool> garbled, bool question = false);
  // Answers with the side's decisions, the records it wrote and its rung, plus `extra`.
  void answer(const model::Actions& actions, side::Reply extra = {});
  void refuse(const std::string& why);

  Collector records_;
  std::unique_ptr<model::SideHost> mind_;
  HumanMind* human_ = nullptr;
  // The copies of a message that crossed the link: what it says, and whether any arrived
  // garbled and any clean.
  int copies_received_ = 0;
  int garbled_received_ = 0;
  struct Copies {
    model::Exchange exchange;
    bool garbled = false;
    bool clean = false;
  };

  LinkFaults faults_;
  Reply reply_;
  int parties_;  // in the scenario: what a referee's call may name
  int party_;    // the one this node plays
  std::vector<model::BeliefCurve> curves_;
  std::map<std::uint64_t, Copies> received_;
  std::optional<side::Call> waiting_;
};

}  // namespace hotline::runner
