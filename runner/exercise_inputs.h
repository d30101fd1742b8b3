#pragma once
// What people and the white cell put into a live exercise, each where in the world's run it took
// effect. With the case, its settings and its seed, that is enough to play the exercise again
// exactly (the world and every model mind are deterministic) up to a moment, and on from there
// with one thing changed: the classroom's branch ("what if the reply had left six hours
// earlier?").

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "model/simulation.h"

namespace hotline::runner {

// The referee paces the world before and after each of its events (model::simulate_with), and
// an input takes effect at one of those calls: its step. Steps, not model times, place inputs,
// because several calls share a model time and the run depends on which of them took an input.
struct ExerciseInput {
  enum class Kind {
    kCommand,       // a line a person typed for `party`
    kModelDecides,  // the model decided what was awaited of `party` (its time ran out, /pass)
    kInputEnded,    // nobody can type for `party` any more
    kInject,        // the white cell's inject
  };
  Kind kind = Kind::kCommand;
  std::uint64_t step = 0;
  model::SimTime at = 0;
  std::string party;
  std::string line;
  model::Inject inject;
};

// What an exercise was given so far.
struct ExerciseHistory {
  std::vector<ExerciseInput> inputs;
  // The moments the world paced at besides its own events (this exercise's branch moment and
  // those of the branches before it): they count among the steps the inputs are placed by.
  std::vector<model::SimTime> extra_moments;
  model::SimTime reached = 0;  // the model time played up to
};

// An exercise to play: `replay` again as it was, up to the first step at or after `from`; there
// `change` is put in, and the exercise goes on live.
struct Branch {
  model::SimTime from = 0;
  std::vector<ExerciseInput> replay;
  std::vector<ExerciseInput> change;  // their steps and times are those of the branch
  // The world paces at these besides its own events: the earlier moments of the history's
  // steps, and `from`.
  std::vector<model::SimTime> extra_moments;
  std::string what_changed;  // in words, for the records
};

// The one thing a branch changes, as the instructor chose it.
struct BranchChange {
  enum class Kind {
    kNothing,  // play on from `from` as the teams now choose
    kMove,     // the person's command `input` (an index into the inputs) is typed at `from`
    kInject,   // timeline entry `timeline_entry` happens at `from`
    kOutage,   // circuit `circuit` goes down at `from` for `outage`
  };
  Kind kind = Kind::kNothing;
  int input = -1;
  int timeline_entry = -1;
  int circuit = -1;
  model::SimTime outage = 0;
};

class BadBranch : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The branch of an exercise with `history` from `from` (a moment it has reached); throws
// BadBranch saying what is wrong.
Branch make_branch(const model::Scenario& scenario, const ExerciseHistory& history,
                   model::SimTime from, const BranchChange& change);

// One input in words ("moscow typed /answer grid-intrusion accident"), for a list to choose from.
std::string describe_input(const model::Scenario& scenario, const ExerciseInput& input);

}  // namespace hotline::runner
