#include "runner/exercise_clock.h"

#include <algorithm>
#include <thread>

namespace hotline::runner {
namespace {

constexpr auto kSlice = std::chrono::milliseconds(50);

}  // namespace

ExerciseClock::ExerciseClock(double speed, std::chrono::milliseconds decision_time)
    : speed_(speed), decision_time_(decision_time) {}

void ExerciseClock::start_at(model::SimTime at) {
  std::lock_guard lock(mutex_);
  if (paused_) {
    anchor_model_ = at;
  } else {
    restart_at_locked(at, WallClock::now());
  }
}

double ExerciseClock::speed() const {
  std::lock_guard lock(mutex_);
  return speed_;
}

void ExerciseClock::set_speed(double speed) {
  std::lock_guard lock(mutex_);
  const auto wall = WallClock::now();
  if (!paused_) restart_at_locked(model_now_locked(wall), wall);
  speed_ = speed;
}

std::chrono::milliseconds ExerciseClock::decision_time() const {
  std::lock_guard lock(mutex_);
  return decision_time_;
}

void ExerciseClock::set_decision_time(std::chrono::milliseconds decision_time) {
  std::lock_guard lock(mutex_);
  decision_time_ = decision_time;
}

void ExerciseClock::pause() {
  std::lock_guard lock(mutex_);
  if (paused_) return;
  const auto wall = WallClock::now();
  anchor_model_ = model_now_locked(wall);
  paused_ = true;
  paused_since_ = wall;
}

void ExerciseClock::resume() {
  std::lock_guard lock(mutex_);
  if (!paused_) return;
  const auto wall = WallClock::now();
  paused_before_ += wall - paused_since_;
  paused_ = false;
  anchor_wall_ = wall;
}

ExerciseClock::WallClock::duration ExerciseClock::paused_for_locked(
    WallClock::time_point wall) const {
  return paused_before_ + (paused_ ? wall - paused_since_ : WallClock::duration::zero());
}

ExerciseClock::WallClock::duration ExerciseClock::paused_for() const {
  std::lock_guard lock(mutex_);
  return paused_for_locked(WallClock::now());
}

bool ExerciseClock::paused() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

model::SimTime ExerciseClock::model_now_locked(WallClock::time_point wall) const {
  if (paused_ || held_) return anchor_model_;
  const double seconds = std::chrono::duration<double>(wall - anchor_wall_).count();
  return anchor_model_ + static_cast<model::SimTime>(seconds * speed_ * model::kSecond);
}

void ExerciseClock::restart_at_locked(model::SimTime at, WallClock::time_point wall) {
  anchor_model_ = at;
  anchor_wall_ = wall;
}

model::SimTime ExerciseClock::model_now() const {
  std::lock_guard lock(mutex_);
  return model_now_locked(WallClock::now());
}

void ExerciseClock::poke() {
  {
    std::lock_guard lock(mutex_);
    poke_pending_ = true;
  }
  poked_.notify_all();
}

void ExerciseClock::nap(WallClock::time_point until) {
  std::unique_lock lock(mutex_);
  poked_.wait_until(lock, until, [this] { return poke_pending_; });
  poke_pending_ = false;
}

void ExerciseClock::wait_until(model::SimTime at, const std::function<void()>& tick) {
  for (;;) {
    WallClock::time_point due;
    {
      std::lock_guard lock(mutex_);
      const auto wall = WallClock::now();
      // Behind (slow replies from the nodes), it catches up rather than slowing the case.
      if (!paused_ && model_now_locked(wall) >= at) return;
      const double ahead = static_cast<double>(at - anchor_model_) / model::kSecond / speed_;
      due = paused_ ? wall + kSlice
                    : anchor_wall_ + std::chrono::duration_cast<WallClock::duration>(
                                         std::chrono::duration<double>(ahead));
    }
    if (tick) tick();
    nap(std::min(due, WallClock::now() + kSlice));
  }
}

bool ExerciseClock::hold_for_decision(model::SimTime at, const std::function<bool()>& awaited,
                                      const std::function<void()>& tick) {
  {
    std::lock_guard lock(mutex_);
    if (paused_) {
      anchor_model_ = at;
    } else {
      restart_at_locked(at, WallClock::now());
    }
    held_ = true;
  }
  // However the hold ends (a tick may throw to stop the exercise), the clock is not left held.
  struct Release {
    ExerciseClock& clock;
    ~Release() {
      std::lock_guard lock(clock.mutex_);
      clock.held_ = false;
    }
  } release{*this};
  const auto begun = WallClock::now();
  const auto paused_before = paused_for();
  bool in_time = true;
  while (awaited()) {
    // The time to decide runs only while the clock does.
    const auto waited = (WallClock::now() - begun) - (paused_for() - paused_before);
    if (waited >= decision_time()) {
      in_time = false;
      break;
    }
    if (tick) tick();
    nap(WallClock::now() + kSlice);
  }
  std::lock_guard lock(mutex_);
  if (paused_) {
    anchor_model_ = at;
  } else {
    restart_at_locked(at, WallClock::now());
  }
  return in_time;
}

}  // namespace hotline::runner
