#pragma once
// The clock of a live exercise: model time against wall time at a speed the instructor may
// change, with pauses, and held still while a person decides. Shared between the referee's
// thread, which waits on it, and whoever controls it (the classroom's web thread); every member
// is safe to call from either.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "model/time.h"

namespace hotline::runner {

class ExerciseClock {
 public:
  using WallClock = std::chrono::steady_clock;

  // `speed`: model seconds per wall second. `decision_time`: how long the clock waits for a
  // person's decision before the model makes it.
  ExerciseClock(double speed, std::chrono::milliseconds decision_time);

  // The case starts now at model time `at` (the clock may have been made long before, while a
  // classroom waited for its instructor).
  void start_at(model::SimTime at);

  double speed() const;
  // From now on; the model time reached so far stays.
  void set_speed(double speed);
  std::chrono::milliseconds decision_time() const;
  void set_decision_time(std::chrono::milliseconds decision_time);

  void pause();
  void resume();
  bool paused() const;

  // Waits until model time `at` is due in wall time, and for as long as the clock is paused.
  // `tick` runs about every 50 ms meanwhile (to take commands and notice a stop; it may throw).
  void wait_until(model::SimTime at, const std::function<void()>& tick);
  // Waits while `awaited()` holds, the clock paused or not, up to the decision time (which
  // does not run while paused). True if it stopped holding in time. The model time stands
  // still at `at` meanwhile, and runs on from `at` afterwards.
  bool hold_for_decision(model::SimTime at, const std::function<bool()>& awaited,
                         const std::function<void()>& tick);

  // The model time now, by the wall clock.
  model::SimTime model_now() const;

  // Something for the waiting referee to act on at once (a person's command): it stops waiting
  // and runs its tick now rather than at the next slice of 50 ms.
  void poke();

 private:
  model::SimTime model_now_locked(WallClock::time_point wall) const;
  // How long the clock has been paused in all, up to `wall`.
  WallClock::duration paused_for_locked(WallClock::time_point wall) const;
  WallClock::duration paused_for() const;
  void restart_at_locked(model::SimTime at, WallClock::time_point wall);

  // Sleeps until `until` or a poke, whichever comes first.
  void nap(WallClock::time_point until);

  mutable std::mutex mutex_;
  std::condition_variable poked_;
  bool poke_pending_ = false;
  double speed_;
  std::chrono::milliseconds decision_time_;
  bool paused_ = false;
  bool held_ = false;  // for a decision: the model time stands still
  WallClock::duration paused_before_ = WallClock::duration::zero();  // earlier pauses, in all
  WallClock::time_point paused_since_;
  // The model time at `anchor_wall_`; while paused, the time the pause began at.
  model::SimTime anchor_model_ = 0;
  WallClock::time_point anchor_wall_ = WallClock::now();
};

}  // namespace hotline::runner
