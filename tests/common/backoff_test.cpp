#include "common/backoff.h"

#include <gtest/gtest.h>

namespace hotline::common {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, GrowsWithJitterUpToTheCapAndResets) {
  Backoff backoff(milliseconds(100), milliseconds(1000), 42);
  const milliseconds expected_steps[] = {milliseconds(100), milliseconds(200),  milliseconds(400),
                                         milliseconds(800), milliseconds(1000), milliseconds(1000)};
  for (const auto step : expected_steps) {
    const auto delay = backoff.next();
    EXPECT_GE(delay, step / 2);
    EXPECT_LE(delay, step);
  }
  backoff.reset();
  EXPECT_LE(backoff.next(), milliseconds(100));
}

TEST(BackoffTest, DifferentSeedsSpreadTheDelays) {
  Backoff a(milliseconds(1000), milliseconds(1000), 1);
  Backoff b(milliseconds(1000), milliseconds(1000), 2);
  int same = 0;
  for (int i = 0; i < 20; ++i) same += a.next() == b.next();
  EXPECT_LT(same, 5);
}

}  // namespace
}  // namespace hotline::common
