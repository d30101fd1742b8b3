// docs/model.md lists every constant of the model and every preset's values; the code and the
// document say the same, or this fails.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "model/constants.h"
#include "model/doctrine.h"

namespace hotline::model {
namespace {

// The rows of the document's tables: first cell (without backticks) -> second cell.
std::map<std::string, std::string> documented_rows() {
  std::ifstream in(HOTLINE_SOURCE_DIR "/docs/model.md");
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto name_end = line.find('`', 3);
    const auto cell_start = line.find('|', name_end) + 1;
    const auto cell_end = line.find('|', cell_start);
    std::string cell = line.substr(cell_start, cell_end - cell_start);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    rows[line.substr(3, name_end - 3)] = cell;
  }
  return rows;
}

double number(const std::string& text) {
  return std::stod(text);
}

TEST(ConstantsDocTest, EveryConstantIsDocumentedWithItsValue) {
  const auto rows = documented_rows();
  for (const auto& constant : constants::kDocumented) {
    const auto found = rows.find(std::string(constant.name));
    ASSERT_NE(found, rows.end()) << constant.name << " is not in docs/model.md";
    EXPECT_DOUBLE_EQ(number(found->second), constant.value) << constant.name;
  }
  const std::pair<const char*, const std::array<double, kRungCount>*> tables[] = {
      {"kMoveEvidence", &constants::kMoveEvidence},
      {"kMoveDamage", &constants::kMoveDamage},
      {"kConsequenceWeight", &constants::kConsequenceWeight}};
  for (const auto& [name, table] : tables) {
    for (int r = 0; r < kRungCount; ++r) {
      const std::string key =
          std::string(name) + "[" + std::string(rung_name(static_cast<Rung>(r))) + "]";
      const double fallback = std::string(name) == "kConsequenceWeight" ? 0.3 : 0.0;
      const auto found = rows.find(key);
      const double documented = found == rows.end() ? fallback : number(found->second);
      EXPECT_DOUBLE_EQ(documented, (*table)[r]) << key;
    }
  }
}

TEST(ConstantsDocTest, EveryPresetsThresholdsAreDocumented) {
  const auto rows = documented_rows();
  for (const char* name : {"measured", "hawkish", "dovish", "deny", "deceive", "tit-for-tat",
                           "contrite", "early-warning"}) {
    SCOPED_TRACE(name);
    const auto preset = doctrine_preset(name);
    ASSERT_TRUE(preset);
    const auto found = rows.find(name);
    ASSERT_NE(found, rows.end()) << "no row for the preset in docs/model.md";
    std::istringstream cell(found->second);
    std::string value;
    for (int k = 0; k < kRungCount - 1; ++k) {
      ASSERT_TRUE(std::getline(cell, value, ','));
      EXPECT_DOUBLE_EQ(number(value), preset->climb_at[k]) << "climb_at " << k;
    }
  }
}

}  // namespace
}  // namespace hotline::model
