#include "tests/support/hostile_peer.h"

#include <chrono>
#include <random>

#include "tests/support/tls_client.h"

namespace hotline::testing {

HostilePeer::HostilePeer(const std::string& address, const std::string& server,
                         const std::filesystem::path& certs_dir, const std::string& party,
                         int pause_ms)
    : address_(address), server_(server), certs_dir_(certs_dir), party_(party) {
  thread_ = std::thread([this, pause_ms] {
    for (std::uint64_t round = 0; !stop_; ++round) {
      try {
        visit(round);
      } catch (const std::exception&) {
        // The node closed the connection, or was being restarted: come again.
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
  });
}

HostilePeer::~HostilePeer() {
  stop();
}

void HostilePeer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::set<std::uint64_t> HostilePeer::epochs() const {
  std::lock_guard lock(mutex_);
  return epochs_;
}

void HostilePeer::visit(std::uint64_t round) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const std::uint64_t epoch = rng() | 1;
  {
    std::lock_guard lock(mutex_);
    epochs_.insert(epoch);
  }
  TestClient client(address_);
  const std::string refused = client.handshake(party_identity(certs_dir_, party_), false, server_);
  if (!refused.empty()) return;
  wire::Envelope hello = hello_envelope(party_, epoch);
  switch (round % 3) {
    case 0:  // resuming an epoch of the node's that never was, far along
      hello.mutable_hello()->mutable_resume()->set_peer_epoch(rng() | 1);
      hello.mutable_hello()->mutable_resume()->set_delivered_seq(1'000'000'000);
      break;
    case 1:  // the node's own epoch, going backwards: nothing delivered at all
      hello.mutable_hello()->mutable_resume()->set_peer_epoch(node_epoch_);
      hello.mutable_hello()->mutable_resume()->set_delivered_seq(0);
      break;
    default:  // its own fresh epoch, with a floor far past anything it sent
      hello.mutable_hello()->set_acknowledged_floor(500);
      break;
  }
  client.send_envelope(hello);
  const auto reply = client.read_envelope(std::chrono::seconds(2));
  if (!reply || !reply->has_hello()) return;
  node_epoch_ = reply->hello().epoch();
  ++sessions_;
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    client.send_envelope(message_envelope(
        party_, epoch, seq, "hostile " + std::to_string(epoch) + " " + std::to_string(seq)));
  }
  // Reads what the node sends (its own messages, retransmitted to what it takes for moscow)
  // for a moment, acknowledging none of it.
  client.read_envelopes(std::chrono::milliseconds(5));
}

}  // namespace hotline::testing
