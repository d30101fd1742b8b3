#include "node/journal_state.h"

#include <algorithm>

#include "node/journal_format.h"

namespace hotline::node {

void PeerJournal::apply(const journal::Record& record) {
  switch (record.kind_case()) {
    case journal::Record::kIdentity: {
      const auto& identity = record.identity();
      if (epoch != 0 && identity.epoch() != epoch) {
        // The node started a new epoch (its journal had gone back in time): numbering starts
        // again, and everything of the old epoch was acknowledged.
        last_seq = 0;
        acknowledged_seq = 0;
        unacknowledged.clear();
      }
      epoch = identity.epoch();
      last_seq = std::max(last_seq, identity.last_seq());
      acknowledged_seq = std::max(acknowledged_seq, identity.acknowledged_seq());
      generated = std::max(generated, identity.generated());
      break;
    }
    case journal::Record::kSent: {
      const std::uint64_t seq = record.sent().envelope().seq();
      last_seq = std::max(last_seq, seq);
      if (record.sent().generated()) ++generated;
      if (seq > acknowledged_seq) unacknowledged[seq] = record.sent();
      break;
    }
    case journal::Record::kAcknowledged: {
      acknowledged_seq = std::max(acknowledged_seq, record.acknowledged().seq());
      unacknowledged.erase(unacknowledged.begin(), unacknowledged.upper_bound(acknowledged_seq));
      break;
    }
    case journal::Record::kDelivered: {
      const auto& envelope = record.delivered().envelope();
      auto& watermark = delivered[envelope.epoch()];
      watermark = std::max(watermark, envelope.seq());
      recent_deliveries.push_back(envelope);
      break;
    }
    case journal::Record::kSentItems: {
      const auto& group = record.sent_items();
      for (const wire::Envelope& item : group.items()) {
        const std::uint64_t seq = item.seq();
        last_seq = std::max(last_seq, seq);
        if (seq <= acknowledged_seq) continue;
        wire::Envelope& envelope = *unacknowledged[seq].mutable_envelope();
        envelope = item;
        envelope.set_version(group.version());
        envelope.set_sender(group.sender());
        envelope.set_epoch(group.epoch());
      }
      generated = std::max(generated, group.generated_through());
      break;
    }
    case journal::Record::kDeliveredItems: {
      const auto& group = record.delivered_items();
      auto& watermark = delivered[group.epoch()];
      for (const wire::Envelope& item : group.items()) {
        watermark = std::max(watermark, item.seq());
        recent_deliveries.push_back(item);
        recent_deliveries.back().set_epoch(group.epoch());
      }
      break;
    }
    case journal::Record::kWatermark: {
      auto& watermark = delivered[record.watermark().peer_epoch()];
      watermark = std::max(watermark, record.watermark().delivered_seq());
      break;
    }
    case journal::Record::KIND_NOT_SET:
      break;
  }
}

void JournalState::apply(const journal::Record& record) {
  if (record.has_identity()) {
    party = record.identity().party();
    // A node of several peers opens its journal with an identity of no peer and no epoch.
    if (record.identity().epoch() == 0) return;
  }
  peers[record.peer()].apply(record);
}

const PeerJournal& JournalState::only() const {
  static const PeerJournal kNothing;
  const auto found = peers.find("");
  return found == peers.end() ? kNothing : found->second;
}

namespace {

// Consecutive items of one version, sender and epoch share a SentItems record, up to a group's
// size.
void append_item_groups(std::string& out, const std::vector<JournalState::UnacknowledgedItem>& list,
                        const std::string& peer) {
  std::vector<std::string_view> group;
  std::size_t group_bytes = 0;
  const wire::Envelope* first = nullptr;
  const auto close = [&] {
    if (group.empty()) return;
    journal_format::append_sent_items(out, first->version(), first->sender(), first->epoch(), group,
                                      peer);
    group.clear();
    group_bytes = 0;
  };
  for (const auto& [envelope, item] : list) {
    if (first == nullptr || envelope->version() != first->version() ||
        envelope->sender() != first->sender() || envelope->epoch() != first->epoch() ||
        group_bytes >= journal_format::kLargestGroupBytes) {
      close();
      first = envelope;
    }
    group.push_back(item);
    group_bytes += item.size();
  }
  close();
}

}  // namespace

std::string JournalState::encode_snapshot(const Unacknowledged* unacknowledged) const {
  std::string bytes;
  if (unacknowledged != nullptr) {
    // Grown once: doubling a buffer of megabytes copies it and faults in fresh pages each time.
    std::size_t items_bytes = 0;
    for (const auto& [peer, list] : *unacknowledged)
      for (const auto& unacknowledged_item : list)
        items_bytes += unacknowledged_item.item.size() + 8;
    bytes.reserve(items_bytes + 4096);
  }
  journal::Record record;
  const bool named = peers.size() != 1 || peers.begin()->first != "";
  if (named) {
    record.mutable_identity()->set_party(party);
    journal_format::append_record(bytes, record);
  }
  for (const auto& [peer, state] : peers) {
    record.Clear();
    record.set_peer(peer);
    journal::Identity& identity = *record.mutable_identity();
    identity.set_party(party);
    identity.set_epoch(state.epoch);
    identity.set_last_seq(state.last_seq);
    identity.set_acknowledged_seq(state.acknowledged_seq);
    identity.set_generated(state.generated);
    journal_format::append_record(bytes, record);
    // Not marked generated: identity.generated counts them already.
    if (unacknowledged != nullptr) {
      const auto found = unacknowledged->find(peer);
      if (found != unacknowledged->end()) append_item_groups(bytes, found->second, peer);
    } else {
      for (const auto& [seq, sent] : state.unacknowledged)
        journal_format::append_sent(bytes, sent.envelope(), false, peer);
    }
    record.Clear();
    record.set_peer(peer);
    for (const auto& [peer_epoch, seq] : state.delivered) {
      record.mutable_watermark()->set_peer_epoch(peer_epoch);
      record.mutable_watermark()->set_delivered_seq(seq);
      journal_format::append_record(bytes, record);
    }
    for (const auto& envelope : state.recent_deliveries)
      journal_format::append_delivered(bytes, envelope, peer);
  }
  return bytes;
}

}  // namespace hotline::node
