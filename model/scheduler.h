#pragma once
// A discrete-event scheduler: events come out in time order, and events scheduled for the same
// instant in the order they were scheduled, so a run never depends on heap internals.

#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "model/time.h"

namespace hotline::model {

template <typename Event>
class Scheduler {
 public:
  void schedule(SimTime at, Event event) {
    queue_.push(Entry{at < now_ ? now_ : at, next_order_++, std::move(event)});
  }
  bool empty() const { return queue_.empty(); }
  SimTime now() const { return now_; }
  SimTime next_time() const { return queue_.top().at; }

  // Removes the earliest event and advances the clock to it.
  Event pop() {
    Entry entry = std::move(const_cast<Entry&>(queue_.top()));
    queue_.pop();
    now_ = entry.at;
    return std::move(entry.event);
  }
  std::uint64_t scheduled() const { return next_order_; }

 private:
  struct Entry {
    SimTime at;
    std::uint64_t order;
    Event event;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.at != b.at ? a.at > b.at : a.order > b.order;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
  SimTime now_ = 0;
  std::uint64_t next_order_ = 0;
};

}  // namespace hotline::model
