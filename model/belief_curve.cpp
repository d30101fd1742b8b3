#include "model/belief_curve.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace hotline::model {
namespace {

double probability(double log_odds) {
  return 1.0 / (1.0 + std::exp(-log_odds));
}

// (σ(p + y) - σ(p)) / y, written so that it loses no precision as y approaches 0, where a belief
// has nearly faded back to its prior.
double excess_per_log_odds(double prior_log_odds, double y) {
  const double ratio = y == 0 ? 1.0 : std::expm1(y) / y;
  return probability(prior_log_odds) * probability(-(prior_log_odds + y)) * ratio;
}

// Eight-point Gauss–Legendre nodes and weights on [-1, 1]. The integrand is analytic with its
// nearest poles π away from the real axis (those of the logistic function): on panels two
// log-odds wide its error is below 1e-13 of the result (measured for priors from -6 to 2 and
// beliefs up to 16 log-odds from them, against panels two hundred times narrower).
constexpr std::array<double, 4> kNodes = {0.1834346424956498, 0.5255324099163290,
                                          0.7966664774136267, 0.9602898564975363};
constexpr std::array<double, 4> kWeights = {0.3626837833783620, 0.3137066458778873,
                                            0.2223810344533745, 0.1012285362903763};
constexpr double kPanelWidth = 2.0;

double integrate_excess(double prior_log_odds, double low, double high) {
  const int panels = std::max(1, static_cast<int>(std::ceil((high - low) / kPanelWidth)));
  const double width = (high - low) / panels;
  double total = 0;
  for (int panel = 0; panel < panels; ++panel) {
    const double middle = low + (panel + 0.5) * width;
    const double half = 0.5 * width;
    double sum = 0;
    for (std::size_t k = 0; k < kNodes.size(); ++k) {
      sum += kWeights[k] * (excess_per_log_odds(prior_log_odds, middle - half * kNodes[k]) +
                            excess_per_log_odds(prior_log_odds, middle + half * kNodes[k]));
    }
    total += sum * half;
  }
  return total;
}

}  // namespace

double BeliefCurve::at(SimTime now) const {
  const double faded =
      half_life > 0 && now > since
          ? std::exp2(-static_cast<double>(now - since) / static_cast<double>(half_life))
          : 1.0;
  return probability(prior_log_odds + (log_odds - prior_log_odds) * faded);
}

double added_error_days(const BeliefCurve& curve, SimTime from, SimTime to, bool truth) {
  from = std::max(from, curve.since);
  if (to <= from) return 0;
  const double above_prior = curve.log_odds - curve.prior_log_odds;
  // The belief stays on one side of its prior as it fades: the error is added all along the
  // way, or never.
  const bool wrong_way = truth ? above_prior < 0 : above_prior > 0;
  if (!wrong_way) return 0;
  if (curve.half_life <= 0) {
    return std::abs(probability(curve.log_odds) - probability(curve.prior_log_odds)) *
           to_days(to - from);
  }
  // In y, the distance from the prior in log-odds, dt = -(half-life / ln 2) dy / y: the
  // integral over time becomes one over y of (σ(p + y) - σ(p)) / y, which is smooth.
  const double half_life = static_cast<double>(curve.half_life);
  auto distance_at = [&](SimTime t) {
    return above_prior * std::exp2(-static_cast<double>(t - curve.since) / half_life);
  };
  const double y_from = distance_at(from);
  const double y_to = distance_at(to);
  return to_days(curve.half_life) / std::log(2.0) *
         integrate_excess(curve.prior_log_odds, std::min(y_from, y_to), std::max(y_from, y_to));
}

}  // namespace hotline::model
