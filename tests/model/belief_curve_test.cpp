#include "model/belief_curve.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hotline::model {
namespace {

double logit(double p) {
  return std::log(p / (1 - p));
}

// The same integral by brute force: Simpson's rule on a million steps of the belief itself.
double by_simpson(const BeliefCurve& curve, SimTime from, SimTime to, bool truth) {
  const double prior = 1.0 / (1.0 + std::exp(-curve.prior_log_odds));
  auto error = [&](double t) {
    const double belief = curve.at(static_cast<SimTime>(std::llround(t)));
    const double truth_value = truth ? 1.0 : 0.0;
    return std::max(0.0, std::abs(belief - truth_value) - std::abs(prior - truth_value));
  };
  const int steps = 1'000'000;
  const double h = static_cast<double>(to - from) / steps;
  double sum = error(from) + error(to);
  for (int k = 1; k < steps; ++k) sum += error(from + k * h) * (k % 2 ? 4 : 2);
  return sum * h / 3 / static_cast<double>(kDay);
}

TEST(BeliefCurveTest, TheErrorAddedAlongAFadingBeliefIsItsIntegral) {
  struct Case {
    double prior, belief;
    bool truth;
    SimTime half_life, from, to;
  };
  const Case cases[] = {
      {0.5, 0.9, false, 5 * kDay, 0, 30 * kDay},        // a false alarm, fading
      {0.5, 0.9, false, 5 * kDay, 3 * kDay, 4 * kDay},  // a day of it, later
      {0.2, 0.9997, false, 10 * kDay, 0, 400 * kDay},   // as far as belief goes, a long run
      {0.6, 0.1, true, 2 * kDay, kHour, 20 * kDay},     // lulled by a hostile side
      {0.5, 0.7, false, 6 * kHour, 0, 2 * kDay},        // a short memory
  };
  for (const Case& c : cases) {
    const BeliefCurve curve{logit(c.prior), logit(c.belief), 0, c.half_life};
    const double exact = added_error_days(curve, c.from, c.to, c.truth);
    EXPECT_GT(exact, 0);
    EXPECT_NEAR(exact, by_simpson(curve, c.from, c.to, c.truth), 1e-10 * exact)
        << "prior " << c.prior << " belief " << c.belief << " truth " << c.truth;
  }
}

TEST(BeliefCurveTest, OnlyTheErrorTheCrisisAddedCounts) {
  // Toward the truth, or not moved: nothing added, however long.
  EXPECT_EQ(added_error_days({logit(0.5), logit(0.9), 0, kDay}, 0, 100 * kDay, true), 0);
  EXPECT_EQ(added_error_days({logit(0.5), logit(0.1), 0, kDay}, 0, 100 * kDay, false), 0);
  EXPECT_EQ(added_error_days({logit(0.3), logit(0.3), 0, kDay}, 0, 100 * kDay, false), 0);
  // A belief that does not fade (a person's stated one) adds its distance from the prior every
  // day, whichever way the truth lies.
  EXPECT_NEAR(added_error_days({logit(0.5), logit(0.8), 0, 0}, 0, 10 * kDay, false), 3.0, 1e-12);
  EXPECT_NEAR(added_error_days({logit(0.5), logit(0.2), 0, 0}, 0, 10 * kDay, true), 3.0, 1e-12);
}

TEST(BeliefCurveTest, NothingIsCountedBeforeTheCurveStartsOrOverNoTime) {
  const BeliefCurve fading{logit(0.5), logit(0.9), 5 * kDay, 2 * kDay};
  EXPECT_EQ(added_error_days(fading, 9 * kDay, 9 * kDay, false), 0);
  EXPECT_EQ(added_error_days(fading, 9 * kDay, 8 * kDay, false), 0);
  EXPECT_EQ(added_error_days(fading, 0, 5 * kDay, false), 0);
  EXPECT_DOUBLE_EQ(added_error_days(fading, 0, 9 * kDay, false),
                   added_error_days(fading, 5 * kDay, 9 * kDay, false));
  const BeliefCurve steady{logit(0.5), logit(0.9), 5 * kDay, 0};
  EXPECT_NEAR(added_error_days(steady, 0, 9 * kDay, false), 4 * 0.4, 1e-12);
  // Long after, the belief has faded to its prior (its distance underflows): it adds nothing
  // more, and nothing that is not a number.
  const double whole = added_error_days(fading, 5 * kDay, 100000 * kDay, false);
  EXPECT_NEAR(whole, added_error_days(fading, 5 * kDay, 1000 * kDay, false), 1e-12 * whole);
}

TEST(BeliefCurveTest, TwoPiecesOfASegmentAddUpToTheWhole) {
  const BeliefCurve curve{logit(0.4), logit(0.95), 2 * kDay, 3 * kDay};
  const double whole = added_error_days(curve, 2 * kDay, 40 * kDay, false);
  const double pieces = added_error_days(curve, 2 * kDay, 7 * kDay + 13 * kMinute, false) +
                        added_error_days(curve, 7 * kDay + 13 * kMinute, 40 * kDay, false);
  EXPECT_NEAR(pieces, whole, 1e-12 * whole);
}

}  // namespace
}  // namespace hotline::model
