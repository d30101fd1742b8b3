#include "model/channel.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hotline::model {
namespace {

constexpr int kDraws = 200000;

// A rate measured over kDraws Bernoulli trials lies within 4 standard errors of p.
void expect_rate(int hits, double p) {
  const double rate = static_cast<double>(hits) / kDraws;
  const double se = std::sqrt(p * (1 - p) / kDraws);
  EXPECT_NEAR(rate, p, 4 * se + 1e-9) << "measured " << rate;
}

struct Counts {
  int lost = 0;
  int garbled = 0;
  int duplicated = 0;
  int reordered = 0;
};

Counts send_many(CircuitFaults faults, std::uint64_t seed = 7) {
  CircuitChannel channel(std::move(faults));
  Rng rng(seed);
  Counts counts;
  for (int i = 0; i < kDraws; ++i) {
    const Transit t = channel.transmit(i * kSecond, 10, rng);
    counts.lost += t.lost;
    counts.garbled += t.garbled;
    counts.duplicated += t.duplicated;
    counts.reordered += t.reordered;
  }
  return counts;
}

TEST(ChannelTest, BernoulliLossDuplicationGarblingAndReorderingHappenAtTheirRates) {
  CircuitFaults faults;
  faults.loss.p = 0.1;
  faults.duplicate = 0.05;
  faults.garble = 0.02;
  faults.reorder = 0.2;
  const Counts counts = send_many(faults);
  expect_rate(counts.lost, 0.1);
  // The other faults apply to what got through.
  const int through = kDraws - counts.lost;
  EXPECT_NEAR(static_cast<double>(counts.duplicated) / through, 0.05, 0.004);
  EXPECT_NEAR(static_cast<double>(counts.garbled) / through, 0.02, 0.002);
  EXPECT_NEAR(static_cast<double>(counts.reordered) / through, 0.2, 0.006);
}

TEST(ChannelTest, GilbertElliottLossMatchesItsStationaryRateAndComesInBursts) {
  CircuitFaults faults;
  faults.loss.gilbert_elliott = true;
  faults.loss.p = 0.02;  // good -> bad
  faults.loss.r = 0.2;   // bad -> good
  faults.loss.h = 0.8;   // loss in bad
  faults.loss.k = 0.001;
  const double expected = faults.loss.expected_rate();
  EXPECT_NEAR(expected, 0.02 / 0.22 * 0.8 + 0.2 / 0.22 * 0.001, 1e-12);

  CircuitChannel channel(faults);
  Rng rng(11);
  int lost = 0;
  int lost_after_lost = 0;
  bool previous = false;
  for (int i = 0; i < kDraws; ++i) {
    const bool now = channel.transmit(i * kSecond, 10, rng).lost;
    lost += now;
    lost_after_lost += previous && now;
    previous = now;
  }
  // Bursts make the measured rate noisier than Bernoulli's; allow 10%.
  EXPECT_NEAR(static_cast<double>(lost) / kDraws, expected, expected * 0.1);
  // A loss makes the next loss far more likely than the average: that is what a burst is.
  EXPECT_GT(static_cast<double>(lost_after_lost) / lost, 3 * expected);
}

TEST(ChannelTest, UniformJitterStaysWithinItsBoundsAroundTheLatency) {
  CircuitFaults faults;
  faults.latency = 40 * kSecond;
  faults.jitter = 10 * kSecond;
  CircuitChannel channel(faults);
  Rng rng(3);
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const SimTime delay = channel.transmit(i * kSecond, 1, rng).delay;
    ASSERT_GE(delay, 30 * kSecond);
    ASSERT_LE(delay, 50 * kSecond);
    sum += static_cast<double>(delay);
  }
  EXPECT_NEAR(sum / kDraws / kSecond, 40.0, 0.1);
}

TEST(ChannelTest, NormalJitterHasTheConfiguredSpread) {
  CircuitFaults faults;
  faults.latency = 100 * kSecond;
  faults.jitter = 5 * kSecond;
  faults.jitter_distribution = JitterDistribution::kNormal;
  CircuitChannel channel(faults);
  Rng rng(5);
  double sum = 0;
  double squares = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double d = static_cast<double>(channel.transmit(i * kSecond, 1, rng).delay) / kSecond;
    sum += d;
    squares += d * d;
  }
  const double mean = sum / kDraws;
  EXPECT_NEAR(mean, 100.0, 0.1);
  EXPECT_NEAR(std::sqrt(squares / kDraws - mean * mean), 5.0, 0.1);
}

TEST(ChannelTest, TheTeleprinterPrintsSixtySixWordsAMinuteAndQueues) {
  CircuitFaults faults;
  faults.words_per_minute = 66;
  CircuitChannel channel(faults);
  Rng rng(1);
  // 66 words take one minute; a second message sent at once waits for the first.
  EXPECT_EQ(channel.transmit(0, 66, rng).delay, kMinute);
  EXPECT_EQ(channel.transmit(0, 66, rng).delay, 2 * kMinute);
  EXPECT_EQ(channel.transmit(10 * kMinute, 33, rng).delay, 30 * kSecond);
}

TEST(ChannelTest, NothingGetsThroughDuringAnOutage) {
  CircuitFaults faults;
  faults.outages.push_back({kHour, 2 * kHour});
  CircuitChannel channel(faults);
  Rng rng(1);
  EXPECT_FALSE(channel.transmit(kHour - 1, 1, rng).lost);
  const Transit during = channel.transmit(kHour + kMinute, 1, rng);
  EXPECT_TRUE(during.lost);
  EXPECT_TRUE(during.outage);
  EXPECT_FALSE(channel.transmit(2 * kHour, 1, rng).lost);
}

TEST(ChannelTest, SameSeedSameFates) {
  CircuitFaults faults;
  faults.loss.p = 0.3;
  faults.jitter = kSecond;
  faults.garble = 0.1;
  CircuitChannel a(faults);
  CircuitChannel b(faults);
  Rng ra(99);
  Rng rb(99);
  for (int i = 0; i < 1000; ++i) {
    const Transit x = a.transmit(i, 5, ra);
    const Transit y = b.transmit(i, 5, rb);
    ASSERT_EQ(x.lost, y.lost);
    ASSERT_EQ(x.delay, y.delay);
    ASSERT_EQ(x.garbled, y.garbled);
  }
}

}  // namespace
}  // namespace hotline::model
