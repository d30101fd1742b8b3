#pragma once
// What a node holds for one peer: the circuits to it, what it sent the peer and has not had
// acknowledged (the outbox), what it delivered of the peer's epochs (the inbox and the
// journalled watermarks), what of that waits for the journal (its commit pipeline), and where
// the conversation stands (the peer's epoch and frame limit, Byes, link tests). A node holds one
// per peer, each with its own numbering (epoch and sequence numbers), journal records and
// circuits, beside what is node-wide (the journal and its commit points, the TLS contexts, the
// event stream). Links share nothing but the journal's commits: one peer's silence or backlog
// holds no other peer's messages.

#include <asio.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "common/endpoint.h"
#include "node/batch_frame.h"
#include "node/commit_pipeline.h"
#include "node/inbox.h"
#include "node/node_options.h"
#include "node/outbox.h"
#include "node/session.h"

namespace hotline::node {

struct PeerLink;

// One way to the peer (primary or backup): listening for it, or dialling it.
struct Circuit {
  Circuit(asio::io_context& io, PeerLink& link, std::string name, std::uint64_t seed,
          const NodeOptions& options);
  PeerLink& link;  // the peer it leads to
  std::string name;
  std::optional<common::Endpoint> listen;
  std::optional<common::Endpoint> connect;
  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::resolver resolver;
  // Dialling: the wait before the next dial. Listening: the pause after a failed accept.
  asio::steady_timer redial_timer;
  common::Backoff backoff;
  bool dialling = false;
  std::shared_ptr<Session> session;   // established (Hello exchanged), or null
  std::uint64_t transmitted_seq = 0;  // last seq handed to this circuit's session
  // The cumulative ack this circuit last carried, and the peer's epoch it counted in: a peer
  // that restarted numbers from 1 again, so the same number in a new epoch is a new ack.
  std::uint64_t ack_sent = 0;
  std::uint64_t ack_sent_epoch = 0;
  // Acks held back in a row because more of the peer's frames were already waiting (see
  // Node::flush_acks).
  int acks_deferred = 0;
  // An Ack met the high-water mark and was not queued. It goes once the queue drains
  // (Node::on_drained), unless an envelope carries the ack first: the peer may be waiting for it
  // to send more, and the node may have nothing else to send.
  bool ack_dropped = false;
  // The highest of the peer's messages that came on this circuit. The circuit owes an Ack until
  // it has carried one that covers it. A circuit they do not come on (a backup, while the primary
  // carries the traffic) is acknowledged by its heartbeats; after a duplicate, the next Ack goes
  // on every circuit.
  std::uint64_t brought_epoch = 0;
  std::uint64_t brought_seq = 0;

  bool carried_ack(std::uint64_t epoch, std::uint64_t seq) const {
    return ack_sent_epoch == epoch && ack_sent == seq;
  }
  void brought(std::uint64_t epoch, std::uint64_t seq) {
    brought_seq = epoch == brought_epoch ? std::max(brought_seq, seq) : seq;
    brought_epoch = epoch;
  }
  // What came in an epoch the peer has left behind (it restarted without its journal) is owed
  // nothing: that peer no longer holds those messages.
  bool owes_ack(std::uint64_t peer_epoch) const {
    return brought_seq != 0 && brought_epoch == peer_epoch &&
           !(ack_sent_epoch == brought_epoch && ack_sent >= brought_seq);
  }
};

struct PeerLink {
  PeerLink(std::string party, std::string journal_name, Outbox outbox)
      : party(std::move(party)), journal_name(std::move(journal_name)), outbox(std::move(outbox)) {}

  std::string party;
  // How the journal names this link: the party in the journal of a node of several peers,
  // empty for a node of one (journal_state.h).
  std::string journal_name;
  std::vector<std::unique_ptr<Circuit>> circuits;

  // Sending to the peer.
  Outbox outbox;
  std::uint64_t durable_seq = 0;  // outbox entries up to here are in the journal
  // The last seq the journal held at start: later ones were numbered in this life.
  std::uint64_t recovered_last_seq = 0;
  // The highest seq of this epoch that may have reached the peer: the journal's (an earlier
  // life may have sent them all), then whatever this life transmits. The peer cannot have
  // delivered more; if it says it has, this node's journal went back in time.
  std::uint64_t highest_transmitted = 0;
  // Messages from a load generator, this life's and, with a journal, earlier ones.
  std::uint64_t generated = 0;
  // The largest frame the peer accepts, from its last Hello; 0 until one arrives.
  std::uint32_t max_frame = 0;
  std::uint64_t reported_too_large = 0;  // the last entry reported too large for max_frame

  // Reused by the node's pump() for each batch it sends: the header (it names this link's
  // epoch) and the entries. A pump of one link may run inside another's (an observer sends from
  // a `sent` event), so each link has its own.
  bool pumping = false;
  wire::Envelope batch_header;
  std::vector<Outbox::Entry*> batch_entries;
  std::vector<BatchItem> batch_items;

  // Receiving from the peer.
  Inbox inbox;
  CommitPipeline pipeline;
  std::map<std::uint64_t, std::uint64_t> durable_delivered;  // peer epoch -> seq, journaled
  // The epoch the latest Hello named; each session keeps its own.
  std::uint64_t epoch = 0;
  bool ack_forced = false;  // a duplicate arrived: the peer missed an ack

  // Saying goodbye, and checking the link.
  bool bye_sent = false;
  bool said_bye = false;        // the peer said Bye
  std::uint64_t bye_epoch = 0;  // the epoch and last seq the peer's Bye named
  std::uint64_t bye_last_seq = 0;
  std::chrono::steady_clock::time_point next_link_test{};
  std::uint64_t link_tests_sent = 0;
};

}  // namespace hotline::node
