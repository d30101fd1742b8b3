#include "runner/live_run.h"

#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "model/simulation.h"
#include "runner/interruption.h"
#include "runner/live_exercise.h"
#include "runner/party_view.h"
#include "scenario/scenario_loader.h"
#include "scenario/transcript.h"

namespace hotline::runner {
namespace {

constexpr double kDefaultWallSeconds = 15.0;
// A person needs time to read and type: a whole case in ten minutes.
constexpr double kDefaultHumanWallSeconds = 600.0;

// Ctrl-C or SIGTERM, noticed between two steps of the run.
struct Interrupted {};

// A live run is read as it happens (by a person deciding, or a program watching through a
// pipe), so each record is written out at once.
class FlushedSink : public model::RecordSink {
 public:
  FlushedSink(model::RecordSink& next, std::ostream& out) : next_(next), out_(out) {}
  void record(model::Record record) override {
    next_.record(std::move(record));
    out_.flush();
  }

 private:
  model::RecordSink& next_;
  std::ostream& out_;
};

}  // namespace

int run_live(const LiveRunOptions& options, std::ostream& out, std::ostream& errors) {
  const auto path = scenario::resolve_scenario_path(options.scenario);
  const auto file = scenario::read_scenario_file(path);
  const model::Scenario compiled = scenario::load_scenario(file, options.settings);
  if (const std::string why = cannot_play_live(compiled); !why.empty()) {
    errors << "hotline run: " << why << "\n";
    return 1;
  }
  const auto& parties = compiled.parties;
  const int count = compiled.party_count();
  int human = -1;
  for (int i = 0; i < count; ++i) {
    if (parties[i].id == options.human) human = i;
  }
  if (!options.human.empty() && human < 0) {
    errors << "hotline run: --human " << options.human << " is not a party of " << compiled.name
           << "\n";
    return 1;
  }
  if (human >= 0 && count > 2) {
    errors << "hotline run: --human plays a case of two parties for now; " << compiled.name
           << " has " << count << "\n";
    return 1;
  }
  const double wall_seconds = human >= 0 ? kDefaultHumanWallSeconds : kDefaultWallSeconds;
  const double speed = options.speed > 0
                           ? options.speed
                           : static_cast<double>(compiled.duration) / model::kSecond / wall_seconds;

  const scenario::StartTime start = scenario::start_of(compiled);
  scenario::TranscriptPrinter printer(out, compiled, options.json);
  model::RecordTee printed_and_copied(printer, options.copy ? *options.copy : printer);
  model::RecordSink& printed_or_copied =
      options.copy ? static_cast<model::RecordSink&>(printed_and_copied) : printer;
  FlushedSink shown(printed_or_copied, out);
  // The person playing a party sees that party's view, unless the whole run is to be shown.
  PartyView party_view(options.human, shown);
  model::RecordSink& sink =
      human >= 0 && !options.reveal ? static_cast<model::RecordSink&>(party_view) : shown;

  const Interruption interruption;  // Ctrl-C stops the nodes cleanly, see below
  ExerciseOptions setup;
  setup.scenario_path = path;
  setup.settings = options.settings;
  setup.seed = options.seed;
  setup.speed = speed;
  setup.certs = options.certs;
  setup.reply_timeout = options.reply_timeout;
  setup.restart_nodes = options.restart_nodes;
  if (human >= 0) setup.people.push_back(options.human);
  std::unique_ptr<LiveExercise> exercise;
  try {
    exercise = std::make_unique<LiveExercise>(compiled, setup, sink);
  } catch (const ExerciseFailure& failure) {
    errors << "hotline run: " << failure.what() << "\n";
    return 1;
  }
  if (!options.json) {
    std::string names;
    for (int i = 0; i < count; ++i)
      names += (i == 0 ? "" : i + 1 == count ? " and " : ", ") + parties[i].id;
    out << compiled.name << ": " << compiled.title << " (seed " << options.seed
        << ", live: " << names << " as " << (count == 2 ? "two" : std::to_string(count))
        << " node processes over mutual TLS, " << speed << "x)" << std::endl;
  }
  // The person's lines are read on a thread of their own and taken at once. The queue and the
  // clock are shared with that thread, which may outlive this function (it sits in getline).
  auto typed = std::make_shared<CommandQueue>();
  auto clock = std::make_shared<ExerciseClock>(speed, options.decision_time);
  if (human >= 0) {
    std::thread([typed, clock, party = options.human] {
      for (std::string line; std::getline(std::cin, line);) {
        typed->push({party, line});
        clock->poke();
      }
      typed->push({party, "", true});
      clock->poke();
    }).detach();
  }
  auto notice_interruption = [] {
    if (Interruption::signal()) throw Interrupted();
  };
  model::Outcomes outcomes;
  std::vector<side::Counts> counts;
  try {
    outcomes = exercise->play(*clock, *typed, notice_interruption);
    counts = exercise->link_counts();
  } catch (const Interrupted&) {
    errors << "hotline run: interrupted at "
           << scenario::format_time(exercise->reached(), start, true)
           << (count == 2 ? "; stopping both nodes\n" : "; stopping the nodes\n");
    exercise->stop();
    return 130;
  } catch (const NodeFailure& failure) {
    errors << "hotline run: " << failure.what() << "\n";
    exercise->stop();
    return 1;
  }
  if (options.json) {
    for (int i = 0; i < count; ++i) {
      model::Record record;
      record.at = compiled.duration;
      record.kind = "link_counts";
      record.party = parties[i].id;
      const side::Counts& c = counts[i];
      const std::pair<const char*, long long> named[] = {
          {"written", c.written()},       {"lost", c.lost()},     {"garbled", c.garbled()},
          {"duplicated", c.duplicated()}, {"resent", c.resent()}, {"received", c.received()}};
      for (const auto& [key, value] : named) record.with(key, value);
      sink.record(std::move(record));
    }
  } else {
    scenario::print_outcome_summary(out, compiled, outcomes);
    if (count == 2) {
      for (int i = 0; i < 2; ++i) {
        const side::Counts& c = counts[i];
        out << "  on the real link, " << parties[i].id << " wrote " << c.written()
            << " frames (the channel lost " << c.lost() << " before the wire, garbled "
            << c.garbled() << ", duplicated " << c.duplicated() << "); " << parties[1 - i].id
            << " received " << counts[1 - i].received()
            << (exercise->restarts(1 - i) > 0 ? " since its restart" : "") << "\n";
      }
    } else {
      for (int i = 0; i < count; ++i) {
        const side::Counts& c = counts[i];
        out << "  on the real links, " << parties[i].id << " wrote " << c.written()
            << " frames (the channels lost " << c.lost() << " before the wire, garbled "
            << c.garbled() << ", duplicated " << c.duplicated() << ") and received " << c.received()
            << (exercise->restarts(i) > 0 ? " since its restart" : "") << "\n";
      }
    }
  }
  // End of input: each node delivers what is queued, says goodbye and exits.
  std::ostringstream failures;
  const int status = exercise->finish(failures);
  if (status != 0) errors << "hotline run: " << failures.str();
  return status;
}

}  // namespace hotline::runner
