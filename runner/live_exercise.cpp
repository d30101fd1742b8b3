#include "runner/live_exercise.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "common/certificates.h"
#include "model/simulation.h"

namespace hotline::runner {

std::string cannot_play_live(const model::Scenario& scenario) {
  for (int party = 0; party < scenario.party_count(); ++party) {
    bool linked = false;
    for (int other = 0; other < scenario.party_count(); ++other)
      linked = linked || (other != party && scenario.line_between(party, other) >= 0);
    if (!linked) {
      return scenario.name + ": " + scenario.parties[party].id +
             " shares no hotline with any party, and live play runs one node per party with a "
             "link per hotline; `hotline sim` runs it";
    }
  }
  return "";
}
namespace {

// Reads a node's output until `count` events of `kind` (with `distinct`, of as many different
// values of that field); returns them (fewer if the node stopped or the time ran out first).
std::vector<nlohmann::json> wait_for_events(common::ChildProcess& node, const std::string& kind,
                                            std::size_t count, std::chrono::seconds timeout,
                                            const char* distinct = nullptr) {
  std::vector<nlohmann::json> found;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (found.size() < count && std::chrono::steady_clock::now() < deadline) {
    const auto line = node.output().read_line(std::chrono::milliseconds(200));
    if (!line) {
      if (node.output().at_end()) break;
      continue;
    }
    const auto event = nlohmann::json::parse(*line, nullptr, false);
    if (!event.is_object() || event.value("event", "") != kind) continue;
    // A link that came up twice (replaced by a newer connection) counts once.
    const bool again = distinct != nullptr &&
                       std::any_of(found.begin(), found.end(), [&](const nlohmann::json& seen) {
                         return seen.value(distinct, "") == event.value(distinct, "");
                       });
    if (!again) found.push_back(event);
  }
  return found;
}

std::filesystem::path make_scratch_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hotline-run-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw ExerciseFailure("cannot create a scratch directory");
  return pattern;
}

}  // namespace

void CommandQueue::push(PersonCommand command) {
  std::lock_guard lock(mutex_);
  commands_.push_back(std::move(command));
}

std::vector<PersonCommand> CommandQueue::take() {
  std::lock_guard lock(mutex_);
  std::vector<PersonCommand> taken(std::make_move_iterator(commands_.begin()),
                                   std::make_move_iterator(commands_.end()));
  commands_.clear();
  return taken;
}

LiveExercise::LiveExercise(const model::Scenario& scenario, ExerciseOptions options,
                           model::RecordSink& sink)
    : scenario_(scenario),
      options_(std::move(options)),
      sink_(sink),
      scratch_(make_scratch_directory()),
      replaying_(options_.branch.has_value()) {
  const auto& parties = scenario_.parties;
  std::filesystem::path certs = options_.certs;
  if (certs.empty()) {
    certs = scratch_ / "certs";
    common::PkiOptions pki;
    pki.parties.clear();
    for (const auto& party : parties) pki.parties.push_back(party.id);
    pki.validity.not_after = std::chrono::hours(24);
    common::write_exercise_pki(certs, pki);
  }
  // The nodes time the channel's delays at the speed the exercise starts at.
  char speed_text[32];
  std::snprintf(speed_text, sizeof speed_text, "%.17g", options_.speed);
  const int count = scenario_.party_count();
  auto node_arguments = [&](int party) {
    std::vector<std::string> argv = {
        options_.node_program.empty() ? common::current_executable() : options_.node_program,
        "node",
        "--party",
        parties[party].id,
        "--certs",
        certs.string(),
        "--journal",
        (scratch_ / (parties[party].id + ".journal")).string(),
        "--play",
        options_.scenario_path.string(),
        "--seed",
        std::to_string(options_.seed),
        "--speed",
        speed_text,
        "--json"};
    const auto& people = options_.people;
    if (std::find(people.begin(), people.end(), parties[party].id) != people.end())
      argv.push_back("--human");
    for (const auto& setting : options_.settings) {
      argv.push_back("--set");
      argv.push_back(setting.text());
    }
    return argv;
  };
  // Of each pair that shares a hotline, the party listed first in the scenario listens and the
  // other dials it; the nodes start in that order, so each dials addresses already announced.
  // A restarted listener comes back on the address it announced, for its peers to find it.
  std::vector<std::vector<std::string>> address(count, std::vector<std::string>(count));
  argvs_.resize(count);
  links_.assign(count, 0);
  for (int i = 0; i < count; ++i) {
    argvs_[i] = node_arguments(i);
    std::vector<int> listened;
    for (int j = 0; j < count; ++j) {
      if (j == i || scenario_.line_between(i, j) < 0) continue;
      ++links_[i];
      if (j < i) {
        argvs_[i].insert(argvs_[i].end(), {"--connect", parties[j].id + "=" + address[j][i]});
      } else {
        argvs_[i].insert(argvs_[i].end(), {"--listen", parties[j].id + "=127.0.0.1:0"});
        listened.push_back(j);
      }
    }
    nodes_.push_back(
        std::make_unique<common::ChildProcess>(common::ChildProcess::Options{argvs_[i]}));
    const auto listening =
        wait_for_events(*nodes_[i], "listening", listened.size(), std::chrono::seconds(10));
    if (listening.size() < listened.size())
      throw ExerciseFailure(parties[i].id + "'s node did not start listening");
    for (const auto& event : listening) {
      // A node of several peers names the link; a node of one has only the one.
      const std::string peer = event.value("link", parties[listened.front()].id);
      for (const int j : listened) {
        if (parties[j].id != peer) continue;
        address[i][j] = event.value("address", "");
        for (auto& argument : argvs_[i]) {
          if (argument == peer + "=127.0.0.1:0") argument = peer + "=" + address[i][j];
        }
      }
    }
  }
  for (int i = 0; i < count; ++i) {
    if (wait_for_events(*nodes_[i], "link_up", links_[i], std::chrono::seconds(15), "peer").size() <
        links_[i]) {
      throw ExerciseFailure(parties[i].id + "'s node did not bring its links up");
    }
  }

  // The link's own events (a circuit down, traffic moved) belong in the transcript too.
  auto on_event = [this](const std::string& party, const nlohmann::json& event) {
    const std::string kind = event.value("event", "");
    if (kind != "link_up" && kind != "link_down" && kind != "traffic_moved" && kind != "error" &&
        kind != "restarting" && kind != "recovered") {
      return;
    }
    model::Record record;
    record.at = now_;
    record.kind = "link";
    record.party = party;
    record.with("event", kind);
    // A node of several peers says which link.
    if (event.contains("link")) record.with("link", event.value("link", ""));
    if (event.contains("circuit")) record.with("circuit", event.value("circuit", ""));
    if (event.contains("reason")) record.with("reason", event.value("reason", ""));
    sink_.record(std::move(record));
  };
  for (int i = 0; i < count; ++i) {
    // A node that dies mid-case is started again on its journal and address.
    RemoteSideHost::Restart restart;
    if (options_.restart_nodes) {
      restart = [this, i]() -> common::ChildProcess& {
        nodes_[i]->stop(std::chrono::seconds(1));
        nodes_[i] =
            std::make_unique<common::ChildProcess>(common::ChildProcess::Options{argvs_[i]});
        if (wait_for_events(*nodes_[i], "link_up", links_[i], std::chrono::seconds(30), "peer")
                .size() < links_[i]) {
          throw NodeFailure(scenario_.parties[i].id +
                            "'s node, restarted, did not bring its links back up");
        }
        return *nodes_[i];
      };
    }
    minds_.push_back(std::make_unique<RemoteSideHost>(parties[i].id, *nodes_[i], &sink_, on_event,
                                                      options_.reply_timeout, ledger_, restart));
  }
}

LiveExercise::~LiveExercise() {
  for (auto& node : nodes_) {
    if (!node->wait_for(std::chrono::milliseconds(0))) node->stop(std::chrono::seconds(2));
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch_, ignored);
}

void LiveExercise::take_commands(model::SimTime at, CommandQueue& commands) {
  now_ = at;
  for (auto& command : commands.take()) {
    if (command.input_ended) {
      ExerciseInput ended;
      ended.kind = ExerciseInput::Kind::kInputEnded;
      ended.party = command.party;
      put_in(std::move(ended));
    }
    if (command.line.empty()) continue;
    ExerciseInput typed;
    typed.kind = ExerciseInput::Kind::kCommand;
    typed.party = std::move(command.party);
    typed.line = std::move(command.line);
    put_in(std::move(typed));
  }
  note_awaiting();
}

void LiveExercise::put_in(ExerciseInput input) {
  input.step = step_;
  input.at = now_;
  switch (input.kind) {
    case ExerciseInput::Kind::kCommand:
      for (auto& mind : minds_) {
        if (mind->party() != input.party) continue;
        const std::string problem = mind->human(now_, input.line);
        if (!problem.empty()) {
          model::Record record;
          record.at = now_;
          record.kind = "console";
          record.party = input.party;
          record.with("problem", problem);
          sink_.record(std::move(record));
        }
      }
      break;
    case ExerciseInput::Kind::kModelDecides:
      for (auto& mind : minds_) {
        if (mind->party() == input.party) mind->decide(now_);
      }
      break;
    case ExerciseInput::Kind::kInputEnded:
      unattended_.push_back(input.party);
      break;
    case ExerciseInput::Kind::kInject:
      due_injects_.push_back(input.inject);
      break;
  }
  std::lock_guard lock(status_mutex_);
  inputs_.push_back(std::move(input));
}

void LiveExercise::decide_for(RemoteSideHost& mind, model::SimTime at) {
  now_ = at;
  ExerciseInput decides;
  decides.kind = ExerciseInput::Kind::kModelDecides;
  decides.party = mind.party();
  put_in(std::move(decides));
  note_awaiting();
}

ExerciseHistory LiveExercise::history() const {
  std::lock_guard lock(status_mutex_);
  ExerciseHistory history;
  history.inputs = inputs_;
  if (options_.branch) history.extra_moments = options_.branch->extra_moments;
  history.reached = reached_;
  return history;
}

void LiveExercise::note_reached() {
  std::lock_guard lock(status_mutex_);
  reached_ = now_;
}

bool LiveExercise::replaying() const {
  std::lock_guard lock(status_mutex_);
  return replaying_;
}

void LiveExercise::note_awaiting() {
  std::vector<std::pair<std::string, std::vector<side::Awaited>>> awaiting;
  for (auto& mind : minds_) {
    if (!mind->awaiting().empty()) awaiting.emplace_back(mind->party(), mind->awaiting());
  }
  std::lock_guard lock(status_mutex_);
  awaiting_ = std::move(awaiting);
  reached_ = now_;
}

std::vector<std::pair<std::string, std::vector<side::Awaited>>> LiveExercise::awaiting() const {
  std::lock_guard lock(status_mutex_);
  return awaiting_;
}

model::SimTime LiveExercise::reached() const {
  std::lock_guard lock(status_mutex_);
  return reached_;
}

model::Outcomes LiveExercise::play(ExerciseClock& clock, CommandQueue& commands,
                                   std::function<void()> tick,
                                   std::function<std::vector<model::Inject>()> injects) {
  const Branch* branch = options_.branch ? &*options_.branch : nullptr;
  // While one mind waits for a message, a node that must send it may have died.
  for (auto& waiting : minds_) {
    waiting->on_idle([&, mind = waiting.get()] {
      if (tick) tick();
      for (auto& other : minds_) {
        if (other.get() != mind) other->recover_if_exited();
      }
    });
  }
  auto tick_and_take = [&] {
    if (tick) tick();
    take_commands(now_, commands);
  };
  std::vector<model::SideHost*> hosts;
  for (auto& mind : minds_) hosts.push_back(mind.get());
  clock.start_at(0);
  bool live = branch == nullptr;
  std::size_t replayed = 0;
  // The branch's moment: what was changed goes in, and people take over.
  auto go_live = [&](model::SimTime at) {
    live = true;
    // What was typed or injected meanwhile was refused; anything that slipped in belongs to
    // no moment of this exercise.
    commands.take();
    if (injects) injects();
    model::Record record;
    record.at = at;
    record.kind = "branch";
    record.with("changed", branch->what_changed);
    sink_.record(std::move(record));
    for (const auto& input : branch->change) put_in(input);
    clock.start_at(at);
    if (options_.paused_at_branch) clock.pause();
    std::lock_guard lock(status_mutex_);
    replaying_ = false;
  };
  // Called before each event and again after it (see simulate_with).
  auto pace = [&](model::SimTime at) {
    ++step_;
    now_ = at;
    if (!live && at < branch->from) {
      // Played again as it was: each input at the step it took effect, without waiting for
      // the clock or for anyone to decide (what they decided is among the inputs).
      while (replayed < branch->replay.size() && branch->replay[replayed].step <= step_)
        put_in(branch->replay[replayed++]);
      note_reached();
      clock.start_at(at);
      if (tick) tick();
      for (auto& mind : minds_) mind->poll();
      return;
    }
    if (!live) go_live(at);
    take_commands(at, commands);
    {
      // What an event asked of a person holds the clock, up to the decision time; then the
      // model decides for them.
      for (auto& mind : minds_) {
        if (mind->awaiting().empty()) continue;
        if (std::find(unattended_.begin(), unattended_.end(), mind->party()) != unattended_.end()) {
          decide_for(*mind, at);
          continue;
        }
        model::Record held;
        held.at = at;
        held.kind = "clock_held";
        held.party = mind->party();
        held.with("seconds", static_cast<double>(clock.decision_time().count()) / 1000);
        std::string what;
        for (const auto& awaited : mind->awaiting()) {
          if (!what.empty()) what += "; ";
          what += awaited.kind() == "answer" ? "an answer on " + awaited.incident()
                                             : "whether to heed a warning";
        }
        held.with("awaiting", what);
        sink_.record(std::move(held));
        const bool in_time = clock.hold_for_decision(
            at, [&] { return !mind->awaiting().empty(); }, tick_and_take);
        if (!in_time) decide_for(*mind, at);
      }
    }
    clock.wait_until(at, tick_and_take);
    if (tick) tick();
    for (auto& mind : minds_) mind->poll();
  };
  // The world takes injects after each pace call: a branch's, then the white cell's, noted.
  auto take_injects = [&] {
    std::vector<model::Inject> taken;
    taken.swap(due_injects_);
    if (live && injects) {
      for (const auto& inject : injects()) {
        ExerciseInput input;
        input.kind = ExerciseInput::Kind::kInject;
        input.inject = inject;
        put_in(std::move(input));
      }
      taken.insert(taken.end(), due_injects_.begin(), due_injects_.end());
      due_injects_.clear();
    }
    return taken;
  };
  return model::simulate_with(scenario_, options_.seed, &sink_, hosts, pace, take_injects,
                              branch ? branch->extra_moments : std::vector<model::SimTime>{});
}

std::vector<side::Counts> LiveExercise::link_counts() {
  std::vector<side::Counts> counts;
  for (auto& mind : minds_) counts.push_back(mind->link_counts(true));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  // What each node's link did to its copies, once the copies still held for their delay have
  // been written and the other side has received them all. A restarted node counts what it
  // received since its restart only, so the counts also settle when they stop changing.
  auto all_received = [&] {
    long long written = 0;
    long long received = 0;
    for (const auto& c : counts) {
      written += c.written();
      received += c.received();
    }
    return received >= written;
  };
  int unchanged = 0;
  while (!all_received() && unchanged < 25 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    bool changed = false;
    for (std::size_t i = 0; i < minds_.size(); ++i) {
      side::Counts now = minds_[i]->link_counts(false);
      changed = changed || now.SerializeAsString() != counts[i].SerializeAsString();
      counts[i] = std::move(now);
    }
    unchanged = changed ? 0 : unchanged + 1;
  }
  return counts;
}

int LiveExercise::finish(std::ostream& errors) {
  int status = 0;
  for (auto& node : nodes_) node->close_input();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const auto exit = nodes_[i]->wait_for(std::chrono::seconds(15));
    const int code = exit ? *exit : nodes_[i]->stop(std::chrono::seconds(3));
    if (code != 0) {
      errors << scenario_.parties[i].id << "'s node exited with status " << code << "\n";
      status = 1;
    }
  }
  return status;
}

void LiveExercise::stop() {
  // As at the end of a run: each node is told its input is over, delivers what is queued and
  // says goodbye; one that takes too long is stopped.
  for (auto& node : nodes_) node->close_input();
  for (auto& node : nodes_) {
    if (!node->wait_for(std::chrono::seconds(5))) node->stop(std::chrono::seconds(2));
  }
}

}  // namespace hotline::runner
