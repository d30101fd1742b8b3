#include "scenario/scenario_time.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hotline::scenario {
namespace {

using model::kDay;
using model::kHour;
using model::kMinute;

const StartTime kStart = parse_start("2007-04-26T22:00:00+03:00");

TEST(ScenarioTimeTest, RelativeTimesCountFromThePreviousEvent) {
  EXPECT_EQ(parse_time("+2h30m", kStart, kDay), kDay + 2 * kHour + 30 * kMinute);
}

TEST(ScenarioTimeTest, DayFormsUseTheStartsDateAndOffset) {
  EXPECT_EQ(parse_time("D+0 22:00", kStart, 0), 0);
  EXPECT_EQ(parse_time("D+1 01:00", kStart, 0), 3 * kHour);
  EXPECT_EQ(parse_time("D+13 00:00", kStart, 0), 12 * kDay + 2 * kHour);
  EXPECT_EQ(parse_time("D+3", kStart, 0), 3 * kDay);
}

TEST(ScenarioTimeTest, IsoTimesWithAndWithoutOffsets) {
  // Midnight in Moscow (UTC+4 in 2007) is 23:00 the day before in Tallinn (UTC+3).
  EXPECT_EQ(parse_time("2007-05-09T00:00:00+04:00", kStart, 0), 12 * kDay + 1 * kHour);
  EXPECT_EQ(parse_time("2007-05-09T00:00", kStart, 0), 12 * kDay + 2 * kHour);
  EXPECT_EQ(parse_time("2007-04-27", kStart, 0), 2 * kHour);
  EXPECT_EQ(parse_time("2007-04-26T19:00:00Z", kStart, 0), 0);
}

TEST(ScenarioTimeTest, FormatsBackInBothForms) {
  EXPECT_EQ(format_time(12 * kDay + 2 * kHour, kStart, true), "D+13 00:00");
  EXPECT_EQ(format_time(12 * kDay + 2 * kHour, kStart, false), "2007-05-09 00:00");
}

TEST(ScenarioTimeTest, UnreadableTimesSayWhatWasExpected) {
  for (const char* bad : {"", "tomorrow", "D+x", "D+3 25:00", "2007-13-01", "+2 hours", "D+3 14"}) {
    EXPECT_THROW(parse_time(bad, kStart, 0), std::invalid_argument) << bad;
  }
  try {
    parse_time("tomorrow", kStart, 0);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("expected \"+2h30m\", \"D+3 14:00\" or ISO 8601"),
              std::string::npos);
  }
}

// A fuzzer's branch request "D+1444444444444442222..." overflowed the day count (undefined
// behaviour, which UBSan reported); a day number past the bound is now refused, saying so.
TEST(ScenarioTimeTest, ADayNumberTooLargeIsRefusedNotOverflowed) {
  EXPECT_EQ(parse_time("D+100000", kStart, 0), 100000 * kDay);
  for (const char* bad : {"D+100001", "D+1444444444444442222222222222222 06:00"}) {
    try {
      parse_time(bad, kStart, 0);
      ADD_FAILURE() << bad << " was read";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("too large (at most 100000)"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace hotline::scenario
