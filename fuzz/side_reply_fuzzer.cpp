// libFuzzer target: a line a node process writes to the referee in answer to a call, as the
// referee reads it (read_side_reply). A reply that is not what a reply must be ends in
// MalformedReply, which stops the run naming the node; nothing may crash or be undefined.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

#include "runner/side_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto reply = nlohmann::json::parse(data, data + size, nullptr, false);
  // The referee skips lines that are not JSON objects (a node's stray output).
  if (!reply.is_object()) return 0;
  try {
    (void)hotline::runner::read_side_reply(reply);
  } catch (const hotline::runner::MalformedReply&) {
    // The run stops: the node answered with something that is not a reply.
  }
  return 0;
}
