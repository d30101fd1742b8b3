#pragma once
// One party's mind inside its node, for `hotline run`: answers the referee's calls (one JSON
// line each, see side_protocol.h) with the side's decisions, sends the exchanges it decides on
// over the hotline, and hands the exchanges the other side sent to its mind when the referee
// says their model time has come. A call about a message that has not yet arrived over the link
// waits for it.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/side_host.h"
#include "proto/hotline.pb.h"
#include "runner/human_mind.h"

namespace hotline::runner {

class Player {
 public:
  using Send = std::function<void(wire::Envelope)>;
  using Reply = std::function<void(const std::string&)>;

  // `human`: a person at the referee's console decides for this party (see human_mind.h).
  Player(const model::Scenario& scenario, int party, std::uint64_t seed, bool human, Send send,
         Reply reply);

  // A line from the referee. Malformed calls are answered with an error reply.
  void on_call(const std::string& line);
  // A model exchange delivered by the link (exactly once, in order).
  void on_received(const wire::ModelExchange& exchange);

 private:
  struct Collector : model::RecordSink {
    void record(model::Record record) override { records.push_back(std::move(record)); }
    std::vector<model::Record> records;
  };

  // Runs `call` if the message it needs is here; false if it must wait.
  bool run(const nlohmann::json& call);
  void answer(const std::string& name, const model::Actions& actions, nlohmann::json extra = {});

  const model::Scenario& scenario_;
  Collector records_;
  std::unique_ptr<model::SideHost> mind_;
  HumanMind* human_ = nullptr;
  Send send_;
  Reply reply_;
  std::map<std::uint64_t, model::Exchange> received_;
  std::optional<nlohmann::json> waiting_;
};

}  // namespace hotline::runner
