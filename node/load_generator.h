#pragma once
// The built-in load generator (`hotline node --generate N`): numbered messages ("<party> <n>")
// sent to each peer through the node's public API as fast as its link takes them, with at most
// `window` of them unacknowledged per link. After a restart with a journal it goes on from the
// counts the journal kept (Node::generated()), so N messages go to each peer in all, however
// often the node restarts.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "node/node.h"

namespace hotline::node {

class LoadGenerator {
 public:
  // Throws std::invalid_argument for a window outside 1..1,000,000.
  LoadGenerator(Node& node, std::uint64_t total, std::size_t window = 256);

  // Sends what the window and the outbox's room allow. Call it once the node has started, and
  // from Node::on_room (acknowledgements make room).
  void top_up();

 private:
  Node& node_;
  std::vector<std::string> peers_;
  std::uint64_t total_;
  std::size_t window_;
  bool topping_up_ = false;
};

}  // namespace hotline::node
