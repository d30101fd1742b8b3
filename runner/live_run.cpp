#include "runner/live_run.h"

#include <stdlib.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "common/certificates.h"
#include "common/child_process.h"
#include "model/simulation.h"
#include "runner/interruption.h"
#include "runner/party_view.h"
#include "runner/remote_side.h"
#include "scenario/scenario_loader.h"
#include "scenario/transcript.h"

namespace hotline::runner {
namespace {

// What each node's link did to its copies, once the copies still held for their delay have been
// written and the other side has received them all. A restarted node counts what it received
// since its restart only, so the counts also settle when they stop changing.
std::vector<nlohmann::json> link_counts(std::vector<std::unique_ptr<RemoteSideHost>>& minds) {
  std::vector<nlohmann::json> counts;
  for (auto& mind : minds) counts.push_back(mind->link_counts(true));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto all_received = [&] {
    return counts[0].value("received", 0) >= counts[1].value("written", 0) &&
           counts[1].value("received", 0) >= counts[0].value("written", 0);
  };
  int unchanged = 0;
  while (!all_received() && unchanged < 25 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    bool changed = false;
    for (std::size_t i = 0; i < minds.size(); ++i) {
      nlohmann::json now = minds[i]->link_counts(false);
      changed = changed || now != counts[i];
      counts[i] = std::move(now);
    }
    unchanged = changed ? 0 : unchanged + 1;
  }
  return counts;
}

constexpr double kDefaultWallSeconds = 15.0;
// A person needs time to read and type: a whole case in ten minutes.
constexpr double kDefaultHumanWallSeconds = 600.0;

// Ctrl-C or SIGTERM, noticed between two steps of the run.
struct Interrupted {};

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hotline-run-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a scratch directory");
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Reads a node's output until an event of `kind`; returns it (null if the node stopped first).
nlohmann::json wait_for_event(common::ChildProcess& node, const std::string& kind,
                              std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto line = node.output().read_line(std::chrono::milliseconds(200));
    if (!line) {
      if (node.output().at_end()) break;
      continue;
    }
    const auto event = nlohmann::json::parse(*line, nullptr, false);
    if (event.is_object() && event.value("event", "") == kind) return event;
  }
  return nullptr;
}

}  // namespace

int run_live(const LiveRunOptions& options, std::ostream& out, std::ostream& errors) {
  const auto path = scenario::resolve_scenario_path(options.scenario);
  const auto file = scenario::read_scenario_file(path);
  const model::Scenario compiled = scenario::load_scenario(file, options.settings);
  const auto& parties = compiled.parties;
  int human = -1;
  for (int i = 0; i < 2; ++i) {
    if (parties[i].id == options.human) human = i;
  }
  if (!options.human.empty() && human < 0) {
    errors << "hotline run: --human " << options.human << " is not a party of " << compiled.name
           << "\n";
    return 1;
  }
  const double wall_seconds = human >= 0 ? kDefaultHumanWallSeconds : kDefaultWallSeconds;
  const double speed = options.speed > 0
                           ? options.speed
                           : static_cast<double>(compiled.duration) / model::kSecond / wall_seconds;
  char speed_text[32];
  std::snprintf(speed_text, sizeof speed_text, "%.17g", speed);

  const Interruption interruption;  // Ctrl-C stops the nodes cleanly, see below
  ScratchDirectory scratch;
  std::filesystem::path certs = options.certs;
  if (certs.empty()) {
    certs = scratch.path() / "certs";
    common::PkiOptions pki;
    pki.parties = {parties[0].id, parties[1].id};
    pki.validity.not_after = std::chrono::hours(24);
    common::write_exercise_pki(certs, pki);
  }
  auto node_arguments = [&](int party) {
    std::vector<std::string> argv = {common::current_executable(),
                                     "node",
                                     "--party",
                                     parties[party].id,
                                     "--peer",
                                     parties[1 - party].id,
                                     "--certs",
                                     certs.string(),
                                     "--journal",
                                     (scratch.path() / (parties[party].id + ".journal")).string(),
                                     "--play",
                                     path.string(),
                                     "--seed",
                                     std::to_string(options.seed),
                                     "--speed",
                                     speed_text,
                                     "--json"};
    if (parties[party].id == options.human) argv.push_back("--human");
    for (const auto& setting : options.settings) {
      argv.push_back("--set");
      argv.push_back(setting.text());
    }
    return argv;
  };

  std::vector<std::unique_ptr<common::ChildProcess>> nodes;
  std::vector<std::vector<std::string>> argvs(2);
  argvs[0] = node_arguments(0);
  argvs[0].insert(argvs[0].end(), {"--listen", "127.0.0.1:0"});
  nodes.push_back(std::make_unique<common::ChildProcess>(common::ChildProcess::Options{argvs[0]}));
  const auto listening = wait_for_event(*nodes[0], "listening", std::chrono::seconds(10));
  if (listening.is_null()) {
    errors << "hotline run: " << parties[0].id << "'s node did not start listening\n";
    return 1;
  }
  // A restarted listener must come back on the same address for its peer to find it.
  argvs[0].back() = listening.value("address", "");
  argvs[1] = node_arguments(1);
  argvs[1].insert(argvs[1].end(), {"--connect", listening.value("address", "")});
  nodes.push_back(std::make_unique<common::ChildProcess>(common::ChildProcess::Options{argvs[1]}));
  for (int i = 0; i < 2; ++i) {
    if (wait_for_event(*nodes[i], "link_up", std::chrono::seconds(15)).is_null()) {
      errors << "hotline run: " << parties[i].id << "'s node did not bring the link up\n";
      return 1;
    }
  }

  const scenario::StartTime start = scenario::start_of(compiled);
  scenario::TranscriptPrinter printer(out, compiled, options.json);
  model::RecordTee printed_and_copied(printer, options.copy ? *options.copy : printer);
  model::RecordSink& shown =
      options.copy ? static_cast<model::RecordSink&>(printed_and_copied) : printer;
  // The person playing a party sees that party's view, unless the whole run is to be shown.
  PartyView party_view(options.human, shown);
  model::RecordSink& sink =
      human >= 0 && !options.reveal ? static_cast<model::RecordSink&>(party_view) : shown;
  model::SimTime model_now = 0;
  // The link's own events (a circuit down, traffic moved) belong in the transcript too.
  auto on_event = [&](const std::string& party, const nlohmann::json& event) {
    const std::string kind = event.value("event", "");
    if (kind != "link_up" && kind != "link_down" && kind != "traffic_moved" && kind != "error" &&
        kind != "restarting" && kind != "recovered") {
      return;
    }
    model::Record record;
    record.at = model_now;
    record.kind = "link";
    record.party = party;
    record.with("event", kind);
    if (event.contains("circuit")) record.with("circuit", event.value("circuit", ""));
    if (event.contains("reason")) record.with("reason", event.value("reason", ""));
    sink.record(std::move(record));
  };
  MessageLedger ledger;
  std::vector<std::unique_ptr<RemoteSideHost>> minds;
  std::vector<model::SideHost*> hosts;
  for (int i = 0; i < 2; ++i) {
    // A node that dies mid-case is started again on its journal and address.
    RemoteSideHost::Restart restart;
    if (options.restart_nodes) {
      restart = [&, i]() -> common::ChildProcess& {
        nodes[i]->stop(std::chrono::seconds(1));
        nodes[i] = std::make_unique<common::ChildProcess>(common::ChildProcess::Options{argvs[i]});
        if (wait_for_event(*nodes[i], "link_up", std::chrono::seconds(30)).is_null()) {
          throw NodeFailure(parties[i].id + "'s node, restarted, did not bring the link back up");
        }
        return *nodes[i];
      };
    }
    minds.push_back(std::make_unique<RemoteSideHost>(parties[i].id, *nodes[i], &sink, on_event,
                                                     options.reply_timeout, ledger, restart));
    hosts.push_back(minds.back().get());
  }
  // While one mind waits for a message, the node that must send it may have died.
  minds[0]->on_idle([&] {
    if (Interruption::signal()) throw Interrupted();
    minds[1]->recover_if_exited();
  });
  minds[1]->on_idle([&] {
    if (Interruption::signal()) throw Interrupted();
    minds[0]->recover_if_exited();
  });
  if (!options.json) {
    out << compiled.name << ": " << compiled.title << " (seed " << options.seed
        << ", live: " << parties[0].id << " and " << parties[1].id
        << " as two node processes over mutual TLS, " << speed << "x)" << std::endl;
  }
  const auto wall_start = std::chrono::steady_clock::now();
  // The person's lines are read on a thread of their own and taken at the next event.
  // Shared with the reader thread, which may outlive this function (it sits in getline).
  struct Typed {
    std::mutex mutex;
    std::deque<std::string> lines;
  };
  auto typed = std::make_shared<Typed>();
  if (human >= 0) {
    std::thread([typed] {
      for (std::string line; std::getline(std::cin, line);) {
        std::lock_guard lock(typed->mutex);
        typed->lines.push_back(line);
      }
    }).detach();
  }
  auto pace = [&](model::SimTime at) {
    model_now = at;
    if (human >= 0) {
      std::deque<std::string> lines;
      {
        std::lock_guard lock(typed->mutex);
        lines.swap(typed->lines);
      }
      for (const auto& line : lines) {
        if (line.empty()) continue;
        const std::string problem = minds[human]->human(at, line);
        if (!problem.empty()) {
          model::Record record;
          record.at = at;
          record.kind = "console";
          record.party = parties[human].id;
          record.with("problem", problem);
          sink.record(std::move(record));
        }
      }
    }
    const auto due = wall_start + std::chrono::microseconds(
                                      static_cast<long long>(static_cast<double>(at) / speed));
    // In slices, so that Ctrl-C is noticed at once even in a real-time run.
    while (std::chrono::steady_clock::now() < due) {
      if (Interruption::signal()) throw Interrupted();
      std::this_thread::sleep_until(
          std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
    }
    if (Interruption::signal()) throw Interrupted();
    for (auto& mind : minds) mind->poll();
  };
  model::Outcomes outcomes;
  std::vector<nlohmann::json> counts;
  try {
    outcomes = model::simulate_with(compiled, options.seed, &sink, hosts, pace);
    counts = link_counts(minds);
  } catch (const Interrupted&) {
    errors << "hotline run: interrupted at " << scenario::format_time(model_now, start, true)
           << "; stopping both nodes\n";
    // As at the end of a run: each node is told its input is over, delivers what is queued and
    // says goodbye; one that takes too long is stopped.
    for (auto& node : nodes) node->close_input();
    for (auto& node : nodes) {
      if (!node->wait_for(std::chrono::seconds(5))) node->stop(std::chrono::seconds(2));
    }
    return 130;
  } catch (const NodeFailure& failure) {
    errors << "hotline run: " << failure.what() << "\n";
    for (auto& node : nodes) node->stop(std::chrono::seconds(3));
    return 1;
  }
  if (options.json) {
    for (int i = 0; i < 2; ++i) {
      model::Record record;
      record.at = compiled.duration;
      record.kind = "link_counts";
      record.party = parties[i].id;
      for (const char* key : {"written", "lost", "garbled", "duplicated", "resent", "received"})
        record.with(key, counts[i].value(key, 0LL));
      sink.record(std::move(record));
    }
  } else {
    scenario::print_outcome_summary(out, compiled, outcomes);
    for (int i = 0; i < 2; ++i) {
      const nlohmann::json& c = counts[i];
      out << "  on the real link, " << parties[i].id << " wrote " << c.value("written", 0)
          << " frames (the channel lost " << c.value("lost", 0) << " before the wire, garbled "
          << c.value("garbled", 0) << ", duplicated " << c.value("duplicated", 0) << "); "
          << parties[1 - i].id << " received " << counts[1 - i].value("received", 0)
          << (minds[1 - i]->restarts() > 0 ? " since its restart" : "") << "\n";
    }
  }
  // End of input: each node delivers what is queued, says goodbye and exits.
  int status = 0;
  for (auto& node : nodes) node->close_input();
  for (int i = 0; i < 2; ++i) {
    const auto exit = nodes[i]->wait_for(std::chrono::seconds(15));
    const int code = exit ? *exit : nodes[i]->stop(std::chrono::seconds(3));
    if (code != 0) {
      errors << "hotline run: " << parties[i].id << "'s node exited with status " << code << "\n";
      status = 1;
    }
  }
  return status;
}

}  // namespace hotline::runner
