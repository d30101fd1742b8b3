#include "report/distribution_charts.h"

#include <algorithm>
#include <cmath>

#include "model/ladder.h"
#include "report/html.h"

namespace hotline::report {
namespace {

constexpr int kWidth = 780;
constexpr int kLeft = 52;
constexpr int kRight = 16;
constexpr int kPlotTop = 10;
constexpr int kPlotHeight = 150;

constexpr const char* kRungColours[model::kRungCount] = {
    "#d9dde3", "#b7d4ea", "#7fb3d5", "#f5cba7", "#eb984e", "#cb4335", "#922b21", "#4a0e0b"};

std::string number_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

}  // namespace

std::string variant_colour(std::size_t i) {
  static const char* kColours[] = {"#1f5fa8", "#b3261e", "#2f7d32", "#8e44ad",
                                   "#d68910", "#117a65", "#5d6d7e", "#a04000"};
  return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

std::string ecdf_chart(const std::string& metric, const std::vector<DrawnVariant>& variants) {
  double low = 0;
  double high = 0;
  bool any = false;
  for (const auto& v : variants) {
    for (const double q : v.summary->quantiles) {
      low = any ? std::min(low, q) : q;
      high = any ? std::max(high, q) : q;
      any = true;
    }
  }
  if (!any || high - low < 1e-12) {
    low -= 0.5;
    high += 0.5;
  }
  const double span = high - low;
  low -= span * 0.03;
  high += span * 0.03;
  const int strip_top = kPlotTop + kPlotHeight + 44;
  const int strip_row = 14;
  const int height = strip_top + static_cast<int>(variants.size()) * strip_row + 8;
  auto x = [&](double value) {
    return fixed(kLeft + (kWidth - kLeft - kRight) * (value - low) / (high - low), 1);
  };
  auto y = [&](double share) { return fixed(kPlotTop + kPlotHeight * (1 - share), 1); };
  std::string svg =
      "<svg class=\"ecdf-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
      std::to_string(kWidth) + " " + std::to_string(height) + "\" width=\"" +
      std::to_string(kWidth) + "\" height=\"" + std::to_string(height) +
      "\" role=\"img\" aria-label=\"" + escape("distribution of " + metric + " in each variant") +
      "\">";
  for (const double share : {0.0, 0.5, 1.0}) {
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + y(share) + "\" x2=\"" +
           std::to_string(kWidth - kRight) + "\" y2=\"" + y(share) +
           "\" stroke=\"#eef0f3\"/><text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" +
           fixed(std::stod(y(share)) + 4, 1) +
           "\" text-anchor=\"end\" font-size=\"10\" fill=\"#5b6475\">" + fixed(share, 1) +
           "</text>";
  }
  // A rung metric is labelled with the rungs it takes, any other with five round values.
  const bool rungs = !variants.empty() && variants[0].summary->rung_shares.has_value();
  std::vector<std::pair<double, std::string>> ticks;
  if (rungs) {
    for (int r = static_cast<int>(std::ceil(low)); r <= static_cast<int>(std::floor(high)); ++r)
      ticks.push_back({r, std::string(model::rung_name(static_cast<model::Rung>(r)))});
  } else {
    for (int i = 0; i <= 4; ++i) {
      const double value = low + (high - low) * (0.03 + 0.94 * i / 4.0) / 1.0;
      ticks.push_back({value, number_label(value)});
    }
  }
  for (const auto& [value, label] : ticks) {
    svg += "<line x1=\"" + x(value) + "\" y1=\"" + std::to_string(kPlotTop + kPlotHeight) +
           "\" x2=\"" + x(value) + "\" y2=\"" + std::to_string(kPlotTop + kPlotHeight + 4) +
           "\" stroke=\"#9aa3b2\"/><text x=\"" + x(value) + "\" y=\"" +
           std::to_string(kPlotTop + kPlotHeight + 16) +
           "\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5b6475\">" + escape(label) +
           "</text>";
  }
  svg += "<text x=\"" + std::to_string(kLeft - 40) + "\" y=\"" + std::to_string(kPlotTop + 8) +
         "\" font-size=\"10\" fill=\"#5b6475\" transform=\"rotate(-90 " +
         std::to_string(kLeft - 40) + " " + std::to_string(kPlotTop + 8) +
         ")\" text-anchor=\"end\">share of runs ≤ x</text>";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& q = variants[i].summary->quantiles;
    if (q.empty()) continue;
    // The empirical CDF as a staircase through the quantiles.
    std::string points = x(low) + "," + y(0);
    const double n = static_cast<double>(q.size());
    for (std::size_t k = 0; k < q.size(); ++k) {
      points += " " + x(q[k]) + "," + y(k / n) + " " + x(q[k]) + "," + y((k + 1) / n);
    }
    points += " " + x(high) + "," + y(1);
    svg += "<polyline class=\"ecdf\" points=\"" + points + "\" fill=\"none\" stroke=\"" +
           variant_colour(i) + "\" stroke-width=\"2\" stroke-opacity=\"0.85\"><title>" +
           escape(variants[i].label) + "</title></polyline>";
    // Beneath: the mean and its 95% interval.
    const scenario::Summary& s = *variants[i].summary;
    const int row_y = strip_top + static_cast<int>(i) * strip_row;
    svg += "<g class=\"mean-interval\"><title>" +
           escape(variants[i].label + ": mean " + number_label(s.mean) + " ± " +
                  number_label(s.ci95)) +
           "</title><line x1=\"" + x(s.mean - s.ci95) + "\" y1=\"" + std::to_string(row_y) +
           "\" x2=\"" + x(s.mean + s.ci95) + "\" y2=\"" + std::to_string(row_y) + "\" stroke=\"" +
           variant_colour(i) + "\" stroke-width=\"3\"/><circle cx=\"" + x(s.mean) + "\" cy=\"" +
           std::to_string(row_y) + "\" r=\"4\" fill=\"" + variant_colour(i) + "\"/></g>";
  }
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(strip_top - 10) +
         "\" font-size=\"10\" fill=\"#5b6475\">mean and its 95% interval</text></svg>";
  return svg;
}

std::string rung_share_bars(const std::vector<DrawnVariant>& variants) {
  const int row = 22;
  const int label_width = 0;
  const int height = static_cast<int>(variants.size()) * row + 34;
  std::string svg = "<svg class=\"rung-bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) + "\" width=\"" +
                    std::to_string(kWidth) + "\" height=\"" + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"share of runs peaking on each rung\">";
  const double plot = kWidth - kLeft - kRight - label_width;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& shares = variants[i].summary->rung_shares;
    if (!shares) continue;
    double at = kLeft;
    const int y = 4 + static_cast<int>(i) * row;
    svg += "<text x=\"" + std::to_string(kLeft - 8) + "\" y=\"" + std::to_string(y + 14) +
           "\" text-anchor=\"end\" font-size=\"11\" fill=\"" + variant_colour(i) + "\">" +
           std::to_string(i + 1) + "</text>";
    for (int r = 0; r < model::kRungCount; ++r) {
      const double share = (*shares)[r];
      if (share <= 0) continue;
      const std::string rung(model::rung_name(static_cast<model::Rung>(r)));
      svg += "<rect x=\"" + fixed(at, 1) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             fixed(plot * share, 1) + "\" height=\"" + std::to_string(row - 6) + "\" fill=\"" +
             kRungColours[r] + "\"><title>" +
             escape(variants[i].label + ": " + rung + " " + fixed(100 * share, 0) + "%") +
             "</title></rect>";
      if (plot * share > 34) {
        svg += "<text x=\"" + fixed(at + plot * share / 2, 1) + "\" y=\"" + std::to_string(y + 12) +
               "\" text-anchor=\"middle\" font-size=\"10\" fill=\"" +
               (r >= 5 ? "#ffffff" : "#1d2330") + "\">" + fixed(100 * share, 0) + "%</text>";
      }
      at += plot * share;
    }
  }
  // The legend: each rung's colour.
  double at = kLeft;
  const int legend_y = static_cast<int>(variants.size()) * row + 14;
  for (int r = 0; r < model::kRungCount; ++r) {
    const std::string rung(model::rung_name(static_cast<model::Rung>(r)));
    svg += "<rect x=\"" + fixed(at, 1) + "\" y=\"" + std::to_string(legend_y - 9) +
           "\" width=\"10\" height=\"10\" fill=\"" + kRungColours[r] + "\"/><text x=\"" +
           fixed(at + 13, 1) + "\" y=\"" + std::to_string(legend_y) +
           "\" font-size=\"8.5\" fill=\"#5b6475\">" + escape(rung) + "</text>";
    at += 20 + 6.0 * static_cast<double>(rung.size());
  }
  return svg + "</svg>";
}

std::string summary_table(const std::string& metric, const std::vector<DrawnVariant>& variants) {
  std::string out =
      "<table class=\"summary\"><tr><th></th><th>variant</th><th class=\"num\">mean</th>"
      "<th class=\"num\">± 95%</th><th class=\"num\">p10</th><th class=\"num\">p50</th>"
      "<th class=\"num\">p90</th><th class=\"num\">runs</th></tr>";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const scenario::Summary& s = *variants[i].summary;
    auto cell = [&](const char* what, double value) {
      return "<td class=\"num\" data-metric=\"" + escape(metric) + "\" data-variant=\"" +
             escape(variants[i].label) + "\" data-stat=\"" + what + "\" data-value=\"" +
             exact(value) + "\">" + escape(number_label(value)) + "</td>";
    };
    out += "<tr><td><span style=\"color:" + variant_colour(i) + "\">■</span> " +
           std::to_string(i + 1) + "</td><td>" + escape(variants[i].label) + "</td>" +
           cell("mean", s.mean) + cell("ci95", s.ci95) + cell("p10", s.p10) + cell("p50", s.p50) +
           cell("p90", s.p90) + "<td class=\"num\">" + std::to_string(s.runs) + "</td></tr>";
  }
  return out + "</table>";
}

}  // namespace hotline::report
