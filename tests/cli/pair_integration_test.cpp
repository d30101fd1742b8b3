// `hotline pair`: both nodes as child processes, a shared console, and a clean stop.

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "common/certificates.h"
#include "tests/support/node_process.h"

namespace hotline::testing {
namespace {

// Processes whose command line mentions `marker` (our unique certs directory).
int processes_mentioning(const std::string& marker) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) ++count;
  }
  return count;
}

TEST(PairIntegrationTest, RelaysTypedLinesAndStopsAtEndOfInput) {
  common::ChildProcess pair({{hotline_binary(), "pair"}, true});
  pair.write_input("washington: Test message. Please acknowledge.\nmoscow: Acknowledged.\n");
  pair.close_input();
  std::string transcript;
  while (auto line = pair.output().read_line(std::chrono::seconds(20))) transcript += *line + "\n";
  EXPECT_EQ(pair.wait_for(std::chrono::seconds(10)), 0) << transcript;
  EXPECT_NE(transcript.find("LINK UP"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("washington: sent 1, acknowledged 1, delivered to it 1"),
            std::string::npos)
      << transcript;
  EXPECT_NE(transcript.find("moscow: sent 1, acknowledged 1, delivered to it 1"), std::string::npos)
      << transcript;
}

TEST(PairIntegrationTest, InterruptStopsBothNodesWithoutOrphans) {
  TempDir certs;
  common::write_exercise_pki(certs.path(), {});
  common::ChildProcess pair(
      {{hotline_binary(), "pair", "--json", "--certs", certs.path().string()}, true});
  // Wait until the link is up, with input still open.
  bool up = false;
  while (auto line = pair.output().read_line(std::chrono::seconds(20))) {
    if (line->find("\"link_up\"") != std::string::npos) {
      up = true;
      break;
    }
  }
  ASSERT_TRUE(up);
  EXPECT_EQ(processes_mentioning(certs.path().string()), 3);
  pair.send_signal(SIGINT);
  const auto status = pair.wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(processes_mentioning(certs.path().string()), 0);
}

}  // namespace
}  // namespace hotline::testing
