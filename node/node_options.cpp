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
  if (options.listen.has_value() == options.connect.has_value()) {
    throw std::invalid_argument("give exactly one of --listen or --connect");
  }
  if (options.certs_dir.empty()) throw std::invalid_argument("--certs is required");
  if (options.max_frame_bytes < 256) {
    throw std::invalid_argument("--max-frame must be at least 256 bytes");
  }
}

}  // namespace hotline::node
