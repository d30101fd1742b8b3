#pragma once
// A case played live: one real node process per party over mutual TLS, each hosting its
// party's mind (a model's, or a person's), and this process as the referee that runs the
// scenario's world on the same code as `hotline sim`. `hotline run` and `hotline serve` (the
// classroom) both play their cases through it; they differ in where people's commands come
// from and where the records go.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/child_process.h"
#include "model/outcomes.h"
#include "model/record.h"
#include "model/scenario.h"
#include "model/simulation.h"
#include "runner/exercise_clock.h"
#include "runner/exercise_inputs.h"
#include "runner/remote_side.h"
#include "scenario/settings.h"

namespace hotline::runner {

struct ExerciseOptions {
  std::filesystem::path scenario_path;  // the file each node loads, as the referee did
  std::vector<scenario::Setting> settings;
  std::uint64_t seed = 1;
  double speed = 1;             // model seconds per wall second, at the start
  std::filesystem::path certs;  // empty: throwaway certificates
  // How long the referee waits for a node to answer (a message may be crossing a broken link).
  std::chrono::milliseconds reply_timeout = std::chrono::seconds(60);
  // Start a node that died mid-case again on its journal and carry on (up to 3 times each).
  bool restart_nodes = true;
  std::vector<std::string> people;  // the parties people play; the others, the model
  std::string node_program;         // the `hotline` that runs the nodes; empty: this program
  // The exercise is a branch of an earlier one: first played again as it was, as fast as the
  // nodes go, up to the branch's moment; there the branch's change is put in, the clock starts
  // (paused, with `paused_at_branch`) and people play on.
  std::optional<Branch> branch;
  bool paused_at_branch = false;
};

// A line a person typed for the party they play; or, with `input_ended`, word that nobody can
// type for that party any more (the console's input closed), so nothing is awaited of them.
struct PersonCommand {
  std::string party;
  std::string line;
  bool input_ended = false;
};

// People's commands, pushed from whichever thread reads them, taken by the referee.
class CommandQueue {
 public:
  void push(PersonCommand command);
  std::vector<PersonCommand> take();

 private:
  std::mutex mutex_;
  std::deque<PersonCommand> commands_;
};

// The exercise could not start (a node did not come up); what() says which and why.
class ExerciseFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why `scenario` cannot be played live ("" if it can): a live exercise runs one node per party
// with a link to each party it shares a hotline with, so every party must be on one.
std::string cannot_play_live(const model::Scenario& scenario);

class LiveExercise {
 public:
  // Starts the nodes and waits until all their links are up. Every record of the exercise (all
  // parties', the world's, the link's) goes to `sink`, from the referee's thread.
  LiveExercise(const model::Scenario& scenario, ExerciseOptions options, model::RecordSink& sink);
  // Stops nodes still running.
  ~LiveExercise();
  LiveExercise(const LiveExercise&) = delete;
  LiveExercise& operator=(const LiveExercise&) = delete;

  // Plays the case to its end on `clock`, taking people's commands as it goes and holding the
  // clock while a decision is awaited of a person. `tick` runs often (every event, and every
  // 50 ms while waiting); it may throw to stop the exercise. `injects`, if set, gives timeline
  // entries to happen now (see model::simulate_with). Throws NodeFailure if a node fails.
  model::Outcomes play(ExerciseClock& clock, CommandQueue& commands, std::function<void()> tick,
                       std::function<std::vector<model::Inject>()> injects = nullptr);

  // Everything put into the exercise so far, in the order it took effect (what a branch of it
  // replays). Safe from any thread.
  ExerciseHistory history() const;
  // A branch, not yet played up to its moment: people's commands and injects wait. Safe from
  // any thread.
  bool replaying() const;

  // What each node's link did to its copies (see LinkFaults), once they have all arrived.
  std::vector<side::Counts> link_counts();
  // Each node delivers what is queued, says goodbye and exits; returns 0, or 1 with the reason
  // on `errors` for a node that did not exit cleanly.
  int finish(std::ostream& errors);
  // The exercise is abandoned: each node is asked to stop, and stopped if it takes too long.
  void stop();

  // What a person is awaited to decide: party -> the awaited decisions. Safe from any thread.
  std::vector<std::pair<std::string, std::vector<side::Awaited>>> awaiting() const;
  // The model time the referee has reached. Safe from any thread.
  model::SimTime reached() const;
  int restarts(int party) const { return minds_[party]->restarts(); }

 private:
  void take_commands(model::SimTime at, CommandQueue& commands);
  // Puts `input` into the exercise now (step_, now_), and notes it.
  void put_in(ExerciseInput input);
  void decide_for(RemoteSideHost& mind, model::SimTime at);
  void note_awaiting();
  // While a branch is replayed nothing is awaited of anyone: only the time reached is noted.
  void note_reached();

  const model::Scenario& scenario_;
  ExerciseOptions options_;
  model::RecordSink& sink_;
  std::filesystem::path scratch_;
  std::vector<std::unique_ptr<common::ChildProcess>> nodes_;
  std::vector<std::vector<std::string>> argvs_;
  std::vector<std::size_t> links_;  // per party: how many peers its node links with
  MessageLedger ledger_;
  std::vector<std::unique_ptr<RemoteSideHost>> minds_;
  model::SimTime now_ = 0;
  std::uint64_t step_ = 0;                  // the pace calls so far (see ExerciseInput)
  std::vector<model::Inject> due_injects_;  // put in by a branch, for the world to take now
  std::vector<std::string> unattended_;     // parties whose person's input has ended

  mutable std::mutex status_mutex_;
  model::SimTime reached_ = 0;
  std::vector<std::pair<std::string, std::vector<side::Awaited>>> awaiting_;
  std::vector<ExerciseInput> inputs_;
  bool replaying_ = false;
};

}  // namespace hotline::runner
