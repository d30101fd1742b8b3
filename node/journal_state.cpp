#include "node/journal_state.h"

#include <algorithm>

#include "node/journal_format.h"

namespace hotline::node {

void JournalState::apply(const journal::Record& record) {
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
      party = identity.party();
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
    case journal::Record::kWatermark: {
      auto& watermark = delivered[record.watermark().peer_epoch()];
      watermark = std::max(watermark, record.watermark().delivered_seq());
      break;
    }
    case journal::Record::KIND_NOT_SET:
      break;
  }
}

std::string JournalState::encode_snapshot(
    const std::vector<const wire::Envelope*>* unacknowledged_envelopes) const {
  std::string bytes;
  journal::Record record;
  journal::Identity& identity = *record.mutable_identity();
  identity.set_party(party);
  identity.set_epoch(epoch);
  identity.set_last_seq(last_seq);
  identity.set_acknowledged_seq(acknowledged_seq);
  identity.set_generated(generated);
  journal_format::append_record(bytes, record);
  // Not marked generated: identity.generated counts them already.
  if (unacknowledged_envelopes != nullptr) {
    for (const wire::Envelope* envelope : *unacknowledged_envelopes) {
      journal_format::append_sent(bytes, *envelope, false);
    }
  } else {
    for (const auto& [seq, sent] : unacknowledged) {
      journal_format::append_sent(bytes, sent.envelope(), false);
    }
  }
  for (const auto& [peer_epoch, seq] : delivered) {
    record.mutable_watermark()->set_peer_epoch(peer_epoch);
    record.mutable_watermark()->set_delivered_seq(seq);
    journal_format::append_record(bytes, record);
  }
  for (const auto& envelope : recent_deliveries) journal_format::append_delivered(bytes, envelope);
  return bytes;
}

}  // namespace hotline::node
