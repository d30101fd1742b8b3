#pragma once
// The system calls the journal makes on its files, in one place, so that a test can make them
// fail as a full or failing disk does (a short write, ENOSPC, EIO on fsync) while the journal
// still works on real files. The journal's own code never calls these functions directly.

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>

namespace hotline::node {

class JournalFiles {
 public:
  virtual ~JournalFiles() = default;
  virtual int open(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
  virtual ssize_t write(int fd, const void* data, std::size_t size) {
    return ::write(fd, data, size);
  }
  // Called from the journal's fsync thread as well as the node's: overrides must be
  // thread-safe.
  virtual int fdatasync(int fd) { return ::fdatasync(fd); }
  // For directories, after a file in them was created or renamed.
  virtual int fsync(int fd) { return ::fsync(fd); }
  virtual int ftruncate(int fd, off_t size) { return ::ftruncate(fd, size); }
  virtual int rename(const char* from, const char* to) { return ::rename(from, to); }
};

// The system's own calls.
JournalFiles& system_journal_files();

}  // namespace hotline::node
