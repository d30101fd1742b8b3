#include "node/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "node/journal_format.h"

namespace hotline::node {
namespace {

constexpr std::size_t kKeptBufferBytes = 4 * 1024 * 1024;

std::filesystem::path directory_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

JournalFiles& system_journal_files() {
  static JournalFiles files;
  return files;
}

FsyncPolicy parse_fsync_policy(const std::string& text) {
  if (text == "always") return FsyncPolicy::kAlways;
  if (text == "batch") return FsyncPolicy::kBatch;
  if (text == "none") return FsyncPolicy::kNone;
  throw std::invalid_argument("fsync policy \"" + text + "\": expected always, batch or none");
}

JournalError::JournalError(const std::filesystem::path& file, std::uint64_t offset,
                           const std::string& what)
    : std::runtime_error("journal " + file.string() + " at offset " + std::to_string(offset) +
                         ": " + what),
      file_(file),
      offset_(offset) {}

Journal::Journal(const Options& options, const std::function<void(const std::string&)>& note)
    : options_(options), files_(options.files ? *options.files : system_journal_files()) {
  if (options_.path.has_parent_path())
    std::filesystem::create_directories(options_.path.parent_path());
  fd_ = files_.open(options_.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) fail(options_.path, "cannot open");
  try {
    recover(note);
  } catch (...) {
    // The destructor does not run for a constructor that throws: the file is closed here.
    ::close(fd_);
    fd_ = -1;
    throw;
  }
  if (options_.fsync == FsyncPolicy::kBatch) flusher_ = std::thread([this] { run_flusher(); });
}

Journal::~Journal() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  if (fd_ >= 0) ::close(fd_);
}

void Journal::fail(const std::filesystem::path& path, const std::string& what) {
  fail_because("journal " + path.string() + ": " + what + ": " + std::strerror(errno));
}

void Journal::mark_failed(const std::string& reason) {
  if (failure_.empty()) failure_ = reason;
  failed_.store(true, std::memory_order_release);
}

void Journal::fail_because(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    mark_failed(reason);
  }
  wake_.notify_all();
  throw JournalIoError(reason);
}

void Journal::throw_if_failed() const {
  // Every append asks; the lock is taken only once the answer is yes.
  if (!failed_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  throw JournalIoError(failure_);
}

void Journal::run_flusher() {
  std::unique_lock lock(mutex_);
  for (;;) {
    flusher_idle_ = true;
    wake_.wait(lock, [this] {
      return stopping_ || !failure_.empty() || (requested_ > synced_ && !compacting_);
    });
    flusher_idle_ = false;
    if (!failure_.empty() || requested_ <= synced_) return;
    const auto due = last_fsync_start_ + options_.fsync_interval;
    if (!stopping_ && std::chrono::steady_clock::now() < due) {
      // What is written meanwhile joins this fsync. A stop or a failure ends the wait; the loop's
      // top then looks again at what is left to sync and at a compaction begun meanwhile.
      wake_.wait_until(lock, due, [this] { return stopping_ || !failure_.empty(); });
      continue;
    }
    last_fsync_start_ = std::chrono::steady_clock::now();
    const Ticket target = requested_;
    const std::uint64_t target_bytes = requested_bytes_;
    const int fd = fd_;
    const bool rename_due = compaction_pending_;
    writing_.swap(to_write_);
    syncing_ = true;
    lock.unlock();
    bool renamed = false;
    std::string error = write_out(fd, rename_due);
    if (error.empty()) error = make_durable(fd, rename_due, renamed);
    lock.lock();
    syncing_ = false;
    ++fsyncs_;
    if (renamed) {
      // The new file's bytes are on the disk even if its name is not.
      compaction_pending_.store(false, std::memory_order_release);
      synced_bytes_ = target_bytes;
    }
    if (!error.empty()) {
      // Not retried: the kernel may have dropped the pages that failed, and a second fsync
      // would report success for data that is gone.
      mark_failed(error);
      wake_.notify_all();
      if (const auto callback = on_failed_) {
        const std::string reason = failure_;
        lock.unlock();
        callback(reason);
      }
      return;
    }
    synced_ = std::max(synced_, target);
    synced_bytes_ = std::max(synced_bytes_, target_bytes);
    wake_.notify_all();
    if (const auto callback = on_synced_) {
      lock.unlock();
      callback(target);
      lock.lock();
    }
  }
}

void Journal::replace_file(const std::string& bytes, bool durable) {
  const std::filesystem::path temporary = compaction_path();
  int fd = files_.open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(temporary, "cannot create");
  try {
    write_all(fd, bytes, temporary);
    if (durable && files_.fdatasync(fd) != 0) fail(temporary, "cannot fsync");
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  // rename() replaces the journal atomically: a crash leaves either the old or the new file.
  if (files_.rename(temporary.c_str(), options_.path.c_str()) != 0)
    fail(options_.path, "cannot rename " + temporary.string() + " over it");
  if (durable) sync_directory();
  ::close(fd_);
  fd_ = files_.open(options_.path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) fail(options_.path, "cannot reopen");
  size_ = bytes.size();
  {
    std::lock_guard lock(mutex_);
    if (durable) ++fsyncs_;
    synced_bytes_ = size_;
  }
}

int Journal::fsync_directory() {
  const auto directory = directory_of(options_.path);
  const int dir = files_.open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir < 0) return errno;
  const int synced = files_.fsync(dir);
  const int error = errno;
  ::close(dir);
  return synced == 0 ? 0 : error;
}

void Journal::sync_directory() {
  if (const int error = fsync_directory(); error != 0) {
    errno = error;
    fail(directory_of(options_.path), "cannot fsync the journal's directory");
  }
}

std::string Journal::write_out(int fd, bool to_compaction) {
  const std::string error =
      write_bytes(fd, writing_, to_compaction ? compaction_path() : options_.path);
  writing_.clear();
  if (writing_.capacity() > kKeptBufferBytes) writing_.shrink_to_fit();
  return error;
}

std::string Journal::make_durable(int fd, bool rename_due, bool& renamed) {
  renamed = false;
  const auto reason = [](const std::filesystem::path& path, const std::string& what, int error) {
    return "journal " + path.string() + ": " + what + ": " + std::strerror(error);
  };
  if (files_.fdatasync(fd) != 0) {
    return reason(rename_due ? compaction_path() : options_.path, "cannot fsync", errno);
  }
  if (!rename_due) return {};
  const std::filesystem::path temporary = compaction_path();
  if (files_.rename(temporary.c_str(), options_.path.c_str()) != 0)
    return reason(options_.path, "cannot rename " + temporary.string() + " over it", errno);
  renamed = true;
  if (const int error = fsync_directory(); error != 0)
    return reason(directory_of(options_.path), "cannot fsync the journal's directory", error);
  return {};
}

// ---- appending -----------------------------------------------------------------------------

void Journal::append(const journal::Record& record) {
  throw_if_failed();
  // A new journal's first record says whose it is; that belongs to what the journal tells.
  // So does the identity of each link it opens with a new numbering.
  if (record.has_identity() && (state_.empty() || (record.identity().epoch() != 0 &&
                                                   state_.peers.count(record.peer()) == 0))) {
    state_.apply(record);
  }
  close_group();
  journal_format::append_record(pending_, record);
  after_append();
}

void Journal::append_sent(const wire::Envelope& envelope, bool generated, std::string_view peer) {
  throw_if_failed();
  close_group();
  journal_format::append_sent(pending_, envelope, generated, peer);
  after_append();
}

void Journal::append_sent_item(const wire::Envelope& envelope, std::string_view item,
                               std::uint64_t generated_through, std::string_view peer) {
  throw_if_failed();
  join_group(kSent, peer, envelope.epoch(), envelope.version(), envelope.sender());
  journal_format::append_sent_item_to_group(group_.items, item);
  if (generated_through != 0) group_.generated_through = generated_through;
  after_append();
}

void Journal::append_delivered(const wire::Envelope& envelope, std::string_view peer) {
  throw_if_failed();
  close_group();
  journal_format::append_delivered(pending_, envelope, peer);
  after_append();
}

void Journal::append_delivered_item(std::string_view item_bytes, std::uint64_t epoch,
                                    std::string_view peer) {
  throw_if_failed();
  join_group(kDelivered, peer, epoch);
  journal_format::append_delivered_item_to_group(group_.items, item_bytes);
  after_append();
}

void Journal::join_group(GroupKind kind, std::string_view peer, std::uint64_t epoch,
                         std::uint32_t version, std::string_view sender) {
  if (group_.kind == kind && group_.epoch == epoch && group_.peer == peer &&
      group_.version == version && group_.sender == sender &&
      group_.items.size() < journal_format::kLargestGroupBytes) {
    return;
  }
  close_group();
  group_.kind = kind;
  group_.peer.assign(peer);
  group_.epoch = epoch;
  group_.version = version;
  group_.sender.assign(sender);
}

void Journal::close_group() {
  if (group_.kind == kSent) {
    journal_format::append_sent_items(pending_, group_.version, group_.sender, group_.epoch,
                                      group_.items, group_.generated_through, group_.peer);
  } else if (group_.kind == kDelivered) {
    journal_format::append_delivered_items(pending_, group_.epoch, group_.items, group_.peer);
  } else {
    return;
  }
  group_.kind = kNone;
  group_.generated_through = 0;
  group_.items.clear();
  if (group_.items.capacity() > kKeptBufferBytes) group_.items.shrink_to_fit();
}

void Journal::after_append() {
  if (options_.fsync == FsyncPolicy::kAlways) {
    // Each record synced before append() returns: no group outlives it.
    close_group();
    write_pending();
    sync();
  }
}

std::string Journal::write_bytes(int fd, std::string_view bytes,
                                 const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = files_.write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return "journal " + path.string() + ": cannot write" + (n == 0 ? " (no progress)" : "") +
             ": " + std::strerror(n == 0 ? EIO : errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

void Journal::write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  if (std::string error = write_bytes(fd, bytes, path); !error.empty()) fail_because(error);
}

void Journal::sync() {
  if (files_.fdatasync(fd_) != 0) fail(options_.path, "cannot fsync");
  std::lock_guard lock(mutex_);
  ++fsyncs_;
  synced_bytes_ = size_;
}

void Journal::write_pending() {
  // Whatever happens, these bytes are not appended twice: after a failure the journal takes
  // nothing more, and a restart reads what reached the disk. The buffer keeps its memory for
  // the next commit (a fresh one each time cost a large allocation and its page faults), unless
  // one unusual turn made it large.
  struct Emptied {
    std::string& pending;
    ~Emptied() {
      pending.clear();
      if (pending.capacity() > kKeptBufferBytes) pending.shrink_to_fit();
    }
  } emptied{pending_};
  write_all(fd_, pending_, options_.path);
  size_ += pending_.size();
  appended_bytes_.fetch_add(pending_.size(), std::memory_order_relaxed);
  ++written_;
}

Journal::Ticket Journal::commit() {
  throw_if_failed();
  close_group();
  if (options_.fsync == FsyncPolicy::kBatch) {
    if (!pending_.empty()) hand_to_flusher();
    return written_;
  }
  if (!pending_.empty()) write_pending();
  std::lock_guard lock(mutex_);
  // kAlways synced each record in append(); kNone promises no more than the write.
  synced_ = written_;
  synced_bytes_ = size_;
  return written_;
}

void Journal::hand_to_flusher() {
  const std::size_t bytes = pending_.size();
  bool wake_flusher = false;
  {
    std::lock_guard lock(mutex_);
    wake_flusher = flusher_idle_;
    // The buffers change hands rather than contents: pending_ takes the one the flusher emptied.
    if (to_write_.empty()) {
      to_write_.swap(pending_);
    } else {
      to_write_ += pending_;
    }
    size_ += bytes;
    requested_ = ++written_;
    requested_bytes_ = size_;
  }
  pending_.clear();
  if (pending_.capacity() > kKeptBufferBytes) pending_.shrink_to_fit();
  appended_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  // Only a flusher waiting for work needs waking. One waiting out --fsync-interval takes this
  // commit when the interval ends; woken for nothing at every commit, it had cost a context
  // switch each time, some 2,000 a second on a receiver that commits every TLS record.
  if (wake_flusher) wake_.notify_all();
}

Journal::Ticket Journal::synced_ticket() const {
  std::lock_guard lock(mutex_);
  return synced_;
}

void Journal::flush() {
  commit();
  if (options_.fsync == FsyncPolicy::kNone) return;
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return !syncing_; });
  // The flusher keeps off meanwhile: a compaction's rename is done once, here or there.
  compacting_ = true;
  const bool rename_due = compaction_pending_;
  writing_.swap(to_write_);
  lock.unlock();
  const FlusherKeptOff kept_off{*this};
  write_here(true, rename_due);
}

Journal::FlusherKeptOff::~FlusherKeptOff() {
  std::lock_guard lock(journal.mutex_);
  journal.compacting_ = false;
  journal.wake_.notify_all();
}

void Journal::write_here(bool sync, bool rename_due) {
  bool renamed = false;
  std::string error;
  if (!failed_.load(std::memory_order_acquire)) {
    error = write_out(fd_, rename_due);
    if (error.empty() && (sync || rename_due)) error = make_durable(fd_, rename_due, renamed);
  }
  std::lock_guard lock(mutex_);
  if (renamed) {
    // The file's bytes were synced before its rename, even if the directory's fsync failed:
    // what a failure cuts back to is all of it.
    compaction_pending_.store(false, std::memory_order_release);
    synced_bytes_ = size_;
  }
  if (!error.empty()) mark_failed(error);
  if (failed_.load(std::memory_order_acquire)) throw JournalIoError(failure_);
  if (sync || rename_due) {
    ++fsyncs_;
    synced_bytes_ = size_;
    synced_ = std::max(synced_, written_);
  }
}

bool Journal::move_pending_to(std::string& file) {
  close_group();
  const bool any = !pending_.empty();
  file += pending_;
  appended_bytes_.fetch_add(pending_.size(), std::memory_order_relaxed);
  pending_.clear();
  return any;
}

void Journal::compact_in_background(std::string snapshot) {
  const std::filesystem::path temporary = compaction_path();
  const int fd =
      files_.open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) fail(temporary, "cannot create");
  try {
    write_all(fd, journal_format::kMagic, temporary);
  } catch (...) {
    ::close(fd);
    throw;
  }
  move_pending_to(snapshot);
  const std::uint64_t bytes = journal_format::kMagic.size() + snapshot.size();
  {
    std::lock_guard lock(mutex_);
    // The flusher is idle, with nothing left to write (compact() saw every commit synced, and
    // only this thread asks): the old file is closed under it, and from here on what is
    // committed goes to the new one, after the snapshot the flusher writes first.
    ::close(fd_);
    fd_ = fd;
    size_ = bytes;
    synced_bytes_ = 0;
    compaction_pending_.store(true, std::memory_order_release);
    to_write_ = std::move(snapshot);  // (it held nothing: all that was committed is synced)
    requested_ = ++written_;
    requested_bytes_ = size_;
  }
  wake_.notify_all();
  replacing_earlier_records_ = false;
  snapshot_bytes_ = bytes;
}

void Journal::compact(std::string snapshot) {
  throw_if_failed();
  // Not while the flusher holds the old file.
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return !syncing_; });
  if (options_.fsync == FsyncPolicy::kBatch && synced_ == written_ && !compaction_pending_) {
    // Only this thread asks the flusher for work: with every commit synced it stays idle, and
    // the old file holds all that was ever reported synced until the new one has its name.
    lock.unlock();
    compact_in_background(std::move(snapshot));
    return;
  }
  compacting_ = true;
  const bool rename_due = compaction_pending_;
  writing_.swap(to_write_);
  lock.unlock();
  {
    const FlusherKeptOff kept_off{*this};
    // What the flusher was handed goes first to the file it was meant for, and an earlier
    // compaction's file is synced and named, as the flusher would have done: the file this
    // compaction replaces is then the journal, whole. (Everything written is synced by this
    // compaction's own fsync of its new file.)
    write_here(false, rename_due);
    std::string bytes;
    bytes.reserve(journal_format::kMagic.size() + snapshot.size() + pending_.size());
    bytes.append(journal_format::kMagic).append(snapshot);
    if (move_pending_to(bytes)) ++written_;
    // Without fsync (kNone) the journal promises to survive a crash of the process, not of the
    // machine, and a rename survives the process without one. Records of an earlier life (which
    // may have been synced, under another policy) are replaced durably, so that a power cut
    // cannot leave less than the file held when it was opened.
    replace_file(bytes, options_.fsync != FsyncPolicy::kNone || replacing_earlier_records_);
    replacing_earlier_records_ = false;
    snapshot_bytes_ = bytes.size();
    // Before the flusher may look again: let out first, it could take a target (and its byte
    // count, of the old file) that is no longer due and count the new file synced past its end.
    lock.lock();
    synced_ = requested_ = written_;
    synced_bytes_ = requested_bytes_ = size_;
    lock.unlock();
  }
}

}  // namespace hotline::node
