#pragma once
// Many runs drawn: each variant's distribution of a metric as an empirical CDF with its mean and
// the mean's 95% interval beneath, and for a rung metric the share of runs peaking on each rung
// as stacked bars. Shared by the compare, check and sweep reports.

#include <string>
#include <vector>

#include "scenario/compare.h"

namespace hotline::report {

struct DrawnVariant {
  std::string label;
  const scenario::Summary* summary = nullptr;
};

// The colour of the i-th variant in every chart and legend of a page.
std::string variant_colour(std::size_t i);

std::string ecdf_chart(const std::string& metric, const std::vector<DrawnVariant>& variants);
std::string rung_share_bars(const std::vector<DrawnVariant>& variants);
// A table of each variant's numbers (mean, its 95% interval, p10/p50/p90), every number with
// the exact value the text output prints in data-value.
std::string summary_table(const std::string& metric, const std::vector<DrawnVariant>& variants);

}  // namespace hotline::report
