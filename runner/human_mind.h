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
//   /warn RUNG|- TARGET|- [words]   warn: a consequence named, a line drawn around a target
//   /reassure [words]               reassure the other side
//   /refrain TARGET                 give up acting against a target (heeding a warning)
//   /noted                          a warning read, and not heeded
//   /pass                           let the model decide what is awaited of you
//   anything else                   sent to the other side as typed text
//
// Some inputs await a decision: a question about an incident awaits an answer, a warning awaits
// being heeded or not. The referee holds the clock while a decision is awaited, up to a
// deadline; when it passes, the model decides what it would have (`decide_awaited`): a model
// mind of the same party, fed the same inputs, runs alongside the person for that purpose.

#include <cstdint>
#include <string>
#include <vector>

#include "model/side_host.h"

namespace hotline::runner {

class HumanMind : public model::SideHost {
 public:
  // `seed`: the run's, for the model mind that decides when the person does not.
  HumanMind(const model::Scenario& scenario, int party, std::uint64_t seed,
            model::RecordSink* sink);

  // Returns what was wrong with the line, or "" if it was taken.
  std::string command(model::SimTime now, const std::string& line);

  struct Awaited {
    enum class Kind { kAnswer, kWarning };
    Kind kind = Kind::kAnswer;
    std::string incident;  // kAnswer: the incident asked about
    std::string text;      // kWarning: what it says
    // What the model mind decided on the same input, taken if the deadline passes.
    model::Actions model_choice;
  };
  // The decisions awaited of the person, oldest first.
  const std::vector<Awaited>& awaited() const { return awaited_; }
  // The deadline passed: the model's choices are taken for every awaited decision.
  void decide_awaited(model::SimTime now);
  bool has_decisions() override {
    return !pending_.send.empty() || !pending_.strikes.empty() || !pending_.moves.empty() ||
           !pending_.refrain.empty();
  }

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
  // A person plays a bilateral case: one belief, about the other party.
  double belief(model::SimTime, int) override { return belief_; }
  // What the person last stated holds until they state another: it does not fade.
  void belief_curves(int, std::vector<model::BeliefCurve>& of) override {
    of[other_index_] = {prior_log_odds_, belief_log_odds_, belief_since_, 0};
  }
  std::uint64_t belief_changes() override { return belief_changes_; }
  model::Rung rung() override { return rung_; }

 private:
  void show(model::Record record);
  void take(model::Actions& out);
  int incident_index(const std::string& id) const;
  // The scenario's target `text` starts with (the longest, whole words); "" if none.
  std::string target_at_start(const std::string& text) const;
  // "the targets are: ..." for a message saying a target was not found.
  std::string targets_named() const;
  std::vector<std::string> known_targets() const;
  // Settles the oldest awaited decision of `kind` (for kAnswer, about `incident`); false if
  // none was awaited.
  bool settle(Awaited::Kind kind, const std::string& incident = "");
  void hand_to_model(model::SimTime now, Awaited awaited);

  const model::Scenario& scenario_;
  std::string party_;
  int self_;
  int other_index_;  // a person plays a bilateral case: every act is toward the other party
  std::string other_;
  model::RecordSink* sink_;
  double belief_;
  double prior_log_odds_;
  double belief_log_odds_;
  model::SimTime belief_since_ = 0;
  std::uint64_t belief_changes_ = 0;
  model::Rung rung_ = model::Rung::kNormal;
  model::Actions pending_;
  std::vector<Awaited> awaited_;
  std::vector<std::string> lines_drawn_;  // by the other team's warnings
  model::LocalSideHost model_;
};

}  // namespace hotline::runner
