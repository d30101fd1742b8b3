// `hotline run` as a user runs it: one real node process per party over mutual TLS, each
// hosting its party's mind, with the simulator's world as referee.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/child_process.h"
#include "tests/support/process_tree.h"

namespace hotline {
namespace {

std::string run_and_capture(const std::string& arguments, int* status = nullptr) {
  const std::string command = std::string(HOTLINE_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int raw = pclose(pipe);
  if (status) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return output;
}

// The JSON records minus the link's own events, which only a live run has.
std::string without_link_events(const std::string& json_lines) {
  std::istringstream in(json_lines);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    // The link's own events and counts: what the live run adds to the simulator's records.
    if (line.find("\"kind\":\"link") == std::string::npos) kept += line + "\n";
  }
  return kept;
}

TEST(RunIntegrationTest, ALiveRunMakesTheSimulatorsDecisionsRecordForRecord) {
  int status = -1;
  const std::string live =
      run_and_capture("run estonia-2007 --set hotline=on --seed 3 --speed 5e6 --json", &status);
  ASSERT_EQ(status, 0) << live;
  const std::string simulated =
      run_and_capture("sim estonia-2007 --set hotline=on --seed 3 --json");
  EXPECT_EQ(without_link_events(live), simulated);
  // The parties did talk: inquiries and replies crossed the link.
  EXPECT_NE(live.find("\"what\":\"inquiry\""), std::string::npos);
  EXPECT_NE(live.find("\"what\":\"reply\""), std::string::npos);
}

TEST(RunIntegrationTest, ChannelFaultsComeFromTheSimulatorsSeededCode) {
  int status = -1;
  const std::string live = run_and_capture("run cut-cable --seed 5 --speed 5e6 --json", &status);
  ASSERT_EQ(status, 0) << live;
  EXPECT_EQ(without_link_events(live), run_and_capture("sim cut-cable --seed 5 --json"));
  EXPECT_NE(live.find("lost (circuit down)"), std::string::npos);
  EXPECT_NE(live.find("\"circuit\":\"satellite\""), std::string::npos);
}

// The first record of `kind` (and of `party`, if given) in JSON lines.
nlohmann::json find_record(const std::string& json_lines, const std::string& kind,
                           const std::string& party = "") {
  std::istringstream in(json_lines);
  for (std::string line; std::getline(in, line);) {
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object() && record.value("kind", "") == kind &&
        (party.empty() || record.value("party", "") == party)) {
      return record;
    }
  }
  return nullptr;
}

TEST(RunIntegrationTest, LossGarblingAndDuplicationHappenOnTheRealLinkAsSimulated) {
  const std::string faults =
      " --set hotline=on --set channel.primary.loss=0.3 --set channel.primary.garble=0.3"
      " --set channel.primary.duplicate=0.3 --seed 7";
  int status = -1;
  const std::string live = run_and_capture("run estonia-2007 --speed 5e6 --json" + faults, &status);
  ASSERT_EQ(status, 0) << live;
  const std::string simulated = run_and_capture("sim estonia-2007 --json" + faults);
  EXPECT_EQ(without_link_events(live), simulated);
  // What the nodes did to the frames they wrote is what the simulator counted, and every frame
  // written reached the other node.
  const auto summary = find_record(simulated, "channel_summary");
  const auto tallinn = find_record(live, "link_counts", "tallinn");
  const auto moscow = find_record(live, "link_counts", "moscow");
  ASSERT_FALSE(summary.is_null());
  ASSERT_FALSE(tallinn.is_null()) << live;
  ASSERT_FALSE(moscow.is_null()) << live;
  EXPECT_GT(summary.value("frames_lost", 0), 0);
  EXPECT_GT(summary.value("frames_garbled", 0), 0);
  EXPECT_GT(summary.value("frames_duplicated", 0), 0);
  EXPECT_EQ(tallinn.value("lost", 0) + moscow.value("lost", 0), summary.value("frames_lost", 0));
  EXPECT_EQ(tallinn.value("garbled", 0) + moscow.value("garbled", 0),
            summary.value("frames_garbled", 0));
  EXPECT_EQ(tallinn.value("duplicated", 0) + moscow.value("duplicated", 0),
            summary.value("frames_duplicated", 0));
  EXPECT_EQ(tallinn.value("received", 0), moscow.value("written", 0));
  EXPECT_EQ(moscow.value("received", 0), tallinn.value("written", 0));
}

TEST(RunIntegrationTest, TheTranscriptEndsWithTheOutcomeSummary) {
  int status = -1;
  const std::string live =
      run_and_capture("run false-flag-third-party --set hotline=on --speed 5e6", &status);
  ASSERT_EQ(status, 0) << live;
  EXPECT_NE(live.find("live: washington and moscow as two node processes over mutual TLS"),
            std::string::npos);
  EXPECT_NE(live.find("outcome of false-flag-third-party"), std::string::npos);
}

// The children of `parent` whose command line contains `needle`.
using testing::children_matching;

TEST(RunIntegrationTest, WithoutRestartsANodeThatDiesStopsTheRunWithAnErrorNamingIt) {
  common::ChildProcess run(
      common::ChildProcess::Options{{HOTLINE_BINARY, "run", "estonia-2007", "--set", "hotline=on",
                                     "--speed", "500000", "--no-restart"},
                                    true});
  // Once the case is under way, moscow's node is killed.
  bool started = false;
  while (auto line = run.output().read_line(std::chrono::seconds(20))) {
    if (line->find(" sees ") != std::string::npos) {
      started = true;
      break;
    }
  }
  ASSERT_TRUE(started);
  const auto moscow = children_matching(run.pid(), "--party moscow");
  ASSERT_EQ(moscow.size(), 1u);
  ::kill(moscow[0], SIGKILL);
  std::string output;
  while (auto line = run.output().read_line(std::chrono::seconds(90))) output += *line + "\n";
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 1);
  EXPECT_NE(output.find("hotline run: moscow's node"), std::string::npos) << output;
  EXPECT_TRUE(children_matching(run.pid(), "--party").empty()) << "no orphans";
}

// Three parties, three node processes, a link per hotline: Washington's node carries Tallinn's
// question to Moscow and the answer back over its two links, through lossy and garbling
// channels, and the run makes the simulator's records one for one.
TEST(RunIntegrationTest, AThreePartyCaseRunsOneNodePerPartyAndMakesTheSimulatorsRecords) {
  const std::string faults =
      " --set channel.allied.loss.p=0.3 --set channel.ict-line.garble=0.3 --seed 3";
  int status = -1;
  const std::string live =
      run_and_capture("run allied-question --speed 5e6 --json" + faults, &status);
  ASSERT_EQ(status, 0) << live;
  const std::string simulated = run_and_capture("sim allied-question --json" + faults);
  EXPECT_EQ(without_link_events(live), simulated);
  EXPECT_NE(simulated.find("\"kind\":\"carry\""), std::string::npos) << "a message was carried";
  EXPECT_GT(find_record(simulated, "channel_summary").value("frames_lost", 0), 0);
  // Every frame a node wrote reached a peer's node.
  int written = 0;
  int received = 0;
  for (const char* party : {"tallinn", "moscow", "washington"}) {
    const auto counts = find_record(live, "link_counts", party);
    ASSERT_FALSE(counts.is_null()) << party << "\n" << live;
    written += counts.value("written", 0);
    received += counts.value("received", 0);
  }
  EXPECT_GT(written, 0);
  EXPECT_EQ(received, written);
  // The human console has one belief to show: it plays two parties only, and says so.
  const std::string refused = run_and_capture("run allied-question --human tallinn", &status);
  EXPECT_EQ(status, 1);
  EXPECT_NE(refused.find("--human plays a case of two parties for now"), std::string::npos)
      << refused;
}

// Tallinn consults its ally over their line; the ally's assessments come back over it, and what
// they move is what the simulator's do.
TEST(RunIntegrationTest, AConsultationBetweenAlliesCrossesRealLinksAsSimulated) {
  int status = -1;
  const std::string live =
      run_and_capture("run estonia-2007-allies --speed 5e6 --json --seed 3", &status);
  ASSERT_EQ(status, 0) << live;
  const std::string simulated = run_and_capture("sim estonia-2007-allies --json --seed 3");
  EXPECT_EQ(without_link_events(live), simulated);
  EXPECT_NE(simulated.find("\"what\":\"consultation\""), std::string::npos) << simulated;
  EXPECT_FALSE(find_record(simulated, "assessment", "tallinn").is_null()) << simulated;
}

TEST(RunIntegrationTest, ACarrierKilledMidCaseIsRestartedOnItsLinksAndTheCaseEndsAsSimulated) {
  common::ChildProcess run(common::ChildProcess::Options{
      {HOTLINE_BINARY, "run", "allied-question", "--seed", "1", "--speed", "3e5", "--json"},
      false});
  std::string output;
  // Kill the carrier once it has passed the question on, before the answer comes back.
  while (auto line = run.output().read_line(std::chrono::seconds(20))) {
    output += *line + "\n";
    if (line->find("\"kind\":\"carry\"") != std::string::npos) break;
  }
  const auto washington = children_matching(run.pid(), "--party washington");
  ASSERT_EQ(washington.size(), 1u);
  ::kill(washington[0], SIGKILL);
  while (auto line = run.output().read_line(std::chrono::seconds(90))) output += *line + "\n";
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 0) << output;
  EXPECT_NE(output.find("\"event\":\"recovered\""), std::string::npos) << output;
  EXPECT_EQ(without_link_events(output), run_and_capture("sim allied-question --seed 1 --json"));
}

TEST(RunIntegrationTest, ANodeKilledMidCaseIsRestartedAndTheCaseEndsAsSimulated) {
  common::ChildProcess run(
      common::ChildProcess::Options{{HOTLINE_BINARY, "run", "estonia-2007", "--set", "hotline=on",
                                     "--seed", "3", "--speed", "3e6", "--json"},
                                    false});
  std::string output;
  // Kill moscow's node with SIGKILL once the parties have started talking.
  while (auto line = run.output().read_line(std::chrono::seconds(20))) {
    output += *line + "\n";
    if (line->find("\"what\":\"reply\"") != std::string::npos) break;
  }
  const auto moscow = children_matching(run.pid(), "--party moscow");
  ASSERT_EQ(moscow.size(), 1u);
  ::kill(moscow[0], SIGKILL);
  while (auto line = run.output().read_line(std::chrono::seconds(90))) output += *line + "\n";
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 0) << output;
  EXPECT_NE(output.find("\"event\":\"restarting\""), std::string::npos) << output;
  EXPECT_NE(output.find("\"event\":\"recovered\""), std::string::npos) << output;
  // Nothing lost, nothing twice: the case ends exactly as the simulator runs it.
  EXPECT_EQ(without_link_events(output),
            run_and_capture("sim estonia-2007 --set hotline=on --seed 3 --json"));
}

TEST(RunIntegrationTest, CtrlCStopsTheRunAndBothNodesCleanly) {
  common::ChildProcess run(common::ChildProcess::Options{
      {HOTLINE_BINARY, "run", "estonia-2007", "--set", "hotline=on"}, true});
  std::string output;
  // Well into the case (it takes about 15 s at the default speed).
  while (auto line = run.output().read_line(std::chrono::seconds(30))) {
    output += *line + "\n";
    if (line->find(" sends ") != std::string::npos) break;
  }
  const auto nodes = children_matching(run.pid(), " node ");
  ASSERT_EQ(nodes.size(), 2u) << output;
  ::kill(run.pid(), SIGINT);
  while (auto line = run.output().read_line(std::chrono::seconds(15))) output += *line + "\n";
  EXPECT_EQ(run.wait_for(std::chrono::seconds(5)), 130) << output;
  EXPECT_NE(output.find("hotline run: interrupted at D+"), std::string::npos) << output;
  // Both nodes are gone, and were reaped.
  for (const pid_t node : nodes)
    EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(node)));
}

TEST(RunIntegrationTest, APersonPlaysAPartyFromTheConsole) {
  common::ChildProcess run(
      common::ChildProcess::Options{{HOTLINE_BINARY, "run", "estonia-2007", "--set", "hotline=on",
                                     "--human", "tallinn", "--reveal", "--speed", "3e6", "--json"},
                                    false});
  ASSERT_TRUE(
      run.write_input("We see attacks on our government sites from addresses in Russia.\n"
                      "/ask riots\n/launch everything\n/help\n"));
  run.close_input();
  std::vector<nlohmann::json> records;
  while (auto line = run.output().read_line(std::chrono::seconds(60))) {
    const auto record = nlohmann::json::parse(*line, nullptr, false);
    if (record.is_object()) records.push_back(record);
  }
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 0);
  auto has = [&](const std::string& party, const std::string& kind, const std::string& key,
                 const std::string& value) {
    for (const auto& r : records) {
      if (r.value("party", "") == party && r.value("kind", "") == kind &&
          (key.empty() || r.value(key, "") == value)) {
        return true;
      }
    }
    return false;
  };
  // The scenario's incidents were shown to the person as tallinn observed them.
  EXPECT_TRUE(has("tallinn", "observe", "incident", "wave-1"));
  EXPECT_TRUE(has("tallinn", "observe", "incident", "wave-peak"));
  // What the person typed crossed the link and reached moscow's mind; the question was answered.
  EXPECT_TRUE(has("moscow", "read", "text",
                  "We see attacks on our government sites from addresses in Russia."));
  EXPECT_TRUE(has("tallinn", "read", "claim", "not us"));
  EXPECT_TRUE(has("tallinn", "console", "problem", "unknown command /launch"));
  // Before, /help was an unknown command too.
  EXPECT_FALSE(has("tallinn", "console", "problem", "unknown command /help"));
  bool listed = false;
  for (const auto& r : records) {
    listed |= r.value("kind", "") == "help" &&
              r.value("commands", "").find("/answer INCIDENT") != std::string::npos;
  }
  EXPECT_TRUE(listed) << "/help lists the commands";
}

TEST(RunIntegrationTest, ThePersonSeesOnlyWhatTheirPartyCanSee) {
  common::ChildProcess run(
      common::ChildProcess::Options{{HOTLINE_BINARY, "run", "estonia-2007", "--set", "hotline=on",
                                     "--human", "tallinn", "--speed", "3e6", "--json"},
                                    false});
  ASSERT_TRUE(run.write_input("/ask wave-1\n"));
  run.close_input();
  std::set<std::string> seen;
  int lines = 0;
  while (auto line = run.output().read_line(std::chrono::seconds(60))) {
    const auto record = nlohmann::json::parse(*line, nullptr, false);
    if (!record.is_object()) continue;
    ++lines;
    seen.insert(record.value("party", "") + "/" + record.value("kind", ""));
  }
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 0);
  EXPECT_GT(lines, 10);
  EXPECT_TRUE(seen.count("tallinn/observe"));
  EXPECT_TRUE(seen.count("tallinn/read"));    // moscow's answer, as it arrived
  EXPECT_TRUE(seen.count("moscow/outcome"));  // the debrief, at the end
  // Neither the other side's mind nor the ground truth (who sponsored the incidents).
  for (const auto& kind : seen) {
    if (kind == "moscow/outcome") continue;
    EXPECT_NE(kind.rfind("moscow/", 0), 0u) << kind;
  }
  EXPECT_FALSE(seen.count("/incident"));
}

// Reads a run's JSON records until it ends; `on_record` may answer as they come.
std::vector<nlohmann::json> read_records(
    common::ChildProcess& run, const std::function<void(const nlohmann::json&)>& on_record = {}) {
  std::vector<nlohmann::json> records;
  while (auto line = run.output().read_line(std::chrono::seconds(60))) {
    const auto record = nlohmann::json::parse(*line, nullptr, false);
    if (!record.is_object()) continue;
    if (on_record) on_record(record);
    records.push_back(record);
  }
  return records;
}

const nlohmann::json* find_record(const std::vector<nlohmann::json>& records,
                                  const std::string& party, const std::string& kind) {
  for (const auto& r : records) {
    if (r.value("party", "") == party && r.value("kind", "") == kind) return &r;
  }
  return nullptr;
}

// The reply moscow sends about the incident it was asked about.
const nlohmann::json* reply_sent(const std::vector<nlohmann::json>& records) {
  for (const auto& r : records) {
    if (r.value("kind", "") == "send" && r.value("party", "") == "moscow" &&
        r.value("what", "").rfind("reply", 0) == 0) {
      return &r;
    }
  }
  return nullptr;
}

// In cut-cable washington asks moscow about the grid intrusion on D+1; at 200,000x a second of
// wall time is more than two days of the case.
TEST(RunIntegrationTest, TheClockWaitsForAPersonsAnswerToAQuestion) {
  common::ChildProcess run(
      common::ChildProcess::Options{{HOTLINE_BINARY, "run", "cut-cable", "--human", "moscow",
                                     "--speed", "200000", "--decision-time", "60", "--json"},
                                    false});
  bool answered = false;
  const auto records = read_records(run, [&](const nlohmann::json& record) {
    if (answered || record.value("kind", "") != "asked") return;
    // The person takes their time: were the clock running, the case would be days further on.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ASSERT_TRUE(run.write_input("/answer grid-intrusion accident\n"));
    run.close_input();
    answered = true;
  });
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 0);
  const auto* asked = find_record(records, "moscow", "asked");
  ASSERT_NE(asked, nullptr);
  EXPECT_NE(find_record(records, "moscow", "clock_held"), nullptr);
  const auto* reply = reply_sent(records);
  ASSERT_NE(reply, nullptr);
  // The answer leaves when the question came: the clock stood still while the person decided.
  EXPECT_EQ(reply->value("at_us", -1LL), asked->value("at_us", -2LL));
  EXPECT_NE(reply->value("claim", "").find("accident"), std::string::npos) << reply->dump();
  EXPECT_EQ(find_record(records, "moscow", "model_decided"), nullptr);
}

TEST(RunIntegrationTest, WhenThePersonDoesNotDecideInTimeTheModelAnswers) {
  common::ChildProcess run(
      common::ChildProcess::Options{{HOTLINE_BINARY, "run", "cut-cable", "--human", "moscow",
                                     "--speed", "200000", "--decision-time", "0.5", "--json"},
                                    false});
  // The input stays open: someone is there, and says nothing.
  const auto records = read_records(run);
  EXPECT_EQ(run.wait_for(std::chrono::seconds(10)), 0);
  const auto* asked = find_record(records, "moscow", "asked");
  ASSERT_NE(asked, nullptr);
  const auto* decided = find_record(records, "moscow", "model_decided");
  ASSERT_NE(decided, nullptr);
  EXPECT_EQ(decided->value("incident", ""), "grid-intrusion");
  const auto* reply = reply_sent(records);
  ASSERT_NE(reply, nullptr);
  // The model's answer, as `hotline sim` gives it for the same case: "not us".
  EXPECT_EQ(reply->value("claim", ""), "not us") << reply->dump();
  EXPECT_GE(reply->value("at_us", 0LL), asked->value("at_us", 0LL));
}

}  // namespace
}  // namespace hotline
