#include "model/scheduler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hotline::model {
namespace {

TEST(SchedulerTest, EventsComeOutInTimeOrderAndSameTimeInSchedulingOrder) {
  Scheduler<std::string> scheduler;
  scheduler.schedule(30, "c");
  scheduler.schedule(10, "a1");
  scheduler.schedule(20, "b");
  scheduler.schedule(10, "a2");
  scheduler.schedule(10, "a3");
  std::vector<std::string> order;
  std::vector<SimTime> times;
  while (!scheduler.empty()) {
    order.push_back(scheduler.pop());
    times.push_back(scheduler.now());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "a2", "a3", "b", "c"}));
  EXPECT_EQ(times, (std::vector<SimTime>{10, 10, 10, 20, 30}));
}

TEST(SchedulerTest, AnEventInThePastHappensNowNotBeforeNow) {
  Scheduler<int> scheduler;
  scheduler.schedule(100, 1);
  scheduler.pop();
  scheduler.schedule(50, 2);
  EXPECT_EQ(scheduler.next_time(), 100);
  scheduler.pop();
  EXPECT_EQ(scheduler.now(), 100);
}

}  // namespace
}  // namespace hotline::model
