// The load generator (`--generate N`) keeps going whatever acknowledges its messages.

#include <gtest/gtest.h>

#include "common/certificates.h"
#include "tests/support/node_process.h"
#include "tests/support/tls_client.h"

namespace hotline::testing {
namespace {

// Regression: a window full of unacknowledged messages, acknowledged all at once by the peer's
// resume point in its Hello (as after either side restarts), left the generator waiting for an
// acknowledgement that could never come. The crash test stalled on it about one run in six.
TEST(GeneratorIntegrationTest, AcknowledgementsInAHelloLetTheGeneratorContinue) {
  TempDir dir;
  common::write_exercise_pki(dir.path(), {});
  NodeProcess washington({"node", "--party", "washington", "--listen", "127.0.0.1:0", "--certs",
                          dir.path().string(), "--json", "--generate", "300"});
  const std::string address = listening_address(washington);
  const ClientIdentity moscow{dir.path() / "moscow" / "ca.crt",
                              dir.path() / "moscow" / "moscow.crt",
                              dir.path() / "moscow" / "moscow.key"};

  std::uint64_t washington_epoch = 0;
  {
    TestClient first(address);
    ASSERT_EQ(first.handshake(moscow, false, "washington"), "");
    first.send_envelope(hello_envelope("moscow", 77));
    std::uint64_t last_seq = 0;
    while (last_seq < 256) {
      const auto envelopes = first.read_envelopes();
      ASSERT_FALSE(envelopes.empty()) << "after seq " << last_seq;
      for (const auto& envelope : envelopes) {
        if (envelope.has_hello()) washington_epoch = envelope.epoch();
        if (envelope.has_message()) last_seq = envelope.seq();
      }
    }
    // The generator's window is full; this connection goes away without acknowledging.
  }
  TestClient second(address);
  ASSERT_EQ(second.handshake(moscow, false, "washington"), "");
  wire::Envelope hello = hello_envelope("moscow", 77);
  hello.mutable_hello()->mutable_resume()->set_peer_epoch(washington_epoch);
  hello.mutable_hello()->mutable_resume()->set_delivered_seq(256);
  second.send_envelope(hello);
  std::uint64_t highest = 0;
  while (highest < 300) {
    const auto envelopes = second.read_envelopes(std::chrono::seconds(5));
    ASSERT_FALSE(envelopes.empty()) << "the generator stopped after seq " << highest;
    for (const auto& envelope : envelopes) {
      if (envelope.has_message()) highest = std::max(highest, envelope.seq());
    }
  }
  EXPECT_EQ(highest, 300u);
}

}  // namespace
}  // namespace hotline::testing
