// libFuzzer target: a line a node process writes to the referee, as the referee reads it: a
// reply (read_reply_line, then read_side_reply) or one of the node's events. A reply that is not
// what a reply must be ends in MalformedReply, which stops the run naming the node; nothing may
// crash or be undefined.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runner/side_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  try {
    const auto reply = hotline::runner::read_reply_line(line);
    if (reply) (void)hotline::runner::read_side_reply(*reply);
  } catch (const hotline::runner::MalformedReply&) {
    // The run stops: the node answered with something that is not a reply.
  }
  return 0;
}
