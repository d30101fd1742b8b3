#include "node/journal_format.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
// Inlined: the records are small (some 100 bytes), and a call into the library with its
// dispatch cost as much as the hash (4% of a journalled node's time).
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace hotline::node::journal_format {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

constexpr std::size_t kV1HeaderBytes = 8;

std::uint32_t read_le32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
         (std::uint32_t{b[3]} << 24);
}

std::uint64_t read_le64(const char* p) {
  return std::uint64_t{read_le32(p)} | (std::uint64_t{read_le32(p + 4)} << 32);
}

void write_le32(char* p, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(value >> (8 * i));
}

void write_le64(char* p, std::uint64_t value) {
  write_le32(p, static_cast<std::uint32_t>(value));
  write_le32(p + 4, static_cast<std::uint32_t>(value >> 32));
}

std::uint32_t header_hash(const char* header) {
  return static_cast<std::uint32_t>(XXH3_64bits(header, 12));
}

// Fills the header of a record whose body (of `body_bytes`) follows it at `header`.
void seal(char* header, std::size_t body_bytes) {
  write_le32(header, static_cast<std::uint32_t>(body_bytes));
  write_le64(header + 4, XXH3_64bits(header + kHeaderBytes, body_bytes));
  write_le32(header + 12, header_hash(header));
}

// Appends a record whose body, `body` bytes long, `write` fills from the address it is given,
// returning where it stopped; then seals the record's header over it.
template <typename Write>
void append_sealed(std::string& out, std::size_t body, Write&& write) {
  const std::size_t at = out.size();
  out.resize(at + kHeaderBytes + body);
  auto* const start = reinterpret_cast<std::uint8_t*>(out.data() + at + kHeaderBytes);
  if (write(start) != start + body) {
    // Not left unsealed in the buffer, where the next commit would write it as damage.
    out.resize(at);
    throw std::logic_error("a journal record's size was miscounted");
  }
  seal(out.data() + at, body);
}

std::uint32_t crc32_of(const char* data, std::size_t size) {
  return static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

std::size_t length_delimited_bytes(int field, std::size_t length) {
  return WireFormatLite::TagSize(field, WireFormatLite::TYPE_BYTES) +
         CodedOutputStream::VarintSize32(static_cast<std::uint32_t>(length)) + length;
}

std::uint8_t* write_length_delimited_header(int field, std::size_t length, std::uint8_t* at) {
  at = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, at);
  return CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(length), at);
}

std::size_t peer_bytes(std::string_view peer) {
  return peer.empty() ? 0 : length_delimited_bytes(journal::Record::kPeerFieldNumber, peer.size());
}

std::uint8_t* write_peer(std::string_view peer, std::uint8_t* at) {
  if (peer.empty()) return at;
  at = write_length_delimited_header(journal::Record::kPeerFieldNumber, peer.size(), at);
  std::memcpy(at, peer.data(), peer.size());
  return at + peer.size();
}

// Record{<record_field>: {envelope: 1, generated: 2}, peer}: Sent and Delivered share the
// envelope's field number, which the static_assert holds them to.
void append_wrapped_envelope(std::string& out, int record_field, const wire::Envelope& envelope,
                             bool generated, std::string_view peer) {
  static_assert(int{journal::Sent::kEnvelopeFieldNumber} ==
                int{journal::Delivered::kEnvelopeFieldNumber});
  const std::size_t envelope_bytes = envelope.ByteSizeLong();
  const std::size_t inner =
      length_delimited_bytes(journal::Sent::kEnvelopeFieldNumber, envelope_bytes) +
      (generated ? WireFormatLite::TagSize(journal::Sent::kGeneratedFieldNumber,
                                           WireFormatLite::TYPE_BOOL) +
                       1
                 : 0);
  const std::size_t body = length_delimited_bytes(record_field, inner) + peer_bytes(peer);
  append_sealed(out, body, [&](std::uint8_t* const start) {
    std::uint8_t* p = write_length_delimited_header(record_field, inner, start);
    p = write_length_delimited_header(journal::Sent::kEnvelopeFieldNumber, envelope_bytes, p);
    p = envelope.SerializeWithCachedSizesToArray(p);
    if (generated)
      p = WireFormatLite::WriteBoolToArray(journal::Sent::kGeneratedFieldNumber, true, p);
    p = write_peer(peer, p);
    return p;
  });
}

// Where each version's records start and how a record is checked.
struct Layout {
  Version version;
  std::size_t header_bytes;
};

// Why the record at `at` is not whole, or empty if it is (then `record` holds it).
std::string damage_at(std::string_view bytes, std::size_t at, const Layout& layout,
                      journal::Record& record, bool describe = true) {
  const std::size_t left = bytes.size() - at;
  const char* header = bytes.data() + at;
  if (left < layout.header_bytes) return "incomplete record header";
  // (Not while looking past damage: a long run of zeros would be read once per offset.)
  if (describe && std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.end(),
                              [](char c) { return c == 0; })) {
    return "zeros where a record was being written";
  }
  const std::uint32_t length = read_le32(header);
  if (layout.version != Version::kOne && read_le32(header + 12) != header_hash(header)) {
    return "record header fails its check";
  }
  if (length == 0) return "empty record header";
  if (length > kMaxRecordBytes) {
    return describe ? "record length " + std::to_string(length) + " is not plausible" : "x";
  }
  if (length > left - layout.header_bytes) {
    return describe ? "record of " + std::to_string(length) + " bytes cut short" : "x";
  }
  const char* body = header + layout.header_bytes;
  const bool sound = layout.version == Version::kOne
                         ? crc32_of(body, length) == read_le32(header + 4)
                         : XXH3_64bits(body, length) == read_le64(header + 4);
  if (!sound || !record.ParseFromArray(body, static_cast<int>(length))) {
    return "record fails its checksum";
  }
  return {};
}

}  // namespace

void append_record(std::string& out, const journal::Record& record) {
  const std::size_t size = record.ByteSizeLong();
  const std::size_t at = out.size();
  out.resize(at + kHeaderBytes + size);
  record.SerializeWithCachedSizesToArray(
      reinterpret_cast<std::uint8_t*>(out.data() + at + kHeaderBytes));
  seal(out.data() + at, size);
}

void append_record_body(std::string& out, std::string_view body) {
  const std::size_t at = out.size();
  out.resize(at + kHeaderBytes);
  out.append(body);
  seal(out.data() + at, body.size());
}

void append_sent(std::string& out, const wire::Envelope& envelope, bool generated,
                 std::string_view peer) {
  append_wrapped_envelope(out, journal::Record::kSentFieldNumber, envelope, generated, peer);
}

void append_delivered(std::string& out, const wire::Envelope& envelope, std::string_view peer) {
  append_wrapped_envelope(out, journal::Record::kDeliveredFieldNumber, envelope, false, peer);
}

void append_delivered_item(std::string& out, std::string_view item_bytes, std::uint64_t epoch,
                           std::string_view peer) {
  const std::size_t epoch_bytes =
      WireFormatLite::TagSize(wire::Envelope::kEpochFieldNumber, WireFormatLite::TYPE_UINT64) +
      CodedOutputStream::VarintSize64(epoch);
  const std::size_t envelope_bytes = item_bytes.size() + epoch_bytes;
  const std::size_t inner =
      length_delimited_bytes(journal::Delivered::kEnvelopeFieldNumber, envelope_bytes);
  const std::size_t body =
      length_delimited_bytes(journal::Record::kDeliveredFieldNumber, inner) + peer_bytes(peer);
  append_sealed(out, body, [&](std::uint8_t* const start) {
    std::uint8_t* p =
        write_length_delimited_header(journal::Record::kDeliveredFieldNumber, inner, start);
    p = write_length_delimited_header(journal::Delivered::kEnvelopeFieldNumber, envelope_bytes, p);
    std::memcpy(p, item_bytes.data(), item_bytes.size());
    p = WireFormatLite::WriteUInt64ToArray(wire::Envelope::kEpochFieldNumber, epoch,
                                           p + item_bytes.size());
    p = write_peer(peer, p);
    return p;
  });
}

namespace {

// Record{sent_items: ...} whose items take `items_bytes`, framed, which `write_items` writes at
// the address it is given, returning where it stopped.
template <typename WriteItems>
void append_sent_items_with(std::string& out, std::uint32_t version, std::string_view sender,
                            std::uint64_t epoch, std::size_t items_bytes, WriteItems&& write_items,
                            std::uint64_t generated_through, std::string_view peer) {
  using Group = journal::SentItems;
  const std::size_t inner =
      (version == 0
           ? 0
           : WireFormatLite::TagSize(Group::kVersionFieldNumber, WireFormatLite::TYPE_UINT32) +
                 CodedOutputStream::VarintSize32(version)) +
      (sender.empty() ? 0 : length_delimited_bytes(Group::kSenderFieldNumber, sender.size())) +
      (epoch == 0 ? 0
                  : WireFormatLite::TagSize(Group::kEpochFieldNumber, WireFormatLite::TYPE_UINT64) +
                        CodedOutputStream::VarintSize64(epoch)) +
      items_bytes +
      (generated_through == 0 ? 0
                              : WireFormatLite::TagSize(Group::kGeneratedThroughFieldNumber,
                                                        WireFormatLite::TYPE_UINT64) +
                                    CodedOutputStream::VarintSize64(generated_through));
  const std::size_t body =
      length_delimited_bytes(journal::Record::kSentItemsFieldNumber, inner) + peer_bytes(peer);
  append_sealed(out, body, [&](std::uint8_t* const start) {
    std::uint8_t* p =
        write_length_delimited_header(journal::Record::kSentItemsFieldNumber, inner, start);
    if (version != 0)
      p = WireFormatLite::WriteUInt32ToArray(Group::kVersionFieldNumber, version, p);
    if (!sender.empty()) {
      p = write_length_delimited_header(Group::kSenderFieldNumber, sender.size(), p);
      std::memcpy(p, sender.data(), sender.size());
      p += sender.size();
    }
    if (epoch != 0) p = WireFormatLite::WriteUInt64ToArray(Group::kEpochFieldNumber, epoch, p);
    p = write_items(p);
    if (generated_through != 0)
      p = WireFormatLite::WriteUInt64ToArray(Group::kGeneratedThroughFieldNumber, generated_through,
                                             p);
    p = write_peer(peer, p);
    return p;
  });
}

}  // namespace

void append_delivered_items(std::string& out, std::uint64_t epoch, std::string_view items,
                            std::string_view peer) {
  using Group = journal::DeliveredItems;
  const std::size_t inner =
      (epoch == 0 ? 0
                  : WireFormatLite::TagSize(Group::kEpochFieldNumber, WireFormatLite::TYPE_UINT64) +
                        CodedOutputStream::VarintSize64(epoch)) +
      items.size();
  const std::size_t body =
      length_delimited_bytes(journal::Record::kDeliveredItemsFieldNumber, inner) + peer_bytes(peer);
  append_sealed(out, body, [&](std::uint8_t* const start) {
    std::uint8_t* p =
        write_length_delimited_header(journal::Record::kDeliveredItemsFieldNumber, inner, start);
    if (epoch != 0) p = WireFormatLite::WriteUInt64ToArray(Group::kEpochFieldNumber, epoch, p);
    std::memcpy(p, items.data(), items.size());
    p += items.size();
    p = write_peer(peer, p);
    return p;
  });
}

void append_sent_items(std::string& out, std::uint32_t version, std::string_view sender,
                       std::uint64_t epoch, std::string_view items, std::uint64_t generated_through,
                       std::string_view peer) {
  append_sent_items_with(
      out, version, sender, epoch, items.size(),
      [&](std::uint8_t* p) {
        std::memcpy(p, items.data(), items.size());
        return p + items.size();
      },
      generated_through, peer);
}

void append_sent_items(std::string& out, std::uint32_t version, std::string_view sender,
                       std::uint64_t epoch, const std::vector<std::string_view>& items,
                       std::string_view peer) {
  constexpr int kField = journal::SentItems::kItemsFieldNumber;
  std::size_t items_bytes = 0;
  for (const std::string_view item : items)
    items_bytes += length_delimited_bytes(kField, item.size());
  append_sent_items_with(
      out, version, sender, epoch, items_bytes,
      [&](std::uint8_t* p) {
        for (const std::string_view item : items) {
          p = write_length_delimited_header(kField, item.size(), p);
          std::memcpy(p, item.data(), item.size());
          p += item.size();
        }
        return p;
      },
      0, peer);
}

namespace {

void append_framed(std::string& items, int field, std::string_view item) {
  const std::size_t at = items.size();
  items.resize(at + length_delimited_bytes(field, item.size()));
  std::uint8_t* p = write_length_delimited_header(
      field, item.size(), reinterpret_cast<std::uint8_t*>(items.data() + at));
  std::memcpy(p, item.data(), item.size());
}

}  // namespace

void append_sent_item_to_group(std::string& items, std::string_view item) {
  append_framed(items, journal::SentItems::kItemsFieldNumber, item);
}

void append_delivered_item_to_group(std::string& items, std::string_view item) {
  append_framed(items, journal::DeliveredItems::kItemsFieldNumber, item);
}

Reading read_records(std::string_view bytes, Version version,
                     const std::function<void(const journal::Record&, std::string_view body,
                                              std::size_t offset)>& take) {
  const Layout layout{version, version == Version::kOne ? kV1HeaderBytes : kHeaderBytes};
  Reading reading;
  std::size_t offset = version == Version::kOne ? 0 : kMagic.size();
  journal::Record record;
  while (offset < bytes.size()) {
    std::string damage = damage_at(bytes, offset, layout, record);
    if (!damage.empty()) {
      reading.whole_bytes = offset;
      reading.damage = std::move(damage);
      // Only the record being written when the node stopped can be torn: a whole record after
      // the damage means the damage is in the middle, and cutting would lose good records.
      // A version 2 or 3 header checks itself, so this look is cheap; version 1 files are read
      // once.
      for (std::size_t at = offset + 1; at + layout.header_bytes <= bytes.size(); ++at) {
        if (damage_at(bytes, at, layout, record, false).empty()) {
          reading.record_after_damage = at;
          break;
        }
      }
      return reading;
    }
    const std::size_t length = read_le32(bytes.data() + offset);
    take(record, bytes.substr(offset + layout.header_bytes, length), offset);
    offset += layout.header_bytes + length;
  }
  reading.whole_bytes = offset;
  return reading;
}

}  // namespace hotline::node::journal_format
