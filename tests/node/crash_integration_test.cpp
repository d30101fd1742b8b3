// Nothing lost, nothing twice: both nodes send numbered messages concurrently while the test
// SIGKILLs and restarts either of them at seeded moments and cuts the primary circuit at
// others. After healing and quiescing, a history checker reads both nodes' event logs.
//
// CI runs the short version; the full one (100,000 messages each way, 50 kills of either node
// and 10 cuts, under a slot flood of 100 idle connections) runs with
//   HOTLINE_FULL_CRASH_TEST=1 build/tests/crash_integration_test

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>

#include "common/certificates.h"
#include "node/history_check.h"
#include "tests/support/hostile_peer.h"
#include "tests/support/idle_flood.h"
#include "tests/support/node_process.h"
#include "tests/support/tcp_relay.h"

namespace hotline::testing {
namespace {

struct CrashPlan {
  std::uint64_t messages;
  int kills;
  int cuts;
  std::uint64_t seed;
  // The journal's compaction threshold in bytes; 0 for the node's default.
  std::uint64_t compact_after = 0;
  // Idle connections held open against washington's primary throughout (a slot flood).
  int idle_flood = 0;
  // A peer with moscow's key visiting washington's backup throughout with a fresh epoch and a
  // misleading resume point each time, every this many milliseconds; 0 for none.
  int hostile_peer_every_ms = 0;
};

class CrashHarness {
 public:
  explicit CrashHarness(const CrashPlan& plan) : plan_(plan), relay_(primary_port_) {
    common::write_exercise_pki(dir_.path() / "certs", {});
    start("washington");
    start("moscow");
  }

  ~CrashHarness() {
    for (auto& node : nodes_) node.second.reset();
  }

  void run() {
    std::optional<IdleFlood> flood;
    if (plan_.idle_flood > 0)
      flood.emplace("127.0.0.1:" + std::to_string(primary_port_), plan_.idle_flood);
    std::optional<HostilePeer> hostile;
    if (plan_.hostile_peer_every_ms > 0) {
      hostile.emplace("127.0.0.1:" + std::to_string(backup_port_), "washington",
                      dir_.path() / "certs", "moscow", plan_.hostile_peer_every_ms);
    }
    std::mt19937_64 rng(plan_.seed);
    const std::uint64_t total = 2 * plan_.messages;
    struct Action {
      std::uint64_t at;
      int what;  // 0: kill washington, 1: kill moscow, 2: cut the primary
    };
    std::vector<Action> actions;
    std::uniform_int_distribution<std::uint64_t> moment(total / 20, total * 9 / 10);
    for (int i = 0; i < plan_.kills; ++i)
      actions.push_back({moment(rng), static_cast<int>(rng() % 2)});
    for (int i = 0; i < plan_.cuts; ++i) actions.push_back({moment(rng), 2});
    std::sort(actions.begin(), actions.end(), [](auto& a, auto& b) { return a.at < b.at; });
    for (const auto& action : actions) {
      wait_for_progress(action.at);
      if (action.what == 2) {
        relay_.cut();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        relay_.heal();
        ++cuts_done_;
      } else {
        kill_and_restart(action.what == 0 ? "washington" : "moscow");
      }
    }
    if (hostile) {
      // Washington is down for part of the run: the flood goes on until it has been in often
      // enough to pass the epochs a node holds messages for.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (hostile->sessions() < 24 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      // Stopped first: a visit after the copy would come in an epoch not filtered out.
      hostile->stop();
      hostile_epochs_ = hostile->epochs();
      hostile_sessions_ = hostile->sessions();
    }
  }

  // Waits until each side's log holds every message of the other, then lets things settle.
  void heal_and_quiesce() {
    relay_.heal();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
      if (report("washington").delivered == plan_.messages &&
          report("moscow").delivered == plan_.messages) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (auto& node : nodes_) node.second->process().stop(std::chrono::seconds(5));
  }

  // What `sender` sent, as the peer's event log tells it. What washington delivered in a
  // hostile peer's epochs came from that peer, not from moscow.
  node::DirectionReport report(const std::string& sender) const {
    const std::string receiver = sender == "washington" ? "moscow" : "washington";
    auto events = node::read_event_log(log_of(receiver));
    events.erase(std::remove_if(events.begin(), events.end(),
                                [&](const nlohmann::json& event) {
                                  return hostile_epochs_.count(event.value("epoch", 0ull)) != 0;
                                }),
                 events.end());
    return node::check_direction(events, sender, plan_.messages);
  }

  // Notes in either node's event log saying its journal lost acknowledged deliveries.
  std::vector<std::string> journal_losses() const {
    std::vector<std::string> found;
    for (const char* party : {"washington", "moscow"}) {
      for (const auto& event : node::read_event_log(log_of(party))) {
        const std::string reason = event.value("reason", "");
        if (event.value("event", "") == "note" &&
            reason.find("went back in time") != std::string::npos && !names_hostile(reason)) {
          found.push_back(std::string(party) + ": " + reason);
        }
      }
    }
    return found;
  }

  int kills_done() const { return kills_done_; }
  int hostile_sessions() const { return hostile_sessions_; }
  int cuts_done() const { return cuts_done_; }

 private:
  std::filesystem::path log_of(const std::string& party) const {
    return dir_.path() / (party + ".log");
  }

  // A note about a hostile peer's epoch (it claimed acknowledgements washington never made):
  // true to that peer's lie, and no loss of moscow's.
  bool names_hostile(const std::string& reason) const {
    for (const std::uint64_t epoch : hostile_epochs_) {
      if (reason.find("epoch " + std::to_string(epoch) + " ") != std::string::npos) return true;
    }
    return false;
  }

  void start(const std::string& party) {
    std::vector<std::string> args = {"node",
                                     "--party",
                                     party,
                                     "--certs",
                                     (dir_.path() / "certs").string(),
                                     "--journal",
                                     (dir_.path() / (party + ".journal")).string(),
                                     "--log",
                                     log_of(party).string(),
                                     "--generate",
                                     std::to_string(plan_.messages),
                                     "--json",
                                     "--heartbeat",
                                     "200ms",
                                     "--retransmit-after",
                                     "1s"};
    if (plan_.compact_after != 0)
      args.insert(args.end(), {"--compact-after", std::to_string(plan_.compact_after)});
    const std::string primary = "127.0.0.1:" + std::to_string(primary_port_);
    const std::string backup = "127.0.0.1:" + std::to_string(backup_port_);
    if (party == "washington") {
      args.insert(args.end(), {"--listen", primary + "," + backup});
    } else {
      // Moscow reaches washington's primary through the relay that the test cuts.
      args.insert(args.end(),
                  {"--connect", "127.0.0.1:" + std::to_string(relay_.port()) + "," + backup});
    }
    nodes_[party] = std::make_unique<NodeProcess>(args);
  }

  void kill_and_restart(const std::string& party) {
    auto& node = nodes_[party];
    delivered_before_[party] += node->count_of("delivered");
    node->process().send_signal(SIGKILL);
    node->process().wait_for(std::chrono::seconds(5));
    node.reset();
    start(party);
    ++kills_done_;
  }

  std::uint64_t progress() const {
    std::uint64_t sum = 0;
    for (const auto& [party, node] : nodes_) {
      sum += node->count_of("delivered");
      const auto before = delivered_before_.find(party);
      if (before != delivered_before_.end()) sum += before->second;
    }
    return sum;
  }

  void wait_for_progress(std::uint64_t target) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (progress() < target && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  CrashPlan plan_;
  TempDir dir_;
  std::uint16_t primary_port_ = free_local_port();
  std::uint16_t backup_port_ = free_local_port();
  TcpRelay relay_;
  std::map<std::string, std::unique_ptr<NodeProcess>> nodes_;
  std::map<std::string, std::uint64_t> delivered_before_;
  int kills_done_ = 0;
  int cuts_done_ = 0;
  std::set<std::uint64_t> hostile_epochs_;
  int hostile_sessions_ = 0;
};

void run_and_check(const CrashPlan& plan) {
  CrashHarness harness(plan);
  harness.run();
  harness.heal_and_quiesce();
  EXPECT_EQ(harness.kills_done(), plan.kills);
  EXPECT_EQ(harness.cuts_done(), plan.cuts);
  if (plan.hostile_peer_every_ms > 0) {
    // Past the 16 peer epochs whose out-of-order messages a node holds.
    EXPECT_GE(harness.hostile_sessions(), 24) << "the hostile peer hardly got in";
  }
  for (const auto& loss : harness.journal_losses()) ADD_FAILURE() << loss;
  for (const char* sender : {"washington", "moscow"}) {
    const node::DirectionReport report = harness.report(sender);
    std::printf("%s\n", report.to_string().c_str());
    EXPECT_TRUE(report.clean()) << report.to_string();
    EXPECT_EQ(report.delivered, plan.messages) << report.to_string();
  }
}

TEST(CrashIntegrationTest, ExactlyOnceAcrossKillsAndCuts) {
  run_and_check({/*messages=*/2000, /*kills=*/10, /*cuts=*/3, /*seed=*/20261126});
}

// Compactions all along, while deliveries arrive: a compaction once left the deliveries of its
// own turn out of the new file yet let them be acknowledged (journal_test holds the exact case),
// and a kill soon after showed as a journal that went back in time.
TEST(CrashIntegrationTest, ExactlyOnceWhileTheJournalCompactsConstantly) {
  run_and_check({/*messages=*/2000, /*kills=*/8, /*cuts=*/0, /*seed=*/20261129,
                 /*compact_after=*/4096});
}

// The same under a slot flood: a hundred idle connections to washington's primary, reopened as
// it closes them, while both nodes are killed and restarted.
TEST(CrashIntegrationTest, ExactlyOnceWhileIdleConnectionsFloodTheListener) {
  CrashPlan plan{/*messages=*/2000, /*kills=*/6, /*cuts=*/2, /*seed=*/1995};
  plan.idle_flood = 100;
  run_and_check(plan);
}

// Hostile peers holding moscow's key, while both nodes are killed and restarted: an epoch flood
// (a fresh epoch on every visit, past the 16 whose held messages a node keeps), resume points
// for an epoch of washington's that never was or going backwards, floors far past anything
// sent. Before, the last Hello's epoch was the node's one peer epoch: while such a peer was
// connected, washington's acknowledgements to the real moscow named the wrong epoch, and
// moscow's messages were never acknowledged.
TEST(CrashIntegrationTest, ExactlyOnceWhileAHostilePeerFloodsEpochsAndLiesAboutResuming) {
  CrashPlan plan{/*messages=*/4000, /*kills=*/6, /*cuts=*/2, /*seed=*/2007};
  plan.hostile_peer_every_ms = 20;
  run_and_check(plan);
}

TEST(CrashIntegrationTest, FullRunOnDemand) {
  if (std::getenv("HOTLINE_FULL_CRASH_TEST") == nullptr) {
    GTEST_SKIP() << "set HOTLINE_FULL_CRASH_TEST=1 for 100,000 messages each way";
  }
  CrashPlan plan{/*messages=*/100000, /*kills=*/50, /*cuts=*/10, /*seed=*/1963};
  plan.idle_flood = 100;
  plan.hostile_peer_every_ms = 20;
  run_and_check(plan);
}

}  // namespace
}  // namespace hotline::testing
