// The report's words and page, without a browser: why each climb happened, with its numbers,
// and nothing from a case file or a message ever read as markup.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "model/simulation.h"
#include "report/climb_reasons.h"
#include "report/html.h"
#include "report/party_charts.h"
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

// The y of every point of the belief line about `about` in a belief chart.
std::vector<std::string> belief_line_heights(const std::string& svg, const std::string& about) {
  const std::string marker = "class=\"belief-line\" data-about=\"" + about + "\" points=\"";
  const std::size_t at = svg.find(marker);
  if (at == std::string::npos) return {};
  const std::size_t begin = at + marker.size();
  std::vector<std::string> heights;
  std::size_t comma = svg.find(',', begin);
  const std::size_t end = svg.find('"', begin);
  while (comma != std::string::npos && comma < end) {
    const std::size_t stop = std::min(svg.find(' ', comma), end);
    heights.push_back(svg.substr(comma + 1, stop - comma - 1));
    comma = svg.find(',', stop);
  }
  return heights;
}

// With several parties a side's beliefs about each of the others are different lines: Tallinn's
// belief about Washington, which nothing moves, is flat, however much its belief about Moscow
// climbs and falls.
TEST(PartyChartsTest, WithSeveralPartiesEachOtherPartyHasItsOwnBeliefLine) {
  const SimulatedRun run = library_case("estonia-2007-allies");
  const std::string svg = belief_chart(run.records.records, run.scenario, 0);
  const auto moscow = belief_line_heights(svg, "moscow");
  const auto washington = belief_line_heights(svg, "washington");
  ASSERT_GT(moscow.size(), 5u) << svg;
  ASSERT_FALSE(washington.empty()) << svg;
  EXPECT_NE(std::set<std::string>(moscow.begin(), moscow.end()).size(), 1u);
  EXPECT_EQ(std::set<std::string>(washington.begin(), washington.end()).size(), 1u) << svg;
  // Every belief a side records names the party it is about, so that nothing is drawn on the
  // wrong line.
  for (const auto& r : run.records.records) {
    if (r.party.empty() || !r.find("belief") || r.kind == "observe") continue;
    EXPECT_TRUE(r.find("about") || r.find("mover")) << r.kind << " at " << r.at;
  }
}

}  // namespace
}  // namespace hotline::report
