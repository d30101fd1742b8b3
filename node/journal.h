#pragma once
// A node's durable journal: an append-only file of self-checking records (journal_format.h)
// from which the outbox and the delivery state are rebuilt after a crash.
//
// Recovery trusts only what the disk holds. A damaged tail (the record being written when the
// node stopped) is cut, and its bytes are kept aside in a file beside the journal, with a note;
// damage followed by a whole record is corruption, an error naming the file and offset: the
// node never skips a record or starts afresh by itself. A version 1 or 2 journal is rewritten as
// version 3 on first start.
//
// Any write or fsync error is final: the journal says which file and why, refuses all further
// work, and nothing written after the last successful fsync counts as durable (on Linux a
// failed fsync may have dropped those pages; retrying it would "succeed" and lie).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "node/journal_files.h"
#include "node/journal_state.h"
#include "proto/journal.pb.h"

namespace hotline::node {

enum class FsyncPolicy {
  kAlways,  // every record is fsync'd on its own, before append() returns
  kBatch,   // group commit: a background thread writes and fsyncs everything committed while
            // its last fsync ran, so many messages share one fsync and the node never waits on
            // the disk
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

// A write, fsync, rename or truncate failed: the journal can no longer promise anything.
class JournalIoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Journal {
 public:
  struct Options {
    std::filesystem::path path;
    FsyncPolicy fsync = FsyncPolicy::kBatch;
    // Rewrite the file as a snapshot once it has grown past this many bytes.
    std::uint64_t compact_after_bytes = 16 * 1024 * 1024;
    // kBatch: the least time from one fsync's start to the next. Under load each fsync then
    // covers more records, which costs less CPU and disk time per record (an fsync's cost is
    // mostly fixed: measured in bench/README.md); a node that was idle fsyncs at once.
    std::chrono::microseconds fsync_interval{1000};
    // The system calls it makes; null for the system's own.
    std::shared_ptr<JournalFiles> files;
  };

  // Opens (creating if needed) and recovers the file. `note` hears about repairs, such as a
  // torn tail being cut or a version 1 file rewritten. Throws JournalError on corruption and
  // JournalIoError when the file cannot be read or repaired.
  Journal(const Options& options, const std::function<void(const std::string&)>& note);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // What the file held when it was opened. Later appends are not folded in: the node keeps
  // the live state and hands compact() a snapshot of it.
  const JournalState& recovered() const { return state_; }
  std::size_t recovered_records() const { return recovered_records_; }
  void forget_recovered_deliveries() {
    for (auto& [peer, state] : state_.peers) state.recent_deliveries.clear();
  }

  using Ticket = std::uint64_t;

  // Adds a record to the next commit. With FsyncPolicy::kAlways it is written and synced at
  // once. These, commit(), flush() and compact() throw JournalIoError once the journal failed.
  void append(const journal::Record& record);
  // A message sent and a delivery, encoded around the envelope without copying it (for a
  // message not encoded as an item). `peer` names the link in the journal of a node of several
  // peers, and is empty otherwise.
  void append_sent(const wire::Envelope& envelope, bool generated, std::string_view peer = {});
  // The same for an envelope encoded as a batch item when it was numbered (encode_item_body):
  // the item joins a SentItems record with the envelope's version, sender and epoch, so that
  // the sender's hot path copies the payload's bytes rather than encode them again. A message
  // the load generator made gives the link's count of generated messages with it (0 if not).
  void append_sent_item(const wire::Envelope& envelope, std::string_view item,
                        std::uint64_t generated_through, std::string_view peer = {});
  void append_delivered(const wire::Envelope& envelope, std::string_view peer = {});
  // A delivery that came as a batch item, from its bytes: it joins a DeliveredItems record of
  // its peer epoch.
  void append_delivered_item(std::string_view item_bytes, std::uint64_t epoch,
                             std::string_view peer = {});
  bool has_uncommitted() const { return !pending_.empty() || group_.kind != GroupKind::kNone; }
  // Commits what was appended; returns the commit's ticket. Under kAlways and kNone the records
  // are written at once, and survive a crash of the process; under kBatch the flusher writes
  // them just before its next fsync (see hand_to_flusher). They survive a crash of the machine
  // once synced_ticket() reaches the ticket: at once for kAlways (and, trivially, kNone),
  // after a background fsync for kBatch.
  Ticket commit();
  Ticket synced_ticket() const;
  // Called on the fsync thread each time a background fsync completes, with the ticket it
  // covers. The node posts it to its own thread.
  void on_synced(std::function<void(Ticket)> callback) {
    std::lock_guard lock(mutex_);
    on_synced_ = std::move(callback);
  }
  // Called on the fsync thread, once, if a background fsync fails, with the reason. Nothing
  // written after the last successful fsync will ever be reported synced.
  void on_failed(std::function<void(const std::string&)> callback) {
    std::lock_guard lock(mutex_);
    on_failed_ = std::move(callback);
  }
  // Why the journal stopped working; empty while it works.
  std::string failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  // Writes and fsyncs everything now, on the calling thread (for a clean stop).
  void flush();
  // Past the threshold, and at least twice the size of the last snapshot: a snapshot that is
  // itself large (many unacknowledged messages) is not rewritten after every commit, so the
  // cost of compaction stays proportional to what is appended.
  // Not while an earlier compaction's file is still waiting for its name.
  bool wants_compaction() const {
    return size_ > options_.compact_after_bytes && size_ >= 2 * snapshot_bytes_ &&
           !compaction_pending_.load(std::memory_order_acquire);
  }
  // Replaces the file, atomically, by `snapshot` (encoded records that rebuild the durable
  // state: JournalState::encode_snapshot) and the records appended since the last commit,
  // which it commits under a ticket of its own.
  //
  // Under kBatch, from a file whose every commit is synced, the replacement is made in the
  // background: the new file becomes the one appended to at once, and the flusher writes the
  // snapshot into it, fsyncs it, renames it over the journal and fsyncs the directory before
  // it reports the compaction's ticket, or any later one, synced. Until then the old file,
  // under the journal's name, holds everything ever reported synced. (On the node's thread,
  // the writes and the three waits on the disk stalled the link 10-20 ms at every
  // compaction.) Otherwise the replacement is done and, under a policy that fsyncs, synced
  // before compact() returns.
  void compact(std::string snapshot);

  std::uint64_t size_bytes() const { return size_; }
  // Bytes of records written to the journal in this life, compaction rewrites not counted.
  // (Readable from another thread, for a benchmark.)
  std::uint64_t appended_bytes() const { return appended_bytes_.load(std::memory_order_relaxed); }

  // After a failure: keeps what was written after the last successful fsync in a file beside
  // the journal and cuts it off, so that a restart finds only what was synced. Says what it did.
  std::string cut_back_to_synced();
  std::uint64_t fsync_count() const {
    std::lock_guard lock(mutex_);
    return fsyncs_;
  }

 private:
  void recover(const std::function<void(const std::string&)>& note);
  void start_new_file();
  // Keeps the damaged tail from `offset` in a file beside the journal and cuts it off.
  // Writes `bytes` (from `offset` of the journal) to a new file beside it and syncs it.
  std::filesystem::path keep_aside(std::string_view bytes, std::size_t offset,
                                   const std::string& kind);
  void cut_tail(const std::string& bytes, std::size_t offset, const std::string& why,
                const std::function<void(const std::string&)>& note);
  // Replaces the journal by `bytes`: a temporary file, fsync'd, renamed over it, the directory
  // fsync'd; without the fsyncs if `durable` is false. Leaves fd_ open on the new file.
  void replace_file(const std::string& bytes, bool durable);
  // Moves what was appended since the last commit to the end of `file`, a compaction's new file:
  // after the snapshot, not into the file replaced, since the snapshot is the caller's durable
  // state, which need not hold those records yet (deliveries of this very turn), and records
  // apply idempotently. Whether there was anything.
  bool move_pending_to(std::string& file);
  // compact() under kBatch, from a file all synced: see compact().
  void compact_in_background(std::string snapshot);
  std::filesystem::path compaction_path() const { return options_.path.string() + ".compacting"; }
  // Makes what was written to `fd` durable: fdatasync, and if `rename_due`, the compaction's
  // file renamed over the journal and the directory fsync'd. Returns why it failed, empty if
  // it did not; `renamed` says whether the rename happened. Throws nothing (the flusher's).
  std::string make_durable(int fd, bool rename_due, bool& renamed);
  // The directory's fsync; errno's value if it failed, 0 if not.
  int fsync_directory();
  void after_append();
  // Ends the open group of items: its one record joins pending_.
  void close_group();
  // Whether an item of `kind`, link `peer` and `epoch` (sent items also by `version` and
  // `sender`) may join the open group; if not, closes it and opens one for the item.
  enum GroupKind : std::uint8_t { kNone, kSent, kDelivered };
  void join_group(GroupKind kind, std::string_view peer, std::uint64_t epoch,
                  std::uint32_t version = 0, std::string_view sender = {});
  // Writes what was appended since the last write, and empties the buffer even if that fails.
  void write_pending();
  // kBatch: commits what was appended by handing it to the flusher, which writes it to the
  // file just before the fsync that covers it. The node's thread then neither makes the write
  // nor waits on the file's locks while a writeback holds them (nothing is acted on before the
  // fsync, so a record not yet written when the process dies was never acknowledged).
  void hand_to_flusher();
  // Writes writing_ to `fd` (the compaction's file if `to_compaction`) and empties it; why it
  // failed, empty if it did not.
  std::string write_out(int fd, bool to_compaction);
  // On the calling thread, while a FlusherKeptOff keeps the flusher off, with writing_ holding
  // what the flusher was handed: writes it to fd_, and, if `sync` or `rename_due`, makes it
  // durable (make_durable) and counts it synced. Throws JournalIoError if the journal failed,
  // before or here.
  void write_here(bool sync, bool rename_due);
  // Sets compacting_ back to false, and wakes the flusher, when it goes.
  struct FlusherKeptOff {
    Journal& journal;
    ~FlusherKeptOff();
  };
  void write_all(int fd, std::string_view bytes, const std::filesystem::path& path);
  // The same, throwing nothing: why it failed, empty if it did not.
  std::string write_bytes(int fd, std::string_view bytes, const std::filesystem::path& path);
  void sync();
  void sync_directory();
  void run_flusher();
  // Marks the journal failed and throws JournalIoError naming the file, the operation and the
  // errno it left.
  [[noreturn]] void fail(const std::filesystem::path& path, const std::string& what);
  [[noreturn]] void fail_because(const std::string& reason);
  // Under mutex_: the journal failed for `reason` (the first reason given is the one kept).
  void mark_failed(const std::string& reason);
  void throw_if_failed() const;

  Options options_;
  JournalFiles& files_;
  int fd_ = -1;
  Ticket written_ = 0;
  std::function<void(Ticket)> on_synced_;
  std::function<void(const std::string&)> on_failed_;
  std::string failure_;
  // failure_ is set (read without the lock by the node's thread on every append).
  std::atomic<bool> failed_{false};
  // Background fsync (kBatch): requested_ is the newest written ticket, synced_ the newest on
  // disk. syncing_ keeps compaction from swapping the file under an fsync.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Ticket requested_ = 0;
  Ticket synced_ = 0;
  // The file's size when requested_ was written, and what the last successful fsync covered.
  std::uint64_t requested_bytes_ = 0;
  std::uint64_t synced_bytes_ = 0;
  bool syncing_ = false;
  // The flusher waits for something to sync (not for the interval to end, nor on the disk).
  bool flusher_idle_ = false;
  // The file is being replaced or synced by the node's thread: the flusher leaves fd_ alone.
  bool compacting_ = false;
  // fd_ is a compaction's new file, written, not yet under the journal's name (compact()).
  // Changed under mutex_; read without it by wants_compaction().
  std::atomic<bool> compaction_pending_{false};
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_fsync_start_;  // the flusher's
  std::thread flusher_;
  std::uint64_t size_ = 0;
  std::atomic<std::uint64_t> appended_bytes_{0};
  std::uint64_t snapshot_bytes_ = 0;  // the size of the last compaction's file
  // The file still holds records of an earlier life, which may have been synced.
  bool replacing_earlier_records_ = false;
  std::uint64_t fsyncs_ = 0;
  std::size_t recovered_records_ = 0;
  JournalState state_;
  std::string pending_;
  // kBatch: committed, for the flusher to write (under mutex_); and what it is writing (the
  // flusher's, or flush()'s while compacting_ keeps the flusher off).
  std::string to_write_;
  std::string writing_;
  // Consecutive sent (or delivered) items of one link and epoch, gathered into one record
  // (journal_format.h) until another record, a commit or a compaction comes.
  struct Group {
    GroupKind kind = kNone;
    std::string peer;
    std::uint64_t epoch = 0;
    std::uint32_t version = 0;
    std::string sender;
    std::uint64_t generated_through = 0;
    std::string items;  // framed by journal_format::append_*_item_to_group
  } group_;
};

}  // namespace hotline::node
