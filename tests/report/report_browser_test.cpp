// After-action reports opened in a real headless Chromium, as a lecturer opens them: every case
// of the library, and the hard ones (hostile text, no messages, a 300-day run of 76,000 records).
// The page must load with no error and no request, draw one lane per party and one arrow per
// message, give every chart a size, show something, and carry --json's own numbers.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/headless_browser.h"
#include "tests/support/node_process.h"

namespace hotline {
namespace {

using testing::HeadlessBrowser;

std::string run(const std::string& arguments) {
  const std::string command = std::string(HOTLINE_BINARY) + " " + arguments + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return output;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// The browser, started once for the whole file; a machine without Chromium skips the tests.
class ReportInBrowser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (const auto chromium = HeadlessBrowser::find())
      browser_ = std::make_unique<HeadlessBrowser>(*chromium);
  }
  static void TearDownTestSuite() { browser_.reset(); }
  void SetUp() override {
    if (!browser_) {
      GTEST_SKIP() << "no Chromium found (install Debian's `chromium`, or set HOTLINE_CHROMIUM): "
                      "the report's browser tests are skipped";
    }
  }

  struct Seen {
    HeadlessBrowser::PageLoad load;
    nlohmann::json page;
    double inked = 0;  // share of the screenshot's pixels that are not background
  };
  static Seen open(const std::filesystem::path& html) {
    Seen seen;
    seen.load = browser_->open("file://" + html.string());
    seen.page = browser_->evaluate(R"((() => {
      const size = (s) => { const b = s.getBoundingClientRect(); return [b.width, b.height]; };
      const metrics = {};
      for (const e of document.querySelectorAll('[data-metric]'))
        metrics[e.dataset.party ? e.dataset.metric : e.dataset.metric] = Number(e.dataset.value);
      return {
        lanes: document.querySelectorAll('svg.sequence-chart g.lane').length,
        messages: document.querySelectorAll('svg.sequence-chart g.message').length,
        charts: [...document.querySelectorAll('svg')].map(s => [s.getAttribute('class')].concat(size(s))),
        metrics: metrics,
        scripts: document.scripts.length,
        text: document.body.innerText,
      };
    })())");
    const auto shot = browser_->screenshot();
    std::size_t inked = 0;
    for (const unsigned char grey : shot.grey) inked += grey < 200;
    seen.inked = static_cast<double>(inked) / std::max<std::size_t>(shot.grey.size(), 1);
    return seen;
  }
  static void expect_clean(const Seen& seen, const std::filesystem::path& html) {
    EXPECT_TRUE(seen.load.console_errors.empty())
        << ::testing::PrintToString(seen.load.console_errors);
    // The page itself is the one request it makes.
    ASSERT_EQ(seen.load.requests.size(), 1u) << ::testing::PrintToString(seen.load.requests);
    EXPECT_EQ(seen.load.requests[0], "file://" + html.string());
    EXPECT_FALSE(seen.load.dialog_opened);
    EXPECT_EQ(seen.page["scripts"], 0);
    for (const auto& chart : seen.page["charts"]) {
      EXPECT_GT(chart[1].get<double>(), 50) << chart;
      EXPECT_GT(chart[2].get<double>(), 50) << chart;
    }
    EXPECT_GT(seen.inked, 0.005) << "the screenshot is blank";
  }

  static std::unique_ptr<HeadlessBrowser> browser_;
};
std::unique_ptr<HeadlessBrowser> ReportInBrowser::browser_;

class EveryCaseReport : public ReportInBrowser,
                        public ::testing::WithParamInterface<std::string> {};

TEST_P(EveryCaseReport, RendersWithALanePerPartyAnArrowPerMessageAndTheJsonNumbers) {
  testing::TempDir dir;
  const std::filesystem::path html = dir.path() / (GetParam() + ".html");
  run("sim " + GetParam() + " --set hotline=on --summary --html " + html.string());
  const auto records = json_lines(run("sim " + GetParam() + " --set hotline=on --json"));
  EXPECT_LT(std::filesystem::file_size(html), 2u * 1024 * 1024) << "a report stays under 2 MB";

  const Seen seen = open(html);
  expect_clean(seen, html);
  std::map<std::string, double> expected;
  int parties = 0;
  int messages = 0;
  for (const auto& r : records) {
    const std::string kind = r["kind"];
    if (kind == "send") ++messages;
    if (kind == "outcome") {
      ++parties;
      const std::string party = r["party"];
      for (const char* key :
           {"misperception", "inadvertent_climbs", "damage", "strikes", "final_belief"})
        expected[std::string(key) + "." + party] = r[key].get<double>();
    }
    if (kind == "channel_summary") {
      expected["messages_sent"] = r["messages_sent"].get<double>();
      expected["messages_delivered"] = r["messages_delivered"].get<double>();
    }
  }
  EXPECT_EQ(seen.page["lanes"], parties);
  EXPECT_EQ(seen.page["messages"], messages);
  for (const auto& [metric, value] : expected) {
    ASSERT_TRUE(seen.page["metrics"].contains(metric)) << metric;
    EXPECT_EQ(seen.page["metrics"][metric].get<double>(), value) << metric;
  }
  EXPECT_NE(seen.page["text"].get<std::string>().find("Why each climb happened"),
            std::string::npos);
}

std::vector<std::string> library_cases() {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(HOTLINE_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".textproto") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Library, EveryCaseReport, ::testing::ValuesIn(library_cases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// With three parties each side's belief chart draws a line per other party, each in its own
// colour, named in a legend that stays inside the chart; a belief nothing moved is drawn flat.
TEST_F(ReportInBrowser, WithSeveralPartiesEachBeliefChartDrawsALinePerOtherPartyWithALegend) {
  testing::TempDir dir;
  const std::filesystem::path html = dir.path() / "allies.html";
  run("sim estonia-2007-allies --seed 1 --html " + html.string());
  const Seen seen = open(html);
  expect_clean(seen, html);
  const nlohmann::json charts = browser_->evaluate(R"((() =>
    [...document.querySelectorAll('svg.belief-chart')].map(svg => {
      const box = svg.getBoundingClientRect();
      const inside = (e) => { const b = e.getBoundingClientRect();
                              return b.width > 0 && b.left >= box.left && b.right <= box.right; };
      const lines = [...svg.querySelectorAll('polyline.belief-line')];
      const legend = [...svg.querySelectorAll('text.belief-legend')];
      return {party: svg.dataset.party,
              about: lines.map(l => l.dataset.about),
              colours: [...new Set(lines.map(l => l.getAttribute('stroke')))].length,
              narrowest: Math.min(...lines.map(l => l.getBoundingClientRect().width)),
              legend: legend.map(t => t.textContent),
              legend_inside: legend.every(inside)};
    }))())");
  ASSERT_EQ(charts.size(), 3u) << charts;
  for (const auto& chart : charts) {
    SCOPED_TRACE(chart.dump());
    EXPECT_EQ(chart["about"].size(), 2u);
    EXPECT_EQ(chart["colours"], 2);
    EXPECT_EQ(chart["legend"].size(), 2u);
    EXPECT_TRUE(chart["legend_inside"].get<bool>());
    EXPECT_GT(chart["narrowest"].get<double>(), 0);
  }
  EXPECT_EQ(charts[0]["about"], nlohmann::json({"moscow", "washington"}));
}

// Three hundred days of probes every half hour, over a lossy line, with hostile text in every
// field a case author or a message writes.
constexpr const char* kHostileLongCase = R"(
name: "hostile-long"
title: "Probes <script>alert('title')</script>"
start: "2020-01-01T00:00:00Z"
duration: "300d"
briefing { premise: "A premise <script>alert('premise')</script> & \"quotes\" </p></section>" teaching_point: "<img src=x onerror=alert(1)>" }
debrief { what_happened: "]]></svg><script>alert('debrief')</script>" question: "<iframe src='https://example.com'>" }
party { id: "alpha" prior_hostility: 0.3 trust: 0.5 }
party { id: "beta" prior_hostility: 0.3 trust: 0.5 }
hotline { enabled: true circuit { name: "primary<b>" latency: "1m" loss { p: 0.1 } garble: 0.05 duplicate: 0.05 } }
event { at: "D+0 01:00" incident { id: "probe" kind: "SCAN</text><script>alert(2)</script>" target: "<b>networks</b>" actor: "<a href='https://example.com'>x</a>" victim: "alpha" sponsor: "beta" state_role: ACCIDENTAL severity: 0.05 every: "30m" until: "D+299" } }
event { at: "D+1" message { from: "alpha" kind: WARNING text: "</svg><script>alert('message')</script><img src='https://example.com/x.png'>" } }
)";

TEST_F(ReportInBrowser, HostileTextInACaseAndItsMessagesIsShownAsTextAndALongRunStaysReadable) {
  testing::TempDir dir;
  const auto scenario = dir.path() / "hostile.textproto";
  std::ofstream(scenario) << kHostileLongCase;
  const auto html = dir.path() / "hostile.html";
  run("sim " + scenario.string() + " --summary --html " + html.string());
  const Seen seen = open(html);
  expect_clean(seen, html);
  const std::string text = seen.page["text"];
  EXPECT_NE(text.find("Probes <script>alert('title')</script>"), std::string::npos);
  EXPECT_NE(text.find("A premise <script>alert('premise')</script> & \"quotes\" </p></section>"),
            std::string::npos);
  EXPECT_NE(text.find("<img src=x onerror=alert(1)>"), std::string::npos);
  // 76,000 records: the chart draws the first events and says how many it left out.
  EXPECT_NE(text.find("more are in the transcript"), std::string::npos);
  EXPECT_EQ(seen.page["lanes"], 2);
  EXPECT_GT(seen.page["messages"].get<int>(), 100);
}

TEST_F(ReportInBrowser, ARunWithNoMessagesAndNoMoveSaysSo) {
  testing::TempDir dir;
  const auto scenario = dir.path() / "quiet.textproto";
  std::ofstream(scenario) << R"(
name: "quiet"
title: "Nothing happens"
start: "2020-01-01T00:00:00Z"
duration: "10d"
party { id: "alpha" }
party { id: "beta" }
)";
  const auto html = dir.path() / "quiet.html";
  run("sim " + scenario.string() + " --summary --html " + html.string());
  const Seen seen = open(html);
  expect_clean(seen, html);
  const std::string text = seen.page["text"];
  EXPECT_NE(text.find("No message crossed between the parties"), std::string::npos) << text;
  EXPECT_NE(text.find("No side climbed."), std::string::npos);
  EXPECT_NE(text.find("No incident happened in this run."), std::string::npos);
  EXPECT_EQ(seen.page["lanes"], 2);
  EXPECT_EQ(seen.page["messages"], 0);
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(field);
  return fields;
}

TEST_F(ReportInBrowser, ACompareReportDrawsEveryMetricWithTheNumbersOfItsCsv) {
  testing::TempDir dir;
  const auto html = dir.path() / "compare.html";
  const std::string csv =
      run("compare estonia-2007 --vary hotline=off,on --runs 60 --csv --html " + html.string());
  const Seen seen = open(html);
  expect_clean(seen, html);
  const nlohmann::json cells = browser_->evaluate(R"((() => {
    const cells = {};
    for (const e of document.querySelectorAll('td[data-stat]'))
      cells[e.dataset.variant + '|' + e.dataset.metric + '|' + e.dataset.stat] = Number(e.dataset.value);
    return {cells: cells,
            ecdf: document.querySelectorAll('svg.ecdf-chart').length,
            bars: document.querySelectorAll('svg.rung-bars').length};
  })())");
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // the header
  int rows = 0;
  std::set<std::string> metrics;
  while (std::getline(lines, line)) {
    const auto f = csv_fields(line);
    ASSERT_GE(f.size(), 9u) << line;
    ++rows;
    metrics.insert(f[1]);
    const char* stats[] = {"mean", "", "ci95", "p10", "p50", "p90"};
    for (int i = 0; i < 6; ++i) {
      if (!*stats[i]) continue;  // the standard deviation is in the CSV only
      const std::string key = f[0] + "|" + f[1] + "|" + stats[i];
      ASSERT_TRUE(cells["cells"].contains(key)) << key;
      const double page = cells["cells"][key].get<double>();
      const double text = std::stod(f[3 + i]);
      EXPECT_NEAR(page, text, 1e-5 * std::max(1.0, std::abs(text))) << key;
    }
  }
  EXPECT_EQ(rows, 2 * static_cast<int>(metrics.size()));
  EXPECT_EQ(cells["ecdf"].get<std::size_t>(), metrics.size());
  EXPECT_GE(cells["bars"].get<int>(), 1) << "the peak rung's shares";
}

TEST_F(ReportInBrowser, CheckAndSweepReportsShowEveryExpectationAndEveryCellOfTheMap) {
  testing::TempDir dir;
  const auto check_html = dir.path() / "check.html";
  const std::string checked = run("check estonia-2007 --html " + check_html.string());
  const auto check_seen = open(check_html);
  expect_clean(check_seen, check_html);
  std::size_t verdicts = 0;
  for (std::size_t at = 0; (at = checked.find("pass  ", at)) != std::string::npos; ++at) ++verdicts;
  EXPECT_GT(verdicts, 0u);
  EXPECT_EQ(
      browser_->evaluate("document.querySelectorAll('.expectation').length").get<std::size_t>(),
      verdicts);

  const auto sweep_html = dir.path() / "sweep.html";
  run("sweep estonia-2007 --param party.tallinn.trust=0.1:0.6:3 --param "
      "party.moscow.trust=0.2:0.4:2 --runs 40 --html " +
      sweep_html.string());
  const auto sweep_seen = open(sweep_html);
  expect_clean(sweep_seen, sweep_html);
  const int cells = browser_->evaluate("document.querySelectorAll('td[data-holds]').length");
  const int maps = browser_->evaluate("document.querySelectorAll('table.sweep-map').length");
  EXPECT_GT(maps, 0);
  EXPECT_EQ(cells, maps * 3 * 2);
}

}  // namespace
}  // namespace hotline
