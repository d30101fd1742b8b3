#pragma once
// The iterated prisoner's dilemma with misperceived moves: the reference the escalation model
// reduces to (CASES.md 4.4-4.5). A side that answers each attack with one strike plays
// tit-for-tat; one that accepts the answer to its own accident plays contrite tit-for-tat.

#include <string_view>

#include "model/rng.h"

namespace hotline::model {

enum class IpdStrategy {
  kTitForTat,
  kGenerousTitForTat,  // after a defection, still cooperates with probability g = 1/3
  kContriteTitForTat,  // Sugden/Boyd standing
  kWinStayLoseShift,   // Pavlov: cooperate iff both moved alike last round
  kAlwaysCooperate,
  kAlwaysDefect,
};

struct IpdPayoffs {
  double reward = 3;      // R: both cooperate
  double sucker = 0;      // S: cooperate against a defection
  double temptation = 5;  // T: defect against cooperation
  double punishment = 1;  // P: both defect

  // Nowak and Sigmund's generosity: min{1 - (T-R)/(R-S), (R-P)/(T-P)}.
  double generosity() const;
};

// What a player knows when it chooses: the last round's actual moves and both standings.
struct IpdView {
  bool first_round = true;
  bool i_cooperated = true;
  bool other_cooperated = true;
  bool i_am_good = true;
  bool other_is_good = true;
};

double cooperation_probability(IpdStrategy strategy, const IpdView& view,
                               const IpdPayoffs& payoffs);
// Standing after a round (Sugden): good if it cooperated, or defected while good against a
// player in bad standing.
bool next_standing(bool cooperated, bool was_good, bool other_was_good);

struct IpdScore {
  double first = 0;  // mean payoff per round
  double second = 0;
};

// One game of `rounds` rounds; each intended move flips with probability `noise`, first round
// included.
IpdScore play_ipd(IpdStrategy first, IpdStrategy second, int rounds, double noise, Rng& rng,
                  const IpdPayoffs& payoffs = {});

std::string_view ipd_strategy_name(IpdStrategy strategy);

}  // namespace hotline::model
