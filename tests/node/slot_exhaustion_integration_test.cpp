// Connections that never authenticate must not keep the real peer out: a real node process,
// held by a hundred idle TCP sockets that reopen as soon as they are closed (the review's
// reproduction), still links with its peer, and says so without flooding its event log.
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/certificates.h"
#include "common/endpoint.h"
#include "tests/support/idle_flood.h"
#include "tests/support/node_process.h"
#include "tests/support/tls_client.h"

namespace hotline::testing {
namespace {

TEST(SlotExhaustionTest, IdleConnectionsCannotKeepTheAuthenticatedPeerOut) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          certs.path().string(), "--json"});
  const std::string address = listening_address(washington);
  IdleFlood flood(address, 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});
  // Before, every slot stayed taken and moscow was refused for as long as the flood lasted.
  EXPECT_NO_THROW(moscow.wait_for(is_event("link_up"), std::chrono::seconds(10)));
  EXPECT_NO_THROW(washington.wait_for(is_event("link_up"), std::chrono::seconds(10)));
  moscow.send_line("through");
  EXPECT_EQ(washington.wait_for(is_event("delivered"))["text"], "through");
  // Thousands of connections were turned away, in a handful of events.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto refusals = washington.count_of("refused");
  EXPECT_GT(flood.reopened(), 0);
  EXPECT_LE(refusals, 8u) << "refusals are summarised, not written one by one";
}

// CPU seconds a process has used, from /proc/PID/stat (utime + stime).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Before, a failed accept (out of file descriptors) was reported and retried at once: the
// connection stayed in the backlog, so the node spun at full CPU, writing an error event per
// turn. Now it pauses between tries and reports once a second.
TEST(SlotExhaustionTest, RunningOutOfFileDescriptorsNeitherSpinsNorFloodsTheLog) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  // The node inherits a limit of 40 open files; the test keeps its own.
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  rlimit low = own;
  low.rlim_cur = 40;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          certs.path().string(), "--json"});
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &own), 0);
  const std::string address = listening_address(washington);
  IdleFlood flood(address, 60);
  washington.wait_for([](const nlohmann::json& event) {
    return event["event"] == "error" &&
           event["reason"].get<std::string>().find("accept failed") != std::string::npos;
  });
  const pid_t pid = washington.process().pid();
  const double before = cpu_seconds(pid);
  const auto errors_before = washington.count_of("error");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double used = cpu_seconds(pid) - before;
  EXPECT_LT(used, 0.5) << "the node spun on accept";
  EXPECT_LE(washington.count_of("error") - errors_before, 4u)
      << "accept failures are summarised, not written one by one";
}

// Before, a peer that passed authentication and kept sending heartbeats but never read held the
// link forever: our write stalled, heartbeats and acks queued behind it without bound, and
// nothing else could take the circuit. Now a write that makes no progress ends the link.
TEST(SlotExhaustionTest, APeerThatTalksButNeverReadsLosesTheLink) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          certs.path().string(), "--json", "--heartbeat", "200ms"});
  // More than the socket buffers hold, queued before the peer comes, so that washington's
  // write stalls once it does.
  const std::string line(60000, 'x');
  for (int i = 0; i < 300; ++i) washington.send_line(line);
  washington.wait_for_count(is_event("queued"), 300, std::chrono::seconds(20));
  TestClient peer(listening_address(washington));
  ASSERT_EQ(peer.handshake(party_identity(certs.path(), "moscow"), false, "washington"), "");
  peer.send_envelope(hello_envelope("moscow", 77));
  washington.wait_for(is_event("link_up"));
  // Heartbeats, so that silence does not end the link; nothing is ever read.
  std::string reason;
  for (int i = 0; i < 100 && reason.empty(); ++i) {
    wire::Envelope heartbeat = hello_envelope("moscow", 77);
    heartbeat.mutable_heartbeat();
    peer.send_envelope(heartbeat);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const auto& event : washington.events_of("link_down")) reason = event.value("reason", "");
  }
  EXPECT_NE(reason.find("the peer has read nothing"), std::string::npos)
      << "the link was held for 10 s by a peer that never read; link_down: " << reason;
}

}  // namespace
}  // namespace hotline::testing
