// What a browser may send the classroom, and who may send what.
#include "classroom/seat_request.h"

#include <gtest/gtest.h>

#include <set>

#include "classroom/resource.h"
#include "classroom/seat_tokens.h"

namespace hotline::classroom {
namespace {

std::string refused(std::string_view text) {
  try {
    parse_seat_request(text);
  } catch (const BadRequest& bad) {
    return bad.what();
  }
  return "";
}

TEST(SeatRequestTest, ReadsEachAction) {
  const SeatRequest command = parse_seat_request(R"({"action":"command","line":"/ask wave-1"})");
  EXPECT_EQ(command.action, SeatRequest::Action::kCommand);
  EXPECT_EQ(command.line, "/ask wave-1");
  const SeatRequest speed = parse_seat_request(R"({"action":"speed","value":20000})");
  EXPECT_EQ(speed.action, SeatRequest::Action::kSpeed);
  EXPECT_EQ(speed.value, 20000);
  EXPECT_EQ(parse_seat_request(R"({"action":"revoke","seat":"moscow"})").seat, "moscow");
  EXPECT_EQ(parse_seat_request(R"({"action":"reveal"})").action, SeatRequest::Action::kReveal);
  EXPECT_EQ(parse_seat_request(R"({"action":"inject","event":3})").event, 3);
  const SeatRequest outage = parse_seat_request(R"({"action":"outage","circuit":1,"value":6})");
  EXPECT_EQ(outage.circuit, 1);
  EXPECT_EQ(outage.value, 6);
}

TEST(SeatRequestTest, BadRequestsSayWhatIsWrong) {
  EXPECT_EQ(refused("{\"action\":"), "not JSON");
  EXPECT_EQ(refused("[1,2]"), "not a JSON object");
  EXPECT_EQ(refused(R"({"line":"/ask"})"), "\"action\" must be a string");
  EXPECT_EQ(refused(R"({"action":"launch"})"), "unknown action \"launch\"");
  EXPECT_EQ(refused(R"({"action":"command"})"), "\"line\" must be a string");
  EXPECT_EQ(refused(R"({"action":"command","line":""})"), "an empty command");
  EXPECT_EQ(refused(R"({"action":"command","line":"/ask x\n/climb"})"),
            "a command is one line of text, without control characters");
  EXPECT_EQ(refused(R"({"action":"command","line":")" + std::string(2001, 'a') + "\"}"),
            "a command is at most 2000 bytes");
  EXPECT_EQ(refused(R"({"action":"speed","value":"fast"})"), "\"value\" must be a number");
  EXPECT_EQ(refused(R"({"action":"speed","value":0})"),
            "\"value\" must be between 0.001 and 1000000000.0");
  EXPECT_EQ(refused(R"({"action":"decision_time","value":-1})"),
            "\"value\" must be between 0.0 and 86400.0");
  EXPECT_EQ(refused(R"({"action":"revoke","seat":7})"), "\"seat\" must be a string");
  EXPECT_EQ(refused(R"({"action":"outage","circuit":-1,"value":6})"),
            "\"circuit\" must be the index of one of the hotline's circuits");
  EXPECT_NE(refused(R"({"action":"outage","circuit":0,"value":0})"), "");
  for (const char* event : {"-1", "2.5", "\"3\"", "18446744073709551615"}) {
    EXPECT_EQ(refused(std::string(R"({"action":"inject","event":)") + event + "}"),
              "\"event\" must be the index of an entry of the case's timeline")
        << event;
  }
}

TEST(SeatRequestTest, ABranchNamesItsMomentAndWhatItChanges) {
  using Kind = runner::BranchChange::Kind;
  const SeatRequest nothing =
      parse_seat_request(R"({"action":"branch","from":"D+1 06:00","change":"nothing"})");
  EXPECT_EQ(nothing.action, SeatRequest::Action::kBranch);
  EXPECT_EQ(nothing.from, "D+1 06:00");
  EXPECT_EQ(nothing.change.kind, Kind::kNothing);
  const SeatRequest move =
      parse_seat_request(R"({"action":"branch","from":"D+1","change":"move","input":4})");
  EXPECT_EQ(move.change.kind, Kind::kMove);
  EXPECT_EQ(move.change.input, 4);
  EXPECT_EQ(parse_seat_request(R"({"action":"branch","from":"D+1","change":"inject","event":2})")
                .change.timeline_entry,
            2);
  const SeatRequest outage = parse_seat_request(
      R"({"action":"branch","from":"D+1","change":"outage","circuit":1,"value":3})");
  EXPECT_EQ(outage.change.kind, Kind::kOutage);
  EXPECT_EQ(outage.change.circuit, 1);
  EXPECT_EQ(outage.change.outage, 3 * model::kHour);

  EXPECT_EQ(refused(R"({"action":"branch","change":"nothing"})"), "\"from\" must be a string");
  EXPECT_EQ(refused(R"({"action":"branch","from":"D+1","change":"undo"})"),
            "\"change\" must be \"nothing\", \"move\", \"inject\" or \"outage\"");
  EXPECT_EQ(refused(R"({"action":"branch","from":"D+1","change":"move"})"),
            "\"input\" must be the index of one of the exercise's inputs");
  EXPECT_NE(refused(R"({"action":"branch","from":")" + std::string(100, '1') +
                    R"(","change":"nothing"})"),
            "");
  EXPECT_EQ(refusal("moscow", nothing), "only the instructor may do that");
}

TEST(SeatRequestTest, OnlyTheInstructorRunsTheExerciseAndOnlyPartiesPlayIt) {
  for (const char* action : {"start", "pause", "resume", "reveal", "close"}) {
    const SeatRequest request = parse_seat_request(std::string(R"({"action":")") + action + "\"}");
    EXPECT_EQ(refusal("moscow", request), "only the instructor may do that") << action;
    EXPECT_EQ(refusal(kInstructor, request), "") << action;
  }
  const SeatRequest command = parse_seat_request(R"({"action":"command","line":"/climb"})");
  EXPECT_EQ(refusal("moscow", command), "");
  EXPECT_NE(refusal(kInstructor, command), "");
}

TEST(SeatTokensTest, EachSeatHasItsOwnRandomTokenAndARevokedOneAdmitsNoOne) {
  SeatTokens tokens({"washington", "moscow"});
  std::set<std::string> distinct;
  for (const auto& seat : tokens.seats()) {
    const std::string& token = tokens.token_of(seat);
    EXPECT_EQ(token.size(), 32u);
    EXPECT_EQ(tokens.seat_of(token), seat);
    distinct.insert(token);
  }
  EXPECT_EQ(distinct.size(), 3u);
  const std::string old = tokens.token_of("moscow");
  const std::string fresh = tokens.revoke("moscow");
  EXPECT_NE(old, fresh);
  EXPECT_EQ(tokens.seat_of(old), std::nullopt);
  EXPECT_EQ(tokens.seat_of(fresh), "moscow");
  EXPECT_EQ(tokens.seat_of(""), std::nullopt);
  EXPECT_EQ(tokens.seat_of(old.substr(0, 31)), std::nullopt);
  EXPECT_EQ(tokens.seat_of(fresh + "0"), std::nullopt);
}

TEST(ResourceTest, PathAndQueryAreReadAndDecoded) {
  const Resource resource = parse_resource("/ws?token=ab%43d&x=1+2&token=second#frag");
  EXPECT_EQ(resource.path, "/ws");
  EXPECT_EQ(resource.parameter("token"), "abCd");  // the first value counts
  EXPECT_EQ(resource.parameter("x"), "1 2");
  EXPECT_EQ(resource.parameter("missing"), "");
  EXPECT_EQ(parse_resource("/report").path, "/report");
  // Malformed escapes are kept as written: they then match no token.
  EXPECT_EQ(parse_resource("/?token=%zz%4").parameter("token"), "%zz%4");
  EXPECT_EQ(parse_resource("?").path, "");
}

}  // namespace
}  // namespace hotline::classroom
