#include "runner/remote_side.h"

#include "runner/side_protocol.h"

#include <algorithm>

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

nlohmann::json RemoteSideHost::round_trip(const nlohmann::json& request, bool& exited) {
  exited = false;
  if (!node_->write_input(request.dump() + "\n")) {
    exited = true;
    throw NodeFailure(party_ + "'s node no longer reads its input (it has exited)");
  }
  const auto deadline = std::chrono::steady_clock::now() + reply_timeout_;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw NodeFailure(party_ + "'s node did not answer \"" + request.value("call", "") +
                        "\" within " + std::to_string(reply_timeout_.count() / 1000) + " s");
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
                          " during \"" + request.value("call", "") + "\"");
      }
      continue;
    }
    const nlohmann::json reply = nlohmann::json::parse(*line, nullptr, false);
    if (!reply.is_object()) continue;
    if (!reply.contains("reply")) {
      if (on_event_) on_event_(party_, reply);
      continue;
    }
    if (reply.at("reply") == "error") {
      throw NodeFailure(party_ + "'s node refused a call: " + reply.value("error", ""));
    }
    return reply;
  }
}

nlohmann::json RemoteSideHost::call(nlohmann::json request, model::Actions* out) {
  nlohmann::json reply;
  for (;;) {
    // A message that may have reached the mind before a restart is handed over by the referee;
    // later ones must have crossed the link.
    if (request.contains("message") && request.contains("exchange") &&
        request.value("call", "") != "transmit") {
      request["await_link"] = request.at("message").get<int>() > floor_;
    }
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
  const std::string name = request.value("call", "");
  // Every copy put on the link counts: the node's channel draws its fate, and a restarted node
  // must draw them all again to draw the next ones as the referee does.
  if (name == "transmit")
    transmitted_.emplace(request.at("message").get<int>(), request.at("exchange"));
  if (name != "belief") history_.push_back(request);
  SideReply read;
  try {
    read = read_side_reply(reply);
  } catch (const MalformedReply& error) {
    throw NodeFailure(party_ + "'s node answered \"" + name + "\" with " + error.what());
  }
  if (sink_) {
    for (auto& record : read.records) sink_->record(std::move(record));
  }
  rung_ = read.rung;
  // Only a person's mind says these; a model's awaits nothing.
  if (const auto awaiting = reply.find("awaiting"); awaiting != reply.end() && awaiting->is_array())
    awaiting_ = *awaiting;
  const auto decided = reply.find("decided");
  decided_ = decided != reply.end() && decided->is_boolean() && decided->get<bool>();
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

void RemoteSideHost::recover() {
  if (on_event_)
    on_event_(party_, {{"event", "restarting"}, {"reason", "the node exited mid-case"}});
  node_ = &restart_();
  floor_ = ledger_.highest;
  for (nlohmann::json request : history_) {
    request["replay"] = true;
    if (request.contains("message")) request["await_link"] = false;
    bool exited = false;
    round_trip(request, exited);  // its decisions were taken the first time
  }
  // What the dead node may have held for its delay, or written to a connection that died, goes
  // again, once and clean: the receiving mind keys messages by their number.
  for (const auto& [message, exchange] : transmitted_) {
    if (ledger_.delivered.count(message)) continue;
    bool exited = false;
    round_trip({{"call", "resend"}, {"message", message}, {"exchange", exchange}}, exited);
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

void RemoteSideHost::observe(model::SimTime now, const model::SeenIncident& seen,
                             model::Actions& out) {
  call({{"call", "observe"}, {"now", now}, {"seen", seen_to_json(seen)}}, &out);
}

void RemoteSideHost::own_accident(model::SimTime now, int incident, const std::string& id,
                                  model::Actions& out) {
  call({{"call", "own_accident"}, {"now", now}, {"incident", incident}, {"id", id}}, &out);
}

void RemoteSideHost::inquiry(model::SimTime now, int message, int incident,
                             const std::string& incident_id, model::StateRole role,
                             model::Actions& out) {
  model::Exchange exchange;
  exchange.type = model::Exchange::Type::kInquiry;
  exchange.incident = incident;
  ledger_.delivered.insert(message);
  call({{"call", "inquiry"},
        {"now", now},
        {"message", message},
        {"role", static_cast<int>(role)},
        {"id", incident_id},
        {"exchange", exchange_to_json(exchange)}},
       &out);
}

void RemoteSideHost::receive(model::SimTime now, int message, const model::Exchange& exchange,
                             bool garbled, bool via_hotline, model::Actions& out) {
  ledger_.delivered.insert(message);
  // The referee's copy always comes along: the mind checks what crossed the link against it,
  // and uses it for what did not cross the link (a diplomatic note) or may have reached the
  // mind before a restart.
  call({{"call", "receive"},
        {"now", now},
        {"message", message},
        {"garbled", garbled},
        {"via_hotline", via_hotline},
        {"exchange", exchange_to_json(exchange)}},
       &out);
}

void RemoteSideHost::heard_link_test(model::SimTime now, int message) {
  model::Exchange exchange;
  exchange.type = model::Exchange::Type::kLinkTest;
  ledger_.delivered.insert(message);
  call({{"call", "heard_link_test"},
        {"now", now},
        {"message", message},
        {"exchange", exchange_to_json(exchange)}},
       nullptr);
}

void RemoteSideHost::declare(model::SimTime now, model::Rung at_least, const std::string& why,
                             model::Actions& out) {
  call({{"call", "declare"}, {"now", now}, {"rung", static_cast<int>(at_least)}, {"why", why}},
       &out);
}

void RemoteSideHost::see_move(model::SimTime now, model::Rung rung, model::MoveAnswers answers,
                              model::Actions& out) {
  call({{"call", "see_move"},
        {"now", now},
        {"rung", static_cast<int>(rung)},
        {"answers", static_cast<int>(answers)}},
       &out);
}

void RemoteSideHost::review(model::SimTime now, model::SimTime link_test_every,
                            model::Actions& out) {
  call({{"call", "review"}, {"now", now}, {"link_test_every", link_test_every}}, &out);
}

void RemoteSideHost::set_intent(model::SimTime now, bool intends_harm) {
  call({{"call", "set_intent"}, {"now", now}, {"intends_harm", intends_harm}}, nullptr);
}

void RemoteSideHost::gain_trust(model::SimTime now, double amount) {
  call({{"call", "gain_trust"}, {"now", now}, {"amount", amount}}, nullptr);
}

void RemoteSideHost::learn_of_leak(model::SimTime now, bool ours, double cost) {
  call({{"call", "learn_of_leak"}, {"now", now}, {"ours", ours}, {"cost", cost}}, nullptr);
}

void RemoteSideHost::transmit(model::SimTime now, int message, const model::Exchange& exchange,
                              std::size_t words, const model::Transmission& sent) {
  ledger_.highest = std::max(ledger_.highest, message);
  call({{"call", "transmit"},
        {"now", now},
        {"message", message},
        {"exchange", exchange_to_json(exchange)},
        {"words", words},
        {"sent", transmission_to_json(sent)}},
       nullptr);
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
  return call({{"call", "human"}, {"now", now}, {"line", line}}, nullptr).value("problem", "");
}

void RemoteSideHost::decide(model::SimTime now) {
  call({{"call", "decide"}, {"now", now}}, nullptr);
}

nlohmann::json RemoteSideHost::link_counts(bool flush) {
  bool exited = false;
  return round_trip({{"call", "link_counts"}, {"flush", flush}}, exited);
}

double RemoteSideHost::belief(model::SimTime now) {
  return call({{"call", "belief"}, {"now", now}}, nullptr).at("belief").get<double>();
}

}  // namespace hotline::runner
