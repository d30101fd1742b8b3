#pragma once
// How journal records lie on disk.
//
// Version 3 (written now): the file starts with the 8 bytes "HLJOURN3"; each record is a 16-byte
// header and a body, a serialized hotline.journal.Record:
//   length      u32 LE   bytes in the body
//   body_hash   u64 LE   XXH3-64 of the body
//   header_hash u32 LE   low 32 bits of XXH3-64 of the 12 bytes above
// The header checks itself, so a damaged length is seen as damage before it is used to find
// the next record. Consecutive Sent records of one link and epoch, and consecutive Delivered
// records of one peer epoch, are written as one record (SentItems, DeliveredItems): one header,
// one checksum and one epoch for a whole batch of messages.
//
// Version 2 (read only, rewritten as version 3 on first start): the same, under "HLJOURN2", with
// one record per message.
//
// Version 1 (read only, rewritten as version 3 on first start): no file header; each record is
// a u32 LE length, a u32 LE CRC-32 (zlib) of the body, then the body.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/journal.pb.h"

namespace hotline::node::journal_format {

inline constexpr std::string_view kMagic{"HLJOURN3", 8};
inline constexpr std::string_view kMagicVersionTwo{"HLJOURN2", 8};
inline constexpr std::size_t kHeaderBytes = 16;
// No record comes near this (a frame is at most 16 MiB); a larger length is damage.
inline constexpr std::uint32_t kMaxRecordBytes = 64 * 1024 * 1024;
// A group of items (SentItems, DeliveredItems) closes once its items reach this size.
inline constexpr std::size_t kLargestGroupBytes = 1024 * 1024;

void append_record(std::string& out, const journal::Record& record);
// A record whose body is already serialized (for rewriting a version 1 file).
void append_record_body(std::string& out, std::string_view body);
// Record{sent: {envelope, generated}, peer} and Record{delivered: {envelope}, peer}, encoded
// around the envelope without copying it into a Record first. An empty `peer` is not written.
void append_sent(std::string& out, const wire::Envelope& envelope, bool generated,
                 std::string_view peer = {});
void append_delivered(std::string& out, const wire::Envelope& envelope, std::string_view peer = {});
// Record{sent_items: {version, sender, epoch, items, generated_through}, peer}, where `items` holds
// the items framed by append_sent_item_to_group.
void append_sent_items(std::string& out, std::uint32_t version, std::string_view sender,
                       std::uint64_t epoch, std::string_view items, std::uint64_t generated_through,
                       std::string_view peer = {});
// The same for `items` each an envelope's bytes (such as encode_item_body's), framed here.
void append_sent_items(std::string& out, std::uint32_t version, std::string_view sender,
                       std::uint64_t epoch, const std::vector<std::string_view>& items,
                       std::string_view peer = {});
// Record{delivered_items: {epoch, items}, peer}, `items` framed by
// append_delivered_item_to_group.
void append_delivered_items(std::string& out, std::uint64_t epoch, std::string_view items,
                            std::string_view peer = {});
// Adds one item (an envelope's bytes) to the items of a SentItems or DeliveredItems record.
void append_sent_item_to_group(std::string& items, std::string_view item);
void append_delivered_item_to_group(std::string& items, std::string_view item);

// Record{delivered: {envelope}} for an envelope that came as a batch item: the item's bytes as
// they arrived, then the header's epoch (a later field of the same number wins in protobuf, so
// an item that names an epoch of its own reads as it did when it arrived). Version 2 wrote a
// delivery so; version 3 groups them (append_delivered_items).
void append_delivered_item(std::string& out, std::string_view item_bytes, std::uint64_t epoch,
                           std::string_view peer = {});

enum class Version { kOne, kTwo, kThree };

// The whole records of a file's bytes, in order, and what follows them.
struct Reading {
  // Where the last whole record ends; bytes past it are a damaged tail.
  std::size_t whole_bytes = 0;
  // Why the tail is not a record; empty if there is no tail.
  std::string damage;
  // Where a whole record was found after damage that is not at the end; 0 if none. Such a
  // file is corrupt, not torn: nothing may be cut from it.
  std::size_t record_after_damage = 0;
};

// Reads records from `bytes` (the whole file, the version 2 or 3 magic included) and hands each to
// `take` with its body. Stops at the first damage and looks past it for a whole record.
Reading read_records(std::string_view bytes, Version version,
                     const std::function<void(const journal::Record&, std::string_view body,
                                              std::size_t offset)>& take);

}  // namespace hotline::node::journal_format
