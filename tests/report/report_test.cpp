// The report's words and page, without a browser: why each climb happened, with its numbers,
// and nothing from a case file or a message ever read as markup.
#include <gtest/gtest.h>

#include "model/simulation.h"
#include "report/climb_reasons.h"
#include "report/html.h"
#include "report/run_report.h"
#include "scenario/scenario_loader.h"

namespace hotline::report {
namespace {

struct SimulatedRun {
  scenario::ScenarioFile file;
  model::Scenario scenario;
  model::RecordCollector records;
};

SimulatedRun simulate(scenario::ScenarioFile file, std::vector<scenario::Setting> settings = {}) {
  SimulatedRun run{std::move(file), {}, {}};
  run.scenario = scenario::load_scenario(run.file, settings);
  model::simulate(run.scenario, 1, &run.records);
  return run;
}

SimulatedRun library_case(const std::string& name) {
  return simulate(scenario::read_scenario_file(std::string(HOTLINE_SOURCE_DIR) + "/scenarios/" +
                                               name + ".textproto"));
}

TEST(ClimbReasonsTest, EachClimbNamesWhatSetItOffAndTheNumbersOverTheThreshold) {
  const SimulatedRun run = library_case("estonia-2007");
  const auto reasons = explain_climbs(run.records.records, run.scenario);
  ASSERT_FALSE(reasons.empty());
  bool found = false;
  for (const auto& reason : reasons) {
    if (reason.party != "tallinn" || reason.rung != "NAME_AND_SHAME") continue;
    found = true;
    EXPECT_EQ(reason.sentence,
              "D+7 17:00 Tallinn climbs to NAME_AND_SHAME: wave-2 seen pointing at Moscow with "
              "confidence 0.64; belief 0.63 x grievance 0.54 gives pressure 0.34 >= 0.25");
  }
  EXPECT_TRUE(found);
}

TEST(ClimbReasonsTest, AMisreadingAndAnUnansweredQuestionAreSaid) {
  const SimulatedRun misread = library_case("false-flag-third-party");
  const auto reasons = explain_climbs(misread.records.records, misread.scenario);
  ASSERT_FALSE(reasons.empty());
  EXPECT_NE(reasons[0].sentence.find("(in truth no state's act)"), std::string::npos)
      << reasons[0].sentence;

  const SimulatedRun unanswered = simulate(scenario::parse_scenario_text(R"(
name: "unanswered"
start: "2020-01-01T00:00:00Z"
duration: "20d"
party { id: "alpha" prior_hostility: 0.5 trust: 0.5 doctrine { decision_latency: "6h" } }
party { id: "beta" prior_hostility: 0.3 trust: 0.5 }
hotline { enabled: true circuit { name: "primary" latency: "1m" loss { p: 1 } } }
event { at: "D+1 10:00" incident { id: "outage" kind: "DDOS" target: "grid" victim: "alpha" sponsor: "beta" state_role: DIRECTED severity: 0.8 } }
event { at: "+1h" observe { by: "alpha" incident: "outage" apparent_origin: "beta" confidence: 0.8 } }
)",
                                                                         "unanswered.textproto"));
  const auto climbs = explain_climbs(unanswered.records.records, unanswered.scenario);
  ASSERT_EQ(climbs.size(), 1u);
  EXPECT_NE(
      climbs[0].sentence.find("; the inquiry about outage sent at D+1 11:00 had no answer yet"),
      std::string::npos)
      << climbs[0].sentence;
}

TEST(RunReportTest, TextFromTheCaseAndItsMessagesIsEscaped) {
  EXPECT_EQ(escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;");
  EXPECT_EQ(paragraphs("one `<b>`\n\ntwo"), "<p>one <code>&lt;b&gt;</code></p>\n<p>two</p>\n");
  const SimulatedRun run = simulate(scenario::parse_scenario_text(R"(
name: "hostile"
title: "<script>alert(1)</script>"
start: "2020-01-01T00:00:00Z"
briefing { premise: "</p><script>alert(2)</script>" }
party { id: "alpha" }
party { id: "beta" }
hotline { enabled: true circuit { name: "primary" latency: "1m" } }
event { at: "D+1" message { from: "alpha" kind: WARNING text: "</svg><script>alert(3)</script>" } }
)",
                                                                  "hostile.textproto"));
  const std::string html =
      run_report({run.file.spec, run.scenario, run.records.records, "hotline sim hostile", ""});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;/svg&gt;&lt;script&gt;alert(3)"), std::string::npos);
  EXPECT_NE(html.find("&lt;/p&gt;&lt;script&gt;alert(2)"), std::string::npos);
}

}  // namespace
}  // namespace hotline::report
