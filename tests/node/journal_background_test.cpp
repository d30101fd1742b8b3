// What the journal does off the node's thread under fsync=batch, on real files: the writes of
// its commits, and a compaction's new file synced and named while the journal goes on. And a
// live node's snapshot, made of its encoded items.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "node/batch_frame.h"
#include "node/journal.h"
#include "node/journal_format.h"
#include "node/protocol.h"
#include "tests/support/faulty_journal_files.h"
#include "tests/support/node_process.h"

namespace hotline::node {
namespace {

using namespace std::chrono_literals;
using testing::FaultyJournalFiles;
using testing::TempDir;

void ignore_note(const std::string&) {}

Journal::Options options_for(const std::filesystem::path& path, FsyncPolicy fsync,
                             std::shared_ptr<JournalFiles> files = nullptr) {
  Journal::Options options;
  options.path = path;
  options.fsync = fsync;
  options.files = std::move(files);
  return options;
}

wire::Envelope numbered(std::uint64_t seq, const std::string& text) {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender("washington");
  envelope.set_epoch(9);
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text(text);
  return envelope;
}

journal::Record identity() {
  journal::Record record;
  record.mutable_identity()->set_party("washington");
  record.mutable_identity()->set_epoch(9);
  return record;
}

std::string contents_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A journal holding the identity and messages 1..`count`, all committed and synced, and the state
// a node would keep of it.
struct Written {
  JournalState live;
  std::vector<wire::Envelope> envelopes;
  std::vector<std::string> items;
};

// Flushed (synced on the caller's thread) unless `flush` is false.
Written write_messages(Journal& journal, std::uint64_t count, std::size_t text_bytes = 20,
                       bool flush = true) {
  Written written;
  journal.append(identity());
  written.live.apply(identity());
  for (std::uint64_t seq = 1; seq <= count; ++seq) {
    written.envelopes.push_back(numbered(seq, std::string(text_bytes, 'a' + seq % 26)));
    written.items.emplace_back();
    encode_item_body(written.envelopes.back(), written.items.back());
    journal.append_sent_item(written.envelopes.back(), written.items.back(), 0);
    written.live.only().last_seq = seq;
  }
  if (flush) journal.flush();
  return written;
}

// What the node passes to encode_snapshot: its outbox's envelopes with their encoded items.
std::string live_snapshot(const Written& written) {
  JournalState::Unacknowledged unacknowledged;
  auto& list = unacknowledged[""];
  for (std::size_t i = 0; i < written.envelopes.size(); ++i)
    list.push_back({&written.envelopes[i], written.items[i]});
  return written.live.encode_snapshot(&unacknowledged);
}

// A live snapshot copies the outbox's items into SentItems records of at most a group's size;
// recovery reads them back as the very envelopes the node numbered.
TEST(JournalBackgroundTest, ALiveSnapshotOfEncodedItemsReadsBackAsTheMessages) {
  TempDir dir;
  const auto path = dir.path() / "j";
  constexpr std::uint64_t kMessages = 3000;  // 3 MB of text: several groups
  {
    Journal journal(options_for(path, FsyncPolicy::kNone), ignore_note);
    const Written written = write_messages(journal, kMessages, 1000);
    journal.compact(live_snapshot(written));
  }
  std::size_t records = 0;
  std::size_t groups = 0;
  journal_format::read_records(contents_of(path), journal_format::Version::kThree,
                               [&](const journal::Record& record, std::string_view, std::size_t) {
                                 ++records;
                                 if (record.has_sent_items()) ++groups;
                               });
  EXPECT_GE(groups, 3u);
  EXPECT_EQ(records, groups + 1);  // and the identity
  Journal reopened(options_for(path, FsyncPolicy::kNone), ignore_note);
  const PeerJournal& link = reopened.recovered().only();
  ASSERT_EQ(link.unacknowledged.size(), kMessages);
  EXPECT_EQ(link.last_seq, kMessages);
  for (std::uint64_t seq = 1; seq <= kMessages; ++seq) {
    const wire::Envelope& envelope = link.unacknowledged.at(seq).envelope();
    ASSERT_EQ(envelope.message().text(), std::string(1000, 'a' + seq % 26)) << seq;
    ASSERT_EQ(envelope.sender(), "washington");
    ASSERT_EQ(envelope.epoch(), 9u);
    ASSERT_EQ(envelope.version(), kProtocolVersion);
  }
}

// Holds every rename until the test lets it go, and says on which thread it came.
class HeldRenames {
 public:
  explicit HeldRenames(FaultyJournalFiles& files) {
    files.before_rename([this](const char*, const char*) {
      std::unique_lock lock(mutex_);
      thread_ = std::this_thread::get_id();
      arrived_ = true;
      changed_.notify_all();
      // Bounded, so that a rename made on the test's own thread fails the test, not hangs it.
      changed_.wait_for(lock, 10s, [this] { return released_; });
    });
  }
  bool wait_arrived() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [this] { return arrived_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::thread::id thread() {
    std::lock_guard lock(mutex_);
    return thread_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool arrived_ = false;
  bool released_ = false;
  std::thread::id thread_;
};

// A restart from the journal at `path` finds messages 1..`count`, all unacknowledged, and no more.
void expect_restarts_with_messages(const std::filesystem::path& path, std::uint64_t count) {
  Journal reopened(options_for(path, FsyncPolicy::kBatch), ignore_note);
  EXPECT_EQ(reopened.recovered().only().last_seq, count);
  EXPECT_EQ(reopened.recovered().only().unacknowledged.size(), count);
}

// What a journal's on_failed said, kept for the test's thread.
class FailureHeard {
 public:
  explicit FailureHeard(Journal& journal) {
    journal.on_failed([this](const std::string& reason) {
      std::lock_guard lock(mutex_);
      reason_ = reason;
    });
  }
  std::string reason() {
    std::lock_guard lock(mutex_);
    return reason_;
  }

 private:
  std::mutex mutex_;
  std::string reason_;
};

template <typename Condition>
bool wait_until(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Has the flusher sync a commit of its own (flush() syncs on the caller's thread), so that its
// next fsync is an interval away.
bool flusher_synced_once(Journal& journal) {
  journal::Record nothing_new;
  nothing_new.mutable_acknowledged()->set_seq(0);
  journal.append(nothing_new);
  const Journal::Ticket ticket = journal.commit();
  return wait_until([&] { return journal.synced_ticket() >= ticket; });
}

// A batch journal of messages 1..10 with a compaction begun and left pending: its flusher, having
// synced a commit of its own, is a minute from its next turn, so what finishes the compaction is
// the test's to choose.
struct PendingCompaction {
  explicit PendingCompaction(const std::filesystem::path& path) {
    Journal::Options options = options_for(path, FsyncPolicy::kBatch, files);
    options.fsync_interval = std::chrono::minutes(1);
    journal = std::make_unique<Journal>(options, ignore_note);
    // Not flushed: flush() commits, and a flusher quick enough to take that commit before
    // flush() keeps it off would fsync first, leaving the commit below a minute from its sync
    // (seen under ASan in CI). The flusher's one fsync covers the messages too.
    written = write_messages(*journal, 10, 20, false);
    flusher_ready = flusher_synced_once(*journal);
    journal->compact(live_snapshot(written));
  }
  std::shared_ptr<FaultyJournalFiles> files = std::make_shared<FaultyJournalFiles>();
  std::unique_ptr<Journal> journal;
  Written written;
  bool flusher_ready = false;  // it synced its own commit in time
};

// Before, a compaction under fsync=batch wrote, fsync'd and renamed the new file and fsync'd the
// directory on the node's thread: three waits on the disk, 10-20 ms, with the link stalled.
// Now compact() returns at once; the journal goes on in the new file, and nothing in it is
// reported synced until the flusher has synced it and given it the journal's name. Until then
// the journal's name holds the old file, untouched.
TEST(JournalBackgroundTest, UnderBatchTheNewFileIsSyncedAndNamedInTheBackground) {
  TempDir dir;
  const auto path = dir.path() / "j";
  auto files = std::make_shared<FaultyJournalFiles>();
  HeldRenames renames(*files);
  Journal::Options options = options_for(path, FsyncPolicy::kBatch, files);
  {
    Journal journal(options, ignore_note);
    const Written written = write_messages(journal, 50);
    const std::string before = contents_of(path);
    journal.compact(live_snapshot(written));
    ASSERT_TRUE(renames.wait_arrived());
    EXPECT_NE(renames.thread(), std::this_thread::get_id());
    // The snapshot was written by the flusher too, into the file it is about to name.
    EXPECT_NE(files->last_writer(), std::this_thread::get_id());
    EXPECT_EQ(std::filesystem::file_size(path.string() + ".compacting"), journal.size_bytes());
    EXPECT_FALSE(journal.wants_compaction());

    const wire::Envelope later = numbered(51, "after the compaction");
    std::string item;
    encode_item_body(later, item);
    journal.append_sent_item(later, item, 0);
    const Journal::Ticket ticket = journal.commit();
    std::this_thread::sleep_for(20ms);
    EXPECT_LT(journal.synced_ticket(), ticket);
    EXPECT_EQ(contents_of(path), before);

    renames.release();
    ASSERT_TRUE(wait_until([&] { return journal.synced_ticket() >= ticket; }));
    EXPECT_NE(contents_of(path), before);
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".compacting"));
    EXPECT_TRUE(journal.failure().empty());
  }
  Journal reopened(options_for(path, FsyncPolicy::kBatch), ignore_note);
  const PeerJournal& link = reopened.recovered().only();
  EXPECT_EQ(link.unacknowledged.size(), 51u);
  EXPECT_EQ(link.unacknowledged.at(51).envelope().message().text(), "after the compaction");
}

// A clean stop does not wait for the flusher's turn: flush() gives the new file its name itself.
TEST(JournalBackgroundTest, FlushFinishesACompactionOnItsOwnThread) {
  TempDir dir;
  const auto path = dir.path() / "j";
  std::thread::id renamed_on;
  PendingCompaction pending(path);
  ASSERT_TRUE(pending.flusher_ready);
  Journal& journal = *pending.journal;
  pending.files->before_rename(
      [&](const char*, const char*) { renamed_on = std::this_thread::get_id(); });
  journal.flush();
  EXPECT_EQ(renamed_on, std::this_thread::get_id());
  EXPECT_EQ(journal.synced_ticket(), journal.commit());
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".compacting"));
}

// Before, a flush() that named a compaction's file and then failed to fsync the directory left
// the journal believing none of the new file synced: the cut back after the failure truncated
// the journal, now the new file, to nothing, and a restart began a new journal.
TEST(JournalBackgroundTest, AFailureAfterFlushNamedTheNewFileCutsNothingFromIt) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    PendingCompaction pending(path);  // flush() finishes it
    ASSERT_TRUE(pending.flusher_ready);
    Journal& journal = *pending.journal;
    pending.files->fail_directory_fsyncs(EIO);
    EXPECT_THROW(journal.flush(), JournalIoError);
    EXPECT_NE(journal.failure().find("cannot fsync the journal's directory"), std::string::npos)
        << journal.failure();
    EXPECT_EQ(journal.cut_back_to_synced(), "the journal holds only what was synced");
  }
  expect_restarts_with_messages(path, 10);
}

// Before, a second compaction while the first one's file waited for its name dropped the
// snapshot the flusher had yet to write and named the file holding only its magic: had the
// second one's own rename failed (or the machine stopped before it), the journal was empty.
TEST(JournalBackgroundTest, ACompactionWhileOneIsPendingFinishesTheFirstWhole) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    PendingCompaction pending(path);
    ASSERT_TRUE(pending.flusher_ready);
    FaultyJournalFiles& files = *pending.files;
    // The first rename (the pending compaction's) goes through; every one after it fails.
    files.before_rename([&](const char*, const char*) { files.fail_renames(EIO); });
    EXPECT_THROW(pending.journal->compact(live_snapshot(pending.written)), JournalIoError);
  }
  expect_restarts_with_messages(path, 10);
}

// A rename that fails stops the journal with the reason; the journal's name keeps the old file,
// which a restart reads whole, and nothing written after the compaction began is reported synced.
TEST(JournalBackgroundTest, ACompactionWhoseRenameFailsLeavesTheOldFileWhole) {
  TempDir dir;
  const auto path = dir.path() / "j";
  auto files = std::make_shared<FaultyJournalFiles>();
  Journal::Options options = options_for(path, FsyncPolicy::kBatch, files);
  {
    Journal journal(options, ignore_note);
    FailureHeard failed(journal);
    const Written written = write_messages(journal, 5);
    const Journal::Ticket synced = journal.synced_ticket();
    files->fail_renames(EIO);
    journal.compact(live_snapshot(written));
    ASSERT_TRUE(wait_until([&] { return !journal.failure().empty(); }));
    EXPECT_NE(journal.failure().find("cannot rename"), std::string::npos) << journal.failure();
    EXPECT_NE(journal.failure().find(path.string()), std::string::npos) << journal.failure();
    EXPECT_EQ(failed.reason(), journal.failure());
    EXPECT_EQ(journal.synced_ticket(), synced);
    EXPECT_THROW(journal.commit(), JournalIoError);
    EXPECT_NE(journal.cut_back_to_synced().find("a compaction did not finish"), std::string::npos);
  }
  expect_restarts_with_messages(path, 5);
}

// Under fsync=batch the flusher writes what was committed, just before the fsync that covers
// it: the node's thread neither writes nor waits on the file. A full disk then stops the journal
// from the flusher, as a failed fsync does: with the reason, nothing after the last sync reported
// synced, and a journal that restarts from what was synced.
TEST(JournalBackgroundTest, UnderBatchTheFlusherWritesAndAFullDiskStopsTheJournal) {
  TempDir dir;
  const auto path = dir.path() / "j";
  auto files = std::make_shared<FaultyJournalFiles>();
  {
    Journal journal(options_for(path, FsyncPolicy::kBatch, files), ignore_note);
    FailureHeard failed(journal);
    journal.append(identity());
    const Journal::Ticket first = journal.commit();
    ASSERT_TRUE(wait_until([&] { return journal.synced_ticket() >= first; }));
    EXPECT_NE(files->last_writer(), std::this_thread::get_id());
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
      const wire::Envelope envelope = numbered(seq, "before the disk filled");
      std::string item;
      encode_item_body(envelope, item);
      journal.append_sent_item(envelope, item, 0);
    }
    const Journal::Ticket synced = journal.commit();
    ASSERT_TRUE(wait_until([&] { return journal.synced_ticket() >= synced; }));

    files->fail_writes_after(100, ENOSPC);
    for (std::uint64_t seq = 6; seq <= 50; ++seq) {
      const wire::Envelope envelope = numbered(seq, "after");
      std::string item;
      encode_item_body(envelope, item);
      journal.append_sent_item(envelope, item, 0);
    }
    const Journal::Ticket lost = journal.commit();  // returns: the write is the flusher's
    ASSERT_TRUE(wait_until([&] { return !journal.failure().empty(); }));
    EXPECT_NE(journal.failure().find(path.string() + ": cannot write: No space left on device"),
              std::string::npos)
        << journal.failure();
    EXPECT_EQ(failed.reason(), journal.failure());
    EXPECT_EQ(journal.synced_ticket(), synced);
    EXPECT_LT(journal.synced_ticket(), lost);
    EXPECT_THROW(journal.commit(), JournalIoError);
    EXPECT_NE(journal.cut_back_to_synced().find("cut back"), std::string::npos);
  }
  expect_restarts_with_messages(path, 5);
}

}  // namespace
}  // namespace hotline::node
