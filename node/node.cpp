#include "node/node.h"

#include <openssl/rand.h>

#include <algorithm>

#include "common/certificates.h"
#include "node/batch_frame.h"
#include "node/link_test_texts.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

// Envelope fields around a payload; a payload within max_frame - this always fits a frame.
// How long before its certificate expires a node starts saying so.
constexpr auto kCertificateWarningBefore = std::chrono::hours(24 * 7);

constexpr std::size_t kEnvelopeOverhead = 128;
// A Message's fields besides its text, with the text's tag and length: at most 2 for the
// payload's tag, 3 for its length, 2 for the priority, 1 + 3 for the text's tag and length.
constexpr std::size_t kMessageOverhead = 11;
// Bytes a circuit may hold in its write queue before the outbox stops handing it more.
constexpr std::size_t kLinkHighWater = 256 * 1024;
// Reading slower than this, a peer is taken for one that does not read at all.
constexpr std::size_t kSlowestReaderBytesPerSecond = 64 * 1024;
// The most a batch frame carries: within one TLS record, so the receiver can take it as soon as
// that record is in.
constexpr std::size_t kBatchBytes = 16000;
const char* const kCircuitNames[] = {"primary", "backup"};
// Where a delivery announced at start, from the journal, came from.
const std::string kRecoveredCircuit = "journal";

std::uint64_t random_u64() {
  std::uint64_t value = 0;
  while (value == 0) {
    // A failing generator fails again: say so rather than spin.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1)
      throw std::runtime_error("OpenSSL's random generator failed (RAND_bytes)");
  }
  return value;
}

std::unique_ptr<Journal> open_journal(const NodeOptions& options, NodeObserver& observer) {
  if (!options.journal) return nullptr;
  Journal::Options journal_options;
  journal_options.path = *options.journal;
  journal_options.fsync = options.fsync;
  journal_options.compact_after_bytes = options.compact_after_bytes;
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

Node::Circuit::Circuit(asio::io_context& io, std::string circuit_name, std::uint64_t seed,
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
      tick_timer_(io),
      linger_timer_(io),
      outbox_(outbox_from(journal_.get(), options_)) {
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
    circuits_.push_back(std::move(circuit));
  }
  recover();
}

Node::~Node() = default;

void Node::recover() {
  durable_seq_ = outbox_.last_seq();
  recovered_last_seq_ = outbox_.last_seq();
  if (!journal_) return;
  const JournalState& state = journal_->recovered();
  for (const auto& [epoch, seq] : state.delivered) {
    inbox_.restore(epoch, seq);
    durable_delivered_[epoch] = seq;
  }
  generated_ = state.generated;
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
               std::to_string(outbox_.epoch()) + ", " + std::to_string(outbox_.size()) +
               " unacknowledged, " + std::to_string(pipeline_.open_deliveries()) +
               " delivery(ies) to announce";
    (void)state;
    emit(e);
  }
  for (auto& circuit : circuits_) {
    if (circuit->listen) {
      listen(*circuit);
    } else {
      dial(*circuit);
    }
  }
  next_link_test_ = Session::Clock::now() + options_.link_test_interval;
  schedule_tick();
  schedule_commit();
}

std::uint16_t Node::listening_port(std::size_t circuit) const {
  if (circuit >= circuits_.size()) return 0;
  asio::error_code ignored;
  return circuits_[circuit]->acceptor.local_endpoint(ignored).port();
}

NodeEvent Node::event(NodeEvent::Kind kind) {
  NodeEvent e(kind, clock_.now().wall);
  e.peer = options_.peer;
  return e;
}

// ---- sending -------------------------------------------------------------------------------

wire::Envelope Node::control_envelope() const {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender(options_.party);
  envelope.set_epoch(outbox_.epoch());
  return envelope;
}

void Node::stamp(wire::Envelope& envelope, Circuit& circuit) {
  const auto found = durable_delivered_.find(peer_epoch_);
  envelope.set_ack(found == durable_delivered_.end() ? 0 : found->second);
  envelope.set_ack_epoch(peer_epoch_);
  envelope.set_sent_at_us(
      std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().wall.time_since_epoch())
          .count());
  envelope.set_circuit(circuit.name);
  circuit.ack_sent = envelope.ack();
}

void Node::send_hello(Circuit& circuit, Session& session) {
  wire::Envelope envelope = control_envelope();
  wire::Hello& hello = *envelope.mutable_hello();
  hello.set_party(options_.party);
  hello.set_protocol_version(kProtocolVersion);
  hello.set_epoch(outbox_.epoch());
  hello.set_software("hotline 0.1");
  hello.set_acknowledged_floor(outbox_.acknowledged_seq());
  hello.set_max_frame_bytes(options_.max_frame_bytes);
  hello.mutable_resume()->set_peer_epoch(peer_epoch_);
  const auto found = durable_delivered_.find(peer_epoch_);
  hello.mutable_resume()->set_delivered_seq(found == durable_delivered_.end() ? 0 : found->second);
  stamp(envelope, circuit);
  session.send(envelope);
}

void Node::send_control(Circuit& circuit, wire::Envelope envelope) {
  // Heartbeats and acks obey the high-water mark too: past it the peer is not reading, so a
  // heartbeat says nothing, and a later ack (they are cumulative) will carry this one.
  if ((envelope.has_heartbeat() || envelope.has_ack_only()) &&
      circuit.session->queued_bytes() >= kLinkHighWater) {
    return;
  }
  stamp(envelope, circuit);
  circuit.session->send(envelope);
}

std::uint64_t Node::send(wire::Envelope payload) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  return accept_for_sending(std::move(payload), false);
}

std::uint64_t Node::send_generated(wire::Envelope payload) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  return accept_for_sending(std::move(payload), true);
}

bool Node::has_room_for(std::size_t payload_bytes) const {
  return outbox_.bytes() + payload_bytes + 2 * Outbox::kEntryOverhead <= options_.max_outbox_bytes;
}

std::uint64_t Node::send_text(std::string_view text, wire::Priority priority) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  // The message's own fields (tag, length, priority) take at most kMessageOverhead bytes.
  check_fits(text.size() + kMessageOverhead, "message");
  // Filled in place, field by field, so that an acknowledged envelope's memory is reused.
  wire::Message& message = *outbox_.next().mutable_message();
  message.Clear();
  message.set_priority(priority);
  message.mutable_text()->assign(text.data(), text.size());
  return accept_next(false);
}

void Node::check_fits(std::size_t payload_bytes, std::string_view kind) const {
  if (stopping_) throw std::logic_error("this node is stopping");
  const std::uint32_t limit = link_frame_limit();
  if (payload_bytes + kEnvelopeOverhead > limit) {
    throw std::invalid_argument(
        "a " + std::to_string(payload_bytes) + "-byte " + std::string(kind) +
        " does not fit the frame limit of " + std::to_string(limit) + " bytes" +
        (limit < options_.max_frame_bytes ? " the peer accepts (its --max-frame)" : ""));
  }
  if (outbox_.bytes() + payload_bytes + Outbox::kEntryOverhead > options_.max_outbox_bytes) {
    throw std::length_error("the outbox already holds " + std::to_string(outbox_.size()) +
                            " unacknowledged message(s), " + std::to_string(outbox_.bytes()) +
                            " bytes (--max-outbox " + std::to_string(options_.max_outbox_bytes) +
                            "): wait for the peer to acknowledge them");
  }
}

std::uint64_t Node::accept_for_sending(wire::Envelope&& payload, bool generated) {
  if (!is_reliable(payload)) throw std::invalid_argument("not a reliable payload");
  check_fits(payload.ByteSizeLong(), payload_name(payload));
  wire::Envelope& envelope = outbox_.next();
  envelope = std::move(payload);
  envelope.set_sender(options_.party);
  return accept_next(generated);
}

std::uint64_t Node::accept_next(bool generated) {
  wire::Envelope& payload = outbox_.next();
  if (generated) ++generated_;
  payload.set_version(kProtocolVersion);
  // An envelope reused from the outbox already names us (every path here sets the sender).
  if (payload.sender().empty()) payload.set_sender(options_.party);
  if (journal_) {
    // Journalled before it is numbered: if the journal fails, the message was never accepted
    // (the node stops) rather than numbered, refused, and transmitted later all the same.
    payload.set_epoch(outbox_.epoch());
    payload.set_seq(outbox_.last_seq() + 1);
    try {
      journal_->append_sent(payload, generated);
    } catch (const JournalIoError& error) {
      fail(error.what());
      throw;
    }
  }
  Outbox::Entry& entry = outbox_.push_next();
  const std::uint64_t seq = entry.envelope.seq();
  if (traffic_circuit() == nullptr) {
    NodeEvent e = event(NodeEvent::Kind::kQueued);
    e.seq = seq;
    e.envelope = &entry.envelope;
    emit(e);
  }
  if (journal_) {
    schedule_commit();
  } else {
    // Nothing to make durable: it may leave at once.
    durable_seq_ = outbox_.last_seq();
    pump();
  }
  return seq;
}

void Node::pump() {
  // An observer may send from a `sent` event, which pumps again: the pump already running
  // further up the stack takes the new message in its next round instead.
  if (pumping_) return;
  pumping_ = true;
  struct Done {
    bool& pumping;
    ~Done() { pumping = false; }
  } done{pumping_};
  Circuit* circuit = traffic_circuit();
  // While a write is in flight, what is due waits here and goes out, batched, when it drains:
  // it could not leave any sooner, and a busy sender writes fewer, fuller frames.
  if (circuit != nullptr && circuit->session->writing()) return;
  while (circuit != nullptr && !outbox_.empty() && circuit->transmitted_seq < durable_seq_ &&
         circuit->session->queued_bytes() < kLinkHighWater) {
    const std::uint64_t first = outbox_.front().envelope.seq();
    if (circuit->transmitted_seq < first - 1) circuit->transmitted_seq = first - 1;
    if (circuit->transmitted_seq >= durable_seq_) break;
    // The entries due go out together, as one batch frame of up to kBatchBytes, or alone if
    // only one is due or it is larger than that.
    batch_entries_.clear();
    batch_items_.clear();
    std::size_t items_bytes = 0;
    // A batch, like any frame, must fit what the peer accepts.
    const std::size_t limit = link_frame_limit() - kEnvelopeOverhead;
    const std::size_t batch_limit = std::min(kBatchBytes, limit);
    for (std::uint64_t seq = circuit->transmitted_seq + 1;
         seq <= durable_seq_ && items_bytes < batch_limit; ++seq) {
      Outbox::Entry& entry = outbox_.at(seq - first);
      entry.envelope.set_retransmission(entry.sent);
      const BatchItem item = batch_item(entry.envelope);
      if (item.payload_bytes > limit) {
        // Accepted before this peer's limit was known, and larger than it: it cannot go, and
        // in-order delivery holds everything after it. Say so once; the link stays up.
        if (batch_items_.empty()) report_too_large(entry, item.payload_bytes);
        break;
      }
      if (!batch_items_.empty() && items_bytes + item.bytes > batch_limit) break;
      batch_entries_.push_back(&entry);
      batch_items_.push_back(item);
      items_bytes += item.bytes;
    }
    if (batch_entries_.empty()) break;
    circuit->transmitted_seq += batch_entries_.size();
    if (batch_entries_.size() == 1) {
      Outbox::Entry& entry = *batch_entries_.front();
      const bool fresh = !entry.sent;
      transmit(*circuit, entry, batch_items_.front().payload_bytes);
      if (fresh) copy_flash(*circuit, entry);
    } else {
      transmit_batch(*circuit, items_bytes);
    }
  }
}

std::uint32_t Node::link_frame_limit() const {
  return peer_max_frame_ == 0 ? options_.max_frame_bytes
                              : std::min(options_.max_frame_bytes, peer_max_frame_);
}

void Node::report_too_large(const Outbox::Entry& entry, std::size_t payload_bytes) {
  if (entry.envelope.seq() == reported_too_large_) return;
  reported_too_large_ = entry.envelope.seq();
  NodeEvent e = event(NodeEvent::Kind::kError);
  e.seq = entry.envelope.seq();
  e.reason = "message " + std::to_string(entry.envelope.seq()) + " (" +
             std::to_string(payload_bytes) + " bytes) is larger than the peer accepts (frames of " +
             std::to_string(peer_max_frame_) +
             " bytes, its --max-frame): it waits, and the messages after it wait too, until the "
             "peer accepts larger frames";
  emit(e);
}

void Node::transmit(Circuit& circuit, Outbox::Entry& entry, std::size_t payload_bytes) {
  stamp(entry.envelope, circuit);
  circuit.session->send(entry.envelope);
  mark_sent(circuit, entry, payload_bytes);
}

void Node::transmit_batch(Circuit& circuit, std::size_t items_bytes) {
  if (batch_header_.sender().empty()) {
    batch_header_.set_version(kProtocolVersion);
    batch_header_.set_sender(options_.party);
    batch_header_.set_epoch(outbox_.epoch());
  }
  stamp(batch_header_, circuit);
  circuit.session->send_batch(batch_header_, batch_items_, items_bytes);
  // Reported once the whole frame is queued; an observer may send more meanwhile, which only
  // appends to the outbox and leaves these entries where they are.
  for (std::size_t i = 0; i < batch_entries_.size(); ++i) {
    Outbox::Entry& entry = *batch_entries_[i];
    const bool fresh = !entry.sent;
    mark_sent(circuit, entry, batch_items_[i].payload_bytes);
    if (fresh) copy_flash(circuit, entry);
  }
}

void Node::mark_sent(Circuit& circuit, Outbox::Entry& entry, std::size_t payload_bytes) {
  NodeEvent e = event(entry.sent ? NodeEvent::Kind::kRetransmitted : NodeEvent::Kind::kSent);
  outbox_.mark_sent(entry, clock_.now().steady, payload_bytes);
  e.seq = entry.envelope.seq();
  e.circuit = circuit.name;
  e.envelope = &entry.envelope;
  emit(e);
}

void Node::copy_flash(const Circuit& circuit, Outbox::Entry& entry) {
  // FLASH goes on every live circuit at once; the receiver delivers it once.
  if (!entry.envelope.has_message() || entry.envelope.message().priority() != wire::FLASH) return;
  for (auto& other : circuits_) {
    if (other.get() == &circuit || !other->session) continue;
    entry.envelope.set_retransmission(false);
    stamp(entry.envelope, *other);
    other->session->send(entry.envelope);
    NodeEvent e = event(NodeEvent::Kind::kSent);
    e.seq = entry.envelope.seq();
    e.circuit = other->name;
    e.envelope = &entry.envelope;
    emit(e);
  }
}

void Node::on_drained(const std::shared_ptr<Session>& session) {
  const Circuit* circuit = traffic_circuit();
  if (circuit != nullptr && circuit->session == session) pump();
}

void Node::start_new_epoch(std::uint64_t peer_delivered) {
  // What the peer delivered of this epoch goes past what the journal numbered: an earlier life
  // of this node numbered messages the journal lost. Whatever the journal held was delivered
  // under its numbers; messages accepted since this start were not (the peer took their numbers
  // for others), and must not pass for acknowledged: they go again in a new epoch.
  if (journal_ && !journalled([&] { journal_->flush(); })) return;
  if (journal_) release(journal_->synced_ticket());
  std::vector<wire::Envelope> not_delivered;
  for (std::size_t i = 0; i < outbox_.size(); ++i) {
    const wire::Envelope& envelope = outbox_.at(i).envelope;
    if (envelope.seq() > recovered_last_seq_) not_delivered.push_back(envelope);
  }
  if (outbox_.last_seq() > outbox_.acknowledged_seq()) {
    std::vector<Outbox::Acknowledged> done = outbox_.acknowledge(outbox_.last_seq());
    done.erase(std::remove_if(done.begin(), done.end(),
                              [&](const auto& item) { return item.seq > recovered_last_seq_; }),
               done.end());
    emit_acknowledged(done);
  }
  const std::uint64_t old_epoch = outbox_.epoch();
  const std::uint64_t old_last_seq = outbox_.last_seq();
  outbox_.start_epoch(random_u64());
  recovered_last_seq_ = 0;
  durable_seq_ = 0;
  for (auto& circuit : circuits_) circuit->transmitted_seq = 0;
  batch_header_.Clear();
  journal::Record identity;
  identity.mutable_identity()->set_party(options_.party);
  identity.mutable_identity()->set_epoch(outbox_.epoch());
  identity.mutable_identity()->set_generated(generated_);
  record(identity);
  NodeEvent e = event(NodeEvent::Kind::kNote);
  e.reason = "the peer delivered messages up to " + std::to_string(peer_delivered) + " of epoch " +
             std::to_string(old_epoch) + ", past the " + std::to_string(old_last_seq) +
             " this node's journal numbered: the journal went back in time. Continuing in epoch " +
             std::to_string(outbox_.epoch()) + "; " + std::to_string(not_delivered.size()) +
             " message(s) accepted since the start go again in it";
  emit(e);
  for (auto& envelope : not_delivered) {
    envelope.clear_seq();
    envelope.clear_epoch();
    try {
      accept_for_sending(std::move(envelope), false);
    } catch (const JournalIoError&) {
      return;  // the node has stopped, saying why
    }
  }
}

// ---- receiving -----------------------------------------------------------------------------

void Node::on_envelope(const std::shared_ptr<Session>& session, const wire::Envelope& envelope) {
  Circuit* circuit = circuit_of(*session);
  if (circuit == nullptr || circuit->session != session) return;
  try {
    take_acknowledgement(envelope);
    if (is_reliable(envelope)) {
      take_reliable(*circuit, envelope);
      acknowledge_at_commit();
    } else if (envelope.has_batch()) {
      for (const wire::Envelope* item : session->batch_items()) {
        if (stopping_) return;  // the journal failed on an earlier item
        take_reliable(*circuit, *item);
      }
      acknowledge_at_commit();
    } else if (envelope.has_bye()) {
      if (!peer_said_bye_) {
        peer_said_bye_ = true;
        peer_bye_epoch_ = envelope.epoch();
        peer_bye_last_seq_ = envelope.bye().last_seq();
        NodeEvent e = event(NodeEvent::Kind::kPeerBye);
        e.reason = envelope.bye().reason();
        e.seq = envelope.bye().last_seq();
        emit(e);
      }
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
  acknowledged_up_to(envelope.ack());
}

void Node::acknowledged_up_to(std::uint64_t seq) {
  const auto& done = outbox_.acknowledge(seq);
  journal::Record acknowledged;
  acknowledged.mutable_acknowledged()->set_seq(seq);
  record(acknowledged);
  emit_acknowledged(done);
  if (on_room_) on_room_();
}

void Node::emit_acknowledged(const std::vector<Outbox::Acknowledged>& done) {
  const auto now = clock_.now().steady;
  for (const auto& item : done) {
    NodeEvent e = event(NodeEvent::Kind::kAcked);
    e.seq = item.seq;
    e.epoch = outbox_.epoch();
    e.duration = std::chrono::duration_cast<std::chrono::microseconds>(now - item.first_sent);
    if (item.payload == wire::Envelope::kLinkTest) e.reason = "link_test";
    emit(e);
  }
}

void Node::take_reliable(const Circuit& circuit, const wire::Envelope& envelope) {
  switch (inbox_.accept(envelope)) {
    case Inbox::Arrival::kDuplicate: {
      ack_forced_ = true;
      NodeEvent e = event(NodeEvent::Kind::kDuplicate);
      e.seq = envelope.seq();
      e.epoch = envelope.epoch();
      e.circuit = circuit.name;
      emit(e);
      break;
    }
    case Inbox::Arrival::kHeld:
      break;
    case Inbox::Arrival::kDeliverable:
      deliver(circuit, envelope);
      while (const auto unblocked = inbox_.next_unblocked(envelope.epoch())) {
        deliver(circuit, *unblocked);
      }
      break;
  }
}

void Node::acknowledge_at_commit() {
  // Acknowledge at the commit point, once what was delivered is durable; a duplicate is
  // acknowledged again, since the peer evidently missed the first one. Without a journal there
  // is nothing to wait for.
  pipeline_.owe_acknowledgement();
  if (journal_) {
    schedule_commit();
  } else {
    commit_point();
  }
}

// ---- durability ----------------------------------------------------------------------------

void Node::deliver(const Circuit& circuit, const wire::Envelope& envelope) {
  // A message after the peer's goodbye (from a restarted peer, or numbered past the Bye's
  // last_seq) withdraws it: the peer has more to say, and we wait for its next Bye.
  if (peer_said_bye_ &&
      (envelope.epoch() != peer_bye_epoch_ || envelope.seq() > peer_bye_last_seq_)) {
    peer_said_bye_ = false;
  }
  if (journal_) {
    if (!journalled([&] { journal_->append_delivered(envelope); })) return;
    pipeline_.add_delivery(envelope, circuit.name);
  } else {
    announce(envelope, circuit.name, false);
  }
}

void Node::announce(const wire::Envelope& envelope, const std::string& circuit, bool recovered) {
  auto& durable = durable_delivered_[envelope.epoch()];
  durable = std::max(durable, envelope.seq());
  NodeEvent e = event(NodeEvent::Kind::kDelivered);
  e.seq = envelope.seq();
  e.epoch = envelope.epoch();
  e.circuit = circuit;
  e.recovered = recovered;
  e.envelope = &envelope;
  emit(e);
}

void Node::record(const journal::Record& record) {
  if (journal_) journalled([&] { journal_->append(record); });
}

void Node::fail(const std::string& reason) {
  if (stopping_) return;
  failure_ = reason;
  NodeEvent e = event(NodeEvent::Kind::kError);
  e.reason = reason;
  if (journal_) e.reason += "; " + journal_->cut_back_to_synced();
  emit(e);
  stop("failed: " + reason);
}

void Node::schedule_commit() {
  if (!pipeline_.needs_commit_point()) return;
  // Posted, so everything this turn of the event loop adds shares one write and one fsync,
  // and a reply sent from a delivery callback carries the acknowledgement.
  asio::post(io_, [this] { commit_point(); });
}

void Node::commit_point() {
  if (stopping_) return;
  Journal::Ticket ticket = 0;
  if (journal_ && !journalled([&] { ticket = journal_->commit(); })) return;
  pipeline_.commit(ticket, outbox_.last_seq());
  if (!journal_) {
    release(ticket);
  } else if (journal_->synced_ticket() >= ticket) {
    release(journal_->synced_ticket());
  }
}

std::vector<journal::Record> Node::snapshot() const {
  JournalState state;
  state.party = options_.party;
  state.epoch = outbox_.epoch();
  state.last_seq = outbox_.last_seq();
  state.acknowledged_seq = outbox_.acknowledged_seq();
  state.generated = generated_;
  for (std::size_t i = 0; i < outbox_.size(); ++i) {
    const Outbox::Entry& entry = outbox_.at(i);
    *state.unacknowledged[entry.envelope.seq()].mutable_envelope() = entry.envelope;
  }
  state.delivered = durable_delivered_;
  // Deliveries appended but not yet announced are not here: the journal carries what it was
  // given since its last commit into the new file itself.
  return state.snapshot();
}

void Node::release(Journal::Ticket ticket) {
  const auto released = pipeline_.release(ticket, [this](const Delivery& delivery) {
    announce(delivery.envelope, *delivery.circuit, delivery.circuit == &kRecoveredCircuit);
  });
  durable_seq_ = std::max(durable_seq_, released.last_seq);
  pump();
  if (released.ack_due && !ack_flush_posted_) {
    ack_flush_posted_ = true;
    // Posted, so that a reply written from a delivery callback carries the ack instead.
    asio::post(io_, [this] { flush_acks(); });
  }
  if (journal_ && pipeline_.nothing_written() && journal_->wants_compaction() && !stopping_ &&
      !journalled([&] { journal_->compact(snapshot()); })) {
    return;
  }
  maybe_finish();
}

void Node::flush_acks() {
  ack_flush_posted_ = false;
  if (stopping_) return;
  const auto found = durable_delivered_.find(peer_epoch_);
  const std::uint64_t ack = found == durable_delivered_.end() ? 0 : found->second;
  for (auto& circuit : circuits_) {
    if (!circuit->session || (circuit->ack_sent == ack && !ack_forced_)) continue;
    wire::Envelope envelope = control_envelope();
    envelope.mutable_ack_only();
    send_control(*circuit, std::move(envelope));
  }
  ack_forced_ = false;
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
  for (auto& circuit : circuits_) {
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
  if (carrying != nullptr && !outbox_.empty()) {
    const Outbox::Entry& oldest = outbox_.front();
    if (oldest.sent && now - oldest.last_sent > options_.retransmit_timeout &&
        carrying->transmitted_seq >= oldest.envelope.seq()) {
      carrying->transmitted_seq = outbox_.acknowledged_seq();
      pump();
    }
  }
  if (options_.link_test_interval.count() > 0 && now >= next_link_test_) {
    next_link_test_ = now + options_.link_test_interval;
    if (carrying != nullptr && !sending_finished_) send_link_test();
  }
  schedule_tick();
}

void Node::send_link_test() {
  wire::Envelope envelope;
  wire::LinkTest& test = *envelope.mutable_link_test();
  test.set_number(++link_tests_sent_);
  test.set_text(link_test_text(link_tests_sent_));
  try {
    accept_for_sending(std::move(envelope), false);
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
    stop(outbox_.empty() ? "the peer did not say goodbye in time"
                         : std::to_string(outbox_.size()) + " message(s) unacknowledged in time");
  });
  maybe_finish();
}

void Node::maybe_finish() {
  if (!sending_finished_ || stopping_) return;
  Circuit* carrying = traffic_circuit();
  if (outbox_.empty() && carrying != nullptr && !bye_sent_) {
    wire::Envelope bye = control_envelope();
    bye.mutable_bye()->set_reason("end of input");
    bye.mutable_bye()->set_last_seq(outbox_.last_seq());
    send_control(*carrying, std::move(bye));
    bye_sent_ = true;
  }
  if (bye_sent_ && peer_said_bye_) stop("finished");
}

void Node::stop(const std::string& reason) {
  if (stopping_) return;
  stopping_ = true;
  tick_timer_.cancel();
  linger_timer_.cancel();
  asio::error_code ignored;
  for (auto& circuit : circuits_) {
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
  e.count = outbox_.size();
  emit(e);
}

}  // namespace hotline::node
