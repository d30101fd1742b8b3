#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <map>
#include <memory>
#include <vector>

#include "common/endpoint.h"
#include "common/frame.h"
#include "node/journal.h"

namespace hotline::node {

// One party this node keeps a link with, and how its circuits are made: a primary, then
// optionally a backup, each listened for or dialled.
struct PeerOptions {
  std::string party;
  std::vector<common::Endpoint> listen;
  std::vector<common::Endpoint> connect;
};

struct NodeOptions {
  std::string party;
  // The links this node keeps, one per peer, in the order given. A node of one peer may name it
  // and its circuits in `peer`, `listen` and `connect` instead, which finalize() moves here.
  std::vector<PeerOptions> peers;
  std::string peer;
  std::vector<common::Endpoint> listen;
  std::vector<common::Endpoint> connect;
  std::filesystem::path certs_dir;
  std::uint32_t max_frame_bytes = common::kDefaultMaxFrameBytes;
  // After the local side has finished sending: how long to wait for acknowledgements and the
  // peer's Bye before stopping anyway.
  std::chrono::milliseconds linger{10000};
  std::chrono::milliseconds hello_timeout{5000};
  std::chrono::milliseconds redial_initial{100};
  std::chrono::milliseconds redial_cap{5000};
  // Distinguishes two lives of this node's numbering; 0 picks a random one (ignored when a
  // journal already holds one).
  std::uint64_t epoch = 0;

  // Durable state; without it a restarted node starts a new epoch.
  std::optional<std::filesystem::path> journal;
  FsyncPolicy fsync = FsyncPolicy::kBatch;
  std::uint64_t compact_after_bytes = 16 * 1024 * 1024;
  // With FsyncPolicy::kBatch, the least time between the starts of two fsyncs
  // (Journal::Options::fsync_interval).
  std::chrono::microseconds fsync_interval{1000};
  // The system calls the journal makes (a seam for tests that make the disk fail); null for
  // the system's own.
  std::shared_ptr<JournalFiles> journal_files;
  // Deliveries already announced to the user before a restart (peer -> peer epoch -> seq),
  // read back from the event log. With it, deliveries the journal holds beyond these are
  // announced once at start; without it nothing is re-announced.
  std::optional<std::map<std::string, std::map<std::uint64_t, std::uint64_t>>> announced;

  // Liveness: a heartbeat on every idle circuit each interval; a circuit that hears nothing for
  // `heartbeat_misses` intervals is declared down.
  std::chrono::milliseconds heartbeat_interval{1000};
  int heartbeat_misses = 3;
  // Unacknowledged for this long on a live circuit: send again.
  std::chrono::milliseconds retransmit_timeout{3000};
  // Periodic test messages, as on the real link; zero turns them off.
  std::chrono::milliseconds link_test_interval{0};

  // Back-pressure: the console and the generator are told to wait once the messages not yet
  // acknowledged hold this much (see Outbox::bytes()).
  std::size_t max_outbox_bytes = 64 * 1024 * 1024;
};

// The peer of one of the two default parties; "" for any other party.
std::string default_peer_of(const std::string& party);

// The largest frame `--max-frame` accepts.
inline constexpr std::uint32_t kMaxFrameCeiling = 16 * 1024 * 1024;
// The most peers one node keeps links with (a scenario has at most eight parties).
inline constexpr std::size_t kMaxPeers = 7;

// Fills defaults and checks the combination; throws std::invalid_argument saying what is wrong.
// Afterwards `peers` holds every link, and for a node of one peer `peer`, `listen` and
// `connect` hold its too.

void finalize(NodeOptions& options);

}  // namespace hotline::node
