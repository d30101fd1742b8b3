#pragma once
// What a journal says about its node, record by record folded together.
//
// A node of one peer names no peer in its records (its journal reads as it always did); a node
// of several names the peer in each record that concerns one (journal::Record::peer), and its
// first record, an identity without a peer, says only whose journal it is.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "proto/journal.pb.h"

namespace hotline::node {

// What the journal holds of one link: this node's numbering toward the peer, and what it
// delivered of the peer's.
struct PeerJournal {
  std::uint64_t epoch = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t acknowledged_seq = 0;
  std::uint64_t generated = 0;
  std::map<std::uint64_t, journal::Sent> unacknowledged;  // by seq
  std::map<std::uint64_t, std::uint64_t> delivered;       // peer epoch -> delivered seq
  // Deliveries still held with their payload (since the last compaction), in order.
  std::vector<wire::Envelope> recent_deliveries;

  void apply(const journal::Record& record);
};

struct JournalState {
  std::string party;
  // By the peer's name; "" for the peer of a node of one peer.
  std::map<std::string, PeerJournal> peers;

  // Nothing recovered: a new journal.
  bool empty() const { return party.empty(); }
  void apply(const journal::Record& record);
  // The state of a node of one peer (empty if the journal holds none yet).
  const PeerJournal& only() const;
  PeerJournal& only() { return peers[""]; }

  // The records that rebuild this state, encoded as a compaction writes them: the identity,
  // then per peer its identity (a node of several peers), the unacknowledged messages, the
  // watermarks and the recent deliveries with their payload (those not yet announced must
  // survive a compaction whole). A live node passes its outboxes' messages, in order, by peer,
  // as `unacknowledged` instead of copying them into the maps, each with its seq and payload
  // already encoded as an item (encode_item_body): the snapshot copies those bytes into
  // SentItems records rather than encode every envelope again. A snapshot of 16,384 messages
  // took 4-8 ms encoded envelope by envelope, on the node's thread, at every compaction.
  struct UnacknowledgedItem {
    const wire::Envelope* envelope;  // for its version, sender and epoch
    std::string_view item;
  };
  using Unacknowledged = std::map<std::string, std::vector<UnacknowledgedItem>>;
  std::string encode_snapshot(const Unacknowledged* unacknowledged = nullptr) const;
};

}  // namespace hotline::node
