// The escalation model's speed: model events per second on one core (long simulated runs of two,
// three and six parties), runs per second of `hotline compare` for estonia-2007 on every core, and
// the time of a 100,000-run `hotline sweep` of its expectations.
//
//   build/model_bench [--parties 2 3 6] [--events-only]
//                     [--scenario scenarios/estonia-2007.textproto] [--runs 1000]
//                     [--sweep-param party.tallinn.trust=0.1:0.6:10] [--sweep-runs 1000]
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "model/simulation.h"
#include "scenario/compare.h"
#include "scenario/scenario_loader.h"
#include "scenario/sweep.h"

namespace {

using Clock = std::chrono::steady_clock;
using hotline::model::kDay;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A long, busy run: hourly link tests through a lossy, jittery channel for two years, with
// daily accidents answered tit-for-tat. Most events are channel and delivery events, the ones
// a live node's model sees most.
const char* kBusyScenario = R"(
  start: "2020-01-01T00:00:00Z" duration: "730d" review_every: "1h"
  party { id: "washington" prior_hostility: 0.3 trust: 0.6 doctrine_preset: "contrite" }
  party { id: "moscow" prior_hostility: 0.3 trust: 0.6 doctrine_preset: "contrite" }
  hotline { enabled: true link_test_every: "10m" retransmit_after: "2m"
    circuit { name: "primary" latency: "40s" jitter: "10s" loss { p: 0.05 } duplicate: 0.02 reorder: 0.05 garble: 0.01 } }
  event { at: "D+0 09:00" incident { id: "slip" kind: "INTRUSION" sponsor: "washington" state_role: ACCIDENTAL
          victim: "moscow" severity: 0.3 every: "1d" chance: 0.2 } }
  event { at: "+1h" observe { by: "moscow" incident: "slip" apparent_origin: "washington" confidence: 0.9 } })";

// The same busy world among `parties` parties, every pair joined by its own line, each party's
// accidents hitting the next one: the cost of several parties per event.
std::string busy_world(int parties) {
  std::string text = R"(start: "2020-01-01T00:00:00Z" duration: "730d" review_every: "1h")";
  auto id = [](int i) { return "\"p" + std::to_string(i) + "\""; };
  for (int i = 0; i < parties; ++i) {
    text += "\nparty { id: " + id(i) +
            " prior_hostility: 0.3 trust: 0.6 doctrine_preset: \"contrite\" }";
  }
  for (int i = 0; i < parties; ++i) {
    for (int j = i + 1; j < parties; ++j) {
      text += "\nhotline { between: " + id(i) + " between: " + id(j) +
              R"( enabled: true link_test_every: "10m" retransmit_after: "2m"
    circuit { name: "primary" latency: "40s" jitter: "10s" loss { p: 0.05 } duplicate: 0.02 reorder: 0.05 garble: 0.01 } })";
    }
  }
  for (int i = 0; i < parties; ++i) {
    text += "\nevent { at: \"D+0 09:00\" incident { id: \"slip-" + std::to_string(i) +
            "\" kind: \"INTRUSION\" sponsor: " + id(i) +
            " state_role: ACCIDENTAL victim: " + id((i + 1) % parties) +
            " severity: 0.3 every: \"1d\" chance: 0.2 } }";
  }
  for (int i = 0; i < parties; ++i) {
    text += "\nevent { at: \"D+0 10:00\" observe { by: " + id((i + 1) % parties) +
            " incident: \"slip-" + std::to_string(i) + "\" apparent_origin: " + id(i) +
            " confidence: 0.9 } }";
  }
  return text;
}

// Model events per second on one core, over two-year runs for two seconds.
void measure_events(const std::string& label, const hotline::model::Scenario& world) {
  hotline::model::simulate(world, 1);  // warm up
  std::uint64_t events = 0;
  const auto start = Clock::now();
  int runs = 0;
  while (seconds_since(start) < 2.0)
    events += hotline::model::simulate(world, static_cast<std::uint64_t>(++runs)).events;
  const double elapsed = seconds_since(start);
  std::printf(
      "model events, one core, %s: %.2f M events/s (%llu events in %d two-year runs, "
      "%.2f s)\n",
      label.c_str(), static_cast<double>(events) / elapsed / 1e6,
      static_cast<unsigned long long>(events), runs, elapsed);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hotline model benchmark: model events per second and compare runs per second"};
  std::string path = HOTLINE_SOURCE_DIR "/scenarios/estonia-2007.textproto";
  int runs = 1000;
  app.add_option("--scenario", path, "scenario for the compare runs")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--runs", runs, "compare runs")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  std::string sweep_parameter = "party.tallinn.trust=0.1:0.6:10";
  int sweep_runs = 1000;
  app.add_option("--sweep-param", sweep_parameter, "the sweep's parameter (ten points by default)")
      ->capture_default_str();
  app.add_option("--sweep-runs", sweep_runs, "runs per variant at each point of the sweep")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  std::vector<int> party_counts = {2, 3, 6};
  app.add_option("--parties", party_counts, "party counts of the busy worlds to time")
      ->check(CLI::Range(2, 8))
      ->capture_default_str();
  bool events_only = false;
  app.add_flag("--events-only", events_only, "time model events only, not compare or sweep");
  CLI11_PARSE(app, argc, argv);

  for (const int parties : party_counts) {
    if (parties == 2) {
      measure_events("two parties",
                     hotline::scenario::load_scenario(
                         hotline::scenario::parse_scenario_text(kBusyScenario, "busy")));
      continue;
    }
    measure_events(std::to_string(parties) + " parties, a line per pair",
                   hotline::scenario::load_scenario(hotline::scenario::parse_scenario_text(
                       busy_world(parties), "busy-" + std::to_string(parties))));
  }
  if (events_only) return 0;

  const auto file = hotline::scenario::read_scenario_file(path);
  const auto metrics = [&] {
    std::vector<hotline::model::Metric> list;
    std::vector<std::string> ids;
    for (const auto& party : file.spec.party()) ids.push_back(party.id());
    for (const auto& text : hotline::scenario::default_compare_metrics()) {
      list.push_back(hotline::model::Metric::parse(text, ids));
    }
    return list;
  }();
  for (const int threads : {1, 0}) {
    hotline::scenario::CompareOptions options;
    options.runs = runs;
    options.threads = threads;
    const auto compare_start = Clock::now();
    hotline::scenario::run_variants(file, {{"as written", {}}}, metrics, options);
    const double seconds = seconds_since(compare_start);
    std::printf("compare %s, %d runs on %s: %.3f s (%.0f runs/s)\n", file.spec.name().c_str(), runs,
                threads == 1
                    ? "1 thread"
                    : (std::to_string(std::thread::hardware_concurrency()) + " threads").c_str(),
                seconds, runs / seconds);
  }
  // A sweep of the case's expectations over ten values of one parameter, on every core: the
  // target is 100,000 runs in at most 10 s on 2 cores.
  hotline::scenario::SweepPlan plan;
  plan.scenario = file.spec.name();
  plan.runs = sweep_runs;
  plan.parameters = {hotline::scenario::parse_sweep_parameter(sweep_parameter)};
  long long variants_per_point = 0;
  for (const auto& expect : file.spec.expect())
    variants_per_point += expect.compare().empty() ? 1 : 2;
  const long long sweep_total =
      variants_per_point * plan.runs * static_cast<long long>(plan.points().size());
  const auto sweep_start = Clock::now();
  hotline::scenario::run_sweep(file, plan, 0);
  const double sweep_seconds = seconds_since(sweep_start);
  std::printf("sweep %s over %s, %lld runs on %u threads: %.2f s (%.0f runs/s)\n",
              file.spec.name().c_str(), sweep_parameter.c_str(), sweep_total,
              std::thread::hardware_concurrency(), sweep_seconds, sweep_total / sweep_seconds);
  return 0;
}
