// The live exercise's clock: model time against wall time, paused, sped up, and held for a
// person's decision. Wall-clock waits here are short (tens of milliseconds) and the checks
// leave room for a slow machine: they assert what must hold, not how fast.
#include "runner/exercise_clock.h"

#include <gtest/gtest.h>

#include <thread>

namespace hotline::runner {
namespace {

using namespace std::chrono_literals;

TEST(ExerciseClockTest, APauseStopsModelTimeAndAResumeGoesOnFromThere) {
  ExerciseClock clock(3600, 1min);  // an hour of the case each second
  std::this_thread::sleep_for(20ms);
  clock.pause();
  const model::SimTime paused_at = clock.model_now();
  EXPECT_GT(paused_at, 0);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(clock.model_now(), paused_at);
  std::this_thread::sleep_for(250ms);
  clock.resume();
  std::this_thread::sleep_for(10ms);
  EXPECT_GT(clock.model_now(), paused_at);
  // It did not jump by the pause's length: 300 ms at 3600x would be 18 minutes of the case.
  EXPECT_LT(clock.model_now() - paused_at, 9 * model::kMinute);
}

TEST(ExerciseClockTest, ASpeedChangeKeepsTheModelTimeReached) {
  ExerciseClock clock(1, 1min);
  std::this_thread::sleep_for(50ms);
  const model::SimTime before = clock.model_now();
  clock.set_speed(1e6);
  const model::SimTime after = clock.model_now();
  EXPECT_GE(after, before);
  EXPECT_LT(after - before, 2 * model::kHour);  // not 50 ms x 1e6 = 14 hours back-dated
  std::this_thread::sleep_for(20ms);
  EXPECT_GT(clock.model_now() - after, model::kHour);
}

TEST(ExerciseClockTest, AHeldDecisionStopsTheClockUntilDecidedOrTheDeadline) {
  ExerciseClock clock(3600, 60ms);
  bool awaited = true;
  int ticks = 0;
  const auto start = std::chrono::steady_clock::now();
  // Nobody decides: the hold ends at the deadline, saying so.
  EXPECT_FALSE(clock.hold_for_decision(
      5 * model::kHour, [&] { return awaited; }, [&] { ++ticks; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);
  EXPECT_GT(ticks, 0);
  // The model time stood at the event, and runs on from it.
  EXPECT_GE(clock.model_now(), 5 * model::kHour);
  EXPECT_LT(clock.model_now(), 5 * model::kHour + 10 * model::kMinute);
  // Someone decides at the third tick: the hold ends then, in time.
  ExerciseClock patient(3600, 10s);
  int until_decided = 3;
  EXPECT_TRUE(patient.hold_for_decision(
      6 * model::kHour, [&] { return until_decided > 0; }, [&] { --until_decided; }));
}

TEST(ExerciseClockTest, APauseDoesNotUseUpTheTimeToDecide) {
  ExerciseClock clock(3600, 80ms);
  clock.pause();
  std::thread resume([&] {
    std::this_thread::sleep_for(200ms);
    clock.resume();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(clock.hold_for_decision(
      model::kHour, [] { return true; }, nullptr));
  // 200 ms paused, then the 80 ms to decide.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 260ms);
  resume.join();
}

TEST(ExerciseClockTest, AnEventAlreadyDueIsNotWaitedFor) {
  ExerciseClock clock(1, 1min);
  const auto start = std::chrono::steady_clock::now();
  clock.wait_until(0, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 40ms);
}

}  // namespace
}  // namespace hotline::runner
