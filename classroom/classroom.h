#pragma once
// The classroom's side of a live exercise (`hotline serve`): the seats, what each sees, and what
// each may do. Browsers connect over WebSocket with their seat's token. A party's seat sees that
// party's view of the run (runner::PartyView) as it happens and plays it with the commands a
// person types at `run --human`; the instructor sees everything, runs the clock and, at the end,
// reveals the whole run to every seat and opens the after-action report.
//
// Threads: the referee plays the case on the caller's thread and hands records in through
// `record`; everything about connections happens on the web server's thread. What both touch
// is the clock and the command queue (both thread-safe) and the few flags below, under a mutex.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classroom/seat_request.h"
#include "classroom/seat_tokens.h"
#include "classroom/web_server.h"
#include "model/record.h"
#include "model/scenario.h"
#include "model/simulation.h"
#include "runner/exercise_clock.h"
#include "runner/live_exercise.h"
#include "scenario/record_sentence.h"

namespace hotline::classroom {

class Classroom : public model::RecordSink {
 public:
  static constexpr long kMaxBrowsersPerSeat = 24;
  static constexpr std::size_t kMaxCommandsPerSecond = 10;

  Classroom(const model::Scenario& scenario, runner::ExerciseClock& clock,
            runner::CommandQueue& commands, WebServerOptions web);
  ~Classroom() override;

  // Listens and serves; throws std::runtime_error if it cannot listen.
  void open();
  // Each seat's join link (the instructor's and one per party), once open. `host` replaces the
  // listening address in them (a room reaches the laptop by its name, not 0.0.0.0).
  std::map<std::string, std::string> links(const std::string& host = "") const;

  // Blocks until the instructor starts the exercise: returns the parties with a browser in
  // their seat (people play those; the model plays the others). Nothing if the instructor closed
  // the classroom first, or `interrupted` said so.
  std::optional<std::vector<std::string>> wait_for_start(const std::function<bool()>& interrupted);
  // The exercise being played, for the clock's status (awaited decisions) and its inputs (what a
  // branch replays); null when over, and its inputs are kept.
  void playing(const runner::LiveExercise* exercise);
  // Every record of the exercise, from the referee's thread.
  void record(model::Record record) override;
  // The instructor closed the classroom.
  bool close_requested() const;
  // What the instructor injected since the last call, for the referee.
  std::vector<model::Inject> take_injects();
  // The exercise is over: the outcome in words, and the after-action report's page.
  void ended(std::string summary, std::string report);
  // The exercise could not go on (a node failed), and why.
  void failed(std::string reason);
  // The instructor asked for a branch of the exercise, which is to stop and be played again.
  bool branch_requested() const;
  // Blocks until the instructor closes the classroom (nothing) or asks for a branch (the branch
  // to play), or `interrupted` says so (nothing).
  std::optional<runner::Branch> wait_for_close_or_branch(const std::function<bool()>& interrupted);
  // The branch is about to be played: every seat's view starts again, told why.
  void branching(const runner::Branch& branch);
  // Every record so far, for the report (after `ended`, all of them).
  std::vector<model::Record> records() const;

 private:
  HttpResponse on_http(const std::string& target);
  std::optional<std::string> on_admit(const std::string& target);
  void on_open(ConnectionId connection, const std::string& token);
  void on_message(ConnectionId connection, const std::string& text);
  void on_close(ConnectionId connection);
  void on_record(const model::Record& record);
  void act(ConnectionId connection, const std::string& seat, const SeatRequest& request);
  void send_status();
  void send_inputs();
  void request_branch(ConnectionId connection, const SeatRequest& request);
  // Why nobody plays now: a branch is being started or replayed ("" if not). Under mutex_.
  std::string not_in_play_locked() const;
  // Why people cannot play or inject now: not started, over, or the above ("" if they can).
  std::string not_playing_locked() const;
  nlohmann::json hello(const std::string& seat) const;
  nlohmann::json seats_message() const;
  void send_to(const std::string& seat, const std::string& text);
  void send_error(ConnectionId connection, const std::string& error);
  std::string link(const std::string& seat, const std::string& host) const;
  bool started() const;

  const model::Scenario& scenario_;
  runner::ExerciseClock& clock_;
  runner::CommandQueue& commands_;
  std::unique_ptr<WebServer> server_;

  // Shared between the referee's thread and the web thread.
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool started_ = false;
  bool close_requested_ = false;
  std::vector<std::string> people_;
  const runner::LiveExercise* exercise_ = nullptr;
  std::vector<model::Record> records_;
  std::vector<model::Inject> injects_;
  runner::ExerciseHistory last_history_;  // the last exercise's, once it is over
  std::optional<runner::Branch> branch_;  // asked for, not yet taken
  // From the moment a branch is taken until its exercise is played up to its moment, nobody
  // plays: commands, injects and other branches are refused.
  bool preparing_branch_ = false;
  SeatTokens tokens_;

  // The web thread's alone.
  scenario::Narrator narrator_;
  std::map<ConnectionId, std::string> seats_;              // connection -> seat
  std::map<std::string, std::vector<std::string>> views_;  // seat -> its record messages so far
  std::vector<std::string> all_records_;                   // the instructor's view, and the reveal
  std::map<ConnectionId, std::string> last_status_;
  std::string inputs_message_;  // the exercise's inputs, as last sent to the instructor
  std::map<ConnectionId, std::deque<std::chrono::steady_clock::time_point>> recent_commands_;
  bool over_ = false;
  bool revealed_ = false;
  std::string summary_;
  std::string report_;
  std::string failure_;
};

}  // namespace hotline::classroom
