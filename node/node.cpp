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
  if (state.epoch == 0) {
    journal::Record identity;
    identity.mutable_identity()->set_party(options.party);
    identity.mutable_identity()->set_epoch(options.epoch != 0 ? options.epoch : random_u64());
    journal->append(identity);
    journal->commit();
  } else if (state.party != options.party) {
    throw std::runtime_error("journal " + options.journal->string() + " belongs to party \"" +
                             state.party + "\", not \"" + options.party + "\"");
  }
  return journal;
}

Outbox outbox_from(const Journal* journal, const NodeOptions& options) {
  if (journal == nullptr) return Outbox(options.epoch != 0 ? options.epoch : random_u64());
  const JournalState& state = journal->recovered();
  std::vector<wire::Envelope> pending;
  for (const auto& [seq, sent] : state.unacknowledged) pending.push_back(sent.envelope());
  return Outbox(state.epoch, state.last_seq, state.acknowledged_seq, std::move(pending));
}

}  // namespace

Circuit::Circuit(asio::io_context& io, std::string circuit_name, std::uint64_t seed,
                 const NodeOptions& options)
    : name(std::move(circuit_name)),
      acceptor(io),
      resolver(io),
      redial_timer(io),
      backoff(options.redial_initial, options.redial_cap, seed) {}

Node::Node(asio::io_context& io, NodeOptions options, NodeObserver& observer)
    : io_(io),
      clock_(io),
      options_((finalize(options), std::move(options))),
      observer_(observer),
      tls_(common::make_tls_context(
          options_.listen.empty() ? common::TlsRole::kClient : common::TlsRole::kServer,
          common::tls_files_for(options_.certs_dir, options_.party))),
      journal_(open_journal(options_, observer)),
      peer_(options_.peer, outbox_from(journal_.get(), options_)),
      tick_timer_(io),
      linger_timer_(io) {
  if (journal_) {
    journal_->on_synced(
        [this](Journal::Ticket ticket) { asio::post(io_, [this, ticket] { release(ticket); }); });
    journal_->on_failed(
        [this](const std::string& reason) { asio::post(io_, [this, reason] { fail(reason); }); });
  }
  session_settings_.own_party = options_.party;
  session_settings_.peer_party = options_.peer;
  session_settings_.max_frame_bytes = options_.max_frame_bytes;
  session_settings_.hello_timeout = options_.hello_timeout;
  const std::size_t count = std::max(options_.listen.size(), options_.connect.size());
  for (std::size_t i = 0; i < count; ++i) {
    auto circuit = std::make_unique<Circuit>(io_, kCircuitNames[i], random_u64(), options_);
    if (i < options_.listen.size()) circuit->listen = options_.listen[i];
    if (i < options_.connect.size()) circuit->connect = options_.connect[i];
    peer_.circuits.push_back(std::move(circuit));
  }
  recover();
}

Node::~Node() = default;

void Node::recover() {
  peer_.durable_seq = peer_.outbox.last_seq();
  peer_.recovered_last_seq = peer_.outbox.last_seq();
  peer_.highest_transmitted = peer_.outbox.last_seq();
  if (!journal_) return;
  const JournalState& state = journal_->recovered();
  for (const auto& [epoch, seq] : state.delivered) {
    peer_.inbox.restore(epoch, seq);
    peer_.durable_delivered[epoch] = seq;
  }
  peer_.generated = state.generated;
  if (options_.announced) {
    for (const auto& envelope : state.recent_deliveries) {
      const auto found = options_.announced->find(envelope.epoch());
      if (found == options_.announced->end() || envelope.seq() > found->second) {
        pipeline_.add_delivery(envelope, kRecoveredCircuit);
      }
    }
  }
  journal_->forget_recovered_deliveries();
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
    const JournalState& state = journal_->recovered();
    NodeEvent e = event(NodeEvent::Kind::kNote);
    e.reason = "journal " + options_.journal->string() + ": " +
               std::to_string(journal_->recovered_records()) + " record(s) recovered, epoch " +
               std::to_string(peer_.outbox.epoch()) + ", " + std::to_string(peer_.outbox.size()) +
               " unacknowledged, " + std::to_string(pipeline_.open_deliveries()) +
               " delivery(ies) to announce";
    (void)state;
    emit(e);
  }
  for (auto& circuit : peer_.circuits) {
    if (circuit->listen) {
      listen(*circuit);
    } else {
      dial(*circuit);
    }
  }
  peer_.next_link_test = Session::Clock::now() + options_.link_test_interval;
  schedule_tick();
  schedule_commit();
}

std::uint16_t Node::listening_port(std::size_t circuit) const {
  if (circuit >= peer_.circuits.size()) return 0;
  asio::error_code ignored;
  return peer_.circuits[circuit]->acceptor.local_endpoint(ignored).port();
}

NodeEvent Node::event(NodeEvent::Kind kind) {
  NodeEvent e(kind, clock_.now().wall);
  e.peer = options_.peer;
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
  const auto silence_limit = options_.heartbeat_interval * options_.heartbeat_misses;
  for (auto& circuit : peer_.circuits) {
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
    if (now - circuit->session->last_sent() >= options_.heartbeat_interval / 2) {
      wire::Envelope heartbeat = control_envelope();
      heartbeat.mutable_heartbeat();
      send_control(*circuit, std::move(heartbeat));
    }
  }
  Circuit* carrying = traffic_circuit();
  if (carrying != nullptr && !peer_.outbox.empty()) {
    const Outbox::Entry& oldest = peer_.outbox.front();
    if (oldest.sent && now - oldest.last_sent > options_.retransmit_timeout &&
        carrying->transmitted_seq >= oldest.envelope.seq()) {
      carrying->transmitted_seq = peer_.outbox.acknowledged_seq();
      pump();
    }
  }
  if (options_.link_test_interval.count() > 0 && now >= peer_.next_link_test) {
    peer_.next_link_test = now + options_.link_test_interval;
    if (carrying != nullptr && !sending_finished_) send_link_test();
  }
  schedule_tick();
}

void Node::send_link_test() {
  wire::Envelope envelope;
  wire::LinkTest& test = *envelope.mutable_link_test();
  test.set_number(++peer_.link_tests_sent);
  test.set_text(link_test_text(peer_.link_tests_sent));
  try {
    accept_for_sending(std::move(envelope), false);
  } catch (const std::length_error&) {
    // The outbox is full (--max-outbox): the link is backed up, and a test would only add to it.
    --peer_.link_tests_sent;
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
    stop(peer_.outbox.empty()
             ? "the peer did not say goodbye in time"
             : std::to_string(peer_.outbox.size()) + " message(s) unacknowledged in time");
  });
  maybe_finish();
}

void Node::maybe_finish() {
  if (!sending_finished_ || stopping_) return;
  Circuit* carrying = traffic_circuit();
  if (peer_.outbox.empty() && carrying != nullptr && !peer_.bye_sent) {
    wire::Envelope bye = control_envelope();
    bye.mutable_bye()->set_reason("end of input");
    bye.mutable_bye()->set_last_seq(peer_.outbox.last_seq());
    send_control(*carrying, std::move(bye));
    peer_.bye_sent = true;
  }
  if (peer_.bye_sent && peer_.said_bye) stop("finished");
}

void Node::stop(const std::string& reason) {
  if (stopping_) return;
  stopping_ = true;
  tick_timer_.cancel();
  linger_timer_.cancel();
  asio::error_code ignored;
  for (auto& circuit : peer_.circuits) {
    circuit->redial_timer.cancel();
    circuit->resolver.cancel();
    circuit->acceptor.close(ignored);
    if (circuit->session) circuit->session->close("stopping: " + reason);
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
  e.count = peer_.outbox.size();
  emit(e);
}

}  // namespace hotline::node
