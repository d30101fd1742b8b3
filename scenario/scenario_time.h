#pragma once
// Times as people write them in scenario files:
//   "+2h30m"                     after the previous event (or the start)
//   "D+3 14:00", "D+0", "D+13"  days after the start date, at a wall-clock time in the start's
//                                offset (without a time: the start's time of day)
//   "2007-05-09T00:00:00+04:00"  ISO 8601; without an offset, the start's offset
//   "2007-05-09"                 midnight of that date in the start's offset

#include <cstdint>
#include <string>
#include <string_view>

#include "model/time.h"

namespace hotline::scenario {

struct StartTime {
  std::int64_t unix_seconds = 0;
  int utc_offset_minutes = 0;
};

// Throws std::invalid_argument saying what was expected.
StartTime parse_start(std::string_view text);
// Model time of `text`, given the start and the time "+..." counts from.
model::SimTime parse_time(std::string_view text, const StartTime& start, model::SimTime previous);

// "2007-05-09 00:00 +04:00" for transcripts; "D+12 02:00" when `relative`.
std::string format_time(model::SimTime at, const StartTime& start, bool relative = false);

}  // namespace hotline::scenario
