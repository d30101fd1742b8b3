#include "model/simulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

#include "scenario/scenario_loader.h"
#include "scenario/transcript.h"

namespace hotline::model {
namespace {

const char* kNoisyChannel = R"(
name: "noisy"
start: "2020-01-01T00:00:00Z"
duration: "30d"
party { id: "washington" prior_hostility: 0.5 trust: 0.6 }
party { id: "moscow" prior_hostility: 0.5 trust: 0.6 }
hotline {
  enabled: true
  retransmit_after: "5m"
  circuit { name: "primary" latency: "40s" jitter: "10s" loss { p: 0.3 } duplicate: 0.2 reorder: 0.3 garble: 0.1 }
}
event { at: "D+1 10:00" incident { id: "a" kind: "DDOS" victim: "washington" severity: 0.5 } }
event { at: "+1h" observe { by: "washington" incident: "a" apparent_origin: "moscow" confidence: 0.7 } }
event { at: "D+2 10:00" incident { id: "b" kind: "DDOS" victim: "moscow" severity: 0.5 } }
event { at: "+1h" observe { by: "moscow" incident: "b" apparent_origin: "washington" confidence: 0.7 } }
event { at: "D+3 10:00" incident { id: "c" kind: "INTRUSION" victim: "washington" severity: 0.4 } }
event { at: "+1h" observe { by: "washington" incident: "c" apparent_origin: "moscow" confidence: 0.6 } }
)";

Scenario compile(const char* text, std::vector<scenario::Setting> settings = {}) {
  return scenario::load_scenario(scenario::parse_scenario_text(text, "test.textproto"), settings);
}

std::string transcript(const Scenario& scenario, std::uint64_t seed) {
  std::ostringstream out;
  scenario::TranscriptPrinter printer(out, scenario, true);
  simulate(scenario, seed, &printer);
  return out.str();
}

TEST(SimulationTest, SameScenarioAndSeedGiveTheSameBytes) {
  const Scenario scenario = compile(kNoisyChannel);
  const std::string first = transcript(scenario, 42);
  EXPECT_EQ(first, transcript(scenario, 42));
  EXPECT_NE(first, transcript(scenario, 43));
  EXPECT_GT(first.size(), 1000u);
}

TEST(SimulationTest, EveryMessageIsDeliveredExactlyOnceInOrderThroughALossyChannel) {
  const Scenario scenario = compile(kNoisyChannel);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    RecordCollector records;
    const Outcomes outcomes = simulate(scenario, seed, &records);
    ASSERT_GT(outcomes.messages_sent, 0);
    EXPECT_EQ(outcomes.messages_delivered, outcomes.messages_sent) << "seed " << seed;
    // Per receiver, message ids of the same sender arrive in increasing order, never twice.
    std::map<std::string, long long> last;
    for (const Record& r : records.records) {
      if (r.kind != "deliver") continue;
      const long long id = std::get<long long>(*r.find("message"));
      EXPECT_GT(id, last.count(r.party) ? last[r.party] : -1) << "seed " << seed;
      last[r.party] = id;
    }
  }
}

TEST(SimulationTest, ADeterredSponsorDoesNotCarryOutWhatTheWarningCoveredAndNoOneSeesIt) {
  // Moscow plans two attacks, on the grid and on banks; Washington warns it off the grid with a
  // consequence, and Moscow commits to nothing (commitment 0), so it is deterred whenever the
  // draw falls under clarity x line x consequence x credibility = 1 x 1 x 1 x 0.6. Washington
  // protests only in private here, so that no public cost deters the bank attack as well.
  const char* text = R"(
start: "2020-01-01T00:00:00Z"
duration: "20d"
party { id: "washington" prior_hostility: 0.5 doctrine { rungs: "INQUIRY" rungs: "DEMARCHE" } }
party { id: "moscow" prior_hostility: 0.5 intends_harm: true doctrine { commitment: 0 } }
hotline { enabled: true circuit { name: "primary" latency: "1m" } }
event { at: "D+1" message { from: "washington" kind: WARNING line: "grid" consequence: "ARMED_CONFLICT" } }
event { at: "D+5" incident { id: "grid-attack" kind: "INTRUSION" target: "grid" sponsor: "moscow"
        state_role: DIRECTED victim: "washington" severity: 0.5 } }
event { at: "+1h" observe { by: "washington" incident: "grid-attack" apparent_origin: "moscow" confidence: 0.9 } }
event { at: "D+6" incident { id: "bank-attack" kind: "INTRUSION" target: "banks" sponsor: "moscow"
        state_role: DIRECTED victim: "washington" severity: 0.5 } }
)";
  const Scenario scenario = compile(text);
  int deterred = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    RecordCollector records;
    const Outcomes outcomes = simulate(scenario, seed, &records);
    auto count = [&](const std::string& kind, const std::string& incident) {
      int n = 0;
      for (const Record& r : records.records) {
        const FieldValue* id = r.find("incident");
        if (r.kind == kind && id && std::get<std::string>(*id) == incident) ++n;
      }
      return n;
    };
    const bool refrained = outcomes.sides[1].refrained == 1;
    deterred += refrained ? 1 : 0;
    // The bank attack was not covered: it always happens.
    EXPECT_EQ(count("incident", "bank-attack"), 1);
    EXPECT_EQ(count("incident", "grid-attack"), refrained ? 0 : 1);
    EXPECT_EQ(count("refrain", "grid-attack"), refrained ? 1 : 0);
    EXPECT_EQ(count("observe", "grid-attack"), refrained ? 0 : 1);
    EXPECT_NEAR(outcomes.sides[0].damage, refrained ? 0.5 : 1.0, 1e-9);
  }
  EXPECT_NEAR(deterred / 200.0, 0.6, 0.1);
}

TEST(SimulationTest, WithoutAHotlineNoOneAsksAndNothingIsSent) {
  const Outcomes outcomes = simulate(compile(kNoisyChannel, {{"hotline", "off"}}), 1);
  EXPECT_EQ(outcomes.messages_sent, 0);
  EXPECT_GT(outcomes.sides[0].peak, Rung::kNormal);
}

TEST(SimulationTest, MisperceptionCountsOnlyTheErrorTheCrisisAddedNotTheRunsLength) {
  // Both sides mean no harm. A side that stays at its 0.5 prior is as far from the truth as it
  // started, however long the run: it scores nothing.
  auto run = [](const char* duration, bool attacked) {
    std::string text =
        std::string("start: \"2020-01-01T00:00:00Z\" duration: \"") + duration +
        "\"\n"
        "party { id: \"a\" prior_hostility: 0.5 perception { memory: \"1000d\" } }\n"
        "party { id: \"b\" prior_hostility: 0.5 perception { memory: \"1000d\" } }\n";
    if (attacked) {
      text +=
          "event { at: \"D+1\" incident { id: \"x\" kind: \"DDOS\" victim: \"a\" severity: 0.6 } "
          "}\n"
          "event { at: \"+1h\" observe { by: \"a\" incident: \"x\" apparent_origin: \"b\" "
          "confidence: 0.8 } }\n";
    }
    return simulate(compile(text.c_str()), 1);
  };
  EXPECT_NEAR(run("30d", false).sides[0].misperception, 0.0, 1e-9);
  EXPECT_NEAR(run("300d", false).sides[0].misperception, 0.0, 1e-9);
  // Evidence that wrongly points at b drives a further from the truth: that counts.
  EXPECT_GT(run("30d", true).sides[0].misperception, 1.0);
}

// a wrongly blames b at D+1 01:00, and its fear fades with a five-day half-life over a month
// with few events of its own; `more` adds to the scenario.
const char* kFadingFear = R"(
start: "2020-01-01T00:00:00Z" duration: "30d"
party { id: "a" prior_hostility: 0.5 perception { memory: "5d" } }
party { id: "b" prior_hostility: 0.5 perception { memory: "5d" } }
event { at: "D+1" incident { id: "x" kind: "DDOS" victim: "a" severity: 0.3 } }
event { at: "+1h" observe { by: "a" incident: "x" apparent_origin: "b" confidence: 0.8 } }
)";

// a's belief about b as its observation left it, fading back to its 0.5 prior: checks that every
// later record of a's shows it on that curve (nothing else moved it) and returns the curve's
// excess over the prior summed minute by minute (at each minute's middle) up to `until`.
double fading_fear_excess(const RecordCollector& records, SimTime until) {
  const auto observed = std::find_if(records.records.begin(), records.records.end(),
                                     [](const Record& r) { return r.kind == "observe"; });
  if (observed == records.records.end()) {
    ADD_FAILURE() << "a observed nothing";
    return 0;
  }
  const SimTime since = observed->at;
  const double observed_belief = std::get<double>(*observed->find("belief"));
  const double excess_log_odds = std::log(observed_belief / (1 - observed_belief));
  auto belief_at = [&](double t) {
    const double faded = excess_log_odds * std::exp2(-(t - static_cast<double>(since)) /
                                                     static_cast<double>(5 * kDay));
    return 1 / (1 + std::exp(-faded));
  };
  int later = 0;
  for (const Record& r : records.records) {
    if (r.party != "a" || !r.find("belief") || r.at <= since) continue;
    EXPECT_NEAR(std::get<double>(*r.find("belief")), belief_at(static_cast<double>(r.at)), 1e-12);
    ++later;
  }
  EXPECT_GE(later, 2);
  double excess = 0;
  for (SimTime t = since; t < until; t += kMinute)
    excess += (belief_at(static_cast<double>(t + kMinute / 2)) - 0.5) * to_days(kMinute);
  return excess;
}

TEST(SimulationTest, MisperceptionDoesNotDependOnHowManyOtherEventsFallMeanwhile) {
  // Two parties far away, with a hotline tested every ten minutes, add thousands of events
  // meanwhile: a's misperception of b is the same, and it is the integral of a's belief.
  RecordCollector records;
  const Outcomes alone = simulate(compile(kFadingFear), 1, &records);
  const std::string bystanders = std::string(kFadingFear) +
                                 "party { id: \"c\" prior_hostility: 0.5 }\n"
                                 "party { id: \"d\" prior_hostility: 0.5 }\n"
                                 "hotline { between: \"c\" between: \"d\" enabled: true "
                                 "link_test_every: \"10m\" circuit { name: \"primary\" "
                                 "latency: \"1s\" } }\n";
  const Outcomes crowded = simulate(compile(bystanders.c_str()), 1);
  ASSERT_GT(crowded.events, alone.events + 1000);
  const double expected = fading_fear_excess(records, 30 * kDay);
  EXPECT_NEAR(crowded.pairs[0][1].misperception, alone.pairs[0][1].misperception, 1e-12 * expected);
  EXPECT_NEAR(alone.pairs[0][1].misperception, expected, 1e-6 * expected);
}

TEST(SimulationTest, MisperceptionIsMeasuredAgainstTheTruthOfEachMoment) {
  // On D+10 at 05:17 b comes to mean a harm: from that moment a's fear is no longer an error,
  // though nothing happens for the twenty days after it.
  const std::string text =
      std::string(kFadingFear) +
      "event { at: \"D+10 05:17\" intent { party: \"b\" intends_harm: true } }\n";
  RecordCollector records;
  const Outcomes outcomes = simulate(compile(text.c_str()), 1, &records);
  const double expected = fading_fear_excess(records, 10 * kDay + 5 * kHour + 17 * kMinute);
  EXPECT_NEAR(outcomes.pairs[0][1].misperception, expected, 1e-6 * expected);
}

TEST(SimulationTest, FailoverMovesTrafficToTheBackupCircuitDuringAnOutage) {
  const Scenario scenario = compile(R"(
    start: "2020-01-01T00:00:00Z" duration: "5d"
    party { id: "a" prior_hostility: 0.5 }
    party { id: "b" prior_hostility: 0.5 }
    hotline { enabled: true failover_after: "30m"
      circuit { name: "primary" latency: "1s" outage { from: "D+0 12:00" until: "D+3 00:00" } }
      circuit { name: "backup" latency: "5s" } }
    event { at: "D+1 10:00" incident { id: "x" kind: "DDOS" victim: "a" severity: 0.6 } }
    event { at: "+1h" observe { by: "a" incident: "x" apparent_origin: "b" confidence: 0.8 } })");
  RecordCollector records;
  const Outcomes outcomes = simulate(scenario, 1, &records);
  EXPECT_EQ(outcomes.messages_delivered, outcomes.messages_sent);
  bool moved_to_backup = false;
  for (const Record& r : records.records) {
    if (r.kind == "circuit" && std::get<std::string>(*r.find("circuit")) == "backup")
      moved_to_backup = true;
  }
  EXPECT_TRUE(moved_to_backup);
}

TEST(SimulationTest, APartitionTakesEveryCircuitDownAndDeliveryResumesAfterIt) {
  const Scenario scenario = compile(R"(
    start: "2020-01-01T00:00:00Z" duration: "6d"
    party { id: "a" prior_hostility: 0.5 }
    party { id: "b" prior_hostility: 0.5 }
    hotline { enabled: true failover_after: "30m" retransmit_after: "10m"
      circuit { name: "primary" latency: "1s" }
      circuit { name: "backup" latency: "5s" }
      partition { from: "D+1 00:00" until: "D+3 00:00" } }
    event { at: "D+1 10:00" incident { id: "x" kind: "DDOS" victim: "a" severity: 0.6 } }
    event { at: "+1h" observe { by: "a" incident: "x" apparent_origin: "b" confidence: 0.8 } })");
  RecordCollector records;
  const Outcomes outcomes = simulate(scenario, 1, &records);
  EXPECT_GT(outcomes.frames_lost, 0);
  EXPECT_EQ(outcomes.messages_delivered, outcomes.messages_sent);
  for (const Record& r : records.records) {
    if (r.kind == "deliver") {
      EXPECT_GE(r.at, 3 * kDay) << "delivered during the partition";
    }
  }
}

TEST(SimulationTest, ASlowCircuitIsNotRetransmittedBeforeItsRoundTripIsOverdue) {
  // 1962's letters took half a day: a clean twelve-hour circuit delivers once, unresent.
  RecordCollector records;
  const Outcomes outcomes = simulate(compile(R"(
    start: "1962-10-26T17:00:00+03:00" duration: "5d"
    party { id: "moscow" prior_hostility: 0.5 }
    party { id: "washington" prior_hostility: 0.5 }
    hotline { enabled: true circuit { name: "letters" latency: "12h" } }
    event { at: "D+0 17:00" message { from: "moscow" kind: OFFER text: "the missiles for a pledge" } })"),
                                     1, &records);
  EXPECT_EQ(outcomes.messages_delivered, 1);
  for (const Record& r : records.records) {
    const FieldValue* did = r.find("did");
    EXPECT_FALSE(did && std::get<std::string>(*did) == "retransmitted");
  }
}

}  // namespace
}  // namespace hotline::model

namespace hotline::model {
namespace {

// A white cell's inject: the case's incident "c", on day 0 instead of day 3, comes with what
// washington was to observe of it, at the moment of the inject.
TEST(SimulationTest, AnInjectedIncidentHappensNowAndIsObservedNow) {
  const Scenario scenario = compile(kNoisyChannel);
  int incident_c = -1;
  for (std::size_t i = 0; i < scenario.timeline.size(); ++i) {
    if (scenario.timeline[i].kind == TimelineEvent::Kind::kIncident &&
        scenario.incidents[scenario.timeline[i].index].id == "c") {
      incident_c = static_cast<int>(i);
    }
  }
  ASSERT_GE(incident_c, 0);
  std::vector<std::unique_ptr<LocalSideHost>> minds;
  std::vector<SideHost*> sides;
  RecordCollector records;
  for (int i = 0; i < 2; ++i) {
    minds.push_back(std::make_unique<LocalSideHost>(scenario, i, 1, &records));
    sides.push_back(minds.back().get());
  }
  SimTime inject_at = -1;
  bool injected = false;
  simulate_with(
      scenario, 1, &records, sides, [&](SimTime now) { inject_at = injected ? inject_at : now; },
      [&]() -> std::vector<Inject> {
        if (injected) return {};
        injected = true;
        return {{incident_c, -1, 0}, {99999, -1, 0}};  // out of range: ignored
      });
  std::vector<std::string> at_inject;
  for (const auto& r : records.records) {
    if (r.at != inject_at) continue;
    const auto* incident = r.find("incident");
    at_inject.push_back(r.kind + (incident ? ":" + std::get<std::string>(*incident) : ""));
  }
  EXPECT_LT(inject_at, 3 * kDay);  // long before the case has it
  ASSERT_GE(at_inject.size(), 3u);
  EXPECT_EQ(at_inject[0], "inject");
  EXPECT_EQ(at_inject[1], "incident:c");
  EXPECT_EQ(at_inject[2], "observe:c");
  // And it still happens when the case says, too.
  int incidents_c = 0;
  for (const auto& r : records.records) {
    const auto* incident = r.find("incident");
    incidents_c += r.kind == "incident" && incident && std::get<std::string>(*incident) == "c";
  }
  EXPECT_EQ(incidents_c, 2);
}

}  // namespace
}  // namespace hotline::model

namespace hotline::model {
namespace {

// A white cell cuts the only circuit for three days: what is sent meanwhile is lost to the outage
// and gets through once it is over, and the hosts that draw the channel's fates themselves are
// told.
TEST(SimulationTest, AnInjectedOutageTakesTheCircuitDownForItsLength) {
  const Scenario scenario =
      compile(kNoisyChannel, {scenario::parse_setting("hotline.circuit.primary.loss.p=0")});
  struct Host : LocalSideHost {
    using LocalSideHost::LocalSideHost;
    void circuit_outage(SimTime, int, int circuit, Window window) override {
      told.push_back({circuit, window.until - window.from});
    }
    std::vector<std::pair<int, SimTime>> told;
  };
  std::vector<std::unique_ptr<Host>> minds;
  std::vector<SideHost*> sides;
  RecordCollector records;
  for (int i = 0; i < 2; ++i) {
    minds.push_back(std::make_unique<Host>(scenario, i, 1, &records));
    sides.push_back(minds.back().get());
  }
  bool injected = false;
  simulate_with(
      scenario, 1, &records, sides, [](SimTime) {},
      [&]() -> std::vector<Inject> {
        if (injected) return {};
        injected = true;
        return {{-1, 0, 0, 3 * kDay}, {-1, 0, 7, kDay}};  // circuit 7 does not exist: ignored
      });
  for (const auto& mind : minds) {
    ASSERT_EQ(mind->told.size(), 1u);
    EXPECT_EQ(mind->told[0], (std::pair<int, SimTime>{0, 3 * kDay}));
  }
  SimTime cut_at = -1;
  int lost_to_outage = 0;
  int delivered_in_outage = 0;
  for (const auto& r : records.records) {
    if (r.kind == "inject") cut_at = r.at;
    const auto* did = r.find("did");
    if (r.kind == "channel" && did && std::get_if<std::string>(did) &&
        std::get<std::string>(*did).find("circuit down") != std::string::npos) {
      ++lost_to_outage;
      EXPECT_LT(r.at, cut_at + 3 * kDay);
    }
    if (r.kind == "deliver" && cut_at >= 0 && r.at > cut_at + kHour && r.at < cut_at + 3 * kDay)
      ++delivered_in_outage;
  }
  EXPECT_GE(cut_at, 0);
  EXPECT_GT(lost_to_outage, 0);
  EXPECT_EQ(delivered_in_outage, 0);
}

// A planned war: Moscow climbs to its aim on a pretext; Tbilisi, invaded, fights back. On D+5 the
// plan's aim falls to a show of force, and a ceasefire offer goes to Tbilisi the same hour.
const char* kPlannedWar = R"(
name: "planned-war"
start: "2008-08-01T00:00:00Z"
duration: "40d"
party { id: "tbilisi" prior_hostility: 0.5 trust: 0.5 doctrine_preset: "measured"
        doctrine { decision_latency: "6h" climb_at: [0.05, 0.15, 0.3, 0.5, 0.8, 0.9, 1.0] } }
party { id: "moscow" prior_hostility: 0.5 intends_harm: true trust: 0.3 doctrine_preset: "deny"
        doctrine { decision_latency: "6h" aim: "ARMED_CONFLICT" } }
hotline { enabled: false circuit { name: "primary" latency: "2s" } }
event { at: "D+1 00:00" incident { id: "pretext" kind: "ARTILLERY" sponsor: "tbilisi" state_role: DIRECTED victim: "moscow" severity: 0.9 } }
event { at: "+1h" observe { by: "moscow" incident: "pretext" apparent_origin: "tbilisi" confidence: 1.0 } }
event { at: "D+1 08:00" incident { id: "raids" kind: "DDOS" sponsor: "moscow" state_role: TOLERATED victim: "tbilisi" severity: 0.8 } }
event { at: "+1h" observe { by: "tbilisi" incident: "raids" apparent_origin: "moscow" confidence: 0.7 } }
event { id: "aims-met" at: "D+5 00:00" intent { party: "moscow" intends_harm: true aim: "MILITARY_POSTURE" } }
event { id: "ceasefire" at: "+1h" message { from: "moscow" kind: OFFER text: "the operation is over" outside_hotline_delay: "1h" } }
)";

double days_at_war(const Scenario& scenario, int party) {
  double total = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    total += simulate(scenario, seed).sides[party].days_at_war;
  return total / 20;
}

TEST(SimulationTest, APlanWhoseAimFallsEndsItsWarAndTheSideStandsAtItsNewAim) {
  const Scenario as_written = compile(kPlannedWar);
  const Outcomes outcomes = simulate(as_written, 1);
  EXPECT_EQ(outcomes.sides[1].peak, Rung::kArmedConflict);
  // At war from D+1 07:00 (seen at 01:00, six hours deciding) until within a day of D+5, once
  // what it holds falls below what would keep it at war (hysteresis): four days and some hours.
  EXPECT_GT(outcomes.sides[1].days_at_war, 3.9);
  EXPECT_LT(outcomes.sides[1].days_at_war, 5.0);
  // It stands down to the show of force its plan now aims at.
  EXPECT_TRUE(outcomes.sides[1].took[static_cast<int>(Rung::kMilitaryPosture)]);
  // Without the new aim the plan holds Moscow at war for as long as its grievance is a pretext.
  const Scenario aim_unchanged = compile(kPlannedWar, {{"event.aims-met.intent.aim", ""}});
  EXPECT_GT(days_at_war(aim_unchanged, 1), days_at_war(as_written, 1) + 5);
}

TEST(SimulationTest, AnOfferAboutNoIncidentIsACeasefireThatTakesBackWhatTheSendersMovesDid) {
  const Scenario offer = compile(kPlannedWar);
  const Scenario words_only =
      compile(kPlannedWar, {{"event.ceasefire.message.kind", "REASSURANCE"}});
  // The invaded side holds the war against the invader until the offer takes it back.
  EXPECT_LT(days_at_war(offer, 0) + 1, days_at_war(words_only, 0));
}

TEST(SimulationTest, TimeOnARungIsCountedFromTheMoveItselfNotFromTheNextEvent) {
  // The transcript's own moves say how long each side stood above NORMAL and at war; the
  // outcomes must say the same, however long the quiet after a move (here days).
  const Scenario scenario = compile(kPlannedWar);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    RecordCollector records;
    const Outcomes outcomes = simulate(scenario, seed, &records);
    for (int party = 0; party < 2; ++party) {
      const std::string& id = scenario.parties[party].id;
      double above = 0;
      double at_war = 0;
      Rung rung = Rung::kNormal;
      SimTime since = 0;
      auto count_to = [&](SimTime now) {
        if (rung != Rung::kNormal) above += to_days(now - since);
        if (rung == Rung::kArmedConflict) at_war += to_days(now - since);
        since = now;
      };
      for (const Record& r : records.records) {
        if (r.kind != "rung" || r.party != id) continue;
        count_to(r.at);
        rung = *parse_rung(std::get<std::string>(*r.find("rung")));
      }
      count_to(scenario.duration);
      EXPECT_NEAR(outcomes.sides[party].days_above_normal, above, 1e-9) << id << " seed " << seed;
      EXPECT_NEAR(outcomes.sides[party].days_at_war, at_war, 1e-9) << id << " seed " << seed;
      EXPECT_GT(at_war, 1.0) << id;
    }
  }
}

}  // namespace
}  // namespace hotline::model
