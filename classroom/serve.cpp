#include "classroom/serve.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "classroom/classroom.h"
#include "common/certificates.h"
#include "common/endpoint.h"
#include "report/run_report.h"
#include "runner/interruption.h"
#include "runner/live_exercise.h"
#include "scenario/scenario_loader.h"
#include "scenario/transcript.h"

namespace hotline::classroom {
namespace {

// People read, talk and type: a whole case in about ten minutes, unless told otherwise.
constexpr double kDefaultWallSeconds = 600.0;
// The speed a branch's nodes time the link's delays at (a branch is replayed up to its moment).
constexpr double kReplaySpeed = 1e6;

// The instructor closed the classroom, or Ctrl-C, while the case was being played.
struct Stopped {};
// The instructor asked for a branch while the case was being played.
struct Branching {};

}  // namespace

int serve(const ServeOptions& options, std::ostream& out, std::ostream& errors) {
  const auto path = scenario::resolve_scenario_path(options.scenario);
  const auto file = scenario::read_scenario_file(path);
  const model::Scenario compiled = scenario::load_scenario(file, options.settings);
  if (const std::string why = runner::cannot_play_live(compiled); !why.empty()) {
    errors << "hotline serve: " << why << "\n";
    return 1;
  }
  if (compiled.party_count() != 2) {
    errors << "hotline serve: " << compiled.name << " has " << compiled.party_count()
           << " parties; the classroom seats two teams for now (`hotline run` plays it live)\n";
    return 1;
  }
  const double speed = options.speed > 0 ? options.speed
                                         : static_cast<double>(compiled.duration) / model::kSecond /
                                               kDefaultWallSeconds;
  const common::Endpoint listen = common::parse_endpoint(options.listen);

  runner::ExerciseClock clock(speed, options.decision_time);
  runner::CommandQueue commands;
  WebServerOptions web;
  web.address = listen.host;
  web.port = listen.port;
  std::string fingerprint;
  if (options.tls) {
    std::vector<std::string> hosts;
    auto add_host = [&](std::string host) {
      if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
      if (host.empty() || host == "0.0.0.0" || host == "::") return;
      if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
    };
    if (!options.link_host.empty()) add_host(common::parse_endpoint(options.link_host).host);
    add_host(listen.host);
    add_host("localhost");
    add_host("127.0.0.1");
    common::Validity validity;
    validity.not_after = std::chrono::hours(24 * 7);
    const common::WebCredentials credentials = common::make_web_credentials(hosts, validity);
    web.certificate_pem = credentials.server.certificate_pem;
    web.key_pem = credentials.server.private_key_pem;
    fingerprint = credentials.server_fingerprint;
    if (!options.tls_ca_out.empty()) {
      std::ofstream ca(options.tls_ca_out, std::ios::trunc);
      ca << credentials.ca_certificate_pem;
      if (!ca.flush()) {
        errors << "hotline serve: cannot write " << options.tls_ca_out << "\n";
        return 1;
      }
    }
  }
  Classroom classroom(compiled, clock, commands, web);
  const runner::Interruption interruption;  // Ctrl-C closes the classroom cleanly
  auto interrupted = [] { return runner::Interruption::signal() != 0; };
  auto say = [&](const nlohmann::json& event, const std::string& words) {
    if (options.json) {
      out << event.dump() << std::endl;
    } else {
      out << words << std::endl;
    }
  };
  try {
    classroom.open();
  } catch (const std::runtime_error& error) {
    errors << "hotline serve: " << error.what() << "\n";
    return 1;
  }
  const auto links = classroom.links(options.link_host);
  {
    std::string words = compiled.name + ": " + compiled.title +
                        "\nThe classroom is open. Give each team its link; the instructor starts "
                        "the exercise.\n";
    for (const auto& [seat, link] : links) words += "  " + seat + ": " + link + "\n";
    words += "A party whose seat is empty at the start is played by the model. Ctrl-C closes.";
    nlohmann::json event = {{"event", "serving"}, {"case", compiled.name}, {"links", links}};
    if (options.tls) {
      event["fingerprint"] = fingerprint;
      words += "\nHTTPS: the certificate's SHA-256 fingerprint is " + fingerprint +
               (options.tls_ca_out.empty()
                    ? std::string(" (browsers will warn: compare it there)")
                    : "; install " + options.tls_ca_out + " as a trusted CA in the browsers");
    }
    say(event, words);
  }

  const auto people = classroom.wait_for_start(interrupted);
  if (!people) {
    say({{"event", "closed"}}, "The classroom is closed.");
    return interrupted() ? 130 : 0;
  }
  {
    std::string words = "Started; ";
    for (const auto& party : *people) words += party + " ";
    say({{"event", "started"}, {"people", *people}},
        words + (people->empty() ? "the model plays every party." : "played by people."));
  }

  runner::ExerciseOptions setup;
  setup.scenario_path = path;
  setup.settings = options.settings;
  setup.seed = options.seed;
  setup.speed = speed;
  setup.certs = options.certs;
  setup.people = *people;
  // However the play ends, the classroom stops asking an exercise for its status before the
  // exercise is gone.
  struct StopWatching {
    Classroom& classroom;
    ~StopWatching() { classroom.playing(nullptr); }
  };
  int status = 0;
  std::optional<runner::Branch> branch;
  for (;;) {
    std::unique_ptr<runner::LiveExercise> exercise;
    const StopWatching stop_watching{classroom};  // destroyed before the exercise
    bool branching = false;
    try {
      commands.take();  // what was typed for the exercise before does not belong to this one
      // A branch is first played again up to its moment as fast as the nodes go: a delayed
      // copy on the link is held for its delay at this speed, not at the clock's.
      setup.speed = branch ? std::max(speed, kReplaySpeed) : speed;
      setup.branch = branch;
      setup.paused_at_branch = true;
      exercise = std::make_unique<runner::LiveExercise>(compiled, setup, classroom);
      clock.start_at(0);  // the seats see the case's time from its start, not the lobby's
      classroom.playing(exercise.get());
      const model::Outcomes outcomes = exercise->play(
          clock, commands,
          [&] {
            if (interrupted() || classroom.close_requested()) throw Stopped();
            if (classroom.branch_requested()) throw Branching();
          },
          [&] { return classroom.take_injects(); });
      classroom.playing(nullptr);
      std::ostringstream summary;
      scenario::print_outcome_summary(summary, compiled, outcomes);
      std::ostringstream failures;
      status = exercise->finish(failures);
      if (status != 0) errors << "hotline serve: " << failures.str();
      classroom.ended(summary.str(), report::run_report({file.spec, compiled, classroom.records(),
                                                         options.command, ""}));
      say({{"event", "over"}},
          "The exercise is over; the instructor may reveal it, open its report or branch it. "
          "Ctrl-C (or the instructor) closes the classroom.");
    } catch (const Stopped&) {
      classroom.playing(nullptr);
      if (exercise) exercise->stop();
      say({{"event", "closed"}}, "The classroom is closed; the exercise was stopped.");
      return interrupted() ? 130 : 0;
    } catch (const Branching&) {
      classroom.playing(nullptr);
      exercise->stop();
      branching = true;
    } catch (const runner::ExerciseFailure& failure) {
      classroom.failed(failure.what());
      errors << "hotline serve: " << failure.what() << "\n";
      status = 1;
    } catch (const runner::NodeFailure& failure) {
      classroom.playing(nullptr);
      if (exercise) exercise->stop();
      classroom.failed(failure.what());
      errors << "hotline serve: " << failure.what() << "\n";
      status = 1;
    }
    classroom.playing(nullptr);
    exercise.reset();
    branch = classroom.wait_for_close_or_branch(interrupted);
    if (!branch) break;
    classroom.branching(*branch);
    say({{"event", "branch"},
         {"from_us", branch->from},
         {"replayed", branch->replay.size()},
         {"changed", branch->what_changed}},
        std::string(branching ? "The exercise was stopped; it" : "It") +
            " is played again up to the branch's moment; changed: " + branch->what_changed);
  }
  say({{"event", "closed"}}, "The classroom is closed.");
  return status;
}

}  // namespace hotline::classroom
