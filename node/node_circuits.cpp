// The node's circuits: listening or dialling, authenticating the peer with the Hello exchange,
// and moving traffic between the primary and the backup as circuits come and go.

#include "node/node.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

// Unauthenticated connections cost memory and a TLS handshake each; past this many a new one
// takes the place of the oldest that has not finished its handshake (review finding 1: 64 idle
// sockets, reopened as they were closed, kept the real peer out for as long as they were held).
constexpr std::size_t kMaxUnauthenticated = 64;
constexpr auto kRefusalReportEvery = std::chrono::seconds(1);
constexpr auto kAcceptPauseAfterFailure = std::chrono::milliseconds(100);

}  // namespace

void Node::listen(Circuit& circuit) {
  const auto& where = *circuit.listen;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(where.host), where.port);
  circuit.acceptor.open(endpoint.protocol());
  circuit.acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  circuit.acceptor.bind(endpoint);
  circuit.acceptor.listen();
  NodeEvent e = event(NodeEvent::Kind::kListening, circuit.link);
  e.circuit = circuit.name;
  e.address = common::Endpoint{where.host, circuit.acceptor.local_endpoint().port()}.to_string();
  emit(e);
  accept_next(circuit);
}

void Node::accept_next(Circuit& circuit) {
  circuit.acceptor.async_accept([this, &circuit](const asio::error_code& error,
                                                 asio::ip::tcp::socket socket) {
    if (stopping_ || error == asio::error::operation_aborted) return;
    if (error) {
      // Out of file descriptors (or another failure the next accept would meet at once): the
      // pending connection stays in the backlog, so accepting again at once would spin and
      // report without end. Pause, and report at most once a second.
      const auto now = clock_.now().steady;
      if (now - last_accept_failure_report_ >= kRefusalReportEvery) {
        NodeEvent e = event(NodeEvent::Kind::kError, circuit.link);
        e.reason = "accept failed on " + circuit.name + ": " + error.message() +
                   (unreported_accept_failures_ > 0
                        ? " (and " + std::to_string(unreported_accept_failures_) +
                              " more failure(s) since the last report)"
                        : "");
        emit(e);
        last_accept_failure_report_ = now;
        unreported_accept_failures_ = 0;
      } else {
        ++unreported_accept_failures_;
      }
      circuit.redial_timer.expires_after(kAcceptPauseAfterFailure);
      circuit.redial_timer.async_wait([this, &circuit](const asio::error_code& waited) {
        if (!waited && !stopping_) accept_next(circuit);
      });
      return;
    } else if (unauthenticated_.size() >= kMaxUnauthenticated && !evict_a_stalled_connection()) {
      NodeEvent e = event(NodeEvent::Kind::kRefused, circuit.link);
      asio::error_code ignored;
      const auto remote = socket.remote_endpoint(ignored);
      e.circuit = circuit.name;
      e.address = remote.address().to_string() + ":" + std::to_string(remote.port());
      e.reason = "too many connections awaiting authentication";
      report_refusal(e);
    } else {
      make_session(circuit, std::move(socket), Session::Role::kAccepted);
    }
    accept_next(circuit);
  });
}

void Node::dial(Circuit& circuit) {
  if (stopping_ || circuit.dialling) return;
  circuit.dialling = true;
  const auto& where = *circuit.connect;
  const auto failed = [this, &circuit](const asio::error_code& error) {
    NodeEvent e = event(NodeEvent::Kind::kDialFailed, circuit.link);
    e.circuit = circuit.name;
    e.address = circuit.connect->to_string();
    e.reason = error.message();
    emit(e);
    schedule_redial(circuit);
  };
  circuit.resolver.async_resolve(
      where.host, std::to_string(where.port),
      [this, &circuit, failed](const asio::error_code& error,
                               asio::ip::tcp::resolver::results_type results) {
        if (stopping_) return;
        if (error) return failed(error);
        auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
        asio::async_connect(*socket, results,
                            [this, &circuit, socket, failed](const asio::error_code& error,
                                                             const asio::ip::tcp::endpoint&) {
                              if (stopping_) return;
                              if (error) return failed(error);
                              make_session(circuit, std::move(*socket), Session::Role::kDialled);
                            });
      });
}

void Node::schedule_redial(Circuit& circuit) {
  circuit.dialling = false;
  if (stopping_ || !circuit.connect) return;
  circuit.dialling = true;
  circuit.redial_timer.expires_after(circuit.backoff.next());
  circuit.redial_timer.async_wait([this, &circuit](const asio::error_code& error) {
    circuit.dialling = false;
    if (!error) dial(circuit);
  });
}

void Node::make_session(Circuit& circuit, asio::ip::tcp::socket socket, Session::Role role) {
  SessionSettings settings;
  settings.own_party = options_.party;
  settings.peer_party = circuit.link.party;
  settings.max_frame_bytes = options_.max_frame_bytes;
  settings.hello_timeout = options_.hello_timeout;
  settings.circuit = circuit.name;
  auto& tls = role == Session::Role::kAccepted ? *tls_server_ : *tls_client_;
  auto session = std::make_shared<Session>(std::move(socket), tls, role, settings, *this);
  unauthenticated_.emplace(session, ++connections_seen_);
  session->start();
}

bool Node::evict_a_stalled_connection() {
  std::shared_ptr<Session> oldest;
  std::uint64_t oldest_order = 0;
  for (const auto& [session, order] : unauthenticated_) {
    if (!session->accepted() || session->secured()) continue;
    if (!oldest || order < oldest_order) {
      oldest = session;
      oldest_order = order;
    }
  }
  if (!oldest) return false;
  oldest->abort("closed to make room: too many connections awaiting authentication");
  unauthenticated_.erase(oldest);
  return true;
}

void Node::report_refusal(NodeEvent e) {
  const auto now = clock_.now().steady;
  if (last_refusal_report_ != Session::Clock::time_point{} &&
      now - last_refusal_report_ < kRefusalReportEvery) {
    ++unreported_refusals_;
    return;
  }
  if (unreported_refusals_ > 0) {
    e.reason += " (and " + std::to_string(unreported_refusals_) +
                " more connection(s) refused since the last report)";
  }
  unreported_refusals_ = 0;
  last_refusal_report_ = now;
  emit(e);
}

Circuit* Node::circuit_of(const Session& session) {
  for (auto& peer : peers_) {
    if (peer->party != session.peer_party()) continue;
    for (auto& circuit : peer->circuits) {
      if (circuit->name == session.circuit()) return circuit.get();
    }
  }
  return nullptr;
}

Circuit* Node::traffic_circuit(const PeerLink& peer) {
  for (const auto& circuit : peer.circuits) {
    if (circuit->session) return circuit.get();
  }
  return nullptr;
}

void Node::on_secured(const std::shared_ptr<Session>& session) {
  if (Circuit* circuit = circuit_of(*session)) send_hello(*circuit, *session);
}

void Node::on_hello(const std::shared_ptr<Session>& session, const wire::Envelope& hello) {
  Circuit* circuit = circuit_of(*session);
  if (stopping_ || circuit == nullptr) {
    session->close("node is stopping");
    return;
  }
  PeerLink& peer = circuit->link;
  peer.epoch = session->peer_epoch();
  // Frames to this peer stay within what it accepts; a peer that does not say takes the default.
  peer.max_frame = hello.hello().max_frame_bytes() != 0 ? hello.hello().max_frame_bytes()
                                                        : common::kDefaultMaxFrameBytes;
  session->limit_sent_frames(peer.max_frame);
  ResumeFacts facts;
  facts.own_epoch = peer.outbox.epoch();
  facts.own_transmitted = peer.highest_transmitted;
  facts.own_acknowledged_seq = peer.outbox.acknowledged_seq();
  facts.delivered_of_peer = peer.inbox.delivered(peer.epoch);
  const ResumePlan plan = plan_resume(facts, hello.hello());
  if (plan.raise_delivered_to != 0) {
    const std::uint64_t floor = plan.raise_delivered_to;
    if (journal_) {
      // The peer dropped these on our acknowledgement, so they cannot come again: the journal
      // lost deliveries it had made durable (restored from a backup, or written with
      // --fsync none before a power cut). Say so, and go on after them.
      NodeEvent e = event(NodeEvent::Kind::kNote, peer);
      e.reason = "the peer's messages up to " + std::to_string(floor) + " of epoch " +
                 std::to_string(peer.epoch) +
                 " were acknowledged, but the journal holds deliveries only up to " +
                 std::to_string(peer.inbox.delivered(peer.epoch)) +
                 ": it went back in time; the ones between are lost";
      emit(e);
    }
    peer.inbox.restore(peer.epoch, floor);
    journal::Record watermark;
    name_in_journal(watermark, peer);
    watermark.mutable_watermark()->set_peer_epoch(peer.epoch);
    watermark.mutable_watermark()->set_delivered_seq(floor);
    record(watermark);
    peer.durable_delivered[peer.epoch] = floor;
  }
  // The dialling side spoke first; the accepting side answers once it knows who called.
  if (circuit->listen) send_hello(*circuit, *session);
  establish(*circuit, session, plan);
}

void Node::establish(Circuit& circuit, const std::shared_ptr<Session>& session,
                     const ResumePlan& plan) {
  unauthenticated_.erase(session);
  PeerLink& peer = circuit.link;
  try {
    if (plan.start_new_epoch) {
      start_new_epoch(peer, plan.peer_delivered);
      // Our Hello on this connection named the old epoch: the next one names the new.
      session->abort("this node's journal went back in time; it continues in a new epoch");
      return;
    }
    // Exactly as after an Ack, room in the outbox included.
    if (plan.acknowledged_up_to != 0) acknowledged_up_to(peer, plan.acknowledged_up_to);
  } catch (const ProtocolViolation& violation) {
    session->abort(std::string("protocol violation in Hello: ") + violation.what());
    return;
  }
  const Circuit* carrying_before = traffic_circuit(peer);
  if (circuit.session) circuit.session->close("replaced by a newer connection from " + peer.party);
  circuit.session = session;
  circuit.backoff.reset();
  NodeEvent e = event(NodeEvent::Kind::kLinkUp, peer);
  e.circuit = circuit.name;
  e.address = session->remote_address();
  emit(e);
  // Everything not yet acknowledged goes again on the circuit that now carries traffic.
  circuit.transmitted_seq = peer.outbox.acknowledged_seq();
  if (traffic_circuit(peer) == &circuit && carrying_before != &circuit) {
    if (carrying_before != nullptr) {
      NodeEvent moved = event(NodeEvent::Kind::kTrafficMoved, peer);
      moved.circuit = circuit.name;
      emit(moved);
    }
    peer.bye_sent = false;
  }
  peer.pipeline.owe_acknowledgement();
  pump(peer);
  schedule_commit();
  maybe_finish();
}

void Node::on_closed(const std::shared_ptr<Session>& session, const std::string& reason) {
  unauthenticated_.erase(session);
  Circuit* circuit = circuit_of(*session);
  const bool was_link = circuit != nullptr && circuit->session == session;
  if (was_link) {
    PeerLink& peer = circuit->link;
    const bool was_carrying = traffic_circuit(peer) == circuit;
    circuit->session = nullptr;
    NodeEvent e = event(NodeEvent::Kind::kLinkDown, peer);
    e.circuit = circuit->name;
    e.address = session->remote_address();
    e.reason = peer.said_bye && reason == "connection closed by the peer" ? "the peer said goodbye"
                                                                          : reason;
    emit(e);
    // With no link left, what the peer sent ahead of a gap is dropped: it comes again.
    if (traffic_circuit(peer) == nullptr) peer.inbox.drop_held();
    if (was_carrying) {
      peer.bye_sent = false;
      if (Circuit* next = traffic_circuit(peer); next != nullptr && !stopping_) {
        NodeEvent moved = event(NodeEvent::Kind::kTrafficMoved, peer);
        moved.circuit = next->name;
        emit(moved);
        next->transmitted_seq = peer.outbox.acknowledged_seq();
        pump(peer);
        maybe_finish();
      }
    }
  } else if (!stopping_) {
    NodeEvent e = circuit != nullptr ? event(NodeEvent::Kind::kRefused, circuit->link)
                                     : event(NodeEvent::Kind::kRefused);
    e.circuit = session->circuit();
    e.address = session->remote_address();
    e.reason = reason;
    report_refusal(e);
  }
  // A dialling circuit always dials again, whatever ended the connection; the backoff, reset
  // only when a link comes up, keeps a connection refused after its Hello from looping fast.
  if (circuit != nullptr && circuit->connect && !stopping_) schedule_redial(*circuit);
}

}  // namespace hotline::node
