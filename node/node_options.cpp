#include "node/node_options.h"

#include <stdexcept>

namespace hotline::node {

std::string default_peer_of(const std::string& party) {
  if (party == "washington") return "moscow";
  if (party == "moscow") return "washington";
  return "";
}

void finalize(NodeOptions& options) {
  if (options.party.empty()) throw std::invalid_argument("--party is required");
  if (options.peer.empty()) options.peer = default_peer_of(options.party);
  if (options.peer.empty()) {
    throw std::invalid_argument("--peer is required for party \"" + options.party + "\"");
  }
  if (options.peer == options.party) {
    throw std::invalid_argument("the peer cannot be this node's own party (" + options.party + ")");
  }
  if (options.listen.empty() == options.connect.empty()) {
    throw std::invalid_argument("give exactly one of --listen or --connect");
  }
  if (options.listen.size() > 2 || options.connect.size() > 2) {
    throw std::invalid_argument("at most two circuits: a primary and a backup address");
  }
  if (options.heartbeat_interval.count() <= 0 || options.heartbeat_misses < 1) {
    throw std::invalid_argument("heartbeats need a positive interval and at least one miss");
  }
  if (options.certs_dir.empty()) throw std::invalid_argument("--certs is required");
  if (options.max_frame_bytes < 256) {
    throw std::invalid_argument("--max-frame must be at least 256 bytes");
  }
}

}  // namespace hotline::node
