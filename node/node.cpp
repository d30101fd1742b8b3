#include "node/node.h"

#include <openssl/rand.h>

#include "node/protocol.h"

namespace hotline::node {
namespace {

// Unauthenticated connections cost memory and a TLS handshake each; past this many the node
// refuses new ones until some finish.
constexpr std::size_t kMaxUnauthenticated = 64;
// Envelope fields around a payload; a payload within max_frame - this always fits a frame.
constexpr std::size_t kEnvelopeOverhead = 128;
// Bytes a link may hold in its write queue before the outbox stops handing it more.
constexpr std::size_t kLinkHighWater = 256 * 1024;

std::uint64_t random_u64() {
  std::uint64_t value = 0;
  while (value == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value);
  return value;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Node::Node(asio::io_context& io, NodeOptions options, NodeObserver& observer)
    : io_(io),
      options_((finalize(options), std::move(options))),
      observer_(observer),
      tls_(common::make_tls_context(
          options_.listen ? common::TlsRole::kServer : common::TlsRole::kClient,
          common::tls_files_for(options_.certs_dir, options_.party))),
      acceptor_(io),
      resolver_(io),
      redial_timer_(io),
      linger_timer_(io),
      backoff_(options_.redial_initial, options_.redial_cap, random_u64()),
      outbox_(options_.epoch != 0 ? options_.epoch : random_u64()) {
  session_settings_.own_party = options_.party;
  session_settings_.peer_party = options_.peer;
  session_settings_.max_frame_bytes = options_.max_frame_bytes;
  session_settings_.hello_timeout = options_.hello_timeout;
}

Node::~Node() = default;

void Node::start() {
  if (options_.listen) {
    listen();
  } else {
    dial();
  }
}

std::uint16_t Node::listening_port() const {
  asio::error_code ignored;
  return acceptor_.local_endpoint(ignored).port();
}

NodeEvent Node::event(NodeEvent::Kind kind) const {
  NodeEvent e(kind);
  e.peer = options_.peer;
  return e;
}

// ---- connections ---------------------------------------------------------------------------

void Node::listen() {
  const auto& where = *options_.listen;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(where.host), where.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  NodeEvent e = event(NodeEvent::Kind::kListening);
  e.address = common::Endpoint{where.host, listening_port()}.to_string();
  emit(e);
  accept_next();
}

void Node::accept_next() {
  acceptor_.async_accept([this](const asio::error_code& error, asio::ip::tcp::socket socket) {
    if (stopping_ || error == asio::error::operation_aborted) return;
    if (error) {
      NodeEvent e = event(NodeEvent::Kind::kError);
      e.reason = "accept failed: " + error.message();
      emit(e);
    } else if (unauthenticated_.size() >= kMaxUnauthenticated) {
      NodeEvent e = event(NodeEvent::Kind::kRefused);
      asio::error_code ignored;
      const auto remote = socket.remote_endpoint(ignored);
      e.address = remote.address().to_string() + ":" + std::to_string(remote.port());
      e.reason = "too many connections awaiting authentication";
      emit(e);
    } else {
      make_session(std::move(socket), Session::Role::kAccepted)->start();
    }
    accept_next();
  });
}

void Node::dial() {
  if (stopping_ || dialling_) return;
  dialling_ = true;
  const auto& where = *options_.connect;
  resolver_.async_resolve(
      where.host, std::to_string(where.port),
      [this](const asio::error_code& error, asio::ip::tcp::resolver::results_type results) {
        if (stopping_) return;
        if (error) {
          dialling_ = false;
          NodeEvent e = event(NodeEvent::Kind::kDialFailed);
          e.address = options_.connect->to_string();
          e.reason = error.message();
          emit(e);
          schedule_redial();
          return;
        }
        auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
        asio::async_connect(
            *socket, results,
            [this, socket](const asio::error_code& error, const asio::ip::tcp::endpoint&) {
              if (stopping_) return;
              if (error) {
                dialling_ = false;
                NodeEvent e = event(NodeEvent::Kind::kDialFailed);
                e.address = options_.connect->to_string();
                e.reason = error.message();
                emit(e);
                schedule_redial();
                return;
              }
              make_session(std::move(*socket), Session::Role::kDialled)->start();
            });
      });
}

void Node::schedule_redial() {
  if (stopping_ || !options_.connect) return;
  dialling_ = false;
  redial_timer_.expires_after(backoff_.next());
  redial_timer_.async_wait([this](const asio::error_code& error) {
    if (!error) dial();
  });
}

std::shared_ptr<Session> Node::make_session(asio::ip::tcp::socket socket, Session::Role role) {
  auto session = std::make_shared<Session>(std::move(socket), tls_, role, session_settings_, *this);
  unauthenticated_.insert(session);
  return session;
}

void Node::on_secured(const std::shared_ptr<Session>& session) {
  send_hello(*session);
}

void Node::on_hello(const std::shared_ptr<Session>& session, const wire::Envelope& hello) {
  if (stopping_) {
    session->close("node is stopping");
    return;
  }
  if (session->peer_epoch() != peer_epoch_) peer_epoch_ = session->peer_epoch();
  // The dialling side spoke first; the accepting side answers once it knows who called.
  if (options_.listen) send_hello(*session);
  establish(session, hello);
}

void Node::establish(const std::shared_ptr<Session>& session, const wire::Envelope& hello) {
  unauthenticated_.erase(session);
  try {
    const auto& resume = hello.hello().resume();
    if (resume.peer_epoch() == outbox_.epoch()) {
      for (const auto& done : outbox_.acknowledge(resume.delivered_seq())) {
        NodeEvent e = event(NodeEvent::Kind::kAcked);
        e.seq = done.seq;
        e.duration = std::chrono::duration_cast<std::chrono::microseconds>(Outbox::Clock::now() -
                                                                           done.first_sent);
        emit(e);
      }
    }
  } catch (const ProtocolViolation& violation) {
    session->abort(std::string("protocol violation in Hello: ") + violation.what());
    return;
  }
  if (active_) active_->close("replaced by a newer connection from " + options_.peer);
  active_ = session;
  backoff_.reset();
  ack_sent_ = inbox_.delivered(peer_epoch_);
  NodeEvent e = event(NodeEvent::Kind::kLinkUp);
  e.circuit = session->circuit();
  e.address = session->remote_address();
  emit(e);
  // Everything not yet acknowledged goes again on the new link.
  transmitted_seq_ = outbox_.acknowledged_seq();
  pump();
  maybe_finish();
}

void Node::on_drained(const std::shared_ptr<Session>& session) {
  if (session == active_) pump();
}

void Node::pump() {
  auto& pending = outbox_.pending();
  while (active_ && !pending.empty() && transmitted_seq_ < outbox_.last_seq() &&
         active_->queued_bytes() < kLinkHighWater) {
    const std::uint64_t first = pending.front().envelope.seq();
    if (transmitted_seq_ < first - 1) transmitted_seq_ = first - 1;
    transmit(pending[transmitted_seq_ + 1 - first]);
    ++transmitted_seq_;
  }
}

void Node::on_closed(const std::shared_ptr<Session>& session, const std::string& reason,
                     bool hello_seen) {
  unauthenticated_.erase(session);
  const bool was_link = session == active_;
  if (was_link) {
    active_ = nullptr;
    bye_sent_ = false;
    NodeEvent e = event(NodeEvent::Kind::kLinkDown);
    e.circuit = session->circuit();
    e.address = session->remote_address();
    e.reason = peer_said_bye_ && reason == "connection closed by the peer" ? "the peer said goodbye"
                                                                           : reason;
    emit(e);
  } else if (!stopping_) {
    NodeEvent e = event(NodeEvent::Kind::kRefused);
    e.address = session->remote_address();
    e.reason = reason;
    emit(e);
  }
  if (options_.connect && (was_link || !hello_seen)) schedule_redial();
}

// ---- sending -------------------------------------------------------------------------------

wire::Envelope Node::control_envelope() const {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender(options_.party);
  envelope.set_epoch(outbox_.epoch());
  return envelope;
}

void Node::stamp(wire::Envelope& envelope) {
  envelope.set_ack(inbox_.delivered(peer_epoch_));
  envelope.set_ack_epoch(peer_epoch_);
  envelope.set_sent_at_us(now_us());
  envelope.set_circuit(session_settings_.circuit);
  ack_sent_ = envelope.ack();
}

void Node::send_hello(Session& session) {
  wire::Envelope envelope = control_envelope();
  wire::Hello& hello = *envelope.mutable_hello();
  hello.set_party(options_.party);
  hello.set_protocol_version(kProtocolVersion);
  hello.set_epoch(outbox_.epoch());
  hello.set_software("hotline 0.1");
  hello.mutable_resume()->set_peer_epoch(peer_epoch_);
  hello.mutable_resume()->set_delivered_seq(inbox_.delivered(peer_epoch_));
  stamp(envelope);
  session.send(envelope);
}

std::uint64_t Node::send(wire::Envelope payload) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  if (stopping_) throw std::logic_error("this node is stopping");
  if (!is_reliable(payload)) throw std::invalid_argument("not a reliable payload");
  const std::size_t size = payload.ByteSizeLong();
  if (size + kEnvelopeOverhead > options_.max_frame_bytes) {
    throw std::invalid_argument(
        "a " + std::to_string(size) + "-byte " + std::string(payload_name(payload)) +
        " does not fit the frame limit of " + std::to_string(options_.max_frame_bytes) + " bytes");
  }
  payload.set_version(kProtocolVersion);
  payload.set_sender(options_.party);
  Outbox::Entry& entry = outbox_.push(std::move(payload));
  if (active_) {
    pump();
  } else {
    NodeEvent e = event(NodeEvent::Kind::kQueued);
    e.seq = entry.envelope.seq();
    e.envelope = &entry.envelope;
    emit(e);
  }
  return entry.envelope.seq();
}

std::uint64_t Node::send_text(std::string text, wire::Priority priority) {
  wire::Envelope envelope;
  wire::Message& message = *envelope.mutable_message();
  message.set_priority(priority);
  message.set_text(std::move(text));
  return send(std::move(envelope));
}

void Node::transmit(Outbox::Entry& entry) {
  stamp(entry.envelope);
  active_->send(entry.envelope);
  NodeEvent e = event(entry.sent ? NodeEvent::Kind::kRetransmitted : NodeEvent::Kind::kSent);
  if (!entry.sent) {
    entry.sent = true;
    entry.first_sent = Outbox::Clock::now();
  }
  e.seq = entry.envelope.seq();
  e.circuit = active_->circuit();
  e.envelope = &entry.envelope;
  emit(e);
}

// ---- receiving -----------------------------------------------------------------------------

void Node::on_envelope(const std::shared_ptr<Session>& session, wire::Envelope envelope) {
  if (session != active_) return;
  try {
    take_acknowledgement(envelope);
    if (is_reliable(envelope)) {
      take_reliable(std::move(envelope));
    } else if (envelope.has_bye()) {
      peer_said_bye_ = true;
      NodeEvent e = event(NodeEvent::Kind::kPeerBye);
      e.reason = envelope.bye().reason();
      e.seq = envelope.bye().last_seq();
      emit(e);
    }
  } catch (const ProtocolViolation& violation) {
    session->abort(std::string("protocol violation: ") + violation.what());
    return;
  }
  maybe_finish();
}

void Node::take_acknowledgement(const wire::Envelope& envelope) {
  if (envelope.ack_epoch() != outbox_.epoch() || envelope.ack() <= outbox_.acknowledged_seq()) {
    return;
  }
  const auto now = Outbox::Clock::now();
  for (const auto& done : outbox_.acknowledge(envelope.ack())) {
    NodeEvent e = event(NodeEvent::Kind::kAcked);
    e.seq = done.seq;
    e.duration = std::chrono::duration_cast<std::chrono::microseconds>(now - done.first_sent);
    emit(e);
  }
}

void Node::take_reliable(wire::Envelope envelope) {
  const std::uint64_t seq = envelope.seq();
  Inbox::Outcome outcome = inbox_.accept(std::move(envelope));
  if (outcome.duplicate) {
    NodeEvent e = event(NodeEvent::Kind::kDuplicate);
    e.seq = seq;
    emit(e);
    // The peer evidently missed our acknowledgement; repeat it even if nothing advanced.
    ack_sent_ = 0;
  }
  for (const auto& delivered : outcome.deliverable) {
    NodeEvent e = event(NodeEvent::Kind::kDelivered);
    e.seq = delivered.seq();
    e.envelope = &delivered;
    emit(e);
  }
  schedule_ack();
}

void Node::schedule_ack() {
  ack_due_ = true;
  if (ack_flush_posted_) return;
  ack_flush_posted_ = true;
  // Posted, so that a reply sent from a delivery callback or the rest of this read carries the
  // acknowledgement and no separate Ack frame is needed.
  asio::post(io_, [this] { flush_ack(); });
}

void Node::flush_ack() {
  ack_flush_posted_ = false;
  if (!ack_due_ || !active_) return;
  ack_due_ = false;
  if (inbox_.delivered(peer_epoch_) == ack_sent_ && ack_sent_ != 0) return;
  wire::Envelope envelope = control_envelope();
  envelope.mutable_ack_only();
  stamp(envelope);
  active_->send(envelope);
}

// ---- finishing -----------------------------------------------------------------------------

void Node::finish_sending() {
  if (sending_finished_ || stopping_) return;
  sending_finished_ = true;
  linger_timer_.expires_after(options_.linger);
  linger_timer_.async_wait([this](const asio::error_code& error) {
    if (error) return;
    stop(outbox_.empty() ? "the peer did not say goodbye in time"
                         : std::to_string(outbox_.size()) + " message(s) unacknowledged in time");
  });
  maybe_finish();
}

void Node::maybe_finish() {
  if (!sending_finished_ || stopping_) return;
  if (outbox_.empty() && active_ && !bye_sent_) {
    wire::Envelope envelope = control_envelope();
    envelope.mutable_bye()->set_reason("end of input");
    envelope.mutable_bye()->set_last_seq(outbox_.last_seq());
    stamp(envelope);
    active_->send(envelope);
    bye_sent_ = true;
  }
  if (bye_sent_ && peer_said_bye_) stop("finished");
}

void Node::stop(const std::string& reason) {
  if (stopping_) return;
  stopping_ = true;
  redial_timer_.cancel();
  linger_timer_.cancel();
  resolver_.cancel();
  asio::error_code ignored;
  acceptor_.close(ignored);
  if (active_) active_->close("stopping: " + reason);
  for (const auto& session : std::set<std::shared_ptr<Session>>(unauthenticated_)) {
    session->abort("node stopping");
  }
  NodeEvent e = event(NodeEvent::Kind::kStopped);
  e.reason = reason;
  e.count = outbox_.size();
  emit(e);
}

}  // namespace hotline::node
