// libFuzzer target: bytes from the network, as a node reads them. The first byte chooses how
// the stream is cut into reads; every frame body is decoded as an envelope and, if it holds a
// batch, as a batch. Anything malformed must be refused with FrameError or ProtocolViolation
// (the connection closes); nothing may crash, leak or allocate what the length field claims.
// Every item read must be what protobuf's own parser makes of its bytes, and is journalled from
// its bytes, as a receiving node does, and must read back as the envelope the reader made of it.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <google/protobuf/arena.h>

#include "common/frame.h"
#include "node/batch_reader.h"
#include "node/journal_format.h"
#include "node/journal_state.h"
#include "node/protocol.h"

// Protobuf logs every string field of invalid UTF-8 it parses; the node refuses such input
// anyway, and the log would drown the fuzzer's own output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

namespace {

void check_journalled_items(const hotline::node::BatchReader& reader, std::uint64_t epoch) {
  namespace journal_format = hotline::node::journal_format;
  // A frame's deliveries as version 2 wrote them (a record per item) and as version 3 does
  // (one group): both must read back as the items parsed, under the header's epoch.
  std::string items;
  std::string records(journal_format::kMagic);
  for (const std::string_view item : reader.item_bytes()) {
    journal_format::append_delivered_item(records, item, epoch);
    journal_format::append_delivered_item_to_group(items, item);
  }
  journal_format::append_delivered_items(records, epoch, items);
  hotline::node::PeerJournal state;
  const auto reading =
      journal_format::read_records(records, journal_format::Version::kThree,
                                   [&](const hotline::journal::Record& record, std::string_view,
                                       std::size_t) { state.apply(record); });
  const std::size_t count = reader.items().size();
  if (!reading.damage.empty() || state.recent_deliveries.size() != 2 * count) __builtin_trap();
  for (std::size_t i = 0; i < 2 * count; ++i) {
    const auto& read_back = state.recent_deliveries[i];
    const auto& parsed = *reader.items().at(i % count);
    if (read_back.epoch() != epoch || read_back.seq() != parsed.seq() ||
        read_back.payload_case() != parsed.payload_case() ||
        read_back.ByteSizeLong() != parsed.ByteSizeLong()) {
      __builtin_trap();
    }
  }
}

// The reader reads a plain message item field by field: it must read as protobuf's own parser
// reads the item's bytes.
void check_items_read_as_protobuf(const hotline::node::BatchReader& reader, std::uint64_t epoch) {
  for (std::size_t i = 0; i < reader.items().size(); ++i) {
    hotline::wire::Envelope expected;
    if (!hotline::node::parse_from_peer(expected, reader.item_bytes()[i])) __builtin_trap();
    expected.set_epoch(epoch);
    if (expected.SerializeAsString() != reader.items()[i]->SerializeAsString()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  const std::size_t length = size - 1;
  // The node's own largest frame by default: a batch of more items than the reader keeps
  // storage for fits only in a frame this large.
  hotline::common::FrameDecoder decoder(65536);
  hotline::node::BatchReader reader;
  google::protobuf::Arena arena;
  std::string scratch;
  hotline::wire::Envelope envelope;
  try {
    for (std::size_t at = 0; at < length; at += chunk) {
      decoder.feed(bytes + at, std::min(chunk, length - at));
      while (const auto body = decoder.next()) {
        try {
          // As the node reads a frame: a batch's header and items apart, else the whole body.
          const auto parts = hotline::node::split_batch_frame(*body, scratch);
          if (parts.has_batch) {
            hotline::node::decode_envelope(parts.header, envelope, true);
            reader.read(parts.items, envelope.epoch(), arena);
            check_items_read_as_protobuf(reader, envelope.epoch());
            check_journalled_items(reader, envelope.epoch());
          } else {
            hotline::node::decode_envelope(*body, envelope);
          }
        } catch (const hotline::node::ProtocolViolation&) {
          // Refused: the node closes this connection and goes on.
        }
      }
    }
  } catch (const hotline::common::FrameError&) {
    // An empty or oversized frame: the stream has lost its framing and is closed.
  }
  return 0;
}
