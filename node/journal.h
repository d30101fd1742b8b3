#pragma once
// A node's durable journal: an append-only file of length- and CRC-framed records from which
// the outbox and the delivery state are rebuilt after a crash.
//
// Record = 4-byte little-endian length, 4-byte little-endian CRC-32 of the body, then the body
// (a serialized hotline.journal.Record). A record cut short at the end of the file (a crash
// during a write) is truncated away with a note; a bad record with more after it is corruption
// and an error naming the file and offset: the node never skips it or starts afresh by itself.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "proto/journal.pb.h"

namespace hotline::node {

enum class FsyncPolicy {
  kAlways,  // every record is fsync'd on its own, before append() returns
  kBatch,   // group commit: a background fsync covers everything written while the one
            // before it ran, so many messages share one fsync and the node never waits on it
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

  // What the file held when it was opened. Later appends are not folded in: the node keeps
  // the live state and hands compact() a snapshot of it.
  const JournalState& recovered() const { return state_; }
  std::size_t recovered_records() const { return recovered_records_; }
  void forget_recovered_deliveries() { state_.recent_deliveries.clear(); }

  using Ticket = std::uint64_t;

  // Adds a record to the next commit.
  void append(const journal::Record& record);
  // The two records of every message, encoded around the envelope without copying it.
  void append_sent(const wire::Envelope& envelope, bool generated);
  void append_delivered(const wire::Envelope& envelope);
  bool has_uncommitted() const { return !pending_.empty(); }
  // Writes what was appended; returns the commit's ticket. Once written, the records survive a
  // crash of the process. They survive a crash of the machine once synced_ticket() reaches the
  // ticket: at once for kAlways (and, trivially, kNone), after a background fsync for kBatch.
  Ticket commit();
  Ticket synced_ticket() const;
  // Called on the fsync thread each time a background fsync completes, with the ticket it
  // covers. The node posts it to its own thread.
  void on_synced(std::function<void(Ticket)> callback) {
    std::lock_guard lock(mutex_);
    on_synced_ = std::move(callback);
  }
  // Writes and fsyncs everything now, on the calling thread (for a clean stop).
  void flush();
  bool wants_compaction() const { return size_ > options_.compact_after_bytes; }
  // Replaces the file, atomically, by `snapshot` (records that rebuild the live state).
  void compact(const std::vector<journal::Record>& snapshot);

  std::uint64_t size_bytes() const { return size_; }
  std::uint64_t fsync_count() const {
    std::lock_guard lock(mutex_);
    return fsyncs_;
  }

 private:
  void recover(const std::function<void(const std::string&)>& note);
  void after_append();
  void write_all(const std::string& bytes);
  void sync();
  void run_flusher();

  Options options_;
  int fd_ = -1;
  Ticket written_ = 0;
  std::function<void(Ticket)> on_synced_;
  // Background fsync (kBatch): requested_ is the newest written ticket, synced_ the newest on
  // disk. syncing_ keeps compaction from swapping the file under an fsync.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Ticket requested_ = 0;
  Ticket synced_ = 0;
  bool syncing_ = false;
  bool stopping_ = false;
  std::thread flusher_;
  std::uint64_t size_ = 0;
  std::uint64_t fsyncs_ = 0;
  std::size_t recovered_records_ = 0;
  JournalState state_;
  std::string pending_;
};

// One framed record, as the journal writes it.
void append_journal_record(std::string& out, const journal::Record& record);

}  // namespace hotline::node
