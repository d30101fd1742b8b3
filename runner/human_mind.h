#pragma once
// A party played by a person at the console (the tabletop exercise): the scenario still shows
// the person what the party observes, is asked and is told, as records; the person's typed
// commands become the party's decisions, returned to the referee with its next call.
//
//   /ask INCIDENT                   ask the other side about an incident
//   /answer INCIDENT CLAIM          not-us | not-directed | accident | ours | benign | refuse
//   /explain                        explain one's own last move
//   /climb, /down                   one rung up or down the ladder
//   /strike INCIDENT                strike back for an incident
//   /believe P                      state one's belief that the other intends harm
//   /refrain TARGET                 give up acting against a target (heeding a warning)
//   anything else                   sent to the other side as typed text

#include <string>

#include "model/side_host.h"

namespace hotline::runner {

class HumanMind : public model::SideHost {
 public:
  HumanMind(const model::Scenario& scenario, int party, model::RecordSink* sink);

  // Returns what was wrong with the line, or "" if it was taken.
  std::string command(model::SimTime now, const std::string& line);

  void observe(model::SimTime now, const model::SeenIncident& seen, model::Actions& out) override;
  void own_accident(model::SimTime now, int incident, const std::string& id,
                    model::Actions& out) override;
  void inquiry(model::SimTime now, int message, int incident, const std::string& incident_id,
               model::StateRole role, model::Actions& out) override;
  void receive(model::SimTime now, int message, const model::Exchange& exchange, bool garbled,
               bool via_hotline, model::Actions& out) override;
  void heard_link_test(model::SimTime, int) override {}
  void see_move(model::SimTime now, model::Rung rung, model::MoveAnswers answers,
                model::Actions& out) override;
  void declare(model::SimTime now, model::Rung at_least, const std::string& why,
               model::Actions& out) override;
  void review(model::SimTime now, model::SimTime link_test_every, model::Actions& out) override;
  void set_intent(model::SimTime, bool) override {}
  void gain_trust(model::SimTime, double) override {}
  void learn_of_leak(model::SimTime now, bool ours, double cost) override;
  void transmit(model::SimTime, int, const model::Exchange&, std::size_t,
                const model::Transmission&) override {}
  double belief(model::SimTime) override { return belief_; }
  model::Rung rung() override { return rung_; }

 private:
  void show(model::Record record);
  void take(model::Actions& out);
  int incident_index(const std::string& id) const;

  const model::Scenario& scenario_;
  std::string party_;
  std::string other_;
  model::RecordSink* sink_;
  double belief_;
  model::Rung rung_ = model::Rung::kNormal;
  model::Actions pending_;
};

}  // namespace hotline::runner
