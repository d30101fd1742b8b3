#include "runner/exercise_inputs.h"

#include "model/timeline_entry.h"

namespace hotline::runner {
namespace {

std::string describe_inject(const model::Scenario& scenario, const model::Inject& inject) {
  if (inject.timeline_entry >= 0)
    return "the white cell injected: " +
           model::describe_timeline_entry(scenario, inject.timeline_entry);
  const auto& circuits = scenario.hotline().circuits;
  const std::string circuit = inject.circuit >= 0 && inject.circuit < int(circuits.size())
                                  ? circuits[inject.circuit].name
                                  : "circuit " + std::to_string(inject.circuit);
  return "the white cell cut " + circuit + " for " +
         std::to_string(inject.outage / model::kMinute) + " min";
}

}  // namespace

std::string describe_input(const model::Scenario& scenario, const ExerciseInput& input) {
  switch (input.kind) {
    case ExerciseInput::Kind::kCommand:
      return input.party + " typed " + input.line;
    case ExerciseInput::Kind::kModelDecides:
      return "the model decided for " + input.party;
    case ExerciseInput::Kind::kInputEnded:
      return "nobody types for " + input.party + " any more";
    case ExerciseInput::Kind::kInject:
      return describe_inject(scenario, input.inject);
  }
  return "";
}

Branch make_branch(const model::Scenario& scenario, const ExerciseHistory& history,
                   model::SimTime from, const BranchChange& change) {
  if (from < 0 || from >= scenario.duration)
    throw BadBranch("a branch starts within the case, before its end");
  // Beyond it the exercise would be played by nobody: no one held for a decision, nothing
  // injected.
  if (from > history.reached)
    throw BadBranch("a branch starts at a moment the exercise has reached");
  const auto& inputs = history.inputs;
  Branch branch;
  branch.from = from;
  for (const model::SimTime moment : history.extra_moments) {
    if (moment < from) branch.extra_moments.push_back(moment);
  }
  branch.extra_moments.push_back(from);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const bool moved = change.kind == BranchChange::Kind::kMove && int(i) == change.input;
    if (inputs[i].at < from && !moved) branch.replay.push_back(inputs[i]);
  }
  ExerciseInput changed;
  changed.at = from;
  switch (change.kind) {
    case BranchChange::Kind::kNothing:
      branch.what_changed = "nothing: the teams play on from here";
      return branch;
    case BranchChange::Kind::kMove: {
      if (change.input < 0 || change.input >= int(inputs.size()))
        throw BadBranch("no such input in this exercise");
      const ExerciseInput& input = inputs[change.input];
      if (input.kind != ExerciseInput::Kind::kCommand)
        throw BadBranch("only what a person typed can be moved");
      changed.kind = ExerciseInput::Kind::kCommand;
      changed.party = input.party;
      changed.line = input.line;
      branch.what_changed = input.party + "'s " + input.line + " typed here instead";
      break;
    }
    case BranchChange::Kind::kInject:
      if (change.timeline_entry < 0 || change.timeline_entry >= int(scenario.timeline.size()))
        throw BadBranch("no such entry in the case's timeline");
      changed.kind = ExerciseInput::Kind::kInject;
      changed.inject = {change.timeline_entry, -1, 0};
      branch.what_changed = describe_inject(scenario, changed.inject) + ", here";
      break;
    case BranchChange::Kind::kOutage:
      if (!scenario.hotline().enabled || change.circuit < 0 ||
          change.circuit >= int(scenario.hotline().circuits.size()) || change.outage <= 0)
        throw BadBranch("no such circuit on this case's hotline, or no time to cut it for");
      changed.kind = ExerciseInput::Kind::kInject;
      changed.inject = {-1, 0, change.circuit, change.outage};
      branch.what_changed = describe_inject(scenario, changed.inject) + ", here";
      break;
  }
  branch.change.push_back(std::move(changed));
  return branch;
}

}  // namespace hotline::runner
