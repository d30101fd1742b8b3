#pragma once
// One party's terminal of the hotline. What it holds for each peer (the circuits, a primary and
// optionally a backup, each listening or dialling; what it sent and has not had acknowledged;
// what it delivered; what waits for the journal) is a PeerLink (peer_link.h); node-wide are the
// journal that makes them survive a crash and its commit points, the TLS contexts and the event
// stream. Delivery is exactly once and in order per ordered pair of parties. Runs on one
// thread. Its definitions are split by concern: node.cpp (life and liveness), node_sending.cpp,
// node_delivery.cpp (receiving and durability), node_circuits.cpp (connections and Hellos).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/commit_pipeline.h"
#include "node/journal.h"
#include "node/loop_clock.h"
#include "node/node_event.h"
#include "node/node_options.h"
#include "node/outbox.h"
#include "node/peer_link.h"
#include "node/resume_plan.h"
#include "node/session.h"

namespace hotline::node {

class Node : public SessionHandler {
 public:
  Node(asio::io_context& io, NodeOptions options, NodeObserver& observer);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Announces what recovery found, opens the listening sockets or starts dialling, and starts
  // the liveness timers.
  void start();

  // Every call that concerns one peer takes its party; an empty one names the only peer of a
  // node of one, and throws std::invalid_argument on a node of several, as does a party that is
  // not a peer.

  // Queues a reliable payload (message, notification, ...) for the peer; returns its sequence
  // number in the numbering toward that peer. Throws std::invalid_argument if it cannot fit in
  // one frame, std::logic_error after finish_sending().
  std::uint64_t send(wire::Envelope payload, std::string_view to = {});
  std::uint64_t send_text(std::string_view text, wire::Priority priority = wire::ROUTINE,
                          std::string_view to = {});
  // As send(), for a load generator: counted in generated(), which the journal keeps.
  std::uint64_t send_generated(wire::Envelope payload, std::string_view to = {});
  // Messages sent to the peer through send_generated() in this node's life and, with a
  // journal, its earlier ones.
  std::uint64_t generated(std::string_view to = {}) const { return link(to).generated; }
  // Whether the outbox toward the peer has room for a payload of this size (--max-outbox).
  bool has_room_for(std::size_t payload_bytes, std::string_view to = {}) const;
  // The peers' parties, in the order of the options.
  std::vector<std::string> peers() const;
  // Called whenever acknowledgements free room in the outbox (for a load generator).
  void on_room(std::function<void()> callback) { on_room_ = std::move(callback); }
  bool finished_sending() const { return sending_finished_; }

  // No more to send: deliver what is queued, say Bye, and stop once the peer has said Bye too,
  // or when the linger time runs out.
  void finish_sending();
  // Stops at once, closing the circuits cleanly (Ctrl-C).
  void stop(const std::string& reason);

  bool stopped() const { return stopping_; }
  // Why the node stopped on a failure (its journal could not be written or synced); empty if
  // it did not.
  const std::string& failure() const { return failure_; }
  bool link_up(std::string_view peer = {}) const { return traffic_circuit(link(peer)) != nullptr; }
  std::size_t unacknowledged(std::string_view peer = {}) const { return link(peer).outbox.size(); }
  // Messages not yet acknowledged, over every link.
  std::size_t unacknowledged_in_all() const;
  std::uint64_t epoch(std::string_view peer = {}) const { return link(peer).outbox.epoch(); }
  // The port the primary (0) or backup (1) circuit to the peer listens on.
  std::uint16_t listening_port(std::size_t circuit = 0, std::string_view peer = {}) const;
  const NodeOptions& options() const { return options_; }
  const Journal* journal() const { return journal_.get(); }

 private:
  void on_secured(const std::shared_ptr<Session>& session) override;
  void on_hello(const std::shared_ptr<Session>& session, const wire::Envelope& hello) override;
  void on_envelope(const std::shared_ptr<Session>& session,
                   const wire::Envelope& envelope) override;
  void on_read_finished(const std::shared_ptr<Session>& session) override;
  void on_drained(const std::shared_ptr<Session>& session) override;
  void on_closed(const std::shared_ptr<Session>& session, const std::string& reason) override;

  const PeerLink& link(std::string_view peer) const;
  PeerLink& link(std::string_view peer) {
    return const_cast<PeerLink&>(static_cast<const Node*>(this)->link(peer));
  }
  // The journal's name for what concerns `peer` (PeerLink::journal_name).
  static void name_in_journal(journal::Record& record, const PeerLink& peer) {
    if (!peer.journal_name.empty()) record.set_peer(peer.journal_name);
  }

  // Connections.
  void listen(Circuit& circuit);
  void accept_next(Circuit& circuit);
  void dial(Circuit& circuit);
  void schedule_redial(Circuit& circuit);
  void make_session(Circuit& circuit, asio::ip::tcp::socket socket, Session::Role role);
  void establish(Circuit& circuit, const std::shared_ptr<Session>& session, const ResumePlan& plan);
  Circuit* circuit_of(const Session& session);
  // The peer knows more of our epoch than our journal does (it went back in time): continue in
  // a new epoch, so that new messages are not taken for ones the peer already has.
  void start_new_epoch(PeerLink& peer, std::uint64_t peer_delivered);
  // The circuit that carries traffic to the peer: the primary while it is up, else the backup.
  static Circuit* traffic_circuit(const PeerLink& peer);

  // Sending.
  wire::Envelope control_envelope(const PeerLink& peer) const;
  // The epoch of the peer on `circuit`: its session's, which acknowledgements on it must name
  // (a second connection may claim another epoch), or without one the last a Hello named.
  static std::uint64_t peer_epoch_on(const Circuit& circuit);
  // What the journal holds as delivered of a peer epoch.
  static std::uint64_t delivered_of(const PeerLink& peer, std::uint64_t peer_epoch);
  void stamp(wire::Envelope& envelope, Circuit& circuit, std::uint64_t peer_epoch);
  void stamp(wire::Envelope& envelope, Circuit& circuit) {
    stamp(envelope, circuit, peer_epoch_on(circuit));
  }
  void send_hello(Circuit& circuit, Session& session);
  void send_control(Circuit& circuit, wire::Envelope envelope);
  std::uint64_t accept_for_sending(PeerLink& peer, wire::Envelope&& payload, bool generated);
  // As accept_for_sending, without its checks: for a message accepted before.
  std::uint64_t number_and_keep(PeerLink& peer, wire::Envelope&& payload, bool generated);
  // Numbers and keeps what was filled through the outbox's next(), and sends it when it may.
  std::uint64_t accept_next(PeerLink& peer, bool generated);
  // Throws std::invalid_argument if a payload of this size cannot fit one frame, and
  // std::logic_error once the node is stopping.
  void check_fits(const PeerLink& peer, std::size_t payload_bytes, std::string_view kind) const;
  // Hands durable, untransmitted entries to the traffic circuit while its write queue is short.
  // The outbox, not the socket buffer, is where a backlog waits.
  void pump(PeerLink& peer);
  void pump_all() {
    for (auto& peer : peers_) pump(*peer);
  }
  // The largest frame this link carries: ours, or the peer's if it accepts less.
  std::uint32_t link_frame_limit(const PeerLink& peer) const;
  // An entry too large for the peer's limit holds the outbox up: an error event, once per entry.
  void report_too_large(PeerLink& peer, const Outbox::Entry& entry, std::size_t payload_bytes);
  void transmit(Circuit& circuit, Outbox::Entry& entry);
  // Sends the link's batch_entries (measured in its batch_items) as one batch frame.
  void transmit_batch(Circuit& circuit, std::size_t items_bytes);
  // After a fresh FLASH message went on `circuit`: the same on every other live circuit.
  void copy_flash(const Circuit& circuit, Outbox::Entry& entry);
  void mark_sent(Circuit& circuit, Outbox::Entry& entry);

  // Receiving.
  void take_acknowledgement(PeerLink& peer, const wire::Envelope& envelope);
  // The peer delivered everything up to `seq`: journal it, report it, and say there is room.
  void acknowledged_up_to(PeerLink& peer, std::uint64_t seq);
  // `arrived_as` is the envelope's bytes as a batch item, if it came as one (then journalled as
  // they are), or empty. `yours`, if not null, is `envelope` itself, which the node may then keep
  // by swapping its contents out rather than copy it (it is left holding other contents).
  void take_reliable(const Circuit& circuit, const wire::Envelope& envelope,
                     std::string_view arrived_as = {}, wire::Envelope* yours = nullptr);
  // What was delivered or repeated is acknowledged at the commit point.
  void acknowledge_at_commit(PeerLink& peer);
  // A delivery is made durable (journaled, announced at the commit point) or, without a
  // journal, announced at once.
  void deliver(const Circuit& circuit, const wire::Envelope& envelope,
               std::string_view arrived_as = {}, wire::Envelope* yours = nullptr);
  void announce(PeerLink& peer, const wire::Envelope& envelope, const std::string& circuit,
                bool recovered);

  // Durability: journal appends are made durable at a commit point, after which deliveries are
  // announced and acknowledged and new messages may leave.
  void recover(PeerLink& peer);
  void schedule_commit();
  void commit_point();
  // Everything committed up to `ticket` is durable: announce and acknowledge its deliveries and
  // let its messages leave.
  void release(Journal::Ticket ticket);
  // Sends an Ack on each live circuit whose last frame did not already carry the current one,
  // unless more of the peer's frames already wait to be read (kMostAcksDeferred).
  void post_ack_flush();
  void flush_acks();
  void flush_acks(PeerLink& peer);
  void record(const journal::Record& record);
  // Runs a journal operation; if the journal fails, stops the node and returns false.
  template <typename Operation>
  bool journalled(Operation&& operation) {
    try {
      operation();
      return true;
    } catch (const JournalIoError& error) {
      fail(error.what());
      return false;
    }
  }
  // Stops at once because the node can no longer keep its promises (its journal failed):
  // nothing more is acknowledged or sent, and the journal is left as the disk holds it.
  void fail(const std::string& reason);
  // Records that rebuild this node's durable state, encoded for a journal compaction.
  std::string snapshot() const;

  // Liveness.
  void schedule_tick();
  void tick();
  void tick(PeerLink& peer, Session::Clock::time_point now);
  void send_link_test(PeerLink& peer);

  void maybe_finish();
  // A node-wide event; it names the peer on a node of one.
  NodeEvent event(NodeEvent::Kind kind);
  NodeEvent event(NodeEvent::Kind kind, const PeerLink& peer);
  void emit(const NodeEvent& event) { observer_.on_event(event); }
  void emit_acknowledged(const PeerLink& peer, const std::vector<Outbox::Acknowledged>& done);

  asio::io_context& io_;
  LoopClock clock_;
  NodeOptions options_;
  NodeObserver& observer_;
  // One context per TLS role this node's circuits take (listening: server; dialling: client).
  std::unique_ptr<asio::ssl::context> tls_server_;
  std::unique_ptr<asio::ssl::context> tls_client_;
  std::unique_ptr<Journal> journal_;
  // One link per peer, in the order of the options (built after the journal, from which their
  // outboxes are rebuilt).
  std::vector<std::unique_ptr<PeerLink>> peers_;

  // Connections not yet authenticated by a Hello, with the order they came in.
  std::map<std::shared_ptr<Session>, std::uint64_t> unauthenticated_;
  std::uint64_t connections_seen_ = 0;
  // Refusals are reported at most once a second, with a count of those left unreported, so a
  // flood of connections cannot fill the event log.
  Session::Clock::time_point last_refusal_report_{};
  std::uint64_t unreported_refusals_ = 0;
  Session::Clock::time_point last_accept_failure_report_{};
  std::uint64_t unreported_accept_failures_ = 0;
  void report_refusal(NodeEvent e);
  // Makes room for a new connection: closes the oldest accepted one that has not even finished
  // its TLS handshake. False if every waiting connection has (only real peers can).
  bool evict_a_stalled_connection();
  asio::steady_timer tick_timer_;
  asio::steady_timer linger_timer_;

  // A commit point is posted for the end of this turn of the event loop.
  bool commit_point_posted_ = false;
  bool ack_flush_posted_ = false;
  std::function<void()> on_room_;

  bool sending_finished_ = false;
  bool stopping_ = false;
  std::string failure_;
};

}  // namespace hotline::node
