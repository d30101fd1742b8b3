#include "runner/player.h"

#include <stdexcept>

#include "runner/side_protocol.h"

namespace hotline::runner {

Player::Player(const model::Scenario& scenario, int party, std::uint64_t seed, bool human,
               double speed, Send send, LinkFaults::After after, Reply reply)
    : faults_(scenario, seed, party, speed, std::move(send), std::move(after)),
      reply_(std::move(reply)),
      parties_(scenario.party_count()),
      party_(party) {
  if (human) {
    auto mind = std::make_unique<HumanMind>(scenario, party, seed, &records_);
    human_ = mind.get();
    mind_ = std::move(mind);
  } else {
    mind_ = std::make_unique<model::LocalSideHost>(scenario, party, seed, &records_);
  }
}

void Player::refuse(const std::string& why) {
  side::Reply reply;
  reply.set_error(why);
  reply_(reply_line(reply));
}

void Player::on_call(const std::string& line) {
  side::Call call;
  try {
    call = read_call_line(line);
  } catch (const std::invalid_argument& error) {
    refuse(error.what());
    return;
  }
  try {
    if (!run(call)) waiting_ = call;
  } catch (const std::exception& error) {
    refuse(error.what());
  }
}

void Player::on_received(const wire::ModelExchange& exchange) {
  ++copies_received_;
  garbled_received_ += exchange.garbled() ? 1 : 0;
  model::Exchange decoded;
  try {
    decoded = exchange_from_wire(exchange);
  } catch (const std::exception& error) {
    // The peer's node authenticated, but what it carried is not a model exchange: the run
    // cannot go on as simulated, and the referee says so.
    refuse(std::string("the peer sent a malformed exchange: ") + error.what());
    return;
  }
  Copies& copies = received_[exchange.run_message()];
  copies.exchange = decoded;
  (exchange.garbled() ? copies.garbled : copies.clean) = true;
  if (waiting_ && run(*waiting_)) waiting_.reset();
}

void Player::answer(const model::Actions& actions, side::Reply extra) {
  side::Reply& reply = extra;
  *reply.mutable_actions() = actions_to_proto(actions);
  reply.set_rung(static_cast<int>(mind_->rung()));
  reply.set_belief_changes(mind_->belief_changes());
  for (const auto& record : records_.records) *reply.add_records() = record_to_proto(record);
  records_.records.clear();
  if (human_) {
    // What the referee holds the clock for, and whether the person has decided something the
    // world should take now.
    for (const auto& one : human_->awaited()) {
      side::Awaited* awaited = reply.add_awaiting();
      awaited->set_kind(one.kind == HumanMind::Awaited::Kind::kAnswer ? "answer" : "warning");
      awaited->set_incident(one.incident);
      awaited->set_text(one.text);
    }
    reply.set_decided(human_->has_decisions());
  }
  reply_(reply_line(reply));
}

std::optional<model::Exchange> Player::delivered(const side::Delivery& delivery,
                                                 std::optional<bool> garbled, bool question) {
  const model::Exchange given = exchange_from_wire(delivery.exchange());
  // A message that did not travel by the link, or may have reached this mind before a restart,
  // is the referee's to hand over.
  if (!delivery.await_link()) return given;
  const auto found = received_.find(static_cast<std::uint64_t>(delivery.message()));
  if (found == received_.end()) return std::nullopt;
  // The copy the referee delivers may be the garbled one or the clean one.
  // A carried message garbled on its first leg reads garbled though its copy on the last leg
  // (the carrier's) may have come clean.
  const bool carried = found->second.exchange.via != model::kNoParty;
  if (garbled && !(*garbled ? found->second.garbled || (carried && found->second.clean)
                            : found->second.clean)) {
    return std::nullopt;
  }
  const bool same = question ? found->second.exchange.incident == given.incident
                             : same_exchange(found->second.exchange, given);
  if (!same) {
    throw std::runtime_error("message " + std::to_string(delivery.message()) +
                             " arrived over the link different from what was sent");
  }
  return found->second.exchange;
}

bool Player::run(const side::Call& call) {
  const model::SimTime now = call.now();
  model::Actions actions;
  side::Reply extra;
  switch (call.call_case()) {
    case side::Call::kObserve:
      mind_->observe(now, seen_from_proto(call.observe().seen()), actions);
      break;
    case side::Call::kOwnAccident:
      mind_->own_accident(now, call.own_accident().incident(), call.own_accident().id(),
                          call.own_accident().victim(), actions);
      break;
    case side::Call::kInquiry: {
      const side::Inquiry& inquiry = call.inquiry();
      const auto exchange = delivered(inquiry.delivery(), std::nullopt, true);
      if (!exchange) return false;
      mind_->inquiry(now, inquiry.delivery().message(), inquiry.from(), exchange->incident,
                     inquiry.id(), static_cast<model::StateRole>(inquiry.role()), actions);
      break;
    }
    case side::Call::kReceive: {
      const side::Receive& receive = call.receive();
      // A note that came by another channel never crossed the link.
      side::Delivery delivery = receive.delivery();
      if (!receive.via_hotline()) delivery.set_await_link(false);
      const auto exchange = delivered(delivery, receive.garbled());
      if (!exchange) return false;
      mind_->receive(now, delivery.message(), receive.from(), *exchange, receive.garbled(),
                     receive.via_hotline(), actions);
      break;
    }
    case side::Call::kHeardLinkTest: {
      const side::Delivery& delivery = call.heard_link_test().delivery();
      if (!delivered(delivery, std::nullopt)) return false;
      mind_->heard_link_test(now, delivery.message(), call.heard_link_test().from());
      break;
    }
    case side::Call::kDeclare:
      mind_->declare(now, model::rung_at(call.declare().rung()), call.declare().why(),
                     call.declare().to(), actions);
      break;
    case side::Call::kSeeMove: {
      const int answers = call.see_move().answers();
      if (answers < 0 || answers > static_cast<int>(model::MoveAnswers::kOurThreat))
        throw std::out_of_range("see_move: no such answer " + std::to_string(answers));
      const int mover = call.see_move().mover();
      const int against =
          call.see_move().has_against() ? call.see_move().against() : model::kNoParty;
      if (mover < 0 || mover >= parties_ || against < model::kNoParty || against >= parties_)
        throw std::out_of_range("see_move: no such party " + std::to_string(mover) + " or " +
                                std::to_string(against));
      mind_->see_move(now, mover, model::rung_at(call.see_move().rung()), against,
                      static_cast<model::MoveAnswers>(answers), actions);
      break;
    }
    case side::Call::kReview:
      mind_->review(now, actions);
      break;
    case side::Call::kSetIntent: {
      const side::SetIntent& intent = call.set_intent();
      if (intent.toward() < model::kNoParty || intent.toward() >= parties_)
        throw std::out_of_range("set_intent: no such party " + std::to_string(intent.toward()));
      if (intent.has_aim() && (intent.aim() < 0 || intent.aim() >= model::kRungCount))
        throw std::out_of_range("set_intent: no such rung " + std::to_string(intent.aim()));
      mind_->set_intent(
          now, intent.toward(), intent.intends_harm(),
          intent.has_aim() ? std::optional(model::rung_at(intent.aim())) : std::nullopt);
      break;
    }
    case side::Call::kGainTrust:
      mind_->gain_trust(now, call.gain_trust().from(), call.gain_trust().amount());
      break;
    case side::Call::kLearnOfLeak:
      mind_->learn_of_leak(now, call.learn_of_leak().by(), call.learn_of_leak().cost());
      break;
    case side::Call::kTransmit: {
      const side::Transmit& transmit = call.transmit();
      wire::Envelope envelope;
      *envelope.mutable_model_exchange() = exchange_to_wire(
          static_cast<std::uint64_t>(transmit.message()), exchange_from_wire(transmit.exchange()));
      faults_.transmit(now, std::move(envelope), transmit.to(),
                       static_cast<std::size_t>(transmit.words()),
                       transmission_from_proto(transmit.sent()), call.replay());
      break;
    }
    case side::Call::kResend: {
      wire::Envelope envelope;
      *envelope.mutable_model_exchange() =
          exchange_to_wire(static_cast<std::uint64_t>(call.resend().message()),
                           exchange_from_wire(call.resend().exchange()));
      faults_.count_resend();
      faults_.send_now(std::move(envelope), call.resend().to());
      break;
    }
    case side::Call::kHuman:
      if (!human_) throw std::invalid_argument("this party is not played by a person");
      extra.set_problem(human_->command(now, call.human().line()));
      break;
    case side::Call::kDecide:
      if (!human_) throw std::invalid_argument("this party is not played by a person");
      human_->decide_awaited(now);
      break;
    case side::Call::kLinkCounts: {
      // Copies still held for their delay go now: the referee has finished.
      if (call.link_counts().flush()) faults_.flush();
      const LinkFaults::Counts& counts = faults_.counts();
      side::Counts* out = extra.mutable_counts();
      out->set_written(counts.written);
      out->set_lost(counts.lost);
      out->set_garbled(counts.garbled);
      out->set_duplicated(counts.duplicated);
      out->set_resent(counts.resent);
      out->set_received(copies_received_);
      out->set_received_garbled(garbled_received_);
      break;
    }
    case side::Call::kBeliefCurves:
      curves_.resize(parties_);
      mind_->belief_curves(party_, curves_);
      for (int other = 0; other < parties_; ++other) {
        if (other != party_) *extra.add_curves() = curve_to_proto(other, curves_[other]);
      }
      break;
    case side::Call::kOutage:
      faults_.add_outage(call.outage().line(), call.outage().circuit(),
                         {call.outage().from(), call.outage().until()});
      break;
    case side::Call::kBelief:
      extra.set_belief(mind_->belief(now, call.belief().of()));
      break;
    case side::Call::CALL_NOT_SET:
      throw std::invalid_argument("a call that names nothing to do");
  }
  answer(actions, std::move(extra));
  return true;
}

}  // namespace hotline::runner
