// Every case in scenarios/ reads cleanly and teaches what it says it teaches.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

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

TEST(ScenarioLibraryTest, TheLibraryHoldsEveryCaseOfTheArticleAndItsHistory) {
  const auto paths = cases();
  const std::string index = read_text(HOTLINE_SOURCE_DIR "/scenarios/README.md");
  for (const char* name :
       {"estonia-2007", "georgia-2008", "rbn-2007", "ip-theft-2013", "working-group-leak",
        "false-flag-third-party", "training-tape-1979", "black-brant-1995", "comrade-kosygin-1967",
        "october-31-2016", "able-archer-cyber", "cut-cable", "accidental-defection"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(),
                        std::filesystem::path(HOTLINE_SOURCE_DIR "/scenarios") /
                            (std::string(name) + ".textproto")),
              paths.end())
        << name;
  }
  // Each file is listed in the index, and opens with its premise and its teaching point.
  for (const auto& path : paths) {
    const std::string name = path.stem().string();
    EXPECT_NE(index.find("`" + name + "`"), std::string::npos) << name << " is not in the index";
    const std::string text = read_text(path);
    const auto first_field = text.find("\nname:");
    ASSERT_NE(first_field, std::string::npos) << name;
    const std::string header = text.substr(0, first_field);
    EXPECT_NE(header.find("Premise."), std::string::npos) << name;
    EXPECT_NE(header.find("Teaching point."), std::string::npos) << name;
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
