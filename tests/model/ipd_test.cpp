// The reference check: the noisy iterated prisoner's dilemma (CASES.md 4.5). Expected payoffs
// are computed here, independently of the model's code, as a Markov chain over (last moves,
// standings); the model's seeded Monte Carlo must land within 3 standard errors of them.
#include "model/ipd.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

namespace hotline::model {
namespace {

constexpr double R = 3, S = 0, T = 5, P = 1;
constexpr int kRounds = 200;
constexpr int kGames = 1500;

const std::array<IpdStrategy, 6> kStrategies{
    IpdStrategy::kTitForTat,         IpdStrategy::kGenerousTitForTat,
    IpdStrategy::kContriteTitForTat, IpdStrategy::kWinStayLoseShift,
    IpdStrategy::kAlwaysCooperate,   IpdStrategy::kAlwaysDefect};

// The definitions of CASES.md 4.5, written out again for the chain.
double intends_to_cooperate(IpdStrategy s, bool first, bool my_last, bool other_last, bool my_good,
                            bool other_good) {
  if (s == IpdStrategy::kAlwaysDefect) return 0;
  if (first || s == IpdStrategy::kAlwaysCooperate) return 1;
  switch (s) {
    case IpdStrategy::kTitForTat:
      return other_last;
    case IpdStrategy::kGenerousTitForTat:
      return other_last ? 1.0 : 1.0 / 3.0;  // min{1 - (T-R)/(R-S), (R-P)/(T-P)} = 1/3
    case IpdStrategy::kContriteTitForTat:
      return !my_good || other_good;
    case IpdStrategy::kWinStayLoseShift:
      return my_last == other_last;
    default:
      return 0;
  }
}

double payoff(bool me, bool other) {
  return me ? (other ? R : S) : (other ? T : P);
}

struct State {
  bool a, b, a_good, b_good;
};
int index_of(const State& s) {
  return s.a * 8 + s.b * 4 + s.a_good * 2 + s.b_good;
}
State state_of(int i) {
  return {(i & 8) != 0, (i & 4) != 0, (i & 2) != 0, (i & 1) != 0};
}

// Distribution over the state after a round, from the distribution before it.
std::array<double, 16> step(const std::array<double, 16>& before, bool first, IpdStrategy sa,
                            IpdStrategy sb, double eps, double& expected_a, double& expected_b) {
  std::array<double, 16> after{};
  expected_a = expected_b = 0;
  for (int i = 0; i < 16; ++i) {
    if (before[i] == 0) continue;
    const State s = state_of(i);
    const double ia = intends_to_cooperate(sa, first, s.a, s.b, s.a_good, s.b_good);
    const double ib = intends_to_cooperate(sb, first, s.b, s.a, s.b_good, s.a_good);
    const double ca = ia * (1 - eps) + (1 - ia) * eps;  // an intended move flips with eps
    const double cb = ib * (1 - eps) + (1 - ib) * eps;
    for (int ma = 0; ma < 2; ++ma) {
      for (int mb = 0; mb < 2; ++mb) {
        const double p = before[i] * (ma ? ca : 1 - ca) * (mb ? cb : 1 - cb);
        if (p == 0) continue;
        const bool a_good = ma || (s.a_good && !s.b_good);
        const bool b_good = mb || (s.b_good && !s.a_good);
        after[index_of({ma != 0, mb != 0, a_good, b_good})] += p;
        expected_a += p * payoff(ma, mb);
        expected_b += p * payoff(mb, ma);
      }
    }
  }
  return after;
}

std::array<double, 16> start() {
  std::array<double, 16> d{};
  d[index_of({true, true, true, true})] = 1;  // both start in good standing
  return d;
}

// Exact expected mean payoff per round over `rounds` rounds.
std::pair<double, double> exact(IpdStrategy a, IpdStrategy b, double eps, int rounds) {
  auto d = start();
  double total_a = 0, total_b = 0;
  for (int r = 0; r < rounds; ++r) {
    double ea = 0, eb = 0;
    d = step(d, r == 0, a, b, eps, ea, eb);
    total_a += ea;
    total_b += eb;
  }
  return {total_a / rounds, total_b / rounds};
}

TEST(IpdTest, GenerosityForStandardPayoffsIsOneThird) {
  EXPECT_NEAR(IpdPayoffs{}.generosity(), 1.0 / 3.0, 1e-12);
}

TEST(IpdTest, MonteCarloLandsWithinThreeStandardErrorsOfTheExactChainForEveryPair) {
  for (const double eps : {0.0, 0.01, 0.1}) {
    for (const IpdStrategy a : kStrategies) {
      for (const IpdStrategy b : kStrategies) {
        const auto [exact_a, exact_b] = exact(a, b, eps, kRounds);
        Rng rng(
            Rng::derive(2026, static_cast<std::uint64_t>(a) * 10 + static_cast<std::uint64_t>(b)));
        double sum_a = 0, sq_a = 0, sum_b = 0, sq_b = 0;
        for (int g = 0; g < kGames; ++g) {
          const IpdScore score = play_ipd(a, b, kRounds, eps, rng);
          sum_a += score.first;
          sq_a += score.first * score.first;
          sum_b += score.second;
          sq_b += score.second * score.second;
        }
        const double mean_a = sum_a / kGames, mean_b = sum_b / kGames;
        const double se_a =
            std::sqrt(std::max(0.0, sq_a / kGames - mean_a * mean_a) / (kGames - 1));
        const double se_b =
            std::sqrt(std::max(0.0, sq_b / kGames - mean_b * mean_b) / (kGames - 1));
        EXPECT_NEAR(mean_a, exact_a, 3 * se_a + 1e-9)
            << ipd_strategy_name(a) << " vs " << ipd_strategy_name(b) << " eps " << eps;
        EXPECT_NEAR(mean_b, exact_b, 3 * se_b + 1e-9)
            << ipd_strategy_name(b) << " vs " << ipd_strategy_name(a) << " eps " << eps;
      }
    }
  }
}

TEST(IpdTest, TitForTatAgainstItselfAveragesTwoAndAQuarterInTheLongRunForAnyNoise) {
  for (const double eps : {0.001, 0.01, 0.1, 0.3}) {
    auto d = start();
    double ea = 0, eb = 0;
    for (int r = 0; r < 200000; ++r)
      d = step(d, r == 0, IpdStrategy::kTitForTat, IpdStrategy::kTitForTat, eps, ea, eb);
    EXPECT_NEAR(ea, (R + S + T + P) / 4, 1e-6) << "eps " << eps;
  }
  // And the model's own long game, far past the start.
  Rng rng(4);
  double sum = 0, sq = 0;
  constexpr int kBlocks = 400;
  for (int i = 0; i < kBlocks; ++i) {
    const double mean =
        play_ipd(IpdStrategy::kTitForTat, IpdStrategy::kTitForTat, 5000, 0.1, rng).first;
    sum += mean;
    sq += mean * mean;
  }
  const double mean = sum / kBlocks;
  const double se = std::sqrt((sq / kBlocks - mean * mean) / (kBlocks - 1));
  EXPECT_NEAR(mean, 2.25, 3 * se + 0.002);
}

TEST(IpdTest, PublishedClosedFormsAndNoiselessValues) {
  // ALLC against ALLD: 3e(1-e) + 5e^2 + 1e(1-e)... as CASES.md 4.5 writes it, 0.0401 at e = 0.01.
  EXPECT_NEAR(exact(IpdStrategy::kAlwaysCooperate, IpdStrategy::kAlwaysDefect, 0.01, 50).first,
              0.0401, 1e-9);
  // Without noise, nice strategies cooperate throughout.
  for (const IpdStrategy a : kStrategies) {
    for (const IpdStrategy b : kStrategies) {
      if (a == IpdStrategy::kAlwaysDefect || b == IpdStrategy::kAlwaysDefect) continue;
      Rng rng(1);
      EXPECT_DOUBLE_EQ(play_ipd(a, b, 200, 0.0, rng).first, 3.0);
    }
  }
  Rng rng(1);
  const IpdScore tft_alld =
      play_ipd(IpdStrategy::kTitForTat, IpdStrategy::kAlwaysDefect, 200, 0.0, rng);
  EXPECT_DOUBLE_EQ(tft_alld.first, 0.995);
  EXPECT_DOUBLE_EQ(tft_alld.second, 1.02);
  const IpdScore wsls_alld =
      play_ipd(IpdStrategy::kWinStayLoseShift, IpdStrategy::kAlwaysDefect, 200, 0.0, rng);
  EXPECT_DOUBLE_EQ(wsls_alld.first, 0.5);
  EXPECT_DOUBLE_EQ(wsls_alld.second, 3.0);
}

TEST(IpdTest, ContriteTitForTatRecoversCooperationThatTitForTatLoses) {
  const double tft = exact(IpdStrategy::kTitForTat, IpdStrategy::kTitForTat, 0.01, 2000).first;
  const double ctft =
      exact(IpdStrategy::kContriteTitForTat, IpdStrategy::kContriteTitForTat, 0.01, 2000).first;
  EXPECT_LT(tft, 2.8);
  EXPECT_GT(ctft, 2.9);
}

}  // namespace
}  // namespace hotline::model
