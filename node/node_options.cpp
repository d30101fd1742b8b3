#include "node/node_options.h"

#include <stdexcept>

#include "node/outbox.h"

namespace hotline::node {

std::string default_peer_of(const std::string& party) {
  if (party == "washington") return "moscow";
  if (party == "moscow") return "washington";
  return "";
}

void finalize(NodeOptions& options) {
  if (options.party.empty()) throw std::invalid_argument("--party is required");
  if (options.peers.empty()) {
    PeerOptions only{options.peer, options.listen, options.connect};
    if (only.party.empty()) only.party = default_peer_of(options.party);
    if (only.party.empty()) {
      throw std::invalid_argument("--peer is required for party \"" + options.party + "\"");
    }
    options.peers.push_back(std::move(only));
  } else if (options.peers.size() == 1 && options.peers[0].party.empty()) {
    // One link whose peer was not named: the default peer.
    options.peers[0].party = default_peer_of(options.party);
    if (options.peers[0].party.empty()) {
      throw std::invalid_argument("--peer is required for party \"" + options.party + "\"");
    }
  } else if ((!options.listen.empty() || !options.connect.empty()) &&
             (options.peers.size() > 1 || options.listen != options.peers[0].listen ||
              options.connect != options.peers[0].connect)) {
    throw std::invalid_argument(
        "with several peers, give each its addresses as --listen PEER=ADDRESS or --connect "
        "PEER=ADDRESS");
  }
  if (options.peers.size() > kMaxPeers) {
    throw std::invalid_argument("at most " + std::to_string(kMaxPeers) + " peers, got " +
                                std::to_string(options.peers.size()));
  }
  for (std::size_t i = 0; i < options.peers.size(); ++i) {
    const PeerOptions& peer = options.peers[i];
    const std::string which = options.peers.size() > 1 ? " for peer " + peer.party : "";
    if (peer.party.empty()) throw std::invalid_argument("a peer needs a party name");
    if (peer.party == options.party) {
      throw std::invalid_argument("the peer cannot be this node's own party (" + options.party +
                                  ")");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (options.peers[j].party == peer.party)
        throw std::invalid_argument("peer " + peer.party + " is named twice");
    }
    if (peer.listen.empty() == peer.connect.empty()) {
      throw std::invalid_argument("give exactly one of --listen or --connect" + which);
    }
    if (peer.listen.size() > 2 || peer.connect.size() > 2) {
      throw std::invalid_argument("at most two circuits" + which +
                                  ": a primary and a backup address");
    }
  }
  if (options.peers.size() == 1) {
    options.peer = options.peers[0].party;
    options.listen = options.peers[0].listen;
    options.connect = options.peers[0].connect;
  } else {
    options.peer.clear();
  }
  if (options.heartbeat_interval.count() <= 0 || options.heartbeat_misses < 1) {
    throw std::invalid_argument("heartbeats need a positive interval and at least one miss");
  }
  if (options.certs_dir.empty()) throw std::invalid_argument("--certs is required");
  // Upper bounds: a frame buffer, a wait or a window past these is a slip of the keyboard that
  // would cost gigabytes or leave a link silent for days, never a setting anyone needs.
  if (options.max_frame_bytes < 256 || options.max_frame_bytes > kMaxFrameCeiling) {
    throw std::invalid_argument("--max-frame must be from 256 bytes to 16 MiB (" +
                                std::to_string(kMaxFrameCeiling) + "), got " +
                                std::to_string(options.max_frame_bytes));
  }
  const auto at_most = [](std::chrono::milliseconds value, std::chrono::milliseconds limit,
                          const char* flag, const char* in_words) {
    if (value > limit) {
      throw std::invalid_argument(std::string(flag) + " must be at most " + in_words + ", got " +
                                  std::to_string(value.count()) + " ms");
    }
  };
  at_most(options.heartbeat_interval, std::chrono::hours(1), "--heartbeat", "1h");
  at_most(options.retransmit_timeout, std::chrono::hours(1), "--retransmit-after", "1h");
  at_most(options.linger, std::chrono::hours(1), "--linger", "1h");
  at_most(options.link_test_interval, std::chrono::hours(24 * 7), "--link-test-every", "7d");
  if (options.fsync_interval.count() < 0 || options.fsync_interval > std::chrono::seconds(1)) {
    throw std::invalid_argument("--fsync-interval must be from 0 to 1s, got " +
                                std::to_string(options.fsync_interval.count()) + " us");
  }
  if (options.heartbeat_misses > 1000) {
    throw std::invalid_argument("--heartbeat-misses must be at most 1000, got " +
                                std::to_string(options.heartbeat_misses));
  }
  // Room for at least one message of the largest size, which the outbox holds twice (parsed,
  // and encoded for the wire and the journal).
  const std::size_t one_largest = Outbox::entry_bytes(options.max_frame_bytes);
  if (options.max_outbox_bytes < one_largest || options.max_outbox_bytes > std::size_t{1} << 30) {
    throw std::invalid_argument("--max-outbox must be from " + std::to_string(one_largest) +
                                " (one message of the largest frame, held parsed and encoded) "
                                "to 1 GiB, got " +
                                std::to_string(options.max_outbox_bytes));
  }
}

}  // namespace hotline::node
