#pragma once
// The commit pipeline: what a node has taken in, from the moment it is appended to the journal
// to the moment it may be acted on. Each batch passes three stages:
//
//   open     deliveries appended to the journal since the last commit point, and whether an
//            acknowledgement is owed (something was delivered, or a duplicate came: the peer
//            missed an ack). The node posts one commit point for the end of the event loop's
//            turn, so everything of a turn, on every link, shares one write() and one fsync.
//
// One pipeline per link (the peer's deliveries and this node's numbering toward it); the
// node's commit points close every link's open batch under the same journal ticket.
//   written  closed at a commit point under the journal's ticket, with the outbox numbered up
//            to last_seq: in the file, waiting for the fsync that covers the ticket.
//   durable  that fsync has come (at once without a journal, or with --fsync none): released,
//            in ticket order. Its deliveries are announced, its messages up to last_seq may be
//            transmitted, and its acknowledgement is sent.
//
// Invariants: written batches have increasing tickets; one is released only with or after
// every batch before it; nothing is announced, transmitted or acknowledged before it is
// durable. Pure bookkeeping: no sockets, no clock, no journal (the node drives it).

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "node/delivery_list.h"

namespace hotline::node {

class CommitPipeline {
 public:
  using Ticket = std::uint64_t;

  // The open batch.
  void add_delivery(const wire::Envelope& envelope, const std::string& circuit) {
    open_.deliveries.add(envelope, circuit);
  }
  // The same, taking `envelope`'s contents by swapping (DeliveryList::take).
  void take_delivery(wire::Envelope& envelope, const std::string& circuit) {
    open_.deliveries.take(envelope, circuit);
  }
  void owe_acknowledgement() { open_.ack_due = true; }
  std::size_t open_deliveries() const { return open_.deliveries.size(); }

  // The commit point: the open batch is written under `ticket`, the outbox numbered to
  // `last_seq`. Throws std::logic_error if tickets go back.
  void commit(Ticket ticket, std::uint64_t last_seq);

  // What release() made durable, all batches together.
  struct Released {
    std::uint64_t last_seq = 0;  // the outbox is durable up to here
    bool ack_due = false;
  };
  // Releases, in order, every written batch whose ticket is at most `synced`, handing each of
  // its deliveries to `announce` (called as announce(const Delivery&)).
  template <typename Announce>
  Released release(Ticket synced, Announce&& announce) {
    Released released;
    while (!written_.empty() && written_.front().ticket <= synced) {
      Batch& batch = written_.front();
      released.last_seq = std::max(released.last_seq, batch.last_seq);
      released.ack_due = released.ack_due || batch.ack_due;
      for (const Delivery& delivery : batch.deliveries) announce(delivery);
      recycle(std::move(batch.deliveries));
      written_.pop_front();
    }
    return released;
  }

  // Nothing is waiting for an fsync (a compaction may then rewrite the journal).
  bool nothing_written() const { return written_.empty(); }

 private:
  struct Batch {
    Ticket ticket = 0;
    std::uint64_t last_seq = 0;
    DeliveryList deliveries;
    bool ack_due = false;
  };
  void recycle(DeliveryList&& list);

  Batch open_;
  std::deque<Batch> written_;
  // Lists of announced deliveries, kept for their envelopes' memory.
  std::vector<DeliveryList> spare_lists_;
};

}  // namespace hotline::node
