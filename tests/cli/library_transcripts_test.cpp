// Every case of the library reads, with the same seed, exactly as its reference transcript in
// tests/golden/ says, and its JSON records (every number at full precision) for ten seeds hash
// as recorded: a change to the model, the scenario compiler or the transcript shows here as the
// cases it alters. A change meant to alter them rewrites the references with
// tests/golden/update.sh, and the diff is what it did to each case.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/shell_command.h"

namespace hotline {
namespace {

const std::filesystem::path kSource = HOTLINE_SOURCE_DIR;

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() == ".textproto") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Where two transcripts part: the first line that differs, both versions, and how many differ.
std::string first_difference(const std::string& expected, const std::string& actual) {
  const auto want = lines_of(expected);
  const auto got = lines_of(actual);
  std::size_t first = 0;
  while (first < want.size() && first < got.size() && want[first] == got[first]) ++first;
  std::size_t differing = 0;
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    if (i >= want.size() || i >= got.size() || want[i] != got[i]) ++differing;
  }
  return "line " + std::to_string(first + 1) + " differs (" + std::to_string(differing) + " of " +
         std::to_string(want.size()) +
         " lines):\n  reference: " + (first < want.size() ? want[first] : "(ends)") +
         "\n  now:       " + (first < got.size() ? got[first] : "(ends)");
}

class LibraryTranscriptsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LibraryTranscriptsTest, ReadsExactlyAsItsReferenceWithTheSameSeed) {
  const std::string name = GetParam();
  const auto reference_path = kSource / "tests" / "golden" / (name + ".txt");
  std::ifstream reference_file(reference_path);
  ASSERT_TRUE(reference_file) << name << " has no reference transcript: write one with "
                              << "tests/golden/update.sh";
  const std::string reference((std::istreambuf_iterator<char>(reference_file)), {});
  const auto result =
      testing::run_shell(std::string(HOTLINE_BINARY) + " sim " +
                         (kSource / "scenarios" / (name + ".textproto")).string() + " --seed 1");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(result.output == reference)
      << name << ": " << first_difference(reference, result.output)
      << "\n(if the change means to alter the model's runs, rewrite the references with "
         "tests/golden/update.sh and read the diff)";
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

TEST_P(LibraryTranscriptsTest, ItsRecordsForTenSeedsHashAsRecorded) {
  const std::string name = GetParam();
  std::ifstream digests(kSource / "tests" / "golden" / "records.sha256");
  ASSERT_TRUE(digests);
  int seeds = 0;
  for (std::string line; std::getline(digests, line);) {
    std::istringstream fields(line);
    std::string case_name, seed, digest;
    fields >> case_name >> seed >> digest;
    if (case_name != name) continue;
    ++seeds;
    const auto result = testing::run_shell(
        std::string(HOTLINE_BINARY) + " sim " +
        (kSource / "scenarios" / (name + ".textproto")).string() + " --seed " + seed + " --json");
    ASSERT_EQ(result.status, 0) << result.output;
    EXPECT_EQ(sha256_hex(result.output), digest)
        << name << " seed " << seed << ": its JSON records differ from the reference (run `hotline "
        << "sim " << name << " --seed " << seed << " --json` to see them; if the change means to "
        << "alter the model's runs, rewrite the references with tests/golden/update.sh)";
  }
  EXPECT_EQ(seeds, 10) << name << " has no recorded digests: run tests/golden/update.sh";
}

INSTANTIATE_TEST_SUITE_P(EveryCase, LibraryTranscriptsTest, ::testing::ValuesIn(case_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace hotline
