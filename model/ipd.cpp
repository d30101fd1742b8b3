#include "model/ipd.h"

#include <algorithm>

namespace hotline::model {

double IpdPayoffs::generosity() const {
  return std::min(1 - (temptation - reward) / (reward - sucker),
                  (reward - punishment) / (temptation - punishment));
}

bool next_standing(bool cooperated, bool was_good, bool other_was_good) {
  return cooperated || (was_good && !other_was_good);
}

double cooperation_probability(IpdStrategy strategy, const IpdView& view,
                               const IpdPayoffs& payoffs) {
  switch (strategy) {
    case IpdStrategy::kAlwaysCooperate:
      return 1;
    case IpdStrategy::kAlwaysDefect:
      return 0;
    case IpdStrategy::kTitForTat:
      return view.first_round || view.other_cooperated ? 1 : 0;
    case IpdStrategy::kGenerousTitForTat:
      return view.first_round || view.other_cooperated ? 1 : payoffs.generosity();
    case IpdStrategy::kContriteTitForTat:
      return view.first_round || !view.i_am_good || view.other_is_good ? 1 : 0;
    case IpdStrategy::kWinStayLoseShift:
      return view.first_round || view.i_cooperated == view.other_cooperated ? 1 : 0;
  }
  return 0;
}

IpdScore play_ipd(IpdStrategy first, IpdStrategy second, int rounds, double noise, Rng& rng,
                  const IpdPayoffs& payoffs) {
  IpdView a;
  IpdView b;
  double total_a = 0;
  double total_b = 0;
  auto payoff = [&](bool me, bool other) {
    return me ? (other ? payoffs.reward : payoffs.sucker)
              : (other ? payoffs.temptation : payoffs.punishment);
  };
  for (int round = 0; round < rounds; ++round) {
    // Draw both intentions and both slips every round, whatever the strategies, so that
    // strategies are compared on the same stream of accidents.
    const double intent_a = rng.uniform();
    const double intent_b = rng.uniform();
    const bool slip_a = rng.bernoulli(noise);
    const bool slip_b = rng.bernoulli(noise);
    const bool move_a = (intent_a < cooperation_probability(first, a, payoffs)) != slip_a;
    const bool move_b = (intent_b < cooperation_probability(second, b, payoffs)) != slip_b;
    total_a += payoff(move_a, move_b);
    total_b += payoff(move_b, move_a);
    const bool good_a = next_standing(move_a, a.i_am_good, b.i_am_good);
    const bool good_b = next_standing(move_b, b.i_am_good, a.i_am_good);
    a = {false, move_a, move_b, good_a, good_b};
    b = {false, move_b, move_a, good_b, good_a};
  }
  return {total_a / rounds, total_b / rounds};
}

std::string_view ipd_strategy_name(IpdStrategy strategy) {
  switch (strategy) {
    case IpdStrategy::kTitForTat:
      return "TFT";
    case IpdStrategy::kGenerousTitForTat:
      return "GTFT";
    case IpdStrategy::kContriteTitForTat:
      return "CTFT";
    case IpdStrategy::kWinStayLoseShift:
      return "WSLS";
    case IpdStrategy::kAlwaysCooperate:
      return "ALLC";
    case IpdStrategy::kAlwaysDefect:
      return "ALLD";
  }
  return "?";
}

}  // namespace hotline::model
