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

#include "model/belief_curve.h"
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
  int points_at = kNoParty;  // the party the evidence points at (kNoParty: none, or this side)
  double confidence = 0;     // the scenario's attribution confidence, before perception noise
  double severity = 0;       // how threatening the act is
  double damage = 0;         // what it cost this side (0 if it failed or hit someone else)
  double ally_damage = 0;    // what it cost an ally of this side's, if it hit one
  int in_response_to = -1;   // a strike answering this incident
  // It threatens rather than harms (a missile on the radar): feared as its severity while it is
  // believed, though it costs nothing.
  bool threat_only = false;
};

// What another side's public move answers of this side's own acts against it: nothing (an
// unprovoked move), harm this side really sponsored, or only a routine threat it posed (an
// exercise) that it knows meant no harm.
enum class MoveAnswers { kNothing, kOurHarm, kOurThreat };

struct OutgoingExchange {
  SimTime after = 0;  // delay before it is sent (the bureaucracy answering)
  Exchange exchange;
  int to = kNoParty;
  // A party with lines to both that carries it, when the sender has no line to `to`.
  int via = kNoParty;
};

struct Strike {
  int in_response_to = -1;
  double severity = 0;
  int against = kNoParty;
};

// A move on the ladder, and the party whose pressure drove it (the one a retaliation rung
// strikes).
struct Move {
  Rung rung = Rung::kNormal;
  int against = kNoParty;
  bool operator==(const Move& other) const {
    return rung == other.rung && against == other.against;
  }
};

// What a deterred side gives up: acts on `target`, or (target "") every act against `against`.
struct Refrain {
  std::string target;
  int against = kNoParty;
  bool operator==(const Refrain& other) const {
    return target == other.target && against == other.against;
  }
};

// What a side decided in answer to one input.
struct Actions {
  std::vector<OutgoingExchange> send;
  std::vector<Strike> strikes;
  std::vector<Move> moves;       // rungs climbed to or stepped down to, in order
  std::vector<SimTime> wake_at;  // reviews the side asks for
  std::vector<Refrain> refrain;
};

class Side {
 public:
  // `me` is party `index` of `scenario`; its sink may be null.
  Side(const Scenario& scenario, int index, RecordSink* sink);

  void observe(SimTime now, const SeenIncident& seen, Rng& rng, Actions& out);
  // The side learns that one of its own units caused an incident by mistake; it explains it to
  // `victim` (kNoParty: to no one).
  void own_accident(SimTime now, int incident, const std::string& id, int victim, Actions& out);
  // An inquiry from `from` about `incident` (named `incident_id`), which this side's own state
  // had `role` in (kNone if it was not the sponsor).
  void inquiry(SimTime now, int from, int incident, const std::string& incident_id, StateRole role,
               Actions& out);
  // `rng` decides whether a warning deters.
  void receive(SimTime now, int from, const Exchange& exchange, bool garbled,
               const MessageSpec* scripted, Rng& rng, Actions& out);
  // Another side's (`mover`'s) visible move on the ladder, and what of this side's own acts
  // against it the move answers. Answering harm this side really sponsored, it is a cost this
  // side now expects to pay again, not an unprovoked hostility, and `rng` decides whether that
  // cost deters it. An alert that answers only a threat this side posed without meaning harm is
  // understood as the other's defence (Able Archer, 1983: the US read the Soviet alert as a
  // reaction and did not counter-alert).
  // A move against a third party (`against`; kNoParty: none in particular) reads as hostile to
  // this side only as far as the third party is its ally (kAllyHarmShare), and not at all if it
  // is not: it says nothing of what the mover means this side.
  void see_move(SimTime now, int mover, Rung rung, int against, MoveAnswers answers, Rng& rng,
                Actions& out);
  void heard_link_test(SimTime now, int from) { relation(from).last_link_test = now; }
  // The side did something that is itself a move (it sent a warning to `to`: a demarche): it
  // stands at least at `at_least` from now, and deliberates its way down from there as from any
  // move.
  void declare(SimTime now, Rung at_least, const std::string& why, int to, Actions& out);
  // Whether this side means `toward` harm (kNoParty: every other party): what an honest answer
  // about its own acts says. With an `aim`, its plan (toward every party) goes no further than
  // that rung from now.
  void set_intent(int toward, bool intends_harm, std::optional<Rung> aim = std::nullopt);
  // `from` shared material in the working group: confidence-building works.
  void gain_trust(int from, double amount) {
    double& trust = relation(from).trust;
    trust += (1 - trust) * amount;
  }
  // What crossed the hotline is in the press; `by` is the side it leaked from.
  void learn_of_leak(SimTime now, int by, double cost);
  // `rng` decides whether a strike that falls due is called off by what was explained.
  // Each line's silence is judged against that line's own link-test interval.
  void review(SimTime now, Rng& rng, Actions& out);

  // This side's belief that `party` means it harm; without a party, the highest such belief.
  double belief(SimTime now, int party) const;
  double belief(SimTime now) const;
  // The curves this side's beliefs follow until new evidence, indexed by party (its own entry
  // untouched).
  void belief_curves(std::vector<BeliefCurve>& of) const;
  // How many times a belief of this side has been moved: its curves change only with it.
  std::uint64_t belief_changes() const { return belief_changes_; }
  // What this side holds against `party`; without a party, against all of them.
  double grievance(SimTime now, int party) const;
  double grievance(SimTime now) const;
  double trust(int party) const { return relation(party).trust; }
  double channel_confidence(int party) const { return relation(party).channel_confidence; }
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
    // The log-odds the evidence added against the party for it: what a notice from a third
    // party that explains the incident takes back.
    double lifted = 0;
  };
  struct PendingStrike {
    SimTime due = 0;
    double severity = 0;
  };
  // The other's moves to one rung, their explanations, and which arrived first.
  struct MoveExplanations {
    int seen = 0;
    int explained = 0;
    std::deque<double> waiting;  // believed shares of explanations of moves not yet seen
    int grievance = 0;           // the last such move's key in grievances (0: none)
  };
  // All this side holds about one other party: what it believes of it, holds against it, has
  // asked it and been told by it.
  struct Relation {
    int party = kNoParty;
    std::string id;
    bool hotline = false;         // a hotline joins the two, and it is on
    SimTime link_test_every = 0;  // its link tests' interval (0: none)
    // Without one: the party that carries what the two say to each other (the lowest-index
    // party with a line to each), or kNoParty.
    int carrier = kNoParty;
    bool intends_harm = false;
    double prior_log_odds = 0;
    double log_odds = 0;
    SimTime belief_since = 0;
    mutable SimTime belief_cached_at = -1;  // belief() at this time is belief_cached
    mutable double belief_cached = 0;
    double trust = 0.5;
    SimTime last_link_test = 0;
    Rung rung_seen = Rung::kNormal;   // the highest public move of the other's seen
    double channel_confidence = 1.0;  // that what is said over the hotline stays private
    // The person-composed warnings read so far: (line, consequence rung).
    std::set<std::pair<std::string, int>> composed_warnings;
    std::map<int, Grievance> grievances;
    std::map<Rung, MoveExplanations> move_explanations;
    std::map<int, SimTime> open_queries;
    std::map<int, PendingStrike> pending_strikes;
    std::set<int> queried;
    // Incidents the other has answered or explained, and how much of it this side believed.
    std::map<int, double> answered;
    // The two are allies (either defends the other): this side consults it, and answers it.
    bool allied = false;
    std::set<int> consulted;  // incidents this side asked it about
  };
  // What this side's own evidence last said of an incident: what it tells an ally who asks.
  struct Reading {
    int points_at = kNoParty;
    double confidence = 0;
  };

  Relation& relation(int party);
  const Relation& relation(int party) const;
  Relation* find_relation(int party);
  double decay(SimTime elapsed) const;
  double belief_of(const Relation& r, SimTime now) const;
  void shift_belief(Relation& r, SimTime now, double log_odds);
  double grievance_of(const Grievance& g, SimTime now) const;
  double grievance_of(const Relation& r, SimTime now) const;
  void forgive(Relation& r, SimTime now, int incident, double fraction);
  void forgive(Grievance& g, SimTime now, double fraction) const;
  void decide(SimTime now, Actions& out);
  // The rung the side's position toward `r` calls for: the highest it can take whose threshold
  // the pressure reaches, or its plan's aim if it intends `r` harm, has a pretext, and the aim
  // is higher.
  Rung warranted(const Relation& r, double believed, double held) const;
  // Whether the side can say anything to `r`'s party: over their line, or through a carrier.
  bool can_reach(const Relation& r) const { return r.hotline || r.carrier != kNoParty; }
  // Sends `exchange` to `r`'s party after `after`, over their line or through its carrier.
  void send_to(const Relation& r, SimTime after, const Exchange& exchange, Actions& out) const;
  void answer_reply(Relation& r, SimTime now, const Exchange& exchange, double clarity);
  void warned(Relation& r, SimTime now, const MessageSpec& warning, double clarity, Rng& rng,
              Actions& out);
  // A scripted or composed message read as its kind says; false if it never reached the desk
  // that needed it (nothing follows from it then).
  bool read_message(Relation& r, SimTime now, const MessageSpec& message, double clarity, Rng& rng,
                    Actions& out);
  // Evidence about `seen` that points at `r`'s party, or away from it (`at_no_party`: at no
  // party at all, rather than at another one).
  void evidence_against(Relation& r, SimTime now, const SeenIncident& seen, double confidence,
                        double unexplained, Actions& out);
  void evidence_away_from(Relation& r, SimTime now, const SeenIncident& seen, double confidence,
                          bool at_no_party);
  // Consultation (side_consult.cpp): asking allies what their evidence says of an incident pinned
  // on `accused`, telling allies who asked what this side's evidence says, and reading their
  // answers.
  void consult_allies(SimTime now, const SeenIncident& seen, const Relation& accused,
                      double confidence, Actions& out);
  // Tells `ally` what this side's evidence says of `incident`, if it has any.
  void assess_for(const Relation& ally, int incident, Actions& out) const;
  void read_assessment(Relation& ally, SimTime now, const Exchange& assessment, double clarity);
  void emit(Record record) const;
  Record record(SimTime now, const char* kind) const;
  // With several other parties, names the party a record's belief is about (`about`), so that
  // a reader can tell one pair's belief from another's; a bilateral record needs no name.
  Record& about(Record& rec, const Relation& r) const {
    if (relations_.size() > 1) rec.with("about", r.id);
    return rec;
  }

  PartySpec me_;
  Rung aim_;  // what its plan aims at: the doctrine's, until the scenario says its aims changed
  int index_;
  RecordSink* sink_;
  std::vector<Relation> relations_;  // one per other party, in party order
  std::uint64_t belief_changes_ = 0;
  std::vector<int> relation_of_;  // [party] -> index into relations_, -1 for this side

  Rung rung_ = Rung::kNormal;
  // When the decision the side is deliberating on falls due (none: it is not deliberating).
  std::optional<SimTime> decision_due_;
  std::set<int> own_accidents_;
  // Incident -> how much a notice explained it in advance, whoever the evidence then points at
  // (Norway's notice explains the track the crews fear is an American missile).
  std::map<int, double> notified_;
  // The names of the incidents this side knows of, so that its records name them as the world's
  // do.
  std::map<int, std::string> incident_names_;
  bool has_allies_ = false;  // readings are kept only for allies to ask about
  std::map<int, Reading> readings_;
  // Incident -> the allies that asked about it: each is told every reading as it comes in.
  std::map<int, std::set<int>> consulted_by_;
  const std::string& incident_name(int incident);
};

}  // namespace hotline::model
