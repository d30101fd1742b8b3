// A branch of a live exercise: the referee in this process, each party's node a real `hotline
// node` process over mutual TLS, as in `hotline run` and the classroom. The exercise is played
// once with a person typing for moscow; then again from a moment, as it was up to there and
// with one thing changed from there.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "model/record.h"
#include "runner/live_exercise.h"
#include "runner/side_protocol.h"
#include "scenario/scenario_loader.h"

namespace hotline::runner {
namespace {

const std::string kCase = std::string(HOTLINE_SOURCE_DIR) + "/scenarios/cut-cable.textproto";

struct Played {
  std::vector<model::Record> records;
  ExerciseHistory history;
  std::chrono::milliseconds replayed_in{0};  // from the start of play to the branch's moment
};

// Collects records, and notes when the branch's own arrives.
class TimedCollector : public model::RecordSink {
 public:
  void record(model::Record record) override {
    if (record.kind == "branch") branched = std::chrono::steady_clock::now();
    records.push_back(std::move(record));
  }
  std::vector<model::Record> records;
  std::chrono::steady_clock::time_point branched;
};

// Plays cut-cable with a person at moscow's seat; `type` may push what the person types.
Played play(const model::Scenario& scenario, const Branch* branch,
            const std::function<void(LiveExercise&, CommandQueue&)>& type) {
  TimedCollector sink;
  ExerciseOptions options;
  options.scenario_path = kCase;
  options.seed = 7;
  options.speed = 200000;
  options.people = {"moscow"};
  options.node_program = HOTLINE_BINARY;
  if (branch) options.branch = *branch;
  LiveExercise exercise(scenario, options, sink);
  ExerciseClock clock(200000, std::chrono::milliseconds(300));
  CommandQueue commands;
  const auto start = std::chrono::steady_clock::now();
  exercise.play(clock, commands, [&] { type(exercise, commands); });
  std::ostringstream errors;
  EXPECT_EQ(exercise.finish(errors), 0) << errors.str();
  const auto replayed_in =
      branch ? std::chrono::duration_cast<std::chrono::milliseconds>(sink.branched - start)
             : std::chrono::milliseconds(0);
  return {sink.records, exercise.history(), replayed_in};
}

// The person at moscow says something at once, and answers the question on the grid intrusion
// when it comes ("an accident").
Played play_original(const model::Scenario& scenario) {
  bool greeted = false;
  bool answered = false;
  return play(scenario, nullptr, [&](LiveExercise& exercise, CommandQueue& commands) {
    if (!greeted) {
      commands.push({"moscow", "We see nothing of yours on our networks."});
      greeted = true;
    }
    if (answered) return;
    for (const auto& [party, decisions] : exercise.awaiting()) {
      for (const auto& decision : decisions) {
        if (decision.kind() == "answer" && decision.incident() == "grid-intrusion") {
          commands.push({"moscow", "/answer grid-intrusion accident"});
          answered = true;
        }
      }
    }
  });
}

void nobody_types(LiveExercise&, CommandQueue&) {}

// What the world and the minds did, in order: everything but the link's own events and the
// clock's holds, which follow wall time.
std::vector<std::string> story(const std::vector<model::Record>& records, model::SimTime before) {
  std::vector<std::string> lines;
  for (const auto& record : records) {
    if (record.at >= before) continue;
    // A branch's own marker is not replayed when the branch is branched in turn.
    if (record.kind == "link" || record.kind == "clock_held" || record.kind == "branch") continue;
    lines.push_back(std::to_string(record.at) + " " + record.party + " " + record.kind + " " +
                    record_to_json(record).dump());
  }
  return lines;
}

const model::Record* find(const std::vector<model::Record>& records, const std::string& party,
                          const std::string& kind, const std::string& what_prefix = "") {
  for (const auto& record : records) {
    if (record.party != party || record.kind != kind) continue;
    if (!what_prefix.empty()) {
      const auto* what = record.find("what");
      const auto* text = what ? std::get_if<std::string>(what) : nullptr;
      if (!text || text->rfind(what_prefix, 0) != 0) continue;
    }
    return &record;
  }
  return nullptr;
}

std::size_t input_index(const std::vector<ExerciseInput>& inputs, const std::string& line) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].line == line) return i;
  }
  return inputs.size();
}

class BranchIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    file_ = new scenario::ScenarioFile(scenario::read_scenario_file(kCase));
    scenario_ = new model::Scenario(scenario::load_scenario(*file_));
    original_ = new Played(play_original(*scenario_));
  }
  static void TearDownTestSuite() {
    delete original_;
    delete scenario_;
    delete file_;
  }
  // Six hours before moscow was asked about the grid intrusion (asked on D+1, so within the case).
  static model::SimTime six_hours_before_the_question() {
    const auto* asked = find(original_->records, "moscow", "asked");
    EXPECT_NE(asked, nullptr);
    return asked ? asked->at - 6 * model::kHour : 0;
  }
  // Moscow's answer, typed at the branch's moment instead.
  static BranchChange answer_moved() {
    BranchChange change;
    change.kind = BranchChange::Kind::kMove;
    change.input = int(input_index(original_->history.inputs, "/answer grid-intrusion accident"));
    return change;
  }
  static scenario::ScenarioFile* file_;
  static model::Scenario* scenario_;
  static Played* original_;
};
scenario::ScenarioFile* BranchIntegrationTest::file_ = nullptr;
model::Scenario* BranchIntegrationTest::scenario_ = nullptr;
Played* BranchIntegrationTest::original_ = nullptr;

TEST_F(BranchIntegrationTest, TheOriginalExerciseNotesWhatThePersonTypedWhereItTookEffect) {
  const auto& inputs = original_->history.inputs;
  ASSERT_LT(input_index(inputs, "/answer grid-intrusion accident"), inputs.size());
  const auto& answer = inputs[input_index(inputs, "/answer grid-intrusion accident")];
  const auto* asked = find(original_->records, "moscow", "asked");
  ASSERT_NE(asked, nullptr);
  EXPECT_EQ(answer.at, asked->at);
  EXPECT_EQ(answer.party, "moscow");
  const auto* reply = find(original_->records, "moscow", "send", "reply");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->at, asked->at);
}

TEST_F(BranchIntegrationTest, WithNothingChangedTheBranchIsTheExerciseAgainUpToItsMoment) {
  const auto* asked = find(original_->records, "moscow", "asked");
  ASSERT_NE(asked, nullptr);
  // From an hour after the person answered: their words and their answer are played again.
  const model::SimTime from = asked->at + model::kHour;
  const Branch branch = make_branch(*scenario_, original_->history, from, {});
  EXPECT_EQ(branch.replay.size(), 2u);
  const Played again = play(*scenario_, &branch, nobody_types);
  RecordProperty("replayed_ms", static_cast<int>(again.replayed_in.count()));
  std::cout << "replayed up to the branch in " << again.replayed_in.count() << " ms\n";
  const auto before = story(original_->records, from);
  const auto replayed = story(again.records, from);
  ASSERT_GT(before.size(), 20u);
  EXPECT_EQ(replayed, before);
  const auto* marker = find(again.records, "", "branch");
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->at, from);
  // The branch notes its own inputs, so that it can be branched in turn.
  ASSERT_GE(again.history.inputs.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again.history.inputs[i].line, original_->history.inputs[i].line);
    EXPECT_EQ(again.history.inputs[i].step, original_->history.inputs[i].step);
  }
}

TEST_F(BranchIntegrationTest, AReplyMovedSixHoursEarlierLeavesSixHoursEarlier) {
  const model::SimTime from = six_hours_before_the_question();
  const Branch branch = make_branch(*scenario_, original_->history, from, answer_moved());
  ASSERT_EQ(branch.replay.size(), 1u);  // the greeting; the answer is the change
  const Played again = play(*scenario_, &branch, nobody_types);
  EXPECT_EQ(story(again.records, from), story(original_->records, from));
  const auto* reply = find(again.records, "moscow", "send", "reply");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->at, from);
  const auto* original_reply = find(original_->records, "moscow", "send", "reply");
  ASSERT_NE(original_reply, nullptr);
  EXPECT_EQ(original_reply->at - reply->at, 6 * model::kHour);
  // What the changed run went on to do is its own: the story after the moment differs.
  EXPECT_NE(story(again.records, scenario_->duration + 1),
            story(original_->records, scenario_->duration + 1));
}

TEST_F(BranchIntegrationTest, ABranchBranchedInTurnIsThatBranchAgainUpToItsMoment) {
  const model::SimTime first_from = six_hours_before_the_question();
  const Branch first_branch =
      make_branch(*scenario_, original_->history, first_from, answer_moved());
  const Played first = play(*scenario_, &first_branch, nobody_types);
  // Two hours after the first branch's moment: its moved answer, put in at a moment the world
  // paced at only for that branch, is played again there.
  const model::SimTime second_from = first_from + 2 * model::kHour;
  const Branch second_branch = make_branch(*scenario_, first.history, second_from, {});
  EXPECT_EQ(second_branch.extra_moments, (std::vector<model::SimTime>{first_from, second_from}));
  const Played second = play(*scenario_, &second_branch, nobody_types);
  const auto expected = story(first.records, second_from);
  ASSERT_GT(expected.size(), 20u);
  EXPECT_EQ(story(second.records, second_from), expected);
  const auto* reply = find(second.records, "moscow", "send", "reply");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->at, first_from);
}

TEST_F(BranchIntegrationTest, ABranchNamesWhatIsWrongWithIt) {
  EXPECT_THROW(make_branch(*scenario_, original_->history, scenario_->duration, {}), BadBranch);
  // An exercise still being played cannot be branched from a moment it has not reached.
  ExerciseHistory under_way = original_->history;
  under_way.reached = model::kDay;
  EXPECT_NO_THROW(make_branch(*scenario_, under_way, model::kDay, {}));
  EXPECT_THROW(make_branch(*scenario_, under_way, model::kDay + 1, {}), BadBranch);
  BranchChange change;
  change.kind = BranchChange::Kind::kMove;
  change.input = 99;
  EXPECT_THROW(make_branch(*scenario_, original_->history, 0, change), BadBranch);
  change.kind = BranchChange::Kind::kInject;
  change.timeline_entry = int(scenario_->timeline.size());
  EXPECT_THROW(make_branch(*scenario_, original_->history, 0, change), BadBranch);
}

}  // namespace
}  // namespace hotline::runner
