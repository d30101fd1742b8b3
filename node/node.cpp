#include "node/node.h"

#include <openssl/rand.h>

#include <algorithm>

#include "common/certificates.h"
#include "node/batch_frame.h"
#include "node/link_test_texts.h"
#include "node/node_internal.h"
#include "node/protocol.h"

namespace hotline::node {

std::uint64_t internal::random_u64() {
  std::uint64_t value = 0;
  while (value == 0) {
    // A failing generator fails again: say so rather than spin.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1)
      throw std::runtime_error("OpenSSL's random generator failed (RAND_bytes)");
  }
  return value;
}

using namespace internal;

namespace {

// How long before its certificate expires a node starts saying so.
constexpr auto kCertificateWarningBefore = std::chrono::hours(24 * 7);
const char* const kCircuitNames[] = {"primary", "backup"};

// How the journal names the link to `peer` (PeerLink::journal_name).
std::string journal_name_of(const NodeOptions& options, const std::string& peer) {
  return options.peers.size() == 1 ? std::string() : peer;
}

// Checks that what the journal holds belongs to these links: a journal written by a node of one
// peer names none, a node of several names each, and state of a peer this node no longer has
// (messages it owes or was owed) cannot be dropped silently.
void check_journal_peers(const JournalState& state, const NodeOptions& options,
                         const std::filesystem::path& path) {
  for (const auto& [name, held] : state.peers) {
    bool known = false;
    for (const auto& peer : options.peers)
      known = known || journal_name_of(options, peer.party) == name;
    if (known) continue;
    std::string peers;
    for (const auto& peer : options.peers) peers += (peers.empty() ? "" : ", ") + peer.party;
    std::string why;
    if (name.empty()) {
      why = "was written by a node of one peer; this node has several (" + peers + ")";
    } else if (options.peers.size() == 1) {
      why = "was written by a node of several peers (it holds a link to " + name +
            "); this node has one (" + peers + ")";
    } else {
      why = "holds a link to " + name + ", which is not a peer of this node (" + peers + ")";
    }
    throw std::runtime_error("journal " + path.string() + " " + why +
                             ". Start the node with the peers its journal was written with, or "
                             "with a new journal");
  }
}

std::unique_ptr<Journal> open_journal(const NodeOptions& options, NodeObserver& observer) {
  if (!options.journal) return nullptr;
  Journal::Options journal_options;
  journal_options.path = *options.journal;
  journal_options.fsync = options.fsync;
  journal_options.compact_after_bytes = options.compact_after_bytes;
  journal_options.fsync_interval = options.fsync_interval;
  journal_options.files = options.journal_files;
  auto journal = std::make_unique<Journal>(journal_options, [&](const std::string& note) {
    NodeEvent e(NodeEvent::Kind::kNote);
    e.reason = note;
    observer.on_event(e);
  });
  const JournalState& state = journal->recovered();
  if (!state.empty() && state.party != options.party) {
    throw std::runtime_error("journal " + options.journal->string() + " belongs to party \"" +
                             state.party + "\", not \"" + options.party + "\"");
  }
  check_journal_peers(state, options, *options.journal);
  journal::Record identity;
  if (state.empty() && options.peers.size() > 1) {
    identity.mutable_identity()->set_party(options.party);
    journal->append(identity);
  }
  // Each link the journal does not know yet starts its numbering.
  for (const auto& peer : options.peers) {
    const std::string name = journal_name_of(options, peer.party);
    if (state.peers.count(name) != 0 && state.peers.at(name).epoch != 0) continue;
    identity.Clear();
    identity.mutable_identity()->set_party(options.party);
    identity.mutable_identity()->set_epoch(options.epoch != 0 ? options.epoch : random_u64());
    if (!name.empty()) identity.set_peer(name);
    journal->append(identity);
  }
  if (journal->has_uncommitted()) journal->commit();
  return journal;
}

Outbox outbox_from(const Journal* journal, const NodeOptions& options, const std::string& name) {
  if (journal == nullptr) return Outbox(options.epoch != 0 ? options.epoch : random_u64());
  const PeerJournal& state = journal->recovered().peers.at(name);
  std::vector<wire::Envelope> pending;
  for (const auto& [seq, sent] : state.unacknowledged) pending.push_back(sent.envelope());
  return Outbox(state.epoch, state.last_seq, state.acknowledged_seq, std::move(pending));
}

}  // namespace

Circuit::Circuit(asio::io_context& io, PeerLink& peer, std::string circuit_name, std::uint64_t seed,
                 const NodeOptions& options)
    : link(peer),
      name(std::move(circuit_name)),
      acceptor(io),
      resolver(io),
      redial_timer(io),
      backoff(options.redial_initial, options.redial_cap, seed) {}

Node::Node(asio::io_context& io, NodeOptions options, NodeObserver& observer)
    : io_(io),
      clock_(io),
      options_((finalize(options), std::move(options))),
      observer_(observer),
      journal_(open_journal(options_, observer)),
      tick_timer_(io),
      linger_timer_(io) {
  if (journal_) {
    journal_->on_synced(
        [this](Journal::Ticket ticket) { asio::post(io_, [this, ticket] { release(ticket); }); });
    journal_->on_failed(
        [this](const std::string& reason) { asio::post(io_, [this, reason] { fail(reason); }); });
  }
  const auto files = common::tls_files_for(options_.certs_dir, options_.party);
  for (const PeerOptions& peer_options : options_.peers) {
    const std::string name = journal_name_of(options_, peer_options.party);
    auto peer = std::make_unique<PeerLink>(peer_options.party, name,
                                           outbox_from(journal_.get(), options_, name));
    const std::size_t count = std::max(peer_options.listen.size(), peer_options.connect.size());
    for (std::size_t i = 0; i < count; ++i) {
      auto circuit =
          std::make_unique<Circuit>(io_, *peer, kCircuitNames[i], random_u64(), options_);
      if (i < peer_options.listen.size()) circuit->listen = peer_options.listen[i];
      if (i < peer_options.connect.size()) circuit->connect = peer_options.connect[i];
      auto& tls = circuit->listen ? tls_server_ : tls_client_;
      if (!tls) {
        tls = std::make_unique<asio::ssl::context>(common::make_tls_context(
            circuit->listen ? common::TlsRole::kServer : common::TlsRole::kClient, files));
      }
      peer->circuits.push_back(std::move(circuit));
    }
    recover(*peer);
    peers_.push_back(std::move(peer));
  }
  if (journal_) journal_->forget_recovered_deliveries();
}

Node::~Node() = default;

void Node::recover(PeerLink& peer) {
  peer.durable_seq = peer.outbox.last_seq();
  peer.recovered_last_seq = peer.outbox.last_seq();
  peer.highest_transmitted = peer.outbox.last_seq();
  if (!journal_) return;
  const PeerJournal& state = journal_->recovered().peers.at(peer.journal_name);
  for (const auto& [epoch, seq] : state.delivered) {
    peer.inbox.restore(epoch, seq);
    peer.durable_delivered[epoch] = seq;
  }
  peer.generated = state.generated;
  if (options_.announced) {
    const auto announced = options_.announced->find(peer.party);
    for (const auto& envelope : state.recent_deliveries) {
      bool before = false;
      if (announced != options_.announced->end()) {
        const auto found = announced->second.find(envelope.epoch());
        before = found != announced->second.end() && envelope.seq() <= found->second;
      }
      if (!before) peer.pipeline.add_delivery(envelope, kRecoveredCircuit);
    }
  }
}

const PeerLink& Node::link(std::string_view peer) const {
  if (peer.empty()) {
    if (peers_.size() == 1) return *peers_.front();
    throw std::invalid_argument("this node has several peers: say which");
  }
  for (const auto& link : peers_) {
    if (link->party == peer) return *link;
  }
  throw std::invalid_argument(std::string(peer) + " is not a peer of this node");
}

std::vector<std::string> Node::peers() const {
  std::vector<std::string> parties;
  for (const auto& peer : peers_) parties.push_back(peer->party);
  return parties;
}

std::size_t Node::unacknowledged_in_all() const {
  std::size_t count = 0;
  for (const auto& peer : peers_) count += peer->outbox.size();
  return count;
}

void Node::start() {
  // A certificate about to expire would fail every redial from then on: say so while there is
  // time to renew it.
  const auto certificate = common::tls_files_for(options_.certs_dir, options_.party).certificate;
  const auto left = common::certificate_not_after(certificate) - std::chrono::system_clock::now();
  if (left < kCertificateWarningBefore) {
    NodeEvent e = event(NodeEvent::Kind::kNote);
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(left).count();
    e.reason = "certificate " + certificate.string() +
               (hours < 0 ? " has expired" : " expires in " + std::to_string(hours) + " h") +
               "; make new ones with: hotline certs --force";
    emit(e);
  }
  if (journal_) {
    NodeEvent e = event(NodeEvent::Kind::kNote);
    e.reason = "journal " + options_.journal->string() + ": " +
               std::to_string(journal_->recovered_records()) + " record(s) recovered";
    for (const auto& peer : peers_) {
      e.reason += std::string(peers_.size() > 1 ? "; to " + peer->party + ":" : ",") + " epoch " +
                  std::to_string(peer->outbox.epoch()) + ", " +
                  std::to_string(peer->outbox.size()) + " unacknowledged, " +
                  std::to_string(peer->pipeline.open_deliveries()) + " delivery(ies) to announce";
    }
    emit(e);
  }
  for (auto& peer : peers_) {
    for (auto& circuit : peer->circuits) {
      if (circuit->listen) {
        listen(*circuit);
      } else {
        dial(*circuit);
      }
    }
    peer->next_link_test = Session::Clock::now() + options_.link_test_interval;
  }
  schedule_tick();
  schedule_commit();
}

std::uint16_t Node::listening_port(std::size_t circuit, std::string_view peer) const {
  const PeerLink& to = link(peer);
  if (circuit >= to.circuits.size()) return 0;
  asio::error_code ignored;
  return to.circuits[circuit]->acceptor.local_endpoint(ignored).port();
}

NodeEvent Node::event(NodeEvent::Kind kind) {
  NodeEvent e(kind, clock_.now().wall);
  if (peers_.size() == 1) e.peer = peers_.front()->party;
  return e;
}

NodeEvent Node::event(NodeEvent::Kind kind, const PeerLink& peer) {
  NodeEvent e(kind, clock_.now().wall);
  e.peer = peer.party;
  e.among_several = peers_.size() > 1;
  return e;
}

// ---- liveness ------------------------------------------------------------------------------

void Node::schedule_tick() {
  tick_timer_.expires_after(options_.heartbeat_interval);
  tick_timer_.async_wait([this](const asio::error_code& error) {
    if (!error && !stopping_) tick();
  });
}

void Node::tick() {
  const auto now = Session::Clock::now();
  for (auto& peer : peers_) tick(*peer, now);
  schedule_tick();
}

void Node::tick(PeerLink& peer, Session::Clock::time_point now) {
  const auto silence_limit = options_.heartbeat_interval * options_.heartbeat_misses;
  for (auto& circuit : peer.circuits) {
    if (!circuit->session) continue;
    if (now - circuit->session->last_received() > silence_limit) {
      circuit->session->abort("nothing heard for " + std::to_string(silence_limit.count()) +
                              " ms (" + std::to_string(options_.heartbeat_misses) +
                              " heartbeats missed)");
      continue;
    }
    // A peer that talks but does not read holds our write, and what queues behind it, forever.
    // A write may take a while on a slow line: it is given the silence limit plus the time its
    // bytes take at kSlowestReader.
    const auto write_allowance =
        silence_limit + std::chrono::milliseconds(circuit->session->queued_bytes() * 1000 /
                                                  kSlowestReaderBytesPerSecond);
    if (circuit->session->writing() && now - circuit->session->last_sent() > write_allowance) {
      circuit->session->abort(
          "the peer has read nothing for " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(write_allowance).count()) +
          " ms");
      continue;
    }
    // A last resort: an ack held back still waits at a tick goes, held back no more.
    if (circuit->acks_deferred > 0) {
      circuit->acks_deferred = kMostAcksDeferred;
      post_ack_flush();
    }
    if (now - circuit->session->last_sent() >= options_.heartbeat_interval / 2) {
      wire::Envelope heartbeat = control_envelope(peer);
      heartbeat.mutable_heartbeat();
      send_control(*circuit, std::move(heartbeat));
    }
  }
  Circuit* carrying = traffic_circuit(peer);
  if (carrying != nullptr && !peer.outbox.empty()) {
    const Outbox::Entry& oldest = peer.outbox.front();
    if (oldest.sent && now - oldest.last_sent > options_.retransmit_timeout &&
        carrying->transmitted_seq >= oldest.envelope.seq()) {
      carrying->transmitted_seq = peer.outbox.acknowledged_seq();
      pump(peer);
    }
  }
  if (options_.link_test_interval.count() > 0 && now >= peer.next_link_test) {
    peer.next_link_test = now + options_.link_test_interval;
    if (carrying != nullptr && !sending_finished_) send_link_test(peer);
  }
}

void Node::send_link_test(PeerLink& peer) {
  wire::Envelope envelope;
  wire::LinkTest& test = *envelope.mutable_link_test();
  test.set_number(++peer.link_tests_sent);
  test.set_text(link_test_text(peer.link_tests_sent));
  try {
    accept_for_sending(peer, std::move(envelope), false);
  } catch (const std::length_error&) {
    // The outbox is full (--max-outbox): the link is backed up, and a test would only add to it.
    --peer.link_tests_sent;
  } catch (const JournalIoError&) {
    // The node has stopped, saying why.
  }
}

// ---- finishing -----------------------------------------------------------------------------

void Node::finish_sending() {
  if (sending_finished_ || stopping_) return;
  sending_finished_ = true;
  linger_timer_.expires_after(options_.linger);
  linger_timer_.async_wait([this](const asio::error_code& error) {
    if (error) return;
    const std::size_t unacknowledged = unacknowledged_in_all();
    std::string silent;
    for (const auto& peer : peers_) {
      if (!peer->said_bye) silent += (silent.empty() ? "" : ", ") + peer->party;
    }
    stop(unacknowledged == 0
             ? (peers_.size() == 1 ? "the peer did not say goodbye in time"
                                   : silent + " did not say goodbye in time")
             : std::to_string(unacknowledged) + " message(s) unacknowledged in time");
  });
  maybe_finish();
}

void Node::maybe_finish() {
  if (!sending_finished_ || stopping_) return;
  bool all_said_goodbye = true;
  for (auto& peer : peers_) {
    Circuit* carrying = traffic_circuit(*peer);
    if (peer->outbox.empty() && carrying != nullptr && !peer->bye_sent) {
      wire::Envelope bye = control_envelope(*peer);
      bye.mutable_bye()->set_reason("end of input");
      bye.mutable_bye()->set_last_seq(peer->outbox.last_seq());
      send_control(*carrying, std::move(bye));
      peer->bye_sent = true;
    }
    all_said_goodbye = all_said_goodbye && peer->bye_sent && peer->said_bye;
  }
  if (all_said_goodbye) stop("finished");
}

void Node::stop(const std::string& reason) {
  if (stopping_) return;
  stopping_ = true;
  tick_timer_.cancel();
  linger_timer_.cancel();
  asio::error_code ignored;
  for (auto& peer : peers_) {
    for (auto& circuit : peer->circuits) {
      circuit->redial_timer.cancel();
      circuit->resolver.cancel();
      circuit->acceptor.close(ignored);
      if (circuit->session) circuit->session->close("stopping: " + reason);
    }
  }
  std::vector<std::shared_ptr<Session>> waiting;
  for (const auto& [session, order] : unauthenticated_) waiting.push_back(session);
  for (const auto& session : waiting) session->abort("node stopping");
  // A failed journal is not touched again: what it holds is what the disk holds.
  if (journal_ && failure_.empty()) {
    try {
      journal_->flush();
    } catch (const JournalIoError& error) {
      failure_ = error.what();
      NodeEvent e = event(NodeEvent::Kind::kError);
      e.reason = failure_;
      emit(e);
    }
  }
  NodeEvent e = event(NodeEvent::Kind::kStopped);
  e.reason = reason;
  e.count = unacknowledged_in_all();
  emit(e);
}

}  // namespace hotline::node
