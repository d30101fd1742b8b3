#include "runner/remote_side.h"

#include "runner/side_protocol.h"

#include <algorithm>
#include <optional>

namespace hotline::runner {

RemoteSideHost::RemoteSideHost(std::string party, common::ChildProcess& node,
                               model::RecordSink* sink, OnEvent on_event,
                               std::chrono::milliseconds reply_timeout, MessageLedger& ledger,
                               Restart restart, int max_restarts)
    : party_(std::move(party)),
      node_(&node),
      sink_(sink),
      on_event_(std::move(on_event)),
      reply_timeout_(reply_timeout),
      ledger_(ledger),
      restart_(std::move(restart)),
      max_restarts_(max_restarts),
      restarts_left_(max_restarts) {}

side::Reply RemoteSideHost::round_trip(const side::Call& request, bool& exited) {
  exited = false;
  const std::string name = call_name(request);
  if (!node_->write_input(call_line(request) + "\n")) {
    exited = true;
    throw NodeFailure(party_ + "'s node no longer reads its input (it has exited)");
  }
  const auto deadline = std::chrono::steady_clock::now() + reply_timeout_;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw NodeFailure(party_ + "'s node did not answer \"" + name + "\" within " +
                        std::to_string(reply_timeout_.count() / 1000) + " s");
    }
    const auto line = node_->output().read_line(std::min(left, std::chrono::milliseconds(500)));
    if (!line && !node_->output().at_end()) {
      if (idle_) idle_();
      continue;
    }
    if (!line) {
      if (node_->output().at_end()) {
        exited = true;
        const auto status = node_->wait_for(std::chrono::seconds(2));
        throw NodeFailure(party_ + "'s node exited" +
                          (status ? " with status " + std::to_string(*status) : std::string()) +
                          " during \"" + name + "\"");
      }
      continue;
    }
    std::optional<side::Reply> reply;
    try {
      reply = read_reply_line(*line);
    } catch (const MalformedReply& error) {
      throw NodeFailure(party_ + "'s node answered \"" + name + "\" with " + error.what());
    }
    if (!reply) {
      const nlohmann::json event = nlohmann::json::parse(*line, nullptr, false);
      if (event.is_object() && on_event_) on_event_(party_, event);
      continue;
    }
    if (!reply->error().empty())
      throw NodeFailure(party_ + "'s node refused a call: " + reply->error());
    return *reply;
  }
}

side::Reply RemoteSideHost::call(side::Call request, model::Actions* out) {
  last_now_ = std::max(last_now_, request.now());
  side::Reply reply;
  for (;;) {
    // A message that may have reached the mind before a restart is handed over by the referee;
    // later ones must have crossed the link.
    side::Delivery* delivery =
        request.has_inquiry()           ? request.mutable_inquiry()->mutable_delivery()
        : request.has_receive()         ? request.mutable_receive()->mutable_delivery()
        : request.has_heard_link_test() ? request.mutable_heard_link_test()->mutable_delivery()
                                        : nullptr;
    if (delivery) delivery->set_await_link(delivery->message() > floor_);
    bool exited = false;
    try {
      reply = round_trip(request, exited);
      break;
    } catch (const NodeFailure&) {
      if (!exited || !restart_ || restarts_left_ <= 0) throw;
      --restarts_left_;
      recover();
    }
  }
  // Every copy put on the link counts: the node's channel draws its fate, and a restarted node
  // must draw them all again to draw the next ones as the referee does.
  if (request.has_transmit())
    transmitted_.emplace(request.transmit().message(), request.transmit());
  if (!request.has_belief() && !request.has_belief_curves() && !request.has_link_counts())
    history_.push_back(request);
  SideReply read;
  try {
    read = read_side_reply(reply);
  } catch (const MalformedReply& error) {
    throw NodeFailure(party_ + "'s node answered \"" + call_name(request) + "\" with " +
                      error.what());
  }
  if (sink_) {
    for (auto& record : read.records) sink_->record(std::move(record));
  }
  rung_ = read.rung;
  curves_ = std::move(read.curves);
  belief_changes_ = reply.belief_changes();
  // Only a person's mind awaits anything or decides between calls.
  awaiting_.assign(reply.awaiting().begin(), reply.awaiting().end());
  decided_ = reply.decided();
  if (out) {
    const model::Actions& actions = read.actions;
    out->send.insert(out->send.end(), actions.send.begin(), actions.send.end());
    out->strikes.insert(out->strikes.end(), actions.strikes.begin(), actions.strikes.end());
    out->moves.insert(out->moves.end(), actions.moves.begin(), actions.moves.end());
    out->wake_at.insert(out->wake_at.end(), actions.wake_at.begin(), actions.wake_at.end());
    out->refrain.insert(out->refrain.end(), actions.refrain.begin(), actions.refrain.end());
  }
  return reply;
}

side::Delivery RemoteSideHost::delivery(int message, const model::Exchange& exchange) {
  side::Delivery delivery;
  delivery.set_message(message);
  *delivery.mutable_exchange() = exchange_to_wire(static_cast<std::uint64_t>(message), exchange);
  return delivery;
}

void RemoteSideHost::recover() {
  if (on_event_)
    on_event_(party_, {{"event", "restarting"}, {"reason", "the node exited mid-case"}});
  node_ = &restart_();
  floor_ = ledger_.highest;
  for (side::Call request : history_) {
    request.set_replay(true);
    for (side::Delivery* delivery :
         {request.has_inquiry() ? request.mutable_inquiry()->mutable_delivery() : nullptr,
          request.has_receive() ? request.mutable_receive()->mutable_delivery() : nullptr,
          request.has_heard_link_test() ? request.mutable_heard_link_test()->mutable_delivery()
                                        : nullptr}) {
      if (delivery) delivery->set_await_link(false);
    }
    bool exited = false;
    round_trip(request, exited);  // its decisions were taken the first time
  }
  // What the dead node may have held for its delay, or written to a connection that died, goes
  // again, once and clean: the receiving mind keys messages by their number.
  for (const auto& [message, sent] : transmitted_) {
    if (ledger_.delivered.count(message)) continue;
    side::Call resend;
    resend.mutable_resend()->set_message(message);
    *resend.mutable_resend()->mutable_exchange() = sent.exchange();
    resend.mutable_resend()->set_to(sent.to());
    bool exited = false;
    round_trip(resend, exited);
  }
  if (on_event_)
    on_event_(party_, {{"event", "recovered"},
                       {"reason", std::to_string(history_.size()) + " calls replayed"}});
}

void RemoteSideHost::poll() {
  while (auto line = node_->output().read_line(std::chrono::milliseconds(0))) {
    const nlohmann::json event = nlohmann::json::parse(*line, nullptr, false);
    if (event.is_object() && !event.contains("reply") && on_event_) on_event_(party_, event);
  }
}

namespace {

side::Call at(model::SimTime now) {
  side::Call call;
  call.set_now(now);
  return call;
}

}  // namespace

void RemoteSideHost::observe(model::SimTime now, const model::SeenIncident& seen,
                             model::Actions& out) {
  side::Call request = at(now);
  *request.mutable_observe()->mutable_seen() = seen_to_proto(seen);
  call(std::move(request), &out);
}

void RemoteSideHost::own_accident(model::SimTime now, int incident, const std::string& id,
                                  int victim, model::Actions& out) {
  side::Call request = at(now);
  request.mutable_own_accident()->set_incident(incident);
  request.mutable_own_accident()->set_id(id);
  request.mutable_own_accident()->set_victim(victim);
  call(std::move(request), &out);
}

void RemoteSideHost::inquiry(model::SimTime now, int message, int from, int incident,
                             const std::string& incident_id, model::StateRole role,
                             model::Actions& out) {
  model::Exchange exchange;
  exchange.type = model::Exchange::Type::kInquiry;
  exchange.incident = incident;
  ledger_.delivered.insert(message);
  side::Call request = at(now);
  side::Inquiry* inquiry = request.mutable_inquiry();
  *inquiry->mutable_delivery() = delivery(message, exchange);
  inquiry->set_id(incident_id);
  inquiry->set_role(static_cast<int>(role));
  inquiry->set_from(from);
  call(std::move(request), &out);
}

void RemoteSideHost::receive(model::SimTime now, int message, int from,
                             const model::Exchange& exchange, bool garbled, bool via_hotline,
                             model::Actions& out) {
  ledger_.delivered.insert(message);
  // The referee's copy always comes along: the mind checks what crossed the link against it,
  // and uses it for what did not cross the link (a diplomatic note) or may have reached the
  // mind before a restart.
  side::Call request = at(now);
  side::Receive* receive = request.mutable_receive();
  *receive->mutable_delivery() = delivery(message, exchange);
  receive->set_garbled(garbled);
  receive->set_via_hotline(via_hotline);
  receive->set_from(from);
  call(std::move(request), &out);
}

void RemoteSideHost::heard_link_test(model::SimTime now, int message, int from) {
  model::Exchange exchange;
  exchange.type = model::Exchange::Type::kLinkTest;
  ledger_.delivered.insert(message);
  side::Call request = at(now);
  *request.mutable_heard_link_test()->mutable_delivery() = delivery(message, exchange);
  request.mutable_heard_link_test()->set_from(from);
  call(std::move(request), nullptr);
}

void RemoteSideHost::declare(model::SimTime now, model::Rung at_least, const std::string& why,
                             int to, model::Actions& out) {
  side::Call request = at(now);
  request.mutable_declare()->set_rung(static_cast<int>(at_least));
  request.mutable_declare()->set_why(why);
  request.mutable_declare()->set_to(to);
  call(std::move(request), &out);
}

void RemoteSideHost::see_move(model::SimTime now, int mover, model::Rung rung, int against,
                              model::MoveAnswers answers, model::Actions& out) {
  side::Call request = at(now);
  request.mutable_see_move()->set_mover(mover);
  request.mutable_see_move()->set_rung(static_cast<int>(rung));
  request.mutable_see_move()->set_answers(static_cast<int>(answers));
  if (against != model::kNoParty) request.mutable_see_move()->set_against(against);
  call(std::move(request), &out);
}

void RemoteSideHost::review(model::SimTime now, model::Actions& out) {
  side::Call request = at(now);
  request.mutable_review();
  call(std::move(request), &out);
}

void RemoteSideHost::set_intent(model::SimTime now, int toward, bool intends_harm,
                                std::optional<model::Rung> aim) {
  side::Call request = at(now);
  request.mutable_set_intent()->set_intends_harm(intends_harm);
  request.mutable_set_intent()->set_toward(toward);
  if (aim) request.mutable_set_intent()->set_aim(static_cast<int>(*aim));
  call(std::move(request), nullptr);
}

void RemoteSideHost::gain_trust(model::SimTime now, int from, double amount) {
  side::Call request = at(now);
  request.mutable_gain_trust()->set_amount(amount);
  request.mutable_gain_trust()->set_from(from);
  call(std::move(request), nullptr);
}

void RemoteSideHost::learn_of_leak(model::SimTime now, int by, double cost) {
  side::Call request = at(now);
  request.mutable_learn_of_leak()->set_by(by);
  request.mutable_learn_of_leak()->set_cost(cost);
  call(std::move(request), nullptr);
}

void RemoteSideHost::transmit(model::SimTime now, int message, const model::Exchange& exchange,
                              int to, std::size_t words, const model::Transmission& sent) {
  ledger_.highest = std::max(ledger_.highest, message);
  side::Call request = at(now);
  side::Transmit* transmit = request.mutable_transmit();
  transmit->set_message(message);
  *transmit->mutable_exchange() = exchange_to_wire(static_cast<std::uint64_t>(message), exchange);
  transmit->set_words(words);
  *transmit->mutable_sent() = transmission_to_proto(sent);
  transmit->set_to(to);
  call(std::move(request), nullptr);
}

void RemoteSideHost::recover_if_exited() {
  const auto status = node_->wait_for(std::chrono::milliseconds(0));
  if (!status) return;
  if (!restart_ || restarts_left_ <= 0) {
    throw NodeFailure(party_ + "'s node exited with status " + std::to_string(*status) +
                      " while the other side waited for its messages");
  }
  --restarts_left_;
  recover();
}

std::string RemoteSideHost::human(model::SimTime now, const std::string& line) {
  side::Call request = at(now);
  request.mutable_human()->set_line(line);
  return call(std::move(request), nullptr).problem();
}

void RemoteSideHost::decide(model::SimTime now) {
  side::Call request = at(now);
  request.mutable_decide();
  call(std::move(request), nullptr);
}

side::Counts RemoteSideHost::link_counts(bool flush) {
  side::Call request;
  request.mutable_link_counts()->set_flush(flush);
  bool exited = false;
  return round_trip(request, exited).counts();
}

void RemoteSideHost::circuit_outage(model::SimTime now, int line, int circuit,
                                    model::Window window) {
  side::Call request = at(now);
  request.mutable_outage()->set_circuit(circuit);
  request.mutable_outage()->set_line(line);
  request.mutable_outage()->set_from(window.from);
  request.mutable_outage()->set_until(window.until);
  call(std::move(request), nullptr);
}

double RemoteSideHost::belief(model::SimTime now, int party) {
  side::Call request = at(now);
  request.mutable_belief()->set_of(party);
  return call(std::move(request), nullptr).belief();
}

void RemoteSideHost::belief_curves(int self, std::vector<model::BeliefCurve>& of) {
  side::Call request = at(last_now_);
  request.mutable_belief_curves();
  call(std::move(request), nullptr);
  // One curve for every other party, or none is taken: a curve left out would leave another
  // side's in its place.
  std::vector<char> given(of.size(), false);
  for (const auto& [party, curve] : curves_) {
    if (party == self || party >= static_cast<int>(of.size()) || given[party])
      throw NodeFailure(party_ + "'s node answered with a belief about no other party, or twice (" +
                        std::to_string(party) + ")");
    given[party] = true;
  }
  if (curves_.size() + 1 != of.size())
    throw NodeFailure(party_ + "'s node answered with " + std::to_string(curves_.size()) +
                      " belief curves for " + std::to_string(of.size() - 1) + " other parties");
  for (const auto& [party, curve] : curves_) of[party] = curve;
}

}  // namespace hotline::runner
