#pragma once
// What a journal says about its node, record by record folded together.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "proto/journal.pb.h"

namespace hotline::node {

struct JournalState {
  std::string party;
  std::uint64_t epoch = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t acknowledged_seq = 0;
  std::uint64_t generated = 0;
  std::map<std::uint64_t, journal::Sent> unacknowledged;  // by seq
  std::map<std::uint64_t, std::uint64_t> delivered;       // peer epoch -> delivered seq
  // Deliveries still held with their payload (since the last compaction), in order.
  std::vector<wire::Envelope> recent_deliveries;

  void apply(const journal::Record& record);
  // The records that rebuild this state, as a compaction writes them: the identity, the
  // unacknowledged messages, the watermarks, then the recent deliveries with their payload
  // (those not yet announced must survive a compaction whole).
  std::vector<journal::Record> snapshot() const;
};

}  // namespace hotline::node
