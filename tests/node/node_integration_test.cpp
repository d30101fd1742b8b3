// Two real `hotline node` processes over mutual TLS, driven through their consoles.

#include <gtest/gtest.h>

#include <fstream>

#include "common/certificates.h"
#include "tests/support/node_process.h"

namespace hotline::testing {
namespace {

constexpr int kMessages = 1000;

std::string numbered(const std::string& party, int i) {
  return party + " message " + std::to_string(i);
}

// Every message arrived exactly once, in order, with the sequence numbers the sender gave it.
void expect_exactly_once_in_order(const std::vector<nlohmann::json>& delivered,
                                  const std::string& sender) {
  ASSERT_EQ(delivered.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(delivered[i]["seq"], i + 1) << delivered[i].dump();
    ASSERT_EQ(delivered[i]["text"], numbered(sender, i + 1)) << delivered[i].dump();
    ASSERT_EQ(delivered[i]["from"], sender);
  }
}

void expect_all_acknowledged(const NodeProcess& node) {
  const auto acked = node.events_of("acked");
  ASSERT_EQ(acked.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) ASSERT_EQ(acked[i]["seq"], i + 1);
}

TEST(NodeIntegrationTest, ThousandMessagesEachWayArriveOnceInOrderAndAcknowledged) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          certs.path().string(), "--json"});
  const std::string address = listening_address(washington);
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});

  std::string washington_input, moscow_input;
  for (int i = 1; i <= kMessages; ++i) {
    washington_input += numbered("washington", i) + "\n";
    moscow_input += numbered("moscow", i) + "\n";
  }
  ASSERT_TRUE(washington.process().write_input(washington_input));
  ASSERT_TRUE(moscow.process().write_input(moscow_input));
  washington.process().close_input();
  moscow.process().close_input();

  // Both stop by themselves once everything is acknowledged and both have said goodbye.
  washington.wait_for(is_event("stopped"), std::chrono::seconds(60));
  moscow.wait_for(is_event("stopped"), std::chrono::seconds(60));
  EXPECT_EQ(washington.process().wait_for(std::chrono::seconds(10)), 0);
  EXPECT_EQ(moscow.process().wait_for(std::chrono::seconds(10)), 0);

  expect_exactly_once_in_order(washington.events_of("delivered"), "moscow");
  expect_exactly_once_in_order(moscow.events_of("delivered"), "washington");
  expect_all_acknowledged(washington);
  expect_all_acknowledged(moscow);
  EXPECT_EQ(washington.events_of("stopped")[0]["reason"], "finished");
  EXPECT_EQ(washington.events_of("stopped")[0]["unacknowledged"], 0);
}

// A backlog larger than a link's write queue is fed to it in slices as writes complete; once,
// a slice queued from inside a write completion started a second concurrent write and garbled
// the stream ("frame with a zero length").
TEST(NodeIntegrationTest, LargeBacklogIsDeliveredIntact) {
  constexpr int kBacklog = 20000;
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          certs.path().string(), "--json"});
  const std::string address = listening_address(washington);
  std::string input;
  for (int i = 1; i <= kBacklog; ++i) input += "backlog " + std::to_string(i) + "\n";
  ASSERT_TRUE(washington.process().write_input(input));
  washington.wait_for_count(is_event("queued"), kBacklog, std::chrono::seconds(30));
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});
  const auto delivered =
      moscow.wait_for_count(is_event("delivered"), kBacklog, std::chrono::seconds(60));
  for (int i = 0; i < kBacklog; ++i) {
    ASSERT_EQ(delivered[i]["seq"], i + 1);
    ASSERT_EQ(delivered[i]["text"], "backlog " + std::to_string(i + 1));
  }
  washington.wait_for_count(is_event("acked"), kBacklog, std::chrono::seconds(30));
  EXPECT_TRUE(moscow.events_of("link_down").empty());
}

TEST(NodeIntegrationTest, MessagesTypedBeforeThePeerArrivesAreDeliveredWhenItDoes) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          certs.path().string(), "--json"});
  const std::string address = listening_address(washington);
  washington.send_line("/flash anyone there?");
  EXPECT_EQ(washington.wait_for(is_event("queued"))["priority"], "FLASH");
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});
  const auto delivered = moscow.wait_for(is_event("delivered"));
  EXPECT_EQ(delivered["text"], "anyone there?");
  EXPECT_EQ(delivered["priority"], "FLASH");
  washington.wait_for(is_event("acked"));
}

TEST(NodeIntegrationTest, DiallerReconnectsAfterTheListenerRestarts) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  auto washington = std::make_unique<NodeProcess>(
      std::vector<std::string>{"node", "--party", "washington", "--listen", "127.0.0.1:0",
                               "--certs", certs.path().string(), "--json"});
  const std::string address = listening_address(*washington);
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});
  moscow.wait_for(is_event("link_up"));
  washington->process().send_signal(SIGKILL);
  washington.reset();
  moscow.wait_for(is_event("link_down"));
  moscow.send_line("are you back?");
  moscow.wait_for(is_event("queued"));
  moscow.wait_for(is_event("dial_failed"));

  NodeProcess restarted({"node", "--party", "washington", "--listen", address, "--certs",
                         certs.path().string(), "--json"});
  EXPECT_EQ(restarted.wait_for(is_event("delivered"))["text"], "are you back?");
  moscow.wait_for(is_event("acked"));
}

TEST(NodeIntegrationTest, OptionsComeFromAConfigFileAndFlagsOverrideIt) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  const auto config = certs.path() / "washington.textproto";
  std::ofstream(config) << "party: \"washington\"\nlisten: \"127.0.0.1:1\"\ncerts: \""
                        << certs.path().string() << "\"\njson: true\n";
  NodeProcess washington({"node", "--config", config.string(), "--listen", "127.0.0.1:0"});
  const std::string address = listening_address(washington);
  EXPECT_NE(address, "127.0.0.1:1");
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});
  washington.wait_for(is_event("link_up"));
}

TEST(NodeIntegrationTest, ConfigFileErrorsNameFileLineAndColumn) {
  TempDir dir;
  const auto config = dir.path() / "node.textproto";
  std::ofstream(config) << "party: \"washington\"\n  lisen: \"127.0.0.1:0\"\n";
  common::ChildProcess node({{hotline_binary(), "node", "--config", config.string()}, true});
  std::string output;
  while (auto line = node.output().read_line(std::chrono::seconds(10))) output += *line + "\n";
  EXPECT_EQ(node.wait_for(std::chrono::seconds(10)), 2);
  EXPECT_NE(output.find(config.string() + ":2:3:"), std::string::npos) << output;
  EXPECT_NE(output.find("lisen"), std::string::npos) << output;
}

}  // namespace
}  // namespace hotline::testing
