#include "node/event_format.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

#include "node/event_log.h"
#include "tests/support/node_process.h"

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

TEST(EventFormatTest, APeersControlCharactersAreShownNotObeyedOnTheConsole) {
  // Before, a peer's text went to the terminal raw: escape sequences ran, and a line break
  // could print a fake event line.
  wire::Envelope envelope;
  envelope.set_seq(4);
  envelope.mutable_message()->set_text(
      "hello\x1b[2J\r\n22:13:20.000  ERROR fake\xc2\x9b"
      "31m caf\xc3\xa9");
  NodeEvent event(NodeEvent::Kind::kDelivered);
  event.time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  event.peer = "moscow";
  event.seq = 4;
  event.envelope = &envelope;
  const std::string line = console_line(event_to_json(event, "washington"));
  EXPECT_EQ(line,
            "22:13:20.000  <-    #4  hello\\x1b[2J\\x0d\\x0a22:13:20.000  ERROR fake\\x9b31m "
            "caf\xc3\xa9");
}

TEST(EventFormatTest, TheEventLogIsReadableByTheNodesUserAlone) {
  // It holds what the parties said. Before, it was created 0644.
  testing::TempDir dir;
  const auto fresh = dir.path() / "fresh.jsonl";
  { EventLog log(fresh); }
  struct stat info {};
  ASSERT_EQ(::stat(fresh.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // One left readable by others is made private.
  const auto shared = dir.path() / "shared.jsonl";
  std::ofstream(shared) << "{}\n";
  ::chmod(shared.c_str(), 0644);
  { EventLog log(shared); }
  ASSERT_EQ(::stat(shared.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace hotline::node
