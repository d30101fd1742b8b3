#pragma once
// One party's terminal of the hotline: the link to the peer (listening or dialling), what it
// has sent and not yet had acknowledged, and what it has delivered. Runs on one thread.

#include <memory>
#include <set>
#include <string>

#include "common/backoff.h"
#include "node/inbox.h"
#include "node/node_event.h"
#include "node/node_options.h"
#include "node/outbox.h"
#include "node/session.h"

namespace hotline::node {

class Node : public SessionHandler {
 public:
  Node(asio::io_context& io, NodeOptions options, NodeObserver& observer);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Opens the listening socket (reporting its port) or starts dialling.
  void start();

  // Queues a reliable payload (message, notification, ...) for the peer; returns its sequence
  // number. Throws std::invalid_argument if it cannot fit in one frame, std::logic_error after
  // finish_sending().
  std::uint64_t send(wire::Envelope payload);
  std::uint64_t send_text(std::string text, wire::Priority priority = wire::ROUTINE);

  // No more to send: deliver what is queued, say Bye, and stop once the peer has said Bye too,
  // or when the linger time runs out.
  void finish_sending();
  // Stops at once, closing the link cleanly (Ctrl-C).
  void stop(const std::string& reason);

  bool stopped() const { return stopping_; }
  bool link_up() const { return active_ != nullptr; }
  std::size_t unacknowledged() const { return outbox_.size(); }
  std::uint16_t listening_port() const;
  const NodeOptions& options() const { return options_; }

 private:
  void on_secured(const std::shared_ptr<Session>& session) override;
  void on_hello(const std::shared_ptr<Session>& session, const wire::Envelope& hello) override;
  void on_envelope(const std::shared_ptr<Session>& session, wire::Envelope envelope) override;
  void on_closed(const std::shared_ptr<Session>& session, const std::string& reason,
                 bool hello_seen) override;
  void on_drained(const std::shared_ptr<Session>& session) override;

  void listen();
  void accept_next();
  void dial();
  void schedule_redial();
  std::shared_ptr<Session> make_session(asio::ip::tcp::socket socket, Session::Role role);
  void establish(const std::shared_ptr<Session>& session, const wire::Envelope& hello);

  wire::Envelope control_envelope() const;
  void stamp(wire::Envelope& envelope);
  void send_hello(Session& session);
  // Hands pending entries to the link while its write queue is short. The outbox, not the
  // socket buffer, is where a backlog waits: it keeps memory flat and lets acknowledgements in.
  void pump();
  void transmit(Outbox::Entry& entry);
  void take_acknowledgement(const wire::Envelope& envelope);
  void take_reliable(wire::Envelope envelope);
  void schedule_ack();
  void flush_ack();
  void maybe_finish();

  NodeEvent event(NodeEvent::Kind kind) const;
  void emit(const NodeEvent& event) { observer_.on_event(event); }

  asio::io_context& io_;
  NodeOptions options_;
  NodeObserver& observer_;
  asio::ssl::context tls_;
  SessionSettings session_settings_;

  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer redial_timer_;
  asio::steady_timer linger_timer_;
  common::Backoff backoff_;

  std::shared_ptr<Session> active_;
  std::set<std::shared_ptr<Session>> unauthenticated_;
  bool dialling_ = false;

  Outbox outbox_;
  Inbox inbox_;
  std::uint64_t transmitted_seq_ = 0;  // last seq handed to the current link
  std::uint64_t peer_epoch_ = 0;
  std::uint64_t ack_sent_ = 0;
  bool ack_due_ = false;
  bool ack_flush_posted_ = false;

  bool sending_finished_ = false;
  bool bye_sent_ = false;
  bool peer_said_bye_ = false;
  bool stopping_ = false;
};

}  // namespace hotline::node
