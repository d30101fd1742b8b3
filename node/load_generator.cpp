#include "node/load_generator.h"

#include <stdexcept>
#include <string>

namespace hotline::node {

LoadGenerator::LoadGenerator(Node& node, std::uint64_t total, std::size_t window)
    : node_(node), peers_(node.peers()), total_(total), window_(window) {
  if (window_ < 1 || window_ > 1'000'000) {
    throw std::invalid_argument("the generator's window must be from 1 to 1000000");
  }
}

void LoadGenerator::top_up() {
  // Sending may call back into on_room (an acknowledgement handled meanwhile): the loop already
  // running takes the new room.
  if (topping_up_) return;
  topping_up_ = true;
  struct Done {
    bool& flag;
    ~Done() { flag = false; }
  } done{topping_up_};
  for (const std::string& peer : peers_) {
    while (node_.generated(peer) < total_ && node_.unacknowledged(peer) < window_ &&
           node_.has_room_for(0, peer) && !node_.finished_sending() && !node_.stopped()) {
      wire::Envelope envelope;
      envelope.mutable_message()->set_text(node_.options().party + " " +
                                           std::to_string(node_.generated(peer) + 1));
      try {
        node_.send_generated(std::move(envelope), peer);
      } catch (const JournalIoError&) {
        return;  // the node has stopped, saying why
      }
    }
  }
}

}  // namespace hotline::node
