// libFuzzer target: what a browser sends the classroom. The first byte chooses the parser: a
// request's target ("/ws?token=...", read by parse_resource and looked up among the seats'
// tokens), or a WebSocket message (parse_seat_request, then who may make it). Bad input ends in
// BadRequest, which the seat is shown; nothing may crash, be undefined, or come out of the
// parser breaking the limits it promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "classroom/resource.h"
#include "classroom/seat_request.h"
#include "classroom/seat_tokens.h"
#include "scenario/scenario_time.h"

using namespace hotline::classroom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    static const SeatTokens tokens({"washington", "moscow"});
    const Resource resource = parse_resource(text);
    // A guessed token admits no one (the chance of a 128-bit guess is nil).
    if (tokens.seat_of(resource.parameter("token"))) std::abort();
    return 0;
  }
  try {
    const SeatRequest request = parse_seat_request(text);
    if (request.action == SeatRequest::Action::kCommand) {
      if (request.line.empty() || request.line.size() > kMaxCommandLength) std::abort();
      for (const char c : request.line) {
        if (static_cast<unsigned char>(c) < 0x20) std::abort();
      }
    }
    if (request.action == SeatRequest::Action::kSpeed && !(request.value > 0)) std::abort();
    if (request.action == SeatRequest::Action::kBranch) {
      if (request.from.size() > 64) std::abort();
      // The classroom reads the branch's moment as scenario files write times.
      try {
        (void)hotline::scenario::parse_time(request.from, {1180000000, 180}, 0);
      } catch (const std::invalid_argument&) {
      }
    }
    (void)refusal("moscow", request);
    (void)refusal(kInstructor, request);
  } catch (const BadRequest&) {
    // The seat is told what was wrong; nothing changes.
  }
  return 0;
}
