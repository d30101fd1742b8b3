// Lines read from a pipe, as the referee reads its nodes' output.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "common/child_process.h"

namespace hotline::common {
namespace {

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe2(fds_, O_CLOEXEC | O_NONBLOCK), 0); }
  ~Pipe() {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  int read_end() const { return fds_[0]; }
  void write(const std::string& bytes) {
    ASSERT_EQ(::write(fds_[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  void close_write_end() {
    ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(LineReaderTest, SplitsLinesAndGivesTheLastUnterminatedOneAtTheEnd) {
  Pipe pipe;
  LineReader reader(pipe.read_end());
  pipe.write("first\nsecond\nthird");
  pipe.close_write_end();
  EXPECT_EQ(reader.read_line(std::chrono::seconds(1)), "first");
  EXPECT_EQ(reader.read_line(std::chrono::seconds(1)), "second");
  EXPECT_EQ(reader.read_line(std::chrono::seconds(1)), "third");
  EXPECT_EQ(reader.read_line(std::chrono::seconds(1)), std::nullopt);
}

// Before, a writer that never sent a newline made the reader buffer without bound.
TEST(LineReaderTest, ALineLongerThanTheLimitIsAnErrorNotABuffer) {
  Pipe pipe;
  LineReader reader(pipe.read_end(), 1024);
  pipe.write("a line within the limit\n" + std::string(4000, 'x'));
  EXPECT_EQ(reader.read_line(std::chrono::seconds(1)), "a line within the limit");
  try {
    reader.read_line(std::chrono::seconds(1));
    FAIL() << "an endless line was buffered";
  } catch (const std::length_error& error) {
    EXPECT_NE(std::string(error.what()).find("more than 1024 bytes without a newline"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace hotline::common
