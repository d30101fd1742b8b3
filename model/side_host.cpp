#include "model/side_host.h"

#include "model/run_seeds.h"

namespace hotline::model {

LocalSideHost::LocalSideHost(const Scenario& scenario, int party, std::uint64_t seed,
                             RecordSink* sink)
    : scenario_(scenario),
      side_(scenario.parties[party], scenario.parties[1 - party].id, scenario.hotline.enabled,
            sink),
      rng_(RunSeeds::side(seed, party)) {}

void LocalSideHost::observe(SimTime now, const SeenIncident& seen, Actions& out) {
  side_.observe(now, seen, rng_, out);
}

void LocalSideHost::own_accident(SimTime now, int incident, const std::string& id, Actions& out) {
  side_.own_accident(now, incident, id, out);
}

void LocalSideHost::inquiry(SimTime now, int, int incident, const std::string& incident_id,
                            StateRole role, Actions& out) {
  side_.inquiry(now, incident, incident_id, role, out);
}

void LocalSideHost::receive(SimTime now, int, const Exchange& exchange, bool garbled, bool,
                            Actions& out) {
  const MessageSpec* scripted =
      exchange.scripted >= 0 ? &scenario_.messages[exchange.scripted] : nullptr;
  side_.receive(now, exchange, garbled, scripted, rng_, out);
}

void LocalSideHost::heard_link_test(SimTime now, int) {
  side_.heard_link_test(now);
}

void LocalSideHost::see_move(SimTime now, Rung rung, MoveAnswers answers, Actions& out) {
  side_.see_move(now, rung, answers, rng_, out);
}

void LocalSideHost::review(SimTime now, SimTime link_test_every, Actions& out) {
  side_.review(now, link_test_every, rng_, out);
}

void LocalSideHost::set_intent(SimTime, bool intends_harm) {
  side_.set_intent(intends_harm);
}

void LocalSideHost::gain_trust(SimTime, double amount) {
  side_.gain_trust(amount);
}

void LocalSideHost::learn_of_leak(SimTime now, bool ours, double cost) {
  side_.learn_of_leak(now, ours, cost);
}

}  // namespace hotline::model
