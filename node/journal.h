#pragma once
// A node's durable journal: an append-only file of length- and CRC-framed records from which
// the outbox and the delivery state are rebuilt after a crash.
//
// Record = 4-byte little-endian length, 4-byte little-endian CRC-32 of the body, then the body
// (a serialized hotline.journal.Record). A record cut short at the end of the file (a crash
// during a write) is truncated away with a note; a bad record with more after it is corruption
// and an error naming the file and offset: the node never skips it or starts afresh by itself.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "proto/journal.pb.h"

namespace hotline::node {

enum class FsyncPolicy {
  kAlways,  // every record is fsync'd on its own
  kBatch,   // one fsync per commit point: group commit
  kNone,    // written, never fsync'd: survives a process crash, not a power cut
};

FsyncPolicy parse_fsync_policy(const std::string& text);

class JournalError : public std::runtime_error {
 public:
  JournalError(const std::filesystem::path& file, std::uint64_t offset, const std::string& what);
  const std::filesystem::path& file() const { return file_; }
  std::uint64_t offset() const { return offset_; }

 private:
  std::filesystem::path file_;
  std::uint64_t offset_;
};

// What a journal says about its node, record by record folded together.
struct JournalState {
  std::string party;
  std::uint64_t epoch = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t acknowledged_seq = 0;
  std::uint64_t generated = 0;
  std::map<std::uint64_t, journal::Sent> unacknowledged;  // by seq
  std::map<std::uint64_t, std::uint64_t> delivered;       // peer epoch -> delivered seq
  // Deliveries still held with their payload (since the last compaction), in order.
  std::vector<wire::Envelope> recent_deliveries;

  void apply(const journal::Record& record);
  // The records that rebuild this state, as a compaction writes them.
  std::vector<journal::Record> snapshot() const;
};

class Journal {
 public:
  struct Options {
    std::filesystem::path path;
    FsyncPolicy fsync = FsyncPolicy::kBatch;
    // Rewrite the file as a snapshot once it has grown past this many bytes.
    std::uint64_t compact_after_bytes = 16 * 1024 * 1024;
  };

  // Opens (creating if needed) and recovers the file. `note` hears about repairs, such as a
  // torn tail being cut. Throws JournalError on corruption.
  Journal(const Options& options, const std::function<void(const std::string&)>& note);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const JournalState& state() const { return state_; }
  std::size_t recovered_records() const { return recovered_records_; }

  // Adds a record to the state and to the next commit.
  void append(const journal::Record& record);
  bool has_uncommitted() const { return !pending_.empty(); }
  // Writes what was appended and fsyncs as the policy says. After commit() returns the records
  // survive a crash of the process (and, unless the policy is kNone, of the machine).
  void commit();
  // Replaces the file by a snapshot of the state if it has grown past the threshold.
  void compact_if_large();
  void compact();

  std::uint64_t size_bytes() const { return size_; }
  std::uint64_t fsync_count() const { return fsyncs_; }

 private:
  void recover(const std::function<void(const std::string&)>& note);
  void write_all(const std::string& bytes);
  void sync();

  Options options_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t fsyncs_ = 0;
  std::size_t recovered_records_ = 0;
  JournalState state_;
  std::string pending_;
};

// One framed record, as the journal writes it.
void append_journal_record(std::string& out, const journal::Record& record);

}  // namespace hotline::node
