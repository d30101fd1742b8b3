#include "model/side_host.h"

#include "model/run_seeds.h"

namespace hotline::model {

LocalSideHost::LocalSideHost(const Scenario& scenario, int party, std::uint64_t seed,
                             RecordSink* sink)
    : scenario_(scenario), side_(scenario, party, sink), rng_(RunSeeds::side(seed, party)) {}

void LocalSideHost::observe(SimTime now, const SeenIncident& seen, Actions& out) {
  side_.observe(now, seen, rng_, out);
}

void LocalSideHost::own_accident(SimTime now, int incident, const std::string& id, int victim,
                                 Actions& out) {
  side_.own_accident(now, incident, id, victim, out);
}

void LocalSideHost::inquiry(SimTime now, int, int from, int incident,
                            const std::string& incident_id, StateRole role, Actions& out) {
  side_.inquiry(now, from, incident, incident_id, role, out);
}

void LocalSideHost::receive(SimTime now, int, int from, const Exchange& exchange, bool garbled,
                            bool, Actions& out) {
  const MessageSpec* scripted =
      exchange.scripted >= 0 ? &scenario_.messages[exchange.scripted] : nullptr;
  side_.receive(now, from, exchange, garbled, scripted, rng_, out);
}

void LocalSideHost::heard_link_test(SimTime now, int, int from) {
  side_.heard_link_test(now, from);
}

void LocalSideHost::see_move(SimTime now, int mover, Rung rung, int against, MoveAnswers answers,
                             Actions& out) {
  side_.see_move(now, mover, rung, against, answers, rng_, out);
}

void LocalSideHost::review(SimTime now, Actions& out) {
  side_.review(now, rng_, out);
}

void LocalSideHost::set_intent(SimTime, int toward, bool intends_harm, std::optional<Rung> aim) {
  side_.set_intent(toward, intends_harm, aim);
}

void LocalSideHost::gain_trust(SimTime, int from, double amount) {
  side_.gain_trust(from, amount);
}

void LocalSideHost::learn_of_leak(SimTime now, int by, double cost) {
  side_.learn_of_leak(now, by, cost);
}

}  // namespace hotline::model
