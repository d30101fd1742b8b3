// Every case in scenarios/ reads cleanly and teaches what it says it teaches.
#include <gtest/gtest.h>

#include <filesystem>

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

TEST(ScenarioLibraryTest, TheLibraryHoldsTheFirstCases) {
  const auto paths = cases();
  for (const char* name :
       {"estonia-2007", "false-flag-third-party", "working-group-leak", "accidental-defection"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(),
                        std::filesystem::path(HOTLINE_SOURCE_DIR "/scenarios") /
                            (std::string(name) + ".textproto")),
              paths.end())
        << name;
  }
}

TEST(ScenarioLibraryTest, EveryCaseValidatesAndItsExpectationsPass) {
  for (const auto& path : cases()) {
    SCOPED_TRACE(path.string());
    const ScenarioFile file = read_scenario_file(path);
    ASSERT_NO_THROW(compile_scenario(file.spec, file));
    EXPECT_GT(file.spec.expect_size(), 0) << "a case carries its teaching point";
    for (const auto& result : check_expectations(file, 1)) {
      EXPECT_TRUE(result.passed) << result.says << "\n" << result.measured;
    }
  }
}

}  // namespace
}  // namespace hotline::scenario
