// Journal: opening a file, recovering what it holds, and cutting away what cannot be trusted
// (a torn tail when it opens; what was not synced, after a failure).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "node/journal.h"
#include "node/journal_format.h"
#include "node/protocol.h"

namespace hotline::node {
namespace {

// What the outbox is rebuilt from must be something it can send again: a whole record can
// still say otherwise if a hand, not the node, wrote it.
bool sends_only_messages(const journal::Record& record) {
  if (record.has_sent()) return is_reliable(record.sent().envelope());
  if (record.has_sent_items()) {
    for (const wire::Envelope& item : record.sent_items().items())
      if (!is_reliable(item)) return false;
  }
  return true;
}

}  // namespace

void Journal::recover(const std::function<void(const std::string&)>& note) {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) fail(options_.path, "cannot stat");
  std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t have = 0;
  while (have < bytes.size()) {
    const ssize_t n =
        ::pread(fd_, bytes.data() + have, bytes.size() - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(options_.path, "cannot read");
    have += static_cast<std::size_t>(n);
  }
  const std::string_view magic = journal_format::kMagic;
  // A file shorter than the magic and agreeing with it was being created when the node stopped.
  if (bytes.size() <= magic.size() && magic.substr(0, bytes.size()) == bytes) {
    start_new_file();
    return;
  }
  using journal_format::Version;
  const Version version = bytes.compare(0, magic.size(), magic) == 0 ? Version::kThree
                          : bytes.compare(0, magic.size(), journal_format::kMagicVersionTwo) == 0
                              ? Version::kTwo
                              : Version::kOne;
  std::string rewritten;  // version 1 records, framed as version 3
  if (version == Version::kOne) rewritten.assign(magic);
  const auto reading = journal_format::read_records(
      bytes, version,
      [&](const journal::Record& record, std::string_view body, std::size_t offset) {
        if (recovered_records_ == 0 && !record.has_identity()) {
          throw JournalError(options_.path, offset, "first record is not the node's identity");
        }
        if (!sends_only_messages(record)) {
          throw JournalError(options_.path, offset,
                             "a sent record holds no message to send (not a reliable payload)");
        }
        state_.apply(record);
        ++recovered_records_;
        if (version == Version::kOne) journal_format::append_record_body(rewritten, body);
      });
  if (!reading.damage.empty()) {
    if (reading.record_after_damage != 0) {
      throw JournalError(options_.path, reading.whole_bytes,
                         reading.damage + ", but a whole record follows at offset " +
                             std::to_string(reading.record_after_damage) +
                             " (corrupt, not torn; the journal needs repair or removal by hand)");
    }
    cut_tail(bytes, reading.whole_bytes, reading.damage, note);
    bytes.resize(reading.whole_bytes);
  }
  if (version != Version::kThree) {
    // Version 2 records are version 3 records: only the magic changes. Rewritten whatever the
    // policy: the file replaced may have been synced, and a power cut must not leave less than
    // it held.
    if (version == Version::kTwo) rewritten.assign(magic).append(bytes, magic.size());
    replace_file(rewritten, true);
    note("journal " + options_.path.string() + ": version " +
         (version == Version::kOne ? "1" : "2") + " file rewritten as version 3 (" +
         std::to_string(recovered_records_) + " records)");
    return;
  }
  size_ = bytes.size();
  synced_bytes_ = size_;
  replacing_earlier_records_ = recovered_records_ > 0;
  if (::lseek(fd_, 0, SEEK_END) < 0) fail(options_.path, "cannot seek");
}

void Journal::start_new_file() {
  if (files_.ftruncate(fd_, 0) != 0) fail(options_.path, "cannot truncate");
  if (::lseek(fd_, 0, SEEK_SET) < 0) fail(options_.path, "cannot seek");
  write_all(fd_, journal_format::kMagic, options_.path);
  size_ = journal_format::kMagic.size();
  if (files_.fdatasync(fd_) != 0) fail(options_.path, "cannot fsync");
  // The file's name must survive a power cut as well as its bytes.
  sync_directory();
}

std::filesystem::path Journal::keep_aside(std::string_view bytes, std::size_t offset,
                                          const std::string& kind) {
  std::filesystem::path aside;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    aside = options_.path.string() + "." + kind + "-at-" + std::to_string(offset) +
            (attempt == 0 ? "" : "." + std::to_string(attempt));
    fd = files_.open(aside.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) fail(aside, "cannot create");
  }
  try {
    write_all(fd, bytes, aside);
    if (files_.fdatasync(fd) != 0) fail(aside, "cannot fsync");
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return aside;
}

void Journal::cut_tail(const std::string& bytes, std::size_t offset, const std::string& why,
                       const std::function<void(const std::string&)>& note) {
  const std::size_t cut = bytes.size() - offset;
  std::string kept = "; they were zeros, not kept";
  if (std::any_of(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(),
                  [](char c) { return c != 0; })) {
    kept = "; they are kept in " +
           keep_aside(std::string_view(bytes).substr(offset), offset, "cut").string();
  }
  note("journal " + options_.path.string() + ": " + why + " at offset " + std::to_string(offset) +
       "; cutting the last " + std::to_string(cut) +
       " byte(s), a record the node was writing when it stopped" + kept);
  if (files_.ftruncate(fd_, static_cast<off_t>(offset)) != 0)
    fail(options_.path, "cannot truncate");
  if (files_.fdatasync(fd_) != 0) fail(options_.path, "cannot fsync");
  sync_directory();
}

std::string Journal::cut_back_to_synced() {
  std::uint64_t synced = 0;
  {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return !syncing_; });
    synced = synced_bytes_;
    if (compaction_pending_) {
      // The journal's name still holds the file before the compaction, all of it synced (a
      // compaction starts in the background only so): a restart reads exactly that.
      return "a compaction did not finish: the journal keeps the file it replaced, all of it "
             "synced; the new file's " +
             std::to_string(size_) + " byte(s), " + compaction_path().string() +
             ", are acknowledged by no one";
    }
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return "cannot stat " + options_.path.string();
  const auto end = static_cast<std::uint64_t>(info.st_size);
  if (end <= synced) return "the journal holds only what was synced";
  std::string bytes(static_cast<std::size_t>(end - synced), '\0');
  const ssize_t n = ::pread(fd_, bytes.data(), bytes.size(), static_cast<off_t>(synced));
  bytes.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  std::string kept;
  try {
    kept = ", kept in " + keep_aside(bytes, synced, "unsynced").string();
  } catch (const JournalIoError& error) {
    kept = ", not kept aside (" + std::string(error.what()) + ")";
  }
  // Without this cut, a restart would find whatever of these bytes reached the disk, perhaps
  // after a hole the failed pages left: acknowledged by no one, and not to be trusted.
  if (files_.ftruncate(fd_, static_cast<off_t>(synced)) != 0 || files_.fdatasync(fd_) != 0) {
    return "cannot cut the journal back to its last synced byte (" +
           std::string(std::strerror(errno)) + "): check it before a restart";
  }
  return "the journal is cut back to the " + std::to_string(synced) + " byte(s) synced; the " +
         std::to_string(end - synced) + " byte(s) written after them are acknowledged by no one" +
         kept;
}

}  // namespace hotline::node
