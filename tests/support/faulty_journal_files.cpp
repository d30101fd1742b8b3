#include "tests/support/faulty_journal_files.h"

#include <sys/stat.h>

#include <algorithm>

namespace hotline::testing {

void FaultyJournalFiles::fail_writes_after(std::size_t bytes, int error) {
  std::lock_guard lock(mutex_);
  writes_limited_ = true;
  writes_left_ = bytes;
  write_error_ = error;
}

void FaultyJournalFiles::fail_fsync(int nth, int error) {
  std::lock_guard lock(mutex_);
  fsyncs_until_failure_ = nth;
  fsync_error_ = error;
}

void FaultyJournalFiles::before_rename(std::function<void(const char*, const char*)> hook) {
  std::lock_guard lock(mutex_);
  before_rename_ = std::move(hook);
}

void FaultyJournalFiles::fail_renames(int error) {
  std::lock_guard lock(mutex_);
  rename_error_ = error;
}

void FaultyJournalFiles::fail_directory_fsyncs(int error) {
  std::lock_guard lock(mutex_);
  directory_fsync_error_ = error;
}

int FaultyJournalFiles::fsync(int fd) {
  {
    std::lock_guard lock(mutex_);
    if (directory_fsync_error_ != 0) {
      errno = directory_fsync_error_;
      return -1;
    }
  }
  return ::fsync(fd);
}

std::thread::id FaultyJournalFiles::last_writer() const {
  std::lock_guard lock(mutex_);
  return last_writer_;
}

int FaultyJournalFiles::fdatasyncs() const {
  std::lock_guard lock(mutex_);
  return fdatasyncs_;
}

int FaultyJournalFiles::open(const char* path, int flags, mode_t mode) {
  const int fd = ::open(path, flags, mode);
  if (fd >= 0) {
    struct stat info {};
    std::lock_guard lock(mutex_);
    // What a file held when opened was on disk already (or is the test's to say otherwise).
    synced_size_[fd] = ::fstat(fd, &info) == 0 ? info.st_size : 0;
  }
  return fd;
}

ssize_t FaultyJournalFiles::write(int fd, const void* data, std::size_t size) {
  std::size_t allowed = size;
  {
    std::lock_guard lock(mutex_);
    last_writer_ = std::this_thread::get_id();
    if (writes_limited_) {
      if (writes_left_ == 0) {
        errno = write_error_;
        return -1;
      }
      allowed = std::min(size, writes_left_);
      writes_left_ -= allowed;
    }
  }
  return ::write(fd, data, allowed);
}

int FaultyJournalFiles::fdatasync(int fd) {
  std::lock_guard lock(mutex_);
  ++fdatasyncs_;
  if (fsyncs_until_failure_ > 0 && --fsyncs_until_failure_ == 0) {
    // The pages whose writeback failed are gone; only what an earlier fsync covered remains.
    const auto synced = synced_size_.find(fd);
    if (synced != synced_size_.end()) (void)::ftruncate(fd, synced->second);
    errno = fsync_error_;
    return -1;
  }
  const int result = ::fdatasync(fd);
  struct stat info {};
  if (result == 0 && ::fstat(fd, &info) == 0) synced_size_[fd] = info.st_size;
  return result;
}

int FaultyJournalFiles::rename(const char* from, const char* to) {
  std::function<void(const char*, const char*)> hook;
  int error = 0;
  {
    std::lock_guard lock(mutex_);
    hook = before_rename_;
    error = rename_error_;
  }
  if (hook) hook(from, to);
  if (error != 0) {
    errno = error;
    return -1;
  }
  return ::rename(from, to);
}

}  // namespace hotline::testing
