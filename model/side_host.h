#pragma once
// Where a side's mind runs. The simulator talks to each side through this interface: in
// `hotline sim` both minds run in the same process (LocalSideHost); in `hotline run` each runs
// inside its own node process and the calls travel over a pipe, while the exchanges themselves
// travel over the real hotline between the nodes.

#include <string>

#include "model/outbound_channel.h"
#include "model/rng.h"
#include "model/scenario.h"
#include "model/side.h"

namespace hotline::model {

class SideHost {
 public:
  virtual ~SideHost() = default;

  virtual void observe(SimTime now, const SeenIncident& seen, Actions& out) = 0;
  // One of this side's own units caused the incident by mistake; it hit `victim`.
  virtual void own_accident(SimTime now, int incident, const std::string& id, int victim,
                            Actions& out) = 0;
  // Message `message` (an inquiry from `from` about `incident`) is delivered; `role` is this
  // side's own state's part in the incident, which it knows and the asker does not.
  virtual void inquiry(SimTime now, int message, int from, int incident,
                       const std::string& incident_id, StateRole role, Actions& out) = 0;
  // `via_hotline` false: it came by another channel (a diplomatic note), not over the link.
  virtual void receive(SimTime now, int message, int from, const Exchange& exchange, bool garbled,
                       bool via_hotline, Actions& out) = 0;
  virtual void heard_link_test(SimTime now, int message, int from) = 0;
  // `answers`: what of this side's own acts against `mover` the move answers.
  virtual void see_move(SimTime now, int mover, Rung rung, int against, MoveAnswers answers,
                        Actions& out) = 0;
  // A mind judges each of its lines by that line's own link-test interval, from its scenario.
  virtual void review(SimTime now, Actions& out) = 0;
  // This side's own scripted act toward `to` is a move: it stands at least at `at_least` (see
  // Side).
  virtual void declare(SimTime now, Rung at_least, const std::string& why, int to,
                       Actions& out) = 0;
  // Whether this side means `toward` (kNoParty: every other party) harm from now, and, if
  // given, the rung its plan now aims at.
  virtual void set_intent(SimTime now, int toward, bool intends_harm, std::optional<Rung> aim) = 0;
  // `from` shared material in the working group.
  virtual void gain_trust(SimTime now, int from, double amount) = 0;
  // The hotline's contents reached the press from `by`'s side (perhaps this side's own).
  virtual void learn_of_leak(SimTime now, int by, double cost) = 0;
  // A copy of an exchange this side decided on (or carries) leaves now for `to` as message
  // `message` (its first transmission or a retransmission, `words` long), and `sent` is what
  // the channel does to it.
  virtual void transmit(SimTime now, int message, const Exchange& exchange, int to,
                        std::size_t words, const Transmission& sent) = 0;
  // This side's belief that `party` means it harm.
  virtual double belief(SimTime now, int party) = 0;
  // The curves its beliefs about every other party follow until new evidence, indexed by party
  // (`of` holds one entry per party; the side's own, `self`, is left alone): one call, not one
  // per pair, made by the outcome tracker whenever `belief_changes` moved.
  virtual void belief_curves(int self, std::vector<BeliefCurve>& of) = 0;
  // How many times this side's beliefs have moved: the tracker asks for the curves only when
  // this changed.
  virtual std::uint64_t belief_changes() = 0;
  virtual Rung rung() = 0;
  // Circuit `circuit` of hotline `line` is down during `window` (a white cell's inject): a host
  // that draws the channel's fates itself (a live node) must know, a mind need not.
  virtual void circuit_outage(SimTime /*now*/, int /*line*/, int /*circuit*/, Window /*window*/) {}
  // True when the side has decided something between events (a person typed a command while
  // the clock ran); the world then takes it with a review at the current time. A model side
  // decides only when asked, so never.
  virtual bool has_decisions() { return false; }
};

// The side's mind in this process, with its own random stream.
class LocalSideHost : public SideHost {
 public:
  LocalSideHost(const Scenario& scenario, int party, std::uint64_t seed, RecordSink* sink);

  void observe(SimTime now, const SeenIncident& seen, Actions& out) override;
  void own_accident(SimTime now, int incident, const std::string& id, int victim,
                    Actions& out) override;
  void inquiry(SimTime now, int message, int from, int incident, const std::string& incident_id,
               StateRole role, Actions& out) override;
  void receive(SimTime now, int message, int from, const Exchange& exchange, bool garbled,
               bool via_hotline, Actions& out) override;
  void heard_link_test(SimTime now, int message, int from) override;
  void see_move(SimTime now, int mover, Rung rung, int against, MoveAnswers answers,
                Actions& out) override;
  void review(SimTime now, Actions& out) override;
  void declare(SimTime now, Rung at_least, const std::string& why, int to, Actions& out) override {
    side_.declare(now, at_least, why, to, out);
  }
  void set_intent(SimTime now, int toward, bool intends_harm, std::optional<Rung> aim) override;
  void gain_trust(SimTime now, int from, double amount) override;
  void learn_of_leak(SimTime now, int by, double cost) override;
  void transmit(SimTime, int, const Exchange&, int, std::size_t, const Transmission&) override {}
  double belief(SimTime now, int party) override { return side_.belief(now, party); }
  void belief_curves(int, std::vector<BeliefCurve>& of) override { side_.belief_curves(of); }
  std::uint64_t belief_changes() override { return side_.belief_changes(); }
  Rung rung() override { return side_.rung(); }

 private:
  const Scenario& scenario_;
  Side side_;
  Rng rng_;
};

}  // namespace hotline::model
