#include "node/journal_state.h"

#include <algorithm>

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

std::vector<journal::Record> JournalState::snapshot() const {
  std::vector<journal::Record> records(1);
  journal::Identity& identity = *records[0].mutable_identity();
  identity.set_party(party);
  identity.set_epoch(epoch);
  identity.set_last_seq(last_seq);
  identity.set_acknowledged_seq(acknowledged_seq);
  identity.set_generated(generated);
  for (const auto& [seq, sent] : unacknowledged) {
    journal::Record record;
    *record.mutable_sent()->mutable_envelope() = sent.envelope();
    // Counted in identity.generated already.
    records.push_back(std::move(record));
  }
  for (const auto& [peer_epoch, seq] : delivered) {
    journal::Record record;
    record.mutable_watermark()->set_peer_epoch(peer_epoch);
    record.mutable_watermark()->set_delivered_seq(seq);
    records.push_back(std::move(record));
  }
  for (const auto& envelope : recent_deliveries) {
    journal::Record record;
    *record.mutable_delivered()->mutable_envelope() = envelope;
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace hotline::node
