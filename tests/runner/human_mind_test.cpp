// What a person's typed commands become for the party they play (`run --human`, the classroom's
// seats), against a real case's incidents and targets.
#include "runner/human_mind.h"

#include <gtest/gtest.h>

#include "scenario/scenario_loader.h"

namespace hotline::runner {
namespace {

class HumanMindTest : public ::testing::Test {
 protected:
  HumanMindTest()
      : scenario_(scenario::load_scenario(scenario::read_scenario_file(
            std::string(HOTLINE_SOURCE_DIR) + "/scenarios/cut-cable.textproto"))),
        moscow_(scenario_, 1, 7, nullptr) {}

  // What the person's commands so far hand the world at its next look.
  model::Actions taken() {
    model::Actions out;
    moscow_.review(0, out);
    return out;
  }

  model::Scenario scenario_;
  HumanMind moscow_;
};

TEST_F(HumanMindTest, AStatedBeliefHoldsFromItsMomentUntilThePersonStatesAnother) {
  std::vector<model::BeliefCurve> curves(2);
  moscow_.belief_curves(1, curves);
  EXPECT_EQ(curves[0].log_odds, curves[0].prior_log_odds);
  EXPECT_EQ(moscow_.belief_changes(), 0u);
  EXPECT_EQ(moscow_.command(5 * model::kHour, "/believe 0.9"), "");
  moscow_.belief_curves(1, curves);
  EXPECT_EQ(moscow_.belief_changes(), 1u);
  EXPECT_EQ(curves[0].since, 5 * model::kHour);
  EXPECT_EQ(curves[0].half_life, 0);  // a person's belief does not fade on its own
  EXPECT_NEAR(curves[0].at(90 * model::kDay), 0.9, 1e-12);
}

TEST_F(HumanMindTest, HeedingAWarningNamesAWholeTargetOfSeveralWords) {
  EXPECT_EQ(moscow_.command(0, "/refrain US grid operator"), "");
  const model::Actions out = taken();
  ASSERT_EQ(out.refrain.size(), 1u);
  EXPECT_EQ(out.refrain[0], (model::Refrain{"US grid operator", 0}));
  const std::string problem = moscow_.command(0, "/refrain the moon");
  EXPECT_EQ(problem.rfind("no target \"the moon\"; the targets are: ", 0), 0u) << problem;
  EXPECT_NE(problem.find("US grid operator"), std::string::npos) << problem;
}

TEST_F(HumanMindTest, AWarningNamesAConsequenceDrawsALineAndSaysItsWords) {
  EXPECT_EQ(moscow_.command(0, "/warn CYBER_RETALIATION US grid operator Keep off our grid."), "");
  EXPECT_EQ(moscow_.command(0, "/warn SANCTIONS - Enough."), "");
  EXPECT_EQ(moscow_.command(0, "/reassure"), "");
  const model::Actions out = taken();
  ASSERT_EQ(out.send.size(), 3u);
  const model::Exchange& warning = out.send[0].exchange;
  EXPECT_EQ(warning.type, model::Exchange::Type::kWarning);
  EXPECT_EQ(warning.consequence, model::Rung::kCyberRetaliation);
  EXPECT_EQ(warning.line, "US grid operator");
  EXPECT_EQ(warning.text, "Keep off our grid.");
  EXPECT_EQ(out.send[1].exchange.line, "");
  EXPECT_EQ(out.send[1].exchange.consequence, model::Rung::kSanctions);
  EXPECT_EQ(out.send[1].exchange.text, "Enough.");
  EXPECT_EQ(out.send[2].exchange.type, model::Exchange::Type::kReassurance);
  EXPECT_EQ(out.send[2].exchange.text, "We mean you no harm.");
  ASSERT_EQ(out.moves.size(), 1u);
  EXPECT_EQ(out.moves[0], (model::Move{model::Rung::kDemarche, 0}));

  // Warning is a formal protest: the warner stands at DEMARCHE at least.
  EXPECT_EQ(moscow_.rung(), model::Rung::kDemarche);
  EXPECT_NE(moscow_.command(0, "/warn - - words alone"), "");
  EXPECT_NE(moscow_.command(0, "/warn NUKES - x"), "");
  EXPECT_NE(moscow_.command(0, "/warn - Atlantis"), "");
  EXPECT_TRUE(taken().send.empty());
  // Typed loosely: a rung in lower case, a tab between the words.
  EXPECT_EQ(moscow_.command(0, "/warn sanctions\tUS grid operator\tLast warning."), "");
  const model::Actions loose = taken();
  ASSERT_EQ(loose.send.size(), 1u);
  EXPECT_EQ(loose.send[0].exchange.consequence, model::Rung::kSanctions);
  EXPECT_EQ(loose.send[0].exchange.line, "US grid operator");
  EXPECT_EQ(loose.send[0].exchange.text, "Last warning.");
}

TEST_F(HumanMindTest, AWarningFromTheOtherTeamAwaitsBeingHeededOrNoted) {
  model::Exchange warning;
  warning.type = model::Exchange::Type::kWarning;
  warning.line = "US grid operator";
  warning.consequence = model::Rung::kSanctions;
  warning.text = "Stay away from it.";
  model::Actions out;
  moscow_.receive(0, 1, 0, warning, false, true, out);
  ASSERT_EQ(moscow_.awaited().size(), 1u);
  EXPECT_EQ(moscow_.awaited()[0].kind, HumanMind::Awaited::Kind::kWarning);
  EXPECT_EQ(moscow_.awaited()[0].text, "Stay away from it.");
  EXPECT_EQ(moscow_.command(0, "/noted"), "");
  EXPECT_TRUE(moscow_.awaited().empty());
  // A line the other team drew around something no incident targets can be heeded all the same.
  model::Exchange kremlin = warning;
  kremlin.line = "the Kremlin";
  moscow_.receive(0, 3, 0, kremlin, false, true, out);
  EXPECT_EQ(moscow_.command(0, "/refrain the Kremlin"), "");
  EXPECT_TRUE(moscow_.awaited().empty());
  // A reassurance awaits nothing.
  model::Exchange reassurance;
  reassurance.type = model::Exchange::Type::kReassurance;
  reassurance.text = "We mean you no harm.";
  moscow_.receive(0, 2, 0, reassurance, false, true, out);
  EXPECT_TRUE(moscow_.awaited().empty());
}

}  // namespace
}  // namespace hotline::runner
