#pragma once
// The referee's handle on a mind that runs inside a node process: each SideHost call becomes one
// JSON line on the node's standard input, and the reply comes back on its standard output among
// the node's own events, which are passed on to `on_event`.

#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/child_process.h"
#include "model/side_host.h"

namespace hotline::runner {

class NodeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RemoteSideHost : public model::SideHost {
 public:
  using OnEvent = std::function<void(const std::string& party, const nlohmann::json& event)>;

  RemoteSideHost(std::string party, common::ChildProcess& node, model::RecordSink* sink,
                 OnEvent on_event, std::chrono::milliseconds reply_timeout);

  void observe(model::SimTime now, const model::SeenIncident& seen, model::Actions& out) override;
  void own_accident(model::SimTime now, int incident, const std::string& id,
                    model::Actions& out) override;
  void inquiry(model::SimTime now, int message, int incident, model::StateRole role,
               model::Actions& out) override;
  void receive(model::SimTime now, int message, const model::Exchange& exchange, bool garbled,
               bool via_hotline, model::Actions& out) override;
  void heard_link_test(model::SimTime now, int message) override;
  void see_move(model::SimTime now, model::Rung rung, model::Actions& out) override;
  void review(model::SimTime now, model::SimTime link_test_every, model::Actions& out) override;
  void set_intent(model::SimTime now, bool intends_harm) override;
  void gain_trust(model::SimTime now, double amount) override;
  void transmit(model::SimTime now, int message, const model::Exchange& exchange) override;
  double belief(model::SimTime now) override;
  model::Rung rung() override { return rung_; }

  // Reads what the node has said so far without waiting (link events between calls).
  void poll();

 private:
  nlohmann::json call(nlohmann::json request, model::Actions* out);

  std::string party_;
  common::ChildProcess& node_;
  model::RecordSink* sink_;
  OnEvent on_event_;
  std::chrono::milliseconds reply_timeout_;
  model::Rung rung_ = model::Rung::kNormal;
};

}  // namespace hotline::runner
