// Every case in scenarios/ reads cleanly and teaches what it says it teaches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "scenario/expectations.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario {
namespace {

std::vector<std::filesystem::path> cases() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(HOTLINE_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() == ".textproto") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// "[E10] Tikk and Kaska, ...": a tag of capitals and digits in brackets, then the reference.
// (By hand: GCC 12 under ASan warns inside std::regex.)
bool starts_with_source_tag(const std::string& text) {
  std::size_t at = 0;
  if (text.empty() || text[at++] != '[') return false;
  const std::size_t letters = at;
  while (at < text.size() && std::isupper(static_cast<unsigned char>(text[at]))) ++at;
  const std::size_t digits = at;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
  return digits > letters && at > digits && text.compare(at, 2, "] ") == 0 && text.size() > at + 2;
}

TEST(ScenarioLibraryTest, TheLibraryHoldsEveryCaseOfTheArticleAndItsHistory) {
  const auto paths = cases();
  const std::string index = read_text(HOTLINE_SOURCE_DIR "/scenarios/README.md");
  for (const char* name :
       {"estonia-2007", "estonia-2007-allies", "georgia-2008", "rbn-2007", "ip-theft-2013",
        "working-group-leak", "false-flag-third-party", "training-tape-1979", "black-brant-1995",
        "comrade-kosygin-1967", "october-31-2016", "able-archer-cyber", "cut-cable",
        "accidental-defection", "us-china-2015", "cuba-1962"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(),
                        std::filesystem::path(HOTLINE_SOURCE_DIR "/scenarios") /
                            (std::string(name) + ".textproto")),
              paths.end())
        << name;
  }
  // Each file is listed in the index, and carries what a class reads: the briefing, and a
  // debrief of three questions and sourced readings.
  for (const auto& path : paths) {
    const std::string name = path.stem().string();
    SCOPED_TRACE(name);
    EXPECT_NE(index.find("`" + name + "`"), std::string::npos) << name << " is not in the index";
    const spec::Scenario spec = read_scenario_file(path).spec;
    EXPECT_FALSE(spec.briefing().premise().empty());
    EXPECT_FALSE(spec.briefing().seen().empty());
    EXPECT_FALSE(spec.briefing().recorded_outcome().empty());
    EXPECT_FALSE(spec.briefing().teaching_point().empty());
    EXPECT_FALSE(spec.debrief().what_happened().empty());
    EXPECT_EQ(spec.debrief().question_size(), 3);
    EXPECT_GE(spec.debrief().reading_size(), 2);
    for (const auto& reading : spec.debrief().reading())
      EXPECT_TRUE(starts_with_source_tag(reading)) << reading;
  }
}

// One test per case, so that each stays well inside the test timeout under the sanitizers and
// ctest spreads them over the cores.
class EveryCase : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(EveryCase, ValidatesAndItsExpectationsPass) {
  const ScenarioFile file = read_scenario_file(GetParam());
  ASSERT_NO_THROW(compile_scenario(file.spec, file));
  EXPECT_GT(file.spec.expect_size(), 0) << "a case carries its teaching point";
  for (const auto& result : check_expectations(file, 1)) {
    EXPECT_TRUE(result.passed) << result.says << "\n" << result.measured;
  }
}

TEST_P(EveryCase, TeachingPointsHoldAtEveryCornerOfTheRegionItStates) {
  const ScenarioFile file = read_scenario_file(GetParam());
  for (const auto& expect : file.spec.expect()) {
    if (!expect.compare().empty()) {
      EXPECT_GT(expect.holds_for_size(), 0) << "no region stated for: " << expect.says();
    }
  }
  for (const auto& result : check_expectations(file, 1, 0, CheckMode::kRobust))
    EXPECT_TRUE(result.passed) << result.says << "\n" << result.measured;
}

INSTANTIATE_TEST_SUITE_P(Library, EveryCase, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<std::filesystem::path>& info) {
                           std::string name = info.param.stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ScenarioLibraryTest, EveryCaseStatesItsRecordedOutcomeAndReproducesItAsItHappened) {
  for (const auto& path : cases()) {
    const std::string name = path.stem().string();
    SCOPED_TRACE(name);
    const ScenarioFile file = read_scenario_file(path);
    const auto results = check_expectations(file, 1, 0, CheckMode::kHistory);
    EXPECT_FALSE(results.empty()) << "a case states what history records (history: true)";
    for (const auto& result : results)
      EXPECT_TRUE(result.passed) << result.says << "\n" << result.measured;
  }
}

TEST(ScenarioLibraryTest, EveryComparisonFailsWhenBothOfItsSidesAreTheSame) {
  int comparisons = 0;
  for (const auto& path : cases()) {
    SCOPED_TRACE(path.string());
    const ScenarioFile file = read_scenario_file(path);
    for (const auto& result : check_expectations(file, 1, 0, CheckMode::kNull)) {
      ++comparisons;
      EXPECT_TRUE(result.passed) << result.says
                                 << " passes without the difference it claims: " << result.measured;
    }
  }
  EXPECT_GT(comparisons, 20);
}

TEST(ScenarioLibraryTest, TheNullCheckCatchesAOneSidedComparison) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "one-sided.textproto";
  std::ofstream(path)
      << read_text(HOTLINE_SOURCE_DIR "/scenarios/ip-theft-2013.textproto")
      << "expect { says: \"one-sided\" metric: \"misperception.washington\"\n"
         "         compare: \"hotline=on vs hotline=off\" at_least: -4 runs: 20 }\n";
  const ScenarioFile file = read_scenario_file(path);
  const auto results = check_expectations(file, 1, 0, CheckMode::kNull);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results.back().says, "one-sided");
  EXPECT_FALSE(results.back().passed) << results.back().measured;
}

}  // namespace
}  // namespace hotline::scenario
