// libFuzzer target: a connection's worth of frames from an authenticated peer, read as the
// session reads them (PeerReader: parse, then the connection's rules), with the peer's Hello
// weighed against a node's state (plan_resume). The input's first byte chooses how the stream
// is cut into reads, the next 32 the node's state (its epoch, the highest seq it transmitted,
// its acknowledged seq and what it delivered of the peer), the next 25 a Hello's resume point
// and floor; frames follow. Only FrameError and ProtocolViolation may end a connection, and a
// plan must keep the promises of node/resume_plan.h whatever the Hello says.
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/frame.h"
#include "node/peer_reader.h"
#include "node/protocol.h"
#include "node/resume_plan.h"

namespace {

std::uint64_t read_u64(const std::uint8_t* data) {
  std::uint64_t value = 0;
  std::memcpy(&value, data, sizeof value);
  return value;
}

// A broken promise is a bug of the plan, whatever the input: stop the fuzzer on it.
void require(bool promise) {
  if (!promise) __builtin_trap();
}

void check_plan(const hotline::node::ResumeFacts& facts, const hotline::wire::Hello& hello) {
  const auto plan = hotline::node::plan_resume(facts, hello);
  // Never more acknowledged than this node numbered, and never backwards.
  require(plan.acknowledged_up_to == 0 || (plan.acknowledged_up_to > facts.own_acknowledged_seq &&
                                           plan.acknowledged_up_to <= facts.own_transmitted));
  require(!plan.start_new_epoch || plan.peer_delivered > facts.own_transmitted);
  require(!(plan.start_new_epoch && plan.acknowledged_up_to != 0));
  // Only a resume point for this node's own epoch speaks of its messages.
  require(hello.resume().peer_epoch() == facts.own_epoch ||
          (!plan.start_new_epoch && plan.acknowledged_up_to == 0));
  // The delivery watermark only rises.
  require(plan.raise_delivered_to == 0 || plan.raise_delivered_to > facts.delivered_of_peer);
}

}  // namespace

// Protobuf logs every string field of invalid UTF-8 it parses; the node refuses such input
// anyway, and the log would drown the fuzzer's own output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kHeader = 1 + 32 + 25;
  if (size < kHeader) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  hotline::node::ResumeFacts facts;
  facts.own_epoch = read_u64(data + 1);
  facts.own_transmitted = read_u64(data + 9);
  // A node never has more acknowledged than may have reached the peer.
  facts.own_acknowledged_seq = std::min(read_u64(data + 17), facts.own_transmitted);
  facts.delivered_of_peer = read_u64(data + 25);
  // A Hello's numbers straight from the input as well: byte mutations of an encoded Hello seldom
  // reach them (each varint's length is inside two others). Half the time it names our epoch.
  hotline::wire::Hello direct;
  direct.mutable_resume()->set_peer_epoch((data[33] & 1) != 0 ? facts.own_epoch
                                                              : read_u64(data + 34));
  direct.mutable_resume()->set_delivered_seq(read_u64(data + 42));
  direct.set_acknowledged_floor(read_u64(data + 50));
  check_plan(facts, direct);
  const char* bytes = reinterpret_cast<const char*>(data + kHeader);
  const std::size_t length = size - kHeader;
  hotline::common::FrameDecoder decoder(4096);
  hotline::node::PeerReader reader("moscow");
  try {
    for (std::size_t at = 0; at < length; at += chunk) {
      decoder.feed(bytes + at, std::min(chunk, length - at));
      while (const auto body = decoder.next()) {
        const auto frame = reader.read(*body);
        if (frame.is_hello) check_plan(facts, frame.envelope.hello());
        // The items of a batch are what the node delivers: each numbered and of the epoch.
        if (frame.envelope.has_batch()) {
          for (const auto* item : reader.batch_items()) {
            require(item->seq() != 0 && item->epoch() == reader.rules().peer_epoch());
          }
        }
      }
      reader.release();
    }
  } catch (const hotline::common::FrameError&) {
    // An empty or oversized frame: the stream has lost its framing and is closed.
  } catch (const hotline::node::ProtocolViolation&) {
    // The session closes the connection, and nothing of the frame reaches the node.
  }
  return 0;
}
