#include "node/protocol.h"

#include <gtest/gtest.h>

namespace hotline::node {
namespace {

wire::Envelope valid_message() {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender("moscow");
  envelope.set_epoch(1);
  envelope.set_seq(1);
  envelope.mutable_message()->set_text("hello");
  return envelope;
}

std::string violation_of(const wire::Envelope& envelope) {
  try {
    decode_envelope(envelope.SerializeAsString());
  } catch (const ProtocolViolation& violation) {
    return violation.what();
  }
  return "";
}

TEST(ProtocolTest, DecodesAWellFormedEnvelope) {
  const wire::Envelope decoded = decode_envelope(valid_message().SerializeAsString());
  EXPECT_EQ(decoded.message().text(), "hello");
}

TEST(ProtocolTest, RejectsWhatBreaksTheProtocol) {
  wire::Envelope envelope = valid_message();
  envelope.set_version(2);
  EXPECT_EQ(violation_of(envelope), "unsupported protocol version 2");
  envelope = valid_message();
  envelope.clear_message();
  EXPECT_EQ(violation_of(envelope), "envelope without a payload");
  envelope = valid_message();
  envelope.set_seq(0);
  EXPECT_EQ(violation_of(envelope), "message without a sequence number");
  envelope = valid_message();
  envelope.mutable_bye();
  EXPECT_EQ(violation_of(envelope), "bye with a sequence number");
  EXPECT_THROW(decode_envelope(std::string(8, '\xff')), ProtocolViolation);
}

TEST(ProtocolTest, TextMayBeAnyBytes) {
  wire::Envelope envelope = valid_message();
  envelope.mutable_message()->set_text(std::string("\xff\xfe garbled", 10));
  EXPECT_EQ(decode_envelope(envelope.SerializeAsString()).message().text().size(), 10u);
}

}  // namespace
}  // namespace hotline::node
