#include "scenario/scenario_time.h"

#include <cctype>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "common/duration.h"

namespace hotline::scenario {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(year + (m <= 2));
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  int digits(int count, const char* what) {
    int value = 0;
    for (int i = 0; i < count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) {
        throw std::invalid_argument(std::string("expected ") + what + " in \"" +
                                    std::string(text_) + "\"");
      }
      value = value * 10 + (text_[pos_++] - '0');
    }
    return value;
  }
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// "HH:MM" or "HH:MM:SS" -> seconds since midnight.
int parse_clock(Cursor& in) {
  const int hours = in.digits(2, "hours (HH)");
  if (!in.accept(':')) throw std::invalid_argument("expected ':' after the hours");
  const int minutes = in.digits(2, "minutes (MM)");
  int seconds = 0;
  if (in.accept(':')) seconds = in.digits(2, "seconds (SS)");
  if (hours > 23 || minutes > 59 || seconds > 60)
    throw std::invalid_argument("time of day out of range");
  return hours * 3600 + minutes * 60 + seconds;
}

// "Z", "+03:00", "-0500"; nothing -> `fallback`.
int parse_offset(Cursor& in, int fallback) {
  if (in.accept('Z')) return 0;
  const bool plus = in.peek() == '+';
  if (!in.accept('+') && !in.accept('-')) return fallback;
  const int hours = in.digits(2, "offset hours");
  in.accept(':');
  const int minutes = in.digits(2, "offset minutes");
  return (plus ? 1 : -1) * (hours * 60 + minutes);
}

struct Absolute {
  std::int64_t unix_seconds;
  int offset_minutes;
};

Absolute parse_iso(std::string_view text, int default_offset) {
  Cursor in(text);
  const int year = in.digits(4, "a year (YYYY)");
  if (!in.accept('-')) throw std::invalid_argument("expected '-' after the year");
  const int month = in.digits(2, "a month (MM)");
  if (!in.accept('-')) throw std::invalid_argument("expected '-' after the month");
  const int day = in.digits(2, "a day (DD)");
  if (month < 1 || month > 12 || day < 1 || day > 31)
    throw std::invalid_argument("date out of range");
  int seconds = 0;
  if (in.accept('T') || in.accept(' ')) seconds = parse_clock(in);
  const int offset = parse_offset(in, default_offset);
  if (!in.done())
    throw std::invalid_argument("unexpected \"" + std::string(in.rest()) + "\" after the time");
  const std::int64_t local = days_from_civil(year, month, day) * kSecondsPerDay + seconds;
  if (offset == std::numeric_limits<int>::min()) return {local, offset};
  return {local - static_cast<std::int64_t>(offset) * 60, offset};
}

}  // namespace

namespace {
constexpr int kMaxDay = 100000;
}  // namespace

StartTime parse_start(std::string_view text) {
  if (text.empty()) return {};
  // The start fixes the local time every "D+n HH:MM" counts in: it must say which.
  constexpr int kNoOffset = std::numeric_limits<int>::min();
  const Absolute absolute = parse_iso(text, kNoOffset);
  if (absolute.offset_minutes == kNoOffset) {
    throw std::invalid_argument("\"" + std::string(text) +
                                "\" has no UTC offset; add one (\"Z\", \"+03:00\", \"-05:00\"): "
                                "the start fixes the local time that D+ times count in");
  }
  return {absolute.unix_seconds, absolute.offset_minutes};
}

model::SimTime parse_time(std::string_view text, const StartTime& start, model::SimTime previous) {
  if (text.empty())
    throw std::invalid_argument("empty time; expected \"+2h\", \"D+3 14:00\" or ISO 8601");
  if (text.front() == '+') return previous + common::parse_duration(text.substr(1)).count();
  if (text.front() == 'D' && text.size() > 1 && text[1] == '+') {
    Cursor in(text.substr(2));
    int days = 0;
    bool any = false;
    while (std::isdigit(static_cast<unsigned char>(in.peek()))) {
      days = days * 10 + (in.peek() - '0');
      // No case runs for centuries; a longer number is a slip (and, read on, would overflow).
      if (days > kMaxDay) {
        throw std::invalid_argument("day number after \"D+\" too large (at most " +
                                    std::to_string(kMaxDay) + ")");
      }
      in.accept(in.peek());
      any = true;
    }
    if (!any) throw std::invalid_argument("expected a day number after \"D+\"");
    if (in.done()) return days * model::kDay;
    if (!in.accept(' ')) throw std::invalid_argument("expected a space and HH:MM after the day");
    const int clock = parse_clock(in);
    if (!in.done())
      throw std::invalid_argument("unexpected \"" + std::string(in.rest()) + "\" after the time");
    // Midnight of the start's local date, plus the days, plus the clock.
    const std::int64_t local_start = start.unix_seconds + start.utc_offset_minutes * 60;
    const std::int64_t start_midnight =
        local_start - ((local_start % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
    const std::int64_t local = start_midnight + days * kSecondsPerDay + clock;
    return (local - local_start) * model::kSecond;
  }
  if (std::isdigit(static_cast<unsigned char>(text.front()))) {
    const Absolute absolute = parse_iso(text, start.utc_offset_minutes);
    return (absolute.unix_seconds - start.unix_seconds) * model::kSecond;
  }
  throw std::invalid_argument(
      "cannot read time \"" + std::string(text) +
      "\"; expected \"+2h30m\", \"D+3 14:00\" or ISO 8601 (2007-05-09T00:00+04:00)");
}

std::string format_time(model::SimTime at, const StartTime& start, bool relative) {
  const std::int64_t local_start = start.unix_seconds + start.utc_offset_minutes * 60;
  const std::int64_t local = local_start + at / model::kSecond;
  const std::int64_t day = (local >= 0 ? local : local - kSecondsPerDay + 1) / kSecondsPerDay;
  const std::int64_t second_of_day = local - day * kSecondsPerDay;
  char buffer[64];
  if (relative) {
    const std::int64_t start_day =
        (local_start >= 0 ? local_start : local_start - kSecondsPerDay + 1) / kSecondsPerDay;
    std::snprintf(buffer, sizeof buffer, "D+%lld %02d:%02d",
                  static_cast<long long>(day - start_day), static_cast<int>(second_of_day / 3600),
                  static_cast<int>(second_of_day / 60 % 60));
    return buffer;
  }
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(day, y, m, d);
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d", y, m, d,
                static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60));
  return buffer;
}

}  // namespace hotline::scenario
