#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/endpoint.h"
#include "common/frame.h"

namespace hotline::node {

struct NodeOptions {
  std::string party;
  std::string peer;
  std::optional<common::Endpoint> listen;
  std::optional<common::Endpoint> connect;
  std::filesystem::path certs_dir;
  std::uint32_t max_frame_bytes = common::kDefaultMaxFrameBytes;
  // After the local side has finished sending: how long to wait for acknowledgements and the
  // peer's Bye before stopping anyway.
  std::chrono::milliseconds linger{10000};
  std::chrono::milliseconds hello_timeout{5000};
  std::chrono::milliseconds redial_initial{100};
  std::chrono::milliseconds redial_cap{5000};
  // Distinguishes two lives of this node's numbering; 0 picks a random one.
  std::uint64_t epoch = 0;
};

// The peer of one of the two default parties; "" for any other party.
std::string default_peer_of(const std::string& party);

// Fills defaults and checks the combination; throws std::invalid_argument saying what is wrong.
void finalize(NodeOptions& options);

}  // namespace hotline::node
