#pragma once
// One party's mind: its belief that the other intends harm, its grievances, its trust in what
// the other says, its rung on the ladder, and the doctrine that turns those into decisions.
// Pure and deterministic: every input carries the model time, randomness comes from the Rng
// the caller passes, and decisions come back as Actions for whatever transport carries them.

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/exchange.h"
#include "model/ladder.h"
#include "model/record.h"
#include "model/rng.h"
#include "model/scenario.h"

namespace hotline::model {

// An incident as one side perceives it.
struct SeenIncident {
  int incident = -1;
  std::string id;
  bool points_at_other = false;
  double confidence = 0;    // the scenario's attribution confidence, before perception noise
  double severity = 0;      // how threatening the act is
  double damage = 0;        // what it cost this side (0 if it failed or hit someone else)
  int in_response_to = -1;  // a strike answering this incident
  // It threatens rather than harms (a missile on the radar): feared as its severity while it is
  // believed, though it costs nothing.
  bool threat_only = false;
};

// What the other side's public move answers of this side's own acts against it: nothing (an
// unprovoked move), harm this side really sponsored, or only a routine threat it posed (an
// exercise) that it knows meant no harm.
enum class MoveAnswers { kNothing, kOurHarm, kOurThreat };

struct OutgoingExchange {
  SimTime after = 0;  // delay before it is sent (the bureaucracy answering)
  Exchange exchange;
};

struct Strike {
  int in_response_to = -1;
  double severity = 0;
};

// What a side decided in answer to one input.
struct Actions {
  std::vector<OutgoingExchange> send;
  std::vector<Strike> strikes;
  std::vector<Rung> moves;       // rungs climbed to or stepped down to, in order
  std::vector<SimTime> wake_at;  // reviews the side asks for
  // Targets this side, deterred, no longer acts against ("": every act against the other).
  std::vector<std::string> refrain;
};

class Side {
 public:
  Side(const PartySpec& me, std::string other_id, bool hotline_available, RecordSink* sink);

  void observe(SimTime now, const SeenIncident& seen, Rng& rng, Actions& out);
  // The side learns that one of its own units caused an incident by mistake.
  void own_accident(SimTime now, int incident, const std::string& id, Actions& out);
  // An inquiry about `incident` (named `incident_id`), which this side's own state had `role` in
  // (kNone if it was not the sponsor).
  void inquiry(SimTime now, int incident, const std::string& incident_id, StateRole role,
               Actions& out);
  // `rng` decides whether a warning deters.
  void receive(SimTime now, const Exchange& exchange, bool garbled, const MessageSpec* scripted,
               Rng& rng, Actions& out);
  // The other side's visible move on the ladder, and what of this side's own acts it answers.
  // Answering harm this side really sponsored, it is a cost this side now expects to pay again,
  // not an unprovoked hostility, and `rng` decides whether that cost deters it. An alert that
  // answers only a threat this side posed without meaning harm is understood as the other's
  // defence (Able Archer, 1983: the US read the Soviet alert as a reaction and did not
  // counter-alert).
  void see_move(SimTime now, Rung rung, MoveAnswers answers, Rng& rng, Actions& out);
  void heard_link_test(SimTime now) { last_link_test_ = now; }
  // The side did something that is itself a move (it sent a warning: a demarche): it stands at
  // least at `at_least` from now, and deliberates its way down from there as from any move.
  void declare(SimTime now, Rung at_least, const std::string& why, Actions& out);
  // Whether this side means the other harm: what an honest answer about its own acts says.
  void set_intent(bool intends_harm) { me_.intends_harm = intends_harm; }
  // The other side shared material in the working group: confidence-building works.
  void gain_trust(double amount) { trust_ += (1 - trust_) * amount; }
  // What crossed the hotline is in the press; `ours` if the leak came from this side.
  void learn_of_leak(SimTime now, bool ours, double cost);
  // `rng` decides whether a strike that falls due is called off by what was explained.
  void review(SimTime now, SimTime link_test_every, Rng& rng, Actions& out);

  double belief(SimTime now) const;
  double grievance(SimTime now) const;
  double trust() const { return trust_; }
  double channel_confidence() const { return channel_confidence_; }
  Rung rung() const { return rung_; }
  const std::string& id() const { return me_.id; }

 private:
  struct Grievance {
    double amount = 0;  // at `since`
    SimTime since = 0;
    double original = 0;
    double explained = 0;  // share the other's explanations have taken away, in [0,1]
    bool denied = false;   // the other claimed "not us"
    // A threat that stands (missiles in place, a track on the radar) is feared undiminished
    // until new evidence, an explanation or an offer takes it back; harm done fades with memory.
    bool standing = false;
  };
  struct PendingStrike {
    SimTime due = 0;
    double severity = 0;
  };

  double decay(SimTime elapsed) const;
  void shift_belief(SimTime now, double log_odds);
  double grievance_of(const Grievance& g, SimTime now) const;
  void forgive(SimTime now, int incident, double fraction);
  void decide(SimTime now, Actions& out);
  // The rung the side's position calls for: the highest it can take whose threshold the pressure
  // reaches, or its plan's aim if it intends harm, has a pretext, and the aim is higher.
  Rung warranted(double believed, double held) const;
  void answer_reply(SimTime now, const Exchange& exchange, double clarity, Actions& out);
  void warned(SimTime now, const MessageSpec& warning, double clarity, Rng& rng, Actions& out);
  // A scripted or composed message read as its kind says; false if it never reached the desk
  // that needed it (nothing follows from it then).
  bool read_message(SimTime now, const MessageSpec& message, double clarity, Rng& rng,
                    Actions& out);
  void emit(Record record) const;
  Record record(SimTime now, const char* kind) const;

  PartySpec me_;
  std::string other_id_;
  bool hotline_available_;
  RecordSink* sink_;

  double prior_log_odds_;
  double log_odds_;
  SimTime belief_since_ = 0;
  mutable SimTime belief_cached_at_ = -1;  // belief() at this time is belief_cached_
  mutable double belief_cached_ = 0;
  double trust_;
  Rung rung_ = Rung::kNormal;
  // When the decision the side is deliberating on falls due (none: it is not deliberating).
  std::optional<SimTime> decision_due_;
  SimTime last_link_test_ = 0;
  Rung other_rung_seen_ = Rung::kNormal;  // the highest public move of the other's seen
  double channel_confidence_ = 1.0;       // that what is said over the hotline stays private

  // The person-composed warnings read so far: (line, consequence rung).
  std::set<std::pair<std::string, int>> composed_warnings_;
  std::map<int, Grievance> grievances_;
  // The other's moves to one rung, their explanations, and which arrived first.
  struct MoveExplanations {
    int seen = 0;
    int explained = 0;
    std::deque<double> waiting;  // believed shares of explanations of moves not yet seen
    int grievance = 0;           // the last such move's key in grievances_ (0: none)
  };
  std::map<Rung, MoveExplanations> move_explanations_;
  std::map<int, double> notified_;  // incident -> how much a notice explained it in advance
  std::map<int, SimTime> open_queries_;
  std::map<int, PendingStrike> pending_strikes_;
  std::set<int> own_accidents_;
  std::set<int> queried_;
  // Incidents the other has answered or explained, and how much of it this side believed.
  std::map<int, double> answered_;
  // The names of the incidents this side knows of, so that its records name them as the world's
  // do.
  std::map<int, std::string> incident_names_;
  const std::string& incident_name(int incident);
};

}  // namespace hotline::model
