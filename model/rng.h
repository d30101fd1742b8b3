#pragma once
// A seeded random source whose draws are the same on every platform and library version.
// std::mt19937 is portable but std::*_distribution is not, and a scenario replayed with the
// same seed must give the same bytes everywhere.

#include <cstdint>

namespace hotline::model {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, 1).
  double uniform();
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal (Box-Muller, one value per call).
  double normal();
  // Pareto with shape alpha and scale 1 (mean alpha / (alpha - 1) for alpha > 1).
  double pareto(double alpha);

  // A seed for run `index` of a batch started from `base`, so runs are independent and each
  // can be replayed alone.
  static std::uint64_t derive(std::uint64_t base, std::uint64_t index);

 private:
  std::uint64_t state_[4];
};

}  // namespace hotline::model
