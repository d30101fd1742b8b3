#pragma once
// Test support: a peer that holds moscow's real certificate and key but does not behave like
// moscow (the review's hostile peers). Over and over it connects to a node, claims a fresh
// epoch each time (an epoch flood), names a resume point the node must not trust blindly (an
// epoch of the node's that never was, or one going backwards), sends a few messages and leaves
// without acknowledging anything.
//
// It never claims to have delivered more of the node's current epoch than the node sent: the
// protocol believes an authenticated peer about that (it is how a node learns its journal went
// back in time), so a peer holding the key could make the node drop messages. The key, not the
// protocol, guards against that.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace hotline::testing {

class HostilePeer {
 public:
  // Connects to `address` (the node `server`) as `party`, with that party's certificates under
  // `certs_dir` (as `hotline certs` wrote them), every `pause_ms` until stopped.
  HostilePeer(const std::string& address, const std::string& server,
              const std::filesystem::path& certs_dir, const std::string& party, int pause_ms);
  ~HostilePeer();
  // Stops visiting and waits for the visit under way to end.
  void stop();
  HostilePeer(const HostilePeer&) = delete;
  HostilePeer& operator=(const HostilePeer&) = delete;

  // The epochs it claimed: the node's deliveries in them are its, not the real peer's.
  std::set<std::uint64_t> epochs() const;
  // Connections that passed TLS and exchanged Hellos.
  int sessions() const { return sessions_; }

 private:
  void visit(std::uint64_t round);

  std::string address_;
  std::string server_;
  std::filesystem::path certs_dir_;
  std::string party_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sessions_{0};
  mutable std::mutex mutex_;
  std::set<std::uint64_t> epochs_;
  std::uint64_t node_epoch_ = 0;  // the node's, from its first Hello
};

}  // namespace hotline::testing
