// docs/scenarios.md writes a case from nothing; the case it writes must validate and teach what
// it says, so the tutorial cannot drift from the schema or the model.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scenario/expectations.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario {
namespace {

// The fenced blocks of the tutorial's first section, in order, as one file.
std::string tutorial_case() {
  std::ifstream in(HOTLINE_SOURCE_DIR "/docs/scenarios.md");
  std::string line;
  std::string text;
  bool in_section = false;
  bool in_block = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line.rfind("## 1.", 0) == 0;
    if (!in_section) continue;
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      continue;
    }
    if (in_block) text += line + "\n";
  }
  return text;
}

TEST(ScenarioDocsTest, TheTutorialsCaseValidatesAndItsExpectationsHold) {
  const std::string text = tutorial_case();
  ASSERT_NE(text.find("name: \"tutorial-exercise\""), std::string::npos) << text;
  const ScenarioFile file = parse_scenario_text(text, "docs/scenarios.md");
  ASSERT_NO_THROW(compile_scenario(file.spec, file));
  EXPECT_EQ(file.spec.expect_size(), 2);
  for (const auto mode : {CheckMode::kAll, CheckMode::kNull, CheckMode::kRobust}) {
    for (const auto& result : check_expectations(file, 1, 0, mode))
      EXPECT_TRUE(result.passed) << result.says << "\n" << result.measured;
  }
}

}  // namespace
}  // namespace hotline::scenario
