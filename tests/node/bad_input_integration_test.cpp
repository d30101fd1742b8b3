// Hostile frames from an authenticated connection: each closes that one connection with a
// logged reason; the node stays up, loses nothing it accepted, and its real peer reconnects.

#include <gtest/gtest.h>

#include <functional>

#include "common/certificates.h"
#include "tests/support/node_process.h"
#include "tests/support/tls_client.h"

namespace hotline::testing {
namespace {

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nodes_ = std::make_unique<LinkedNodes>();
    certs_ = nodes_->certs.path();
    address_ = nodes_->address;
    washington_ = nodes_->washington.get();
    moscow_ = nodes_->moscow.get();
    moscow_->send_line("before");
    EXPECT_EQ(washington_->wait_for(is_event("delivered"))["text"], "before");
  }

  // A connection that passed TLS with moscow's own certificate.
  std::unique_ptr<TestClient> authenticated_client() {
    auto client = std::make_unique<TestClient>(address_);
    const std::string error =
        client->handshake(party_identity(certs_, "moscow"), false, "washington");
    EXPECT_EQ(error, "");
    return client;
  }

  // Connects as moscow, lets `send` send on that connection, and expects washington to close it
  // as a protocol violation whose reason holds `reason_part`. The real moscow redials while this
  // runs (the client's connection replaced its own), and its newer connection may in turn
  // replace the client's before washington has read what was sent: the case then runs again.
  void expect_closed_with(const std::function<void(TestClient&)>& send,
                          const std::string& reason_part) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto client = authenticated_client();
      send(*client);
      EXPECT_TRUE(client->closed_by_server());
      const std::string address = client->local_address();
      const auto event = washington_->wait_for([&](const nlohmann::json& e) {
        const std::string kind = e.value("event", "");
        const std::string reason = e.value("reason", "");
        return (kind == "refused" || kind == "link_down") &&
               (reason.find(reason_part) != std::string::npos ||
                (e.value("address", "") == address &&
                 reason.find("replaced by a newer connection") != std::string::npos));
      });
      const std::string reason = event.value("reason", "");
      if (reason.find(reason_part) == std::string::npos) continue;  // replaced: try again
      EXPECT_NE(reason.find("protocol violation"), std::string::npos) << event.dump();
      return;
    }
    ADD_FAILURE() << "each connection was replaced by moscow's before washington read it";
  }

  // The node still runs, the real moscow (re)connects, and every message arrives exactly once.
  void expect_nothing_lost() {
    washington_->send_line("from washington");
    moscow_->send_line("after");
    const auto delivered =
        washington_->wait_for_count(is_event("delivered"), 2, std::chrono::seconds(20));
    EXPECT_EQ(delivered[0]["text"], "before");
    EXPECT_EQ(delivered[1]["text"], "after");
    EXPECT_EQ(moscow_->wait_for(is_event("delivered"))["text"], "from washington");
    washington_->process().close_input();
    moscow_->process().close_input();
    EXPECT_EQ(washington_->process().wait_for(std::chrono::seconds(15)), 0);
    EXPECT_EQ(moscow_->process().wait_for(std::chrono::seconds(15)), 0);
    washington_->drain(std::chrono::seconds(2));
    EXPECT_EQ(washington_->events_of("delivered").size(), 2u);
    moscow_->drain(std::chrono::seconds(2));
    EXPECT_EQ(moscow_->events_of("delivered").size(), 1u);
  }

  std::unique_ptr<LinkedNodes> nodes_;
  std::filesystem::path certs_;
  NodeProcess* washington_ = nullptr;
  NodeProcess* moscow_ = nullptr;
  std::string address_;
};

TEST_F(BadInputTest, OversizedLengthClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) {
        client.send_frame_bytes(std::string("\x7f\xff\xff\xff", 4) + "xxxx");
      },
      "exceeds the limit of 65536");
  expect_nothing_lost();
}

TEST_F(BadInputTest, ZeroLengthClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) { client.send_frame_bytes(std::string("\0\0\0\0", 4)); },
      "zero length");
  expect_nothing_lost();
}

TEST_F(BadInputTest, GarbageBytesCloseTheConnection) {
  expect_closed_with(
      [&](TestClient& client) {
        client.send_frame_bytes(std::string("\0\0\0\x08", 4) + std::string(8, '\xff'));
      },
      "not a valid Envelope");
  expect_nothing_lost();
}

TEST_F(BadInputTest, UnknownVersionClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) {
        wire::Envelope hello = hello_envelope("moscow", 77);
        hello.set_version(7);
        client.send_envelope(hello);
      },
      "unsupported protocol version 7");
  expect_nothing_lost();
}

TEST_F(BadInputTest, WrongSenderClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) { client.send_envelope(hello_envelope("washington", 77)); },
      "on a connection authenticated as \"moscow\"");
  expect_nothing_lost();
}

TEST_F(BadInputTest, SequenceGoingBackwardsClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) {
        client.send_envelope(hello_envelope("moscow", 77));
        client.send_envelope(message_envelope("moscow", 77, 5, "five"));
        client.send_envelope(message_envelope("moscow", 77, 3, "three"));
      },
      "sequence number went backwards (3 after 5)");
  expect_nothing_lost();
}

TEST_F(BadInputTest, SecondHelloClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) {
        client.send_envelope(hello_envelope("moscow", 77));
        client.send_envelope(hello_envelope("moscow", 77));
      },
      "a second Hello on one connection");
  expect_nothing_lost();
}

TEST_F(BadInputTest, AcknowledgingUnsentMessagesClosesTheConnection) {
  expect_closed_with(
      [&](TestClient& client) {
        client.send_envelope(hello_envelope("moscow", 77));
        const auto reply = client.read_envelope();
        if (!reply) return;  // replaced by moscow's connection before its Hello was answered
        ASSERT_TRUE(reply->has_hello());
        wire::Envelope ack = hello_envelope("moscow", 77);
        ack.mutable_ack_only();
        ack.set_ack(1000);
        ack.set_ack_epoch(reply->epoch());
        client.send_envelope(ack);
      },
      "acknowledges message 1000 but only 0 were sent");
  expect_nothing_lost();
}

TEST_F(BadInputTest, MalformedBatchesCloseTheConnection) {
  const auto batch_of = [](std::vector<wire::Envelope> items) {
    wire::Envelope frame = hello_envelope("moscow", 77);
    frame.clear_hello();
    for (auto& item : items) *frame.mutable_batch()->add_items() = std::move(item);
    if (items.empty()) frame.mutable_batch();
    return frame;
  };
  const auto item = [](std::uint64_t seq) {
    wire::Envelope envelope;
    envelope.set_seq(seq);
    envelope.mutable_message()->set_text("in a batch");
    return envelope;
  };
  wire::Envelope heartbeat;
  heartbeat.mutable_heartbeat();
  const std::vector<std::pair<wire::Envelope, std::string>> cases = {
      {batch_of({}), "an empty batch"},
      {batch_of({item(1), heartbeat}), "batch item 2 is a heartbeat, not a reliable payload"},
      {batch_of({item(1), item(0)}), "batch item 2 without a sequence number"},
      {batch_of({item(5), item(3)}), "sequence number went backwards (3 after 5)"},
  };
  for (const auto& test_case : cases) {
    expect_closed_with(
        [&](TestClient& client) {
          client.send_envelope(hello_envelope("moscow", 77));
          client.send_envelope(test_case.first);
        },
        test_case.second);
  }
  expect_nothing_lost();
}

TEST_F(BadInputTest, ABatchIsDeliveredInOrderAndARepeatedOneNotAgain) {
  auto client = authenticated_client();
  client->send_envelope(hello_envelope("moscow", 78));
  wire::Envelope frame = hello_envelope("moscow", 78);
  frame.clear_hello();
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    wire::Envelope& item = *frame.mutable_batch()->add_items();
    item.set_seq(seq);
    item.mutable_message()->set_text("batched " + std::to_string(seq));
  }
  client->send_envelope(frame);
  for (auto& item : *frame.mutable_batch()->mutable_items()) item.set_retransmission(true);
  client->send_envelope(frame);
  const auto delivered = washington_->wait_for_count(
      [](const nlohmann::json& e) {
        return e.value("event", "") == "delivered" && e.value("epoch", 0ULL) == 78;
      },
      3, std::chrono::seconds(10));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(delivered[i]["text"], "batched " + std::to_string(i + 1));
    EXPECT_EQ(delivered[i]["seq"], i + 1);
  }
  washington_->wait_for_count(is_event("duplicate"), 3, std::chrono::seconds(10));
}

}  // namespace
}  // namespace hotline::testing
