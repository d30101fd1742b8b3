// Three parties, three links: each node process keeps one link per peer, each with its own
// numbering, circuits and journal records. Messages go only where they are addressed, and
// every ordered pair gets its messages exactly once and in order while the test SIGKILLs and
// restarts any of the three nodes at seeded moments.
//
// CI runs the short version; the full one (20,000 messages per ordered pair, 30 kills) runs with
//   HOTLINE_FULL_CRASH_TEST=1 build/tests/triangle_integration_test

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <random>

#include "common/certificates.h"
#include "node/history_check.h"
#include "tests/support/node_process.h"
#include "tests/support/shell_command.h"

namespace hotline::testing {
namespace {

const std::array<std::string, 3> kParties = {"washington", "moscow", "oslo"};

// Three nodes wired in a triangle over 127.0.0.1: of each pair the earlier party in kParties
// listens, on a port of its own for that peer, and the later dials it.
class Triangle {
 public:
  explicit Triangle(std::vector<std::string> extra = {}) : extra_(std::move(extra)) {
    common::PkiOptions pki;
    pki.parties = {kParties.begin(), kParties.end()};
    common::write_exercise_pki(dir_.path() / "certs", pki);
    for (std::size_t i = 0; i < kParties.size(); ++i) {
      for (std::size_t j = i + 1; j < kParties.size(); ++j) port_[i][j] = free_local_port();
    }
    for (std::size_t i = 0; i < kParties.size(); ++i) start(i);
  }

  void start(std::size_t i) {
    std::vector<std::string> args = {"node",
                                     "--party",
                                     kParties[i],
                                     "--certs",
                                     (dir_.path() / "certs").string(),
                                     "--json",
                                     "--heartbeat",
                                     "200ms",
                                     "--retransmit-after",
                                     "1s"};
    for (std::size_t j = 0; j < kParties.size(); ++j) {
      if (j == i) continue;
      const std::size_t low = std::min(i, j);
      const std::size_t high = std::max(i, j);
      const std::string address = "127.0.0.1:" + std::to_string(port_[low][high]);
      args.insert(args.end(), {i == low ? "--listen" : "--connect", kParties[j] + "=" + address});
    }
    args.insert(args.end(), extra_.begin(), extra_.end());
    args.insert(args.end(), {"--journal", (dir_.path() / (kParties[i] + ".journal")).string(),
                             "--log", log_of(i).string()});
    nodes_[i] = std::make_unique<NodeProcess>(args);
  }

  void kill_and_restart(std::size_t i) {
    delivered_before_[i] += nodes_[i]->count_of("delivered");
    nodes_[i]->process().send_signal(SIGKILL);
    nodes_[i]->process().wait_for(std::chrono::seconds(5));
    nodes_[i].reset();
    start(i);
  }

  // Deliveries announced by all three, across their lives.
  std::uint64_t progress() const {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < kParties.size(); ++i)
      sum += delivered_before_[i] + nodes_[i]->count_of("delivered");
    return sum;
  }

  // What `sender` sent `receiver`, as the receiver's event log tells it.
  node::DirectionReport report(std::size_t sender, std::size_t receiver,
                               std::uint64_t expected) const {
    return node::check_direction(node::read_event_log(log_of(receiver)), kParties[sender],
                                 expected);
  }

  NodeProcess& node(std::size_t i) { return *nodes_[i]; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path log_of(std::size_t i) const { return dir_.path() / (kParties[i] + ".log"); }

 private:
  std::vector<std::string> extra_;
  TempDir dir_;
  std::uint16_t port_[3][3] = {};
  std::array<std::unique_ptr<NodeProcess>, 3> nodes_;
  std::array<std::uint64_t, 3> delivered_before_ = {};
};

const auto link_up_with = [](const std::string& peer) {
  return [peer](const nlohmann::json& e) {
    return e.value("event", "") == "link_up" && e.value("peer", "") == peer;
  };
};

TEST(TriangleIntegrationTest, EachMessageReachesOnlyItsAddresseeNumberedPerLink) {
  Triangle triangle;
  for (std::size_t i = 0; i < kParties.size(); ++i) {
    for (std::size_t j = 0; j < kParties.size(); ++j) {
      if (i != j) triangle.node(i).wait_for(link_up_with(kParties[j]));
    }
  }
  NodeProcess& washington = triangle.node(0);
  washington.send_line("@moscow first to moscow");
  washington.send_line("@oslo first to oslo");
  washington.send_line("@moscow second to moscow");
  washington.send_line("no addressee");

  const auto delivered = [](const std::string& text) {
    return [text](const nlohmann::json& e) {
      return e.value("event", "") == "delivered" && e.value("text", "") == text;
    };
  };
  const auto second = triangle.node(1).wait_for(delivered("second to moscow"));
  EXPECT_EQ(second.value("from", ""), "washington");
  EXPECT_EQ(second.value("seq", 0), 2) << "each link numbers its own messages";
  const auto to_oslo = triangle.node(2).wait_for(delivered("first to oslo"));
  EXPECT_EQ(to_oslo.value("seq", 0), 1);
  EXPECT_EQ(to_oslo.value("link", ""), "washington");
  const auto refused = washington.wait_for(is_event("error"));
  EXPECT_NE(refused.value("reason", "").find("several peers"), std::string::npos) << refused.dump();
  // What went to moscow never reached oslo, and the reverse.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& event : triangle.node(2).events_of("delivered"))
    EXPECT_EQ(event.value("text", "").find("moscow"), std::string::npos) << event.dump();
  EXPECT_EQ(triangle.node(1).count_of("delivered"), 2u);
  const auto sent = washington.events_of("sent");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(std::count_if(sent.begin(), sent.end(),
                          [](const auto& e) { return e.value("link", "") == "oslo"; }),
            1);

  // Restarted with fewer peers than its journal holds links to, a node refuses rather than
  // drop what it owes the missing one.
  washington.process().send_signal(SIGKILL);
  washington.process().wait_for(std::chrono::seconds(5));
  const CommandResult alone = run_shell(
      hotline_binary() + " node --party washington --peer moscow --listen 127.0.0.1:0 --certs " +
      (triangle.dir() / "certs").string() + " --journal " +
      (triangle.dir() / "washington.journal").string() + " < /dev/null");
  EXPECT_NE(alone.status, 0) << alone.output;
  EXPECT_NE(alone.output.find("washington.journal was written by a node of several peers"),
            std::string::npos)
      << alone.output;
}

TEST(TriangleIntegrationTest, EachPeerIsGivenItsAddressesByName) {
  TempDir dir;
  common::PkiOptions pki;
  pki.parties = {kParties.begin(), kParties.end()};
  common::write_exercise_pki(dir.path(), pki);
  const std::string node =
      hotline_binary() + " node --party washington --certs " + dir.path().string() + " ";
  const auto refusal = [&](const std::string& flags) {
    const CommandResult result = run_shell(node + flags + " < /dev/null");
    EXPECT_EQ(result.status, 2) << flags << "\n" << result.output;
    return result.output;
  };
  EXPECT_NE(refusal("--peer moscow --peer oslo --listen 127.0.0.1:0").find("--listen PEER=ADDRESS"),
            std::string::npos);
  EXPECT_NE(refusal("--peer moscow --peer moscow --listen moscow=127.0.0.1:0")
                .find("peer moscow is named twice"),
            std::string::npos);
  EXPECT_NE(refusal("--listen moscow=127.0.0.1:0 --connect oslo=127.0.0.1:1 --connect "
                    "oslo=127.0.0.1:2")
                .find("--connect is given twice for oslo"),
            std::string::npos);
  EXPECT_NE(refusal("--listen moscow=127.0.0.1:0 --peer oslo").find("for peer oslo"),
            std::string::npos)
      << "a peer named with no address";

  // A config file gives each peer a block of its own.
  const auto config = dir.path() / "washington.textproto";
  std::ofstream(config) << "party: \"washington\"\ncerts: \"" << dir.path().string()
                        << "\"\njson: true\n"
                           "peers { party: \"moscow\" listen: \"127.0.0.1:0\" }\n"
                           "peers { party: \"oslo\" listen: \"127.0.0.1:0\" }\n";
  NodeProcess washington({"node", "--config", config.string()});
  const auto listening =
      washington.wait_for_count(is_event("listening"), 2, std::chrono::seconds(10));
  EXPECT_EQ(listening[0].value("link", ""), "moscow");
  EXPECT_EQ(listening[1].value("link", ""), "oslo");
  NodeProcess oslo({"node", "--party", "oslo", "--peer", "washington", "--connect",
                    listening[1].value("address", ""), "--certs", dir.path().string(), "--json"});
  oslo.wait_for(is_event("link_up"));
  const auto up = washington.wait_for(is_event("link_up"));
  EXPECT_EQ(up.value("peer", ""), "oslo");

  // Addresses on the command line replace what the file gave that peer alone: moscow keeps its
  // block (before, any link flag dropped every block, and the node became one of a single peer).
  NodeProcess dialling({"node", "--config", config.string(), "--connect",
                        "oslo=" + listening[1].value("address", "")});
  const auto moscow_only = dialling.wait_for(is_event("listening"));
  EXPECT_EQ(moscow_only.value("link", ""), "moscow");
  const auto dial = dialling.wait_for([](const nlohmann::json& e) {
    const std::string kind = e.value("event", "");
    return (kind == "dial_failed" || kind == "link_up" || kind == "refused") &&
           e.value("link", "") == "oslo";
  });
  EXPECT_NE(dial.value("event", ""), "link_up") << "it dialled a washington, not oslo";
  EXPECT_EQ(dialling.count_of("listening"), 1u) << "oslo's listening address was replaced";

  // A file that gives links both ways is refused rather than read one way silently.
  const auto mixed = dir.path() / "mixed.textproto";
  std::ofstream(mixed) << "party: \"washington\"\nlisten: \"127.0.0.1:0\"\n"
                          "peers { party: \"moscow\" listen: \"127.0.0.1:0\" }\n";
  EXPECT_NE(refusal("--config " + mixed.string()).find("either as peers blocks or as peer"),
            std::string::npos);

  // A person at the console plays two parties only; the node says so rather than misread.
  EXPECT_NE(refusal("--listen moscow=127.0.0.1:0 --play allied-question --human")
                .find("--human plays a case of two parties for now"),
            std::string::npos);
}

struct TrianglePlan {
  std::uint64_t messages;  // per ordered pair
  int kills;
  std::uint64_t seed;
};

void run_triangle(const TrianglePlan& plan) {
  Triangle triangle({"--generate", std::to_string(plan.messages)});
  std::mt19937_64 rng(plan.seed);
  const std::uint64_t total = 6 * plan.messages;
  std::uniform_int_distribution<std::uint64_t> moment(total / 20, total * 9 / 10);
  std::vector<std::pair<std::uint64_t, std::size_t>> kills;
  for (int k = 0; k < plan.kills; ++k) kills.emplace_back(moment(rng), rng() % 3);
  std::sort(kills.begin(), kills.end());
  for (const auto& [at, who] : kills) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (triangle.progress() < at && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    triangle.kill_and_restart(who);
  }
  const auto complete = [&] {
    for (std::size_t s = 0; s < 3; ++s) {
      for (std::size_t r = 0; r < 3; ++r) {
        if (s != r && triangle.report(s, r, plan.messages).delivered < plan.messages) return false;
      }
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!complete() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (std::size_t s = 0; s < 3; ++s) {
    for (std::size_t r = 0; r < 3; ++r) {
      if (s == r) continue;
      const node::DirectionReport report = triangle.report(s, r, plan.messages);
      std::printf("%s -> %s: %s\n", kParties[s].c_str(), kParties[r].c_str(),
                  report.to_string().c_str());
      EXPECT_TRUE(report.clean()) << kParties[r] << ": " << report.to_string();
      EXPECT_EQ(report.delivered, plan.messages) << kParties[r] << ": " << report.to_string();
    }
  }
}

TEST(TriangleIntegrationTest, ExactlyOncePerOrderedPairAcrossKillsOfAnyNode) {
  if (std::getenv("HOTLINE_FULL_CRASH_TEST") != nullptr) {
    run_triangle({/*messages=*/20000, /*kills=*/30, /*seed=*/20261130});
  } else {
    run_triangle({/*messages=*/1000, /*kills=*/8, /*seed=*/20261130});
  }
}

}  // namespace
}  // namespace hotline::testing
