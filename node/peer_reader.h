#pragma once
// Reading what the peer sends on one connection, frame body by frame body: each parsed (a
// batch's items into storage reused from frame to frame, see batch_reader.h) and checked
// against the connection's rules (connection_rules.h), so that a frame reaches the node whole
// and lawful or not at all. No sockets: the session feeds it, and so does a fuzzer.

#include <google/protobuf/arena.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/batch_reader.h"
#include "node/connection_rules.h"
#include "proto/hotline.pb.h"

namespace hotline::node {

class PeerReader {
  static constexpr std::size_t kParseBlockBytes = 64 * 1024;

 public:
  explicit PeerReader(std::string peer_party) : rules_(std::move(peer_party)) {}

  struct Frame {
    const wire::Envelope& envelope;  // for a batch frame, its header
    bool is_hello;
  };
  // Parses and checks one frame body. What it returns, and batch_items(), stay valid until
  // release(). Throws ProtocolViolation.
  Frame read(std::string_view body);
  // The items of the last batch frame read, each a reliable payload with the header's epoch.
  const std::vector<const wire::Envelope*>& batch_items() const { return batch_reader_.items(); }
  // One of them, to be taken by swapping (BatchReader::item).
  wire::Envelope& batch_item(std::size_t index) { return batch_reader_.item(index); }
  // Their bytes as they came (BatchReader::item_bytes), valid as long as the frame body.
  const std::vector<std::string_view>& batch_item_bytes() const {
    return batch_reader_.item_bytes();
  }
  // Frees what was read since the last release, all at once (after each read from the socket).
  void release() { arena_.Reset(); }

  const ConnectionRules& rules() const { return rules_; }

 private:
  ConnectionRules rules_;
  std::string header_scratch_;
  BatchReader batch_reader_;
  // Each read's envelopes are parsed here and dropped together once handled, instead of
  // allocating and freeing every part of every envelope.
  std::unique_ptr<char[]> block_ = std::make_unique<char[]>(kParseBlockBytes);
  google::protobuf::Arena arena_{block_.get(), kParseBlockBytes};
};

}  // namespace hotline::node
