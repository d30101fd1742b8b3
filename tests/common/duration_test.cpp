#include "common/duration.h"

#include <gtest/gtest.h>

namespace hotline::common {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(DurationTest, ParsesTheFormsPeopleWrite) {
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("2h30m"), hours(2) + minutes(30));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("1d12h"), hours(36));
  EXPECT_EQ(parse_duration("10us"), microseconds(10));
}

TEST(DurationTest, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "10", "s", "10x", "1.2.3s", "-5s"}) {
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
  }
}

TEST(DurationTest, FormatsBackToAParsableForm) {
  for (const char* text : {"2h30m", "250ms", "1d12h", "10us", "0s"}) {
    EXPECT_EQ(format_duration(parse_duration(text)), text);
  }
}

}  // namespace
}  // namespace hotline::common
