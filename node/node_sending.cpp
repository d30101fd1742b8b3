// The node's sending side: accepting messages into the outbox, journalled before they are
// numbered; handing durable entries to the traffic circuit in batches while its write queue is
// short; FLASH copies on every circuit; and a new epoch when the journal went back in time.

#include <algorithm>

#include "node/batch_frame.h"
#include "node/node.h"
#include "node/node_internal.h"
#include "node/protocol.h"

namespace hotline::node {

using namespace internal;

// ---- sending -------------------------------------------------------------------------------

wire::Envelope Node::control_envelope(const PeerLink& peer) const {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender(options_.party);
  envelope.set_epoch(peer.outbox.epoch());
  return envelope;
}

std::uint64_t Node::peer_epoch_on(const Circuit& circuit) {
  return circuit.session ? circuit.session->peer_epoch() : circuit.link.epoch;
}

std::uint64_t Node::delivered_of(const PeerLink& peer, std::uint64_t peer_epoch) {
  const auto found = peer.durable_delivered.find(peer_epoch);
  return found == peer.durable_delivered.end() ? 0 : found->second;
}

void Node::stamp(wire::Envelope& envelope, Circuit& circuit, std::uint64_t peer_epoch) {
  envelope.set_ack(delivered_of(circuit.link, peer_epoch));
  envelope.set_ack_epoch(peer_epoch);
  envelope.set_sent_at_us(
      std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().wall.time_since_epoch())
          .count());
  envelope.set_circuit(circuit.name);
  // Only an ack that covers what the circuit brought settles what it owes (Circuit::owes_ack):
  // one sent while deliveries wait for their fsync (a Bye, a heartbeat, a message of ours) is
  // older.
  circuit.ack_sent = envelope.ack();
  circuit.ack_sent_epoch = peer_epoch;
  circuit.acks_deferred = 0;
  circuit.ack_dropped = false;
}

void Node::send_hello(Circuit& circuit, Session& session) {
  const PeerLink& peer = circuit.link;
  wire::Envelope envelope = control_envelope(peer);
  wire::Hello& hello = *envelope.mutable_hello();
  hello.set_party(options_.party);
  hello.set_protocol_version(kProtocolVersion);
  hello.set_epoch(peer.outbox.epoch());
  hello.set_software("hotline 0.1");
  hello.set_acknowledged_floor(peer.outbox.acknowledged_seq());
  hello.set_max_frame_bytes(options_.max_frame_bytes);
  // Answering a Hello, the peer's epoch is known; dialling, the last one a Hello named.
  const std::uint64_t peer_epoch = session.peer_epoch() != 0 ? session.peer_epoch() : peer.epoch;
  hello.mutable_resume()->set_peer_epoch(peer_epoch);
  hello.mutable_resume()->set_delivered_seq(delivered_of(peer, peer_epoch));
  // What the circuit's established session was last acknowledged with, and what it holds back,
  // stay its own.
  const std::uint64_t ack_sent = circuit.ack_sent;
  const std::uint64_t ack_sent_epoch = circuit.ack_sent_epoch;
  const int acks_deferred = circuit.acks_deferred;
  const bool ack_dropped = circuit.ack_dropped;
  stamp(envelope, circuit, peer_epoch);
  if (circuit.session.get() != &session) {
    circuit.ack_sent = ack_sent;
    circuit.ack_sent_epoch = ack_sent_epoch;
    circuit.acks_deferred = acks_deferred;
    circuit.ack_dropped = ack_dropped;
  }
  session.send(envelope);
}

void Node::send_control(Circuit& circuit, wire::Envelope envelope) {
  // Heartbeats and acks obey the high-water mark too: past it the peer is not reading, so a
  // heartbeat says nothing, and the ack goes when the queue drains (they are cumulative).
  if ((envelope.has_heartbeat() || envelope.has_ack_only()) &&
      circuit.session->queued_bytes() >= kLinkHighWater) {
    if (envelope.has_ack_only()) circuit.ack_dropped = true;
    return;
  }
  stamp(envelope, circuit);
  circuit.session->send(envelope);
}

std::uint64_t Node::send(wire::Envelope payload, std::string_view to) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  return accept_for_sending(link(to), std::move(payload), false);
}

std::uint64_t Node::send_generated(wire::Envelope payload, std::string_view to) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  return accept_for_sending(link(to), std::move(payload), true);
}

bool Node::has_room_for(std::size_t payload_bytes, std::string_view to) const {
  return link(to).outbox.bytes() + Outbox::entry_bytes(payload_bytes) + Outbox::kEntryOverhead <=
         options_.max_outbox_bytes;
}

std::uint64_t Node::send_text(std::string_view text, wire::Priority priority, std::string_view to) {
  if (sending_finished_) throw std::logic_error("this node has finished sending");
  PeerLink& peer = link(to);
  // The message's own fields (tag, length, priority) take at most kMessageOverhead bytes.
  check_fits(peer, text.size() + kMessageOverhead, "message");
  // Filled in place, field by field, so that an acknowledged envelope's memory is reused.
  wire::Message& message = *peer.outbox.next().mutable_message();
  message.Clear();
  message.set_priority(priority);
  message.mutable_text()->assign(text.data(), text.size());
  return accept_next(peer, false);
}

void Node::check_fits(const PeerLink& peer, std::size_t payload_bytes,
                      std::string_view kind) const {
  if (stopping_) throw std::logic_error("this node is stopping");
  const std::uint32_t limit = link_frame_limit(peer);
  if (payload_bytes + kEnvelopeOverhead > limit) {
    throw std::invalid_argument(
        "a " + std::to_string(payload_bytes) + "-byte " + std::string(kind) +
        " does not fit the frame limit of " + std::to_string(limit) + " bytes" +
        (limit < options_.max_frame_bytes ? " the peer accepts (its --max-frame)" : ""));
  }
  if (peer.outbox.bytes() + Outbox::entry_bytes(payload_bytes) > options_.max_outbox_bytes) {
    throw std::length_error("the outbox already holds " + std::to_string(peer.outbox.size()) +
                            " unacknowledged message(s), " + std::to_string(peer.outbox.bytes()) +
                            " bytes (--max-outbox " + std::to_string(options_.max_outbox_bytes) +
                            "): wait for the peer to acknowledge them");
  }
}

std::uint64_t Node::accept_for_sending(PeerLink& peer, wire::Envelope&& payload, bool generated) {
  if (!is_reliable(payload)) throw std::invalid_argument("not a reliable payload");
  check_fits(peer, payload.ByteSizeLong(), payload_name(payload));
  return number_and_keep(peer, std::move(payload), generated);
}

std::uint64_t Node::number_and_keep(PeerLink& peer, wire::Envelope&& payload, bool generated) {
  wire::Envelope& envelope = peer.outbox.next();
  envelope = std::move(payload);
  envelope.set_sender(options_.party);
  return accept_next(peer, generated);
}

std::uint64_t Node::accept_next(PeerLink& peer, bool generated) {
  wire::Envelope& payload = peer.outbox.next();
  if (generated) ++peer.generated;
  payload.set_version(kProtocolVersion);
  // An envelope reused from the outbox already names us (every path here sets the sender).
  if (payload.sender().empty()) payload.set_sender(options_.party);
  if (journal_) {
    // Journalled before it is numbered: if the journal fails, the message was never accepted
    // (the node stops) rather than numbered, refused, and transmitted later all the same.
    const std::string& item = peer.outbox.encode_next();
    try {
      journal_->append_sent_item(payload, item, generated ? peer.generated : 0, peer.journal_name);
    } catch (const JournalIoError& error) {
      fail(error.what());
      throw;
    }
  }
  Outbox::Entry& entry = peer.outbox.push_next();
  const std::uint64_t seq = entry.envelope.seq();
  if (traffic_circuit(peer) == nullptr) {
    NodeEvent e = event(NodeEvent::Kind::kQueued, peer);
    e.seq = seq;
    e.envelope = &entry.envelope;
    emit(e);
  }
  if (journal_) {
    schedule_commit();
  } else {
    // Nothing to make durable: it may leave at once.
    peer.durable_seq = peer.outbox.last_seq();
    pump(peer);
  }
  return seq;
}

void Node::pump(PeerLink& peer) {
  // An observer may send from a `sent` event, which pumps again: the pump already running
  // further up the stack takes the new message in its next round instead.
  if (peer.pumping) return;
  peer.pumping = true;
  struct Done {
    bool& pumping;
    ~Done() { pumping = false; }
  } done{peer.pumping};
  Circuit* circuit = traffic_circuit(peer);
  auto& batch_entries = peer.batch_entries;
  auto& batch_items = peer.batch_items;
  // While a write is in flight, what is due waits here and goes out, batched, when it drains:
  // it could not leave any sooner, and a busy sender writes fewer, fuller frames.
  if (circuit != nullptr && circuit->session->writing()) return;
  while (circuit != nullptr && !peer.outbox.empty() &&
         circuit->transmitted_seq < peer.durable_seq &&
         circuit->session->queued_bytes() < kLinkHighWater) {
    const std::uint64_t first = peer.outbox.front().envelope.seq();
    if (circuit->transmitted_seq < first - 1) circuit->transmitted_seq = first - 1;
    if (circuit->transmitted_seq >= peer.durable_seq) break;
    // The entries due go out together, as one batch frame of up to kBatchBytes, or alone if
    // only one is due or it is larger than that.
    batch_entries.clear();
    batch_items.clear();
    std::size_t items_bytes = 0;
    // A batch, like any frame, must fit what the peer accepts.
    const std::size_t limit = link_frame_limit(peer) - kEnvelopeOverhead;
    const std::size_t batch_limit = std::min(kBatchBytes, limit);
    for (std::uint64_t seq = circuit->transmitted_seq + 1;
         seq <= peer.durable_seq && items_bytes < batch_limit; ++seq) {
      Outbox::Entry& entry = peer.outbox.at(seq - first);
      entry.envelope.set_retransmission(entry.sent);
      const BatchItem item = batch_item(entry.item, entry.sent);
      if (entry.payload_bytes > limit) {
        // Accepted before this peer's limit was known, and larger than it: it cannot go, and
        // in-order delivery holds everything after it. Say so once; the link stays up.
        if (batch_items.empty()) report_too_large(peer, entry, entry.payload_bytes);
        break;
      }
      if (!batch_items.empty() && items_bytes + item.bytes > batch_limit) break;
      batch_entries.push_back(&entry);
      batch_items.push_back(item);
      items_bytes += item.bytes;
    }
    if (batch_entries.empty()) break;
    circuit->transmitted_seq += batch_entries.size();
    if (batch_entries.size() == 1) {
      Outbox::Entry& entry = *batch_entries.front();
      const bool fresh = !entry.sent;
      transmit(*circuit, entry);
      if (fresh) copy_flash(*circuit, entry);
    } else {
      transmit_batch(*circuit, items_bytes);
    }
  }
}

std::uint32_t Node::link_frame_limit(const PeerLink& peer) const {
  return peer.max_frame == 0 ? options_.max_frame_bytes
                             : std::min(options_.max_frame_bytes, peer.max_frame);
}

void Node::report_too_large(PeerLink& peer, const Outbox::Entry& entry, std::size_t payload_bytes) {
  if (entry.envelope.seq() == peer.reported_too_large) return;
  peer.reported_too_large = entry.envelope.seq();
  NodeEvent e = event(NodeEvent::Kind::kError, peer);
  e.seq = entry.envelope.seq();
  e.reason = "message " + std::to_string(entry.envelope.seq()) + " (" +
             std::to_string(payload_bytes) + " bytes) is larger than the peer accepts (frames of " +
             std::to_string(peer.max_frame) +
             " bytes, its --max-frame): it waits, and the messages after it wait too, until the "
             "peer accepts larger frames";
  emit(e);
}

void Node::transmit(Circuit& circuit, Outbox::Entry& entry) {
  stamp(entry.envelope, circuit);
  circuit.session->send(entry.envelope);
  mark_sent(circuit, entry);
}

void Node::transmit_batch(Circuit& circuit, std::size_t items_bytes) {
  PeerLink& peer = circuit.link;
  wire::Envelope& header = peer.batch_header;
  if (header.sender().empty()) {
    header.set_version(kProtocolVersion);
    header.set_sender(options_.party);
    header.set_epoch(peer.outbox.epoch());
  }
  stamp(header, circuit);
  circuit.session->send_batch(header, peer.batch_items, items_bytes);
  // Reported once the whole frame is queued; an observer may send more meanwhile, which only
  // appends to the outbox and leaves these entries where they are.
  for (std::size_t i = 0; i < peer.batch_entries.size(); ++i) {
    Outbox::Entry& entry = *peer.batch_entries[i];
    const bool fresh = !entry.sent;
    mark_sent(circuit, entry);
    if (fresh) copy_flash(circuit, entry);
  }
}

void Node::mark_sent(Circuit& circuit, Outbox::Entry& entry) {
  PeerLink& peer = circuit.link;
  peer.highest_transmitted = std::max(peer.highest_transmitted, entry.envelope.seq());
  NodeEvent e = event(entry.sent ? NodeEvent::Kind::kRetransmitted : NodeEvent::Kind::kSent, peer);
  peer.outbox.mark_sent(entry, clock_.now().steady);
  e.seq = entry.envelope.seq();
  e.circuit = circuit.name;
  e.envelope = &entry.envelope;
  emit(e);
}

void Node::copy_flash(const Circuit& circuit, Outbox::Entry& entry) {
  // FLASH goes on every live circuit at once; the receiver delivers it once.
  if (!entry.envelope.has_message() || entry.envelope.message().priority() != wire::FLASH) return;
  for (auto& other : circuit.link.circuits) {
    if (other.get() == &circuit || !other->session) continue;
    entry.envelope.set_retransmission(false);
    stamp(entry.envelope, *other);
    other->session->send(entry.envelope);
    NodeEvent e = event(NodeEvent::Kind::kSent, circuit.link);
    e.seq = entry.envelope.seq();
    e.circuit = other->name;
    e.envelope = &entry.envelope;
    emit(e);
  }
}

void Node::on_drained(const std::shared_ptr<Session>& session) {
  Circuit* circuit = circuit_of(*session);
  if (circuit == nullptr) return;
  const Circuit* carrying = traffic_circuit(circuit->link);
  if (carrying != nullptr && carrying->session == session) pump(circuit->link);
  if (circuit->session == session && circuit->ack_dropped &&
      session->queued_bytes() < kLinkHighWater) {
    post_ack_flush();
  }
}

void Node::start_new_epoch(PeerLink& peer, std::uint64_t peer_delivered) {
  // What the peer delivered of this epoch goes past what could have reached it: an earlier life
  // of this node numbered and sent messages the journal lost. Whatever the journal held was
  // delivered under its numbers; messages accepted since this start were not (the peer took their
  // numbers for others), and must not pass for acknowledged: they go again in a new epoch.
  if (journal_ && !journalled([&] { journal_->flush(); })) return;
  if (journal_) release(journal_->synced_ticket());
  std::vector<wire::Envelope> not_delivered;
  for (std::size_t i = 0; i < peer.outbox.size(); ++i) {
    const wire::Envelope& envelope = peer.outbox.at(i).envelope;
    if (envelope.seq() > peer.recovered_last_seq) not_delivered.push_back(envelope);
  }
  if (peer.outbox.last_seq() > peer.outbox.acknowledged_seq()) {
    std::vector<Outbox::Acknowledged> done = peer.outbox.acknowledge(peer.outbox.last_seq());
    done.erase(std::remove_if(done.begin(), done.end(),
                              [&](const auto& item) { return item.seq > peer.recovered_last_seq; }),
               done.end());
    emit_acknowledged(peer, done);
  }
  const std::uint64_t old_epoch = peer.outbox.epoch();
  const std::uint64_t could_have_sent = peer.highest_transmitted;
  peer.outbox.start_epoch(random_u64());
  peer.recovered_last_seq = 0;
  peer.highest_transmitted = 0;
  peer.durable_seq = 0;
  for (auto& circuit : peer.circuits) circuit->transmitted_seq = 0;
  peer.batch_header.Clear();
  journal::Record identity;
  name_in_journal(identity, peer);
  identity.mutable_identity()->set_party(options_.party);
  identity.mutable_identity()->set_epoch(peer.outbox.epoch());
  identity.mutable_identity()->set_generated(peer.generated);
  record(identity);
  NodeEvent e = event(NodeEvent::Kind::kNote, peer);
  e.reason = "the peer delivered messages up to " + std::to_string(peer_delivered) + " of epoch " +
             std::to_string(old_epoch) + ", past the " + std::to_string(could_have_sent) +
             " this node could have sent it: the journal went back in time. Continuing in epoch " +
             std::to_string(peer.outbox.epoch()) + "; " + std::to_string(not_delivered.size()) +
             " message(s) accepted since the start go again in it";
  emit(e);
  for (auto& envelope : not_delivered) {
    envelope.clear_seq();
    envelope.clear_epoch();
    try {
      // Accepted once already: not refused now for the peer's frame limit or a full outbox (a
      // message too large for the peer is held, with an error, as before).
      number_and_keep(peer, std::move(envelope), false);
    } catch (const JournalIoError&) {
      return;  // the node has stopped, saying why
    }
  }
}

}  // namespace hotline::node
