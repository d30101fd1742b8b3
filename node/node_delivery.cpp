// The node's receiving side: taking acknowledgements and reliable envelopes, delivering them
// exactly once through the commit pipeline (journalled, then announced and acknowledged once
// durable), acknowledgements, and journal compaction.

#include <algorithm>

#include "node/node.h"
#include "node/node_internal.h"
#include "node/protocol.h"

namespace hotline::node {

using namespace internal;

// ---- receiving -----------------------------------------------------------------------------

void Node::on_envelope(const std::shared_ptr<Session>& session, const wire::Envelope& envelope) {
  Circuit* circuit = circuit_of(*session);
  if (circuit == nullptr || circuit->session != session) return;
  PeerLink& peer = circuit->link;
  try {
    // An acknowledgement past what could have reached the peer, yet within our numbering: the
    // peer holds messages of an earlier life under numbers this life gave to others (our
    // journal went back in time, and the peer's Hello named only what it had made durable).
    if (envelope.ack_epoch() == peer.outbox.epoch() && envelope.ack() > peer.highest_transmitted &&
        envelope.ack() <= peer.outbox.last_seq()) {
      start_new_epoch(peer, envelope.ack());
      session->abort("this node's journal went back in time; it continues in a new epoch");
      return;
    }
    take_acknowledgement(peer, envelope);
    if (is_reliable(envelope)) {
      take_reliable(*circuit, envelope);
      circuit->brought(envelope.epoch(), envelope.seq());
      acknowledge_at_commit(peer);
    } else if (envelope.has_batch()) {
      const auto& item_bytes = session->batch_item_bytes();
      for (std::size_t i = 0; i < item_bytes.size(); ++i) {
        if (stopping_) return;  // the journal failed on an earlier item
        wire::Envelope& item = session->batch_item(i);
        const std::uint64_t epoch = item.epoch();  // the item may be taken by a swap
        const std::uint64_t seq = item.seq();
        // An item parsed on the reader's arena would be copied by a swap, twice: copied once.
        take_reliable(*circuit, item, item_bytes[i], item.GetArena() == nullptr ? &item : nullptr);
        circuit->brought(epoch, seq);
      }
      acknowledge_at_commit(peer);
    } else if (envelope.has_bye()) {
      if (!peer.said_bye) {
        peer.said_bye = true;
        peer.bye_epoch = envelope.epoch();
        peer.bye_last_seq = envelope.bye().last_seq();
        NodeEvent e = event(NodeEvent::Kind::kPeerBye, peer);
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

void Node::take_acknowledgement(PeerLink& peer, const wire::Envelope& envelope) {
  if (envelope.ack_epoch() != peer.outbox.epoch() ||
      envelope.ack() <= peer.outbox.acknowledged_seq()) {
    return;
  }
  acknowledged_up_to(peer, envelope.ack());
}

void Node::acknowledged_up_to(PeerLink& peer, std::uint64_t seq) {
  const auto& done = peer.outbox.acknowledge(seq);
  journal::Record acknowledged;
  name_in_journal(acknowledged, peer);
  acknowledged.mutable_acknowledged()->set_seq(seq);
  record(acknowledged);
  emit_acknowledged(peer, done);
  if (on_room_) on_room_();
}

void Node::emit_acknowledged(const PeerLink& peer, const std::vector<Outbox::Acknowledged>& done) {
  const auto now = clock_.now().steady;
  for (const auto& item : done) {
    NodeEvent e = event(NodeEvent::Kind::kAcked, peer);
    e.seq = item.seq;
    e.epoch = peer.outbox.epoch();
    e.duration = std::chrono::duration_cast<std::chrono::microseconds>(now - item.first_sent);
    if (item.payload == wire::Envelope::kLinkTest) e.reason = "link_test";
    emit(e);
  }
}

void Node::take_reliable(const Circuit& circuit, const wire::Envelope& envelope,
                         std::string_view arrived_as, wire::Envelope* yours) {
  PeerLink& peer = circuit.link;
  switch (peer.inbox.accept(envelope)) {
    case Inbox::Arrival::kDuplicate: {
      peer.ack_forced = true;
      NodeEvent e = event(NodeEvent::Kind::kDuplicate, peer);
      e.seq = envelope.seq();
      e.epoch = envelope.epoch();
      e.circuit = circuit.name;
      emit(e);
      break;
    }
    case Inbox::Arrival::kHeld:
      break;
    case Inbox::Arrival::kDeliverable: {
      const std::uint64_t epoch = envelope.epoch();  // `envelope` may be taken by deliver()
      deliver(circuit, envelope, arrived_as, yours);
      while (auto unblocked = peer.inbox.next_unblocked(epoch)) {
        deliver(circuit, *unblocked, {}, &*unblocked);
      }
      break;
    }
  }
}

void Node::acknowledge_at_commit(PeerLink& peer) {
  // Acknowledge at the commit point, once what was delivered is durable; a duplicate is
  // acknowledged again, since the peer evidently missed the first one. Without a journal there
  // is nothing to wait for.
  peer.pipeline.owe_acknowledgement();
  if (journal_) {
    schedule_commit();
  } else {
    commit_point();
  }
}

// ---- durability ----------------------------------------------------------------------------

void Node::deliver(const Circuit& circuit, const wire::Envelope& envelope,
                   std::string_view arrived_as, wire::Envelope* yours) {
  PeerLink& peer = circuit.link;
  // A message after the peer's goodbye (from a restarted peer, or numbered past the Bye's
  // last_seq) withdraws it: the peer has more to say, and we wait for its next Bye.
  if (peer.said_bye && (envelope.epoch() != peer.bye_epoch || envelope.seq() > peer.bye_last_seq)) {
    peer.said_bye = false;
  }
  if (journal_) {
    const bool appended = journalled([&] {
      if (arrived_as.empty()) {
        journal_->append_delivered(envelope, peer.journal_name);
      } else {
        journal_->append_delivered_item(arrived_as, envelope.epoch(), peer.journal_name);
      }
    });
    if (!appended) return;
    if (yours != nullptr) {
      peer.pipeline.take_delivery(*yours, circuit.name);
    } else {
      peer.pipeline.add_delivery(envelope, circuit.name);
    }
  } else {
    announce(peer, envelope, circuit.name, false);
  }
}

void Node::announce(PeerLink& peer, const wire::Envelope& envelope, const std::string& circuit,
                    bool recovered) {
  auto& durable = peer.durable_delivered[envelope.epoch()];
  durable = std::max(durable, envelope.seq());
  NodeEvent e = event(NodeEvent::Kind::kDelivered, peer);
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
  if (commit_point_posted_) return;
  commit_point_posted_ = true;
  // Posted, so everything this turn of the event loop adds shares one write and one fsync,
  // and a reply sent from a delivery callback carries the acknowledgement.
  asio::post(io_, [this] { commit_point(); });
}

void Node::commit_point() {
  commit_point_posted_ = false;
  if (stopping_) return;
  Journal::Ticket ticket = 0;
  if (journal_ && !journalled([&] { ticket = journal_->commit(); })) return;
  for (auto& peer : peers_) peer->pipeline.commit(ticket, peer->outbox.last_seq());
  if (!journal_) {
    release(ticket);
  } else if (journal_->synced_ticket() >= ticket) {
    release(journal_->synced_ticket());
  }
}

std::string Node::snapshot() const {
  JournalState state;
  state.party = options_.party;
  JournalState::Unacknowledged unacknowledged;
  for (const auto& peer : peers_) {
    PeerJournal& held = state.peers[peer->journal_name];
    held.epoch = peer->outbox.epoch();
    held.last_seq = peer->outbox.last_seq();
    held.acknowledged_seq = peer->outbox.acknowledged_seq();
    held.generated = peer->generated;
    held.delivered = peer->durable_delivered;
    auto& items = unacknowledged[peer->journal_name];
    items.reserve(peer->outbox.size());
    for (std::size_t i = 0; i < peer->outbox.size(); ++i) {
      const Outbox::Entry& entry = peer->outbox.at(i);
      items.push_back({&entry.envelope, entry.item});
    }
  }
  // Deliveries appended but not yet announced are not here: the journal carries what it was
  // given since its last commit into the new file itself.
  return state.encode_snapshot(&unacknowledged);
}

void Node::release(Journal::Ticket ticket) {
  bool ack_due = false;
  bool nothing_written = true;
  for (auto& link : peers_) {
    PeerLink& peer = *link;
    const auto released = peer.pipeline.release(ticket, [this, &peer](const Delivery& delivery) {
      announce(peer, delivery.envelope, *delivery.circuit, delivery.circuit == &kRecoveredCircuit);
    });
    peer.durable_seq = std::max(peer.durable_seq, released.last_seq);
    pump(peer);
    ack_due = ack_due || released.ack_due;
    nothing_written = nothing_written && peer.pipeline.nothing_written();
  }
  if (ack_due) post_ack_flush();
  if (journal_ && nothing_written && journal_->wants_compaction() && !stopping_ &&
      !journalled([&] { journal_->compact(snapshot()); })) {
    return;
  }
  maybe_finish();
}

void Node::on_read_finished(const std::shared_ptr<Session>& session) {
  const Circuit* circuit = circuit_of(*session);
  // The bytes a held-back ack waited for have been read, whole frames or not: it goes after
  // this turn's commit, unless more wait by then (at most kMostAcksDeferred in a row).
  if (circuit != nullptr && circuit->session == session && circuit->acks_deferred > 0) {
    post_ack_flush();
  }
}

void Node::post_ack_flush() {
  if (ack_flush_posted_) return;
  ack_flush_posted_ = true;
  // Posted, so that a reply written from a delivery callback carries the ack instead.
  asio::post(io_, [this] { flush_acks(); });
}

void Node::flush_acks() {
  ack_flush_posted_ = false;
  if (stopping_) return;
  for (auto& peer : peers_) flush_acks(*peer);
}

void Node::flush_acks(PeerLink& peer) {
  for (auto& circuit : peer.circuits) {
    if (!circuit->session) continue;
    const std::uint64_t peer_epoch = circuit->session->peer_epoch();
    const std::uint64_t ack = delivered_of(peer, peer_epoch);
    // A dropped Ack (Circuit::ack_dropped) may have been forced by a duplicate.
    const bool forced = peer.ack_forced || circuit->ack_dropped;
    if (circuit->carried_ack(peer_epoch, ack) && !forced) continue;
    // Acknowledged on every circuit, a stream on the primary had cost an ack on the backup at
    // every read (its empty socket never holds one back): the backup's heartbeats carry it.
    if (!circuit->owes_ack(peer_epoch) && !forced) continue;
    if (!forced && circuit->acks_deferred < kMostAcksDeferred &&
        circuit->session->unread_bytes() > 0) {
      ++circuit->acks_deferred;
      continue;
    }
    circuit->acks_deferred = 0;
    wire::Envelope envelope = control_envelope(peer);
    envelope.mutable_ack_only();
    send_control(*circuit, std::move(envelope));
  }
  peer.ack_forced = false;
}

}  // namespace hotline::node
