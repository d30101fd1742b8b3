#include "node/journal.h"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace hotline::node {
namespace {

constexpr std::size_t kHeaderBytes = 8;
// No record comes near this (a frame is at most a few MiB); a larger length is damage.
constexpr std::uint32_t kMaxRecordBytes = 64 * 1024 * 1024;

std::uint32_t read_le32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
         (std::uint32_t{b[3]} << 24);
}

void write_le32(char* p, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(value >> (8 * i));
}

std::uint32_t checksum(const char* data, std::size_t size) {
  return static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

[[noreturn]] void fail_io(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("journal " + path.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

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

void append_journal_record(std::string& out, const journal::Record& record) {
  const std::size_t size = record.ByteSizeLong();
  const std::size_t at = out.size();
  out.resize(at + kHeaderBytes + size);
  char* body = out.data() + at + kHeaderBytes;
  record.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(body));
  write_le32(out.data() + at, static_cast<std::uint32_t>(size));
  write_le32(out.data() + at + 4, checksum(body, size));
}

// ---- state ---------------------------------------------------------------------------------

void JournalState::apply(const journal::Record& record) {
  switch (record.kind_case()) {
    case journal::Record::kIdentity: {
      const auto& identity = record.identity();
      party = identity.party();
      epoch = identity.epoch();
      last_seq = std::max(last_seq, identity.last_seq());
      acknowledged_seq = std::max(acknowledged_seq, identity.acknowledged_seq());
      generated = std::max(generated, identity.generated());
      break;
    }
    case journal::Record::kSent: {
      const std::uint64_t seq = record.sent().envelope().seq();
      last_seq = std::max(last_seq, seq);
      if (record.sent().generated()) ++generated;
      if (seq > acknowledged_seq) unacknowledged[seq] = record.sent();
      break;
    }
    case journal::Record::kAcknowledged: {
      acknowledged_seq = std::max(acknowledged_seq, record.acknowledged().seq());
      unacknowledged.erase(unacknowledged.begin(), unacknowledged.upper_bound(acknowledged_seq));
      break;
    }
    case journal::Record::kDelivered: {
      const auto& envelope = record.delivered().envelope();
      auto& watermark = delivered[envelope.epoch()];
      watermark = std::max(watermark, envelope.seq());
      recent_deliveries.push_back(envelope);
      break;
    }
    case journal::Record::kWatermark: {
      auto& watermark = delivered[record.watermark().peer_epoch()];
      watermark = std::max(watermark, record.watermark().delivered_seq());
      break;
    }
    case journal::Record::KIND_NOT_SET:
      break;
  }
}

std::vector<journal::Record> JournalState::snapshot() const {
  std::vector<journal::Record> records(1);
  journal::Identity& identity = *records[0].mutable_identity();
  identity.set_party(party);
  identity.set_epoch(epoch);
  identity.set_last_seq(last_seq);
  identity.set_acknowledged_seq(acknowledged_seq);
  identity.set_generated(generated);
  for (const auto& [seq, sent] : unacknowledged) {
    journal::Record record;
    *record.mutable_sent()->mutable_envelope() = sent.envelope();
    // Counted in identity.generated already.
    records.push_back(std::move(record));
  }
  for (const auto& [peer_epoch, seq] : delivered) {
    journal::Record record;
    record.mutable_watermark()->set_peer_epoch(peer_epoch);
    record.mutable_watermark()->set_delivered_seq(seq);
    records.push_back(std::move(record));
  }
  return records;
}

// ---- file ----------------------------------------------------------------------------------

Journal::Journal(const Options& options, const std::function<void(const std::string&)>& note)
    : options_(options) {
  if (options_.path.has_parent_path())
    std::filesystem::create_directories(options_.path.parent_path());
  fd_ = ::open(options_.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) fail_io(options_.path, "cannot open");
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

void Journal::run_flusher() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || requested_ > synced_; });
    if (requested_ <= synced_) return;  // stopping, nothing left to sync
    const Ticket target = requested_;
    const int fd = fd_;
    syncing_ = true;
    lock.unlock();
    const bool ok = ::fdatasync(fd) == 0;
    lock.lock();
    syncing_ = false;
    ++fsyncs_;
    if (ok) synced_ = std::max(synced_, target);
    wake_.notify_all();
    if (!ok) continue;  // tried again on the next request; acks stay withheld meanwhile
    if (const auto callback = on_synced_) {
      lock.unlock();
      callback(target);
      lock.lock();
    }
  }
}

void Journal::recover(const std::function<void(const std::string&)>& note) {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) fail_io(options_.path, "cannot stat");
  std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t have = 0;
  while (have < bytes.size()) {
    const ssize_t n =
        ::pread(fd_, bytes.data() + have, bytes.size() - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_io(options_.path, "cannot read");
    have += static_cast<std::size_t>(n);
  }
  std::size_t offset = 0;
  journal::Record record;
  // A whole record at `at`: a header whose length fits the file, a body that passes its checksum
  // and parses.
  const auto whole_record_at = [&](std::size_t at) {
    if (bytes.size() - at < kHeaderBytes) return false;
    const std::uint32_t length = read_le32(bytes.data() + at);
    if (length == 0 || length > kMaxRecordBytes || length > bytes.size() - at - kHeaderBytes)
      return false;
    const char* body = bytes.data() + at + kHeaderBytes;
    return checksum(body, length) == read_le32(bytes.data() + at + 4) &&
           record.ParseFromArray(body, static_cast<int>(length));
  };
  // Only the record being written when the node stopped can be torn: if a whole record follows,
  // the damage is in the middle (a corrupted length, say), and cutting would throw away good
  // records. Refuse instead and leave the file for a person.
  const auto refuse_if_records_follow = [&](const std::string& why) {
    for (std::size_t at = offset + 1; at < bytes.size(); ++at) {
      if (whole_record_at(at)) {
        throw JournalError(options_.path, offset,
                           why + ", but a whole record follows at offset " + std::to_string(at) +
                               " (corrupt, not torn; the journal needs repair or removal by "
                               "hand)");
      }
    }
  };
  const auto cut_torn_tail = [&](const std::string& why) {
    refuse_if_records_follow(why);
    note("journal " + options_.path.string() + ": " + why + " at offset " + std::to_string(offset) +
         "; cutting the last " + std::to_string(bytes.size() - offset) +
         " byte(s), a record the node was writing when it stopped");
    if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0)
      fail_io(options_.path, "cannot truncate");
    ::fsync(fd_);
    bytes.resize(offset);
  };
  while (offset < bytes.size()) {
    const std::size_t left = bytes.size() - offset;
    if (left < kHeaderBytes) {
      cut_torn_tail("incomplete record header");
      break;
    }
    const std::uint32_t length = read_le32(bytes.data() + offset);
    const std::uint32_t expected_crc = read_le32(bytes.data() + offset + 4);
    if (length > kMaxRecordBytes) {
      throw JournalError(options_.path, offset,
                         "record length " + std::to_string(length) + " is not plausible");
    }
    if (length == 0) {
      // No record is empty. Zeros to the end are space a crash left unwritten; zeros before
      // more data are damage.
      if (std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(),
                      [](char c) { return c == 0; })) {
        cut_torn_tail("zeros where a record was being written");
        break;
      }
      throw JournalError(options_.path, offset,
                         "empty record header (corrupt; the journal needs repair or removal by "
                         "hand)");
    }
    if (length > left - kHeaderBytes) {
      cut_torn_tail("record of " + std::to_string(length) + " bytes cut short");
      break;
    }
    const char* body = bytes.data() + offset + kHeaderBytes;
    const bool last = length == left - kHeaderBytes;
    const bool intact = checksum(body, length) == expected_crc &&
                        record.ParseFromArray(body, static_cast<int>(length));
    if (!intact) {
      if (last) {
        cut_torn_tail("last record fails its checksum");
        break;
      }
      throw JournalError(options_.path, offset,
                         "record fails its checksum (corrupt; the journal needs repair or "
                         "removal by hand)");
    }
    if (recovered_records_ == 0 && !record.has_identity()) {
      throw JournalError(options_.path, offset, "first record is not the node's identity");
    }
    state_.apply(record);
    ++recovered_records_;
    offset += kHeaderBytes + length;
  }
  size_ = bytes.size();
  if (::lseek(fd_, 0, SEEK_END) < 0) fail_io(options_.path, "cannot seek");
}

void Journal::append(const journal::Record& record) {
  // A new journal's first record says whose it is; that belongs to what the journal tells.
  if (record.has_identity() && state_.epoch == 0) state_.apply(record);
  append_journal_record(pending_, record);
  after_append();
}

namespace {

// Protobuf wire format, for the fixed shape Record{<field>: {envelope: ..., generated: ...}}.
constexpr std::uint8_t length_delimited_tag(int field) {
  return static_cast<std::uint8_t>((field << 3) | 2);
}

std::size_t varint_size(std::size_t value) {
  return google::protobuf::io::CodedOutputStream::VarintSize32(static_cast<std::uint32_t>(value));
}

std::uint8_t* put_varint(std::uint8_t* at, std::size_t value) {
  return google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<std::uint32_t>(value), at);
}

void append_wrapped_envelope(std::string& out, int record_field, const wire::Envelope& envelope,
                             bool generated) {
  const std::size_t envelope_size = envelope.ByteSizeLong();
  const std::size_t inner = 1 + varint_size(envelope_size) + envelope_size + (generated ? 2 : 0);
  const std::size_t body = 1 + varint_size(inner) + inner;
  const std::size_t at = out.size();
  out.resize(at + kHeaderBytes + body);
  auto* p = reinterpret_cast<std::uint8_t*>(out.data() + at + kHeaderBytes);
  auto* const body_start = p;
  *p++ = length_delimited_tag(record_field);
  p = put_varint(p, inner);
  *p++ = length_delimited_tag(1);  // Sent.envelope / Delivered.envelope
  p = put_varint(p, envelope_size);
  p = envelope.SerializeWithCachedSizesToArray(p);
  if (generated) {
    *p++ = (2 << 3) | 0;  // Sent.generated, varint
    *p++ = 1;
  }
  write_le32(out.data() + at, static_cast<std::uint32_t>(body));
  write_le32(out.data() + at + 4, checksum(reinterpret_cast<char*>(body_start), body));
}

}  // namespace

void Journal::append_sent(const wire::Envelope& envelope, bool generated) {
  append_wrapped_envelope(pending_, journal::Record::kSentFieldNumber, envelope, generated);
  after_append();
}

void Journal::append_delivered(const wire::Envelope& envelope) {
  append_wrapped_envelope(pending_, journal::Record::kDeliveredFieldNumber, envelope, false);
  after_append();
}

void Journal::after_append() {
  if (options_.fsync == FsyncPolicy::kAlways) {
    write_all(pending_);
    pending_.clear();
    ++written_;
    sync();
  }
}

void Journal::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_io(options_.path, "cannot write");
    done += static_cast<std::size_t>(n);
  }
  size_ += bytes.size();
}

void Journal::sync() {
  if (::fdatasync(fd_) != 0) fail_io(options_.path, "cannot fsync");
  std::lock_guard lock(mutex_);
  ++fsyncs_;
}

Journal::Ticket Journal::commit() {
  if (!pending_.empty()) {
    write_all(pending_);
    pending_.clear();
    ++written_;
  }
  std::lock_guard lock(mutex_);
  if (options_.fsync == FsyncPolicy::kBatch) {
    if (written_ > requested_) {
      requested_ = written_;
      wake_.notify_all();
    }
  } else {
    // kAlways synced each record in append(); kNone promises no more than the write.
    synced_ = written_;
  }
  return written_;
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
  lock.unlock();
  sync();
  lock.lock();
  synced_ = std::max(synced_, written_);
}

void Journal::compact(const std::vector<journal::Record>& snapshot) {
  commit();
  // Not while the flusher holds the old file; everything written so far is synced by the
  // compaction's own fsync of the new file.
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return !syncing_; });
  std::string bytes;
  for (const auto& record : snapshot) append_journal_record(bytes, record);
  const auto temporary = options_.path.string() + ".compacting";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail_io(temporary, "cannot create");
  std::swap(fd, fd_);
  size_ = 0;
  write_all(bytes);
  if (::fdatasync(fd_) != 0) fail_io(temporary, "cannot fsync");
  ++fsyncs_;
  std::swap(fd, fd_);
  ::close(fd);
  // rename() replaces the journal atomically: a crash leaves either the old or the new file.
  if (::rename(temporary.c_str(), options_.path.c_str()) != 0)
    fail_io(options_.path, "cannot rename");
  const auto directory =
      options_.path.has_parent_path() ? options_.path.parent_path() : std::filesystem::path(".");
  if (const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  ::close(fd_);
  fd_ = ::open(options_.path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) fail_io(options_.path, "cannot reopen");
  size_ = bytes.size();
  synced_ = requested_ = written_;
}

}  // namespace hotline::node
