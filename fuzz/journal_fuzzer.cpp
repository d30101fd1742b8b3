// libFuzzer target: a journal file as a crash, a disk or a hostile hand may have left it. The
// node opening it must recover what it holds or stop with JournalError naming the file and the
// offset; nothing may crash or read past what the file holds.
#include <unistd.h>

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "node/journal.h"

// Protobuf logs every string field of invalid UTF-8 it parses; the node refuses such input
// anyway, and the log would drown the fuzzer's own output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A directory of its own: recovery keeps a cut tail in a file beside the journal, and those
  // are removed after each input.
  static const std::filesystem::path directory =
      std::filesystem::temp_directory_path() /
      ("hotline-journal-fuzz-" + std::to_string(::getpid()));
  static const std::filesystem::path path = directory / "fuzz.journal";
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    hotline::node::Journal::Options options;
    options.path = path;
    options.fsync = hotline::node::FsyncPolicy::kNone;
    hotline::node::Journal journal(options, [](const std::string&) {});
    (void)journal.recovered().encode_snapshot();
  } catch (const hotline::node::JournalError&) {
    // Refused, with the file and the offset: the node stops and says so.
  }
  return 0;
}
