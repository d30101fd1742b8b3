#include "node/event_format.h"

#include <gtest/gtest.h>

namespace hotline::node {
namespace {

TEST(EventFormatTest, DeliveredMessageAsJsonAndConsoleLine) {
  wire::Envelope envelope;
  envelope.set_seq(3);
  envelope.mutable_message()->set_text("Please confirm.");
  envelope.mutable_message()->set_priority(wire::FLASH);
  NodeEvent event(NodeEvent::Kind::kDelivered);
  event.time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  event.peer = "moscow";
  event.seq = 3;
  event.epoch = 7;
  event.circuit = "backup";
  event.envelope = &envelope;
  const auto json = event_to_json(event, "washington");
  EXPECT_EQ(json_line(json),
            R"({"circuit":"backup","epoch":7,"event":"delivered","from":"moscow","kind":"message",)"
            R"("party":"washington","priority":"FLASH","seq":3,"text":"Please confirm.",)"
            R"("time":"2023-11-14T22:13:20.000000Z"})");
  EXPECT_EQ(console_line(json), "22:13:20.000  <-    #3  [FLASH] Please confirm.  [backup]");
}

TEST(EventFormatTest, GarbledTextStillMakesValidJson) {
  wire::Envelope envelope;
  envelope.mutable_message()->set_text(std::string("\xff\xfe", 2));
  NodeEvent event(NodeEvent::Kind::kSent);
  event.envelope = &envelope;
  const std::string line = json_line(event_to_json(event, "moscow"));
  EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
}

}  // namespace
}  // namespace hotline::node
