#pragma once
// A journal file layer that fails the way disks fail, on real files: writes that stop short
// with ENOSPC, an fsync that reports EIO and loses what was written since the last good one
// (as Linux may drop the pages whose writeback failed), a rename that fails. Every other call
// goes to the system.

#include <cerrno>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "node/journal_files.h"

namespace hotline::testing {

class FaultyJournalFiles : public node::JournalFiles {
 public:
  // Writes succeed for `bytes` more bytes in all; the one that crosses the limit is short, and
  // those after it fail with `error`.
  void fail_writes_after(std::size_t bytes, int error = ENOSPC);
  // The `nth` fdatasync from now (1 = the next) fails with `error`, and its file is cut back to
  // what the last successful fdatasync covered. Later ones succeed, as on Linux, where the
  // failed pages are dropped and a second fsync has nothing left to report.
  void fail_fsync(int nth, int error = EIO);
  // Called, with the source and target, before each rename is carried out.
  void before_rename(std::function<void(const char* from, const char* to)> hook);
  // Renames from now on fail with `error`, leaving both files as they were.
  void fail_renames(int error = EIO);
  // fsyncs of directories from now on fail with `error`.
  void fail_directory_fsyncs(int error = EIO);

  int fdatasyncs() const;
  // The thread that made the last write.
  std::thread::id last_writer() const;

  int open(const char* path, int flags, mode_t mode) override;
  ssize_t write(int fd, const void* data, std::size_t size) override;
  int fdatasync(int fd) override;
  int rename(const char* from, const char* to) override;
  int fsync(int fd) override;

 private:
  mutable std::mutex mutex_;
  bool writes_limited_ = false;
  std::size_t writes_left_ = 0;
  int write_error_ = ENOSPC;
  int fsyncs_until_failure_ = 0;  // 0: none planned
  int fsync_error_ = EIO;
  int fdatasyncs_ = 0;
  std::map<int, off_t> synced_size_;  // per open file, what the last good fdatasync covered
  std::function<void(const char*, const char*)> before_rename_;
  std::thread::id last_writer_;
  int rename_error_ = 0;           // 0: renames succeed
  int directory_fsync_error_ = 0;  // 0: they succeed
};

}  // namespace hotline::testing
