#include "report/many_runs_report.h"

#include <map>

#include "report/distribution_charts.h"
#include "report/html.h"

namespace hotline::report {
namespace {

std::string header(const std::string& title, const std::string& what, const std::string& command) {
  return "<header><h1>" + escape(title) + "</h1><p class=\"meta\">" + escape(what) + " · <code>" +
         escape(command) + "</code></p></header>\n";
}

std::string teaching_point(const spec::Scenario& spec) {
  if (spec.briefing().teaching_point().empty()) return "";
  return "<section id=\"teaching-point\"><h2>Teaching point</h2>" +
         paragraphs(spec.briefing().teaching_point()) + "</section>\n";
}

std::vector<DrawnVariant> drawn(const std::vector<scenario::VariantResult>& results,
                                std::size_t metric) {
  std::vector<DrawnVariant> variants;
  for (const auto& result : results)
    variants.push_back({result.variant.label.empty() ? "as written" : result.variant.label,
                        &result.metrics[metric]});
  return variants;
}

std::string metric_figure(const std::string& metric, const std::vector<DrawnVariant>& variants) {
  std::string out = "<figure class=\"metric\" data-metric=\"" + escape(metric) + "\">" +
                    ecdf_chart(metric, variants);
  if (!variants.empty() && variants[0].summary->rung_shares) {
    out += "<figcaption>Share of runs peaking on each rung, per variant:</figcaption>" +
           rung_share_bars(variants);
  }
  return out + "</figure>" + summary_table(metric, variants);
}

}  // namespace

std::string compare_report(const spec::Scenario& spec, const std::string& command,
                           const std::vector<scenario::VariantResult>& results,
                           const std::vector<std::string>& metrics) {
  const int runs = results.empty() || results[0].metrics.empty() ? 0 : results[0].metrics[0].runs;
  std::string body =
      header(spec.title().empty() ? spec.name() : spec.title(),
             spec.name() + " · comparison of " + std::to_string(results.size()) + " variant(s), " +
                 std::to_string(runs) + " runs each, the same seeds in each",
             command);
  body += teaching_point(spec);
  body +=
      "<section id=\"metrics\"><h2>Each metric, per variant</h2><p class=\"note\">Each line is a "
      "variant's empirical distribution: the share of runs at or below each value. A line to the "
      "left means lower values. Beneath: each variant's mean and the 95% interval of the "
      "mean.</p>";
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    body += "<h3>" + escape(metrics[m]) + "</h3>" + metric_figure(metrics[m], drawn(results, m));
  }
  body += "</section>\n";
  return page(spec.name() + ": comparison", body);
}

std::string check_report(const std::vector<CheckedCase>& cases, const std::string& command,
                         const std::string& mode) {
  int passed = 0;
  int total = 0;
  for (const auto& c : cases) {
    for (const auto& r : c.results) {
      ++total;
      passed += r.passed ? 1 : 0;
    }
  }
  std::string body = header(
      "Expectations checked",
      mode + " · " + std::to_string(passed) + " of " + std::to_string(total) + " hold", command);
  for (const auto& c : cases) {
    body += "<section class=\"case\"><h2>" +
            escape(c.spec.title().empty() ? c.path : c.spec.title()) + "</h2><p class=\"meta\">" +
            escape(c.path) + "</p>";
    if (c.results.empty()) body += "<p>Nothing to check in this mode.</p>";
    for (const auto& r : c.results) {
      body += "<div class=\"expectation card\" data-passed=\"" +
              std::string(r.passed ? "yes" : "no") + "\"><p><span class=\"" +
              (r.passed ? "pass\">holds" : "fail\">FAILS") + "</span> " +
              (r.history ? "<strong>[history]</strong> " : "") + escape(r.says) +
              "</p><p class=\"note\">" + escape(r.measured) + "</p>";
      std::vector<DrawnVariant> variants;
      for (const auto& v : r.variants) variants.push_back({v.variant.label, &v.metrics[0]});
      if (!variants.empty()) body += metric_figure(r.metric, variants);
      body += "</div>";
    }
    body += "</section>\n";
  }
  return page("hotline check", body);
}

std::string sweep_report(const spec::Scenario& spec, const std::string& command,
                         const scenario::SweepResult& result) {
  const auto& plan = result.plan;
  const bool two = plan.parameters.size() == 2;
  std::string body = header(spec.title().empty() ? spec.name() : spec.title(),
                            spec.name() + " · where each teaching point holds", command);
  body += teaching_point(spec);
  std::map<std::pair<int, int>, const scenario::SweepCell*> cells;
  for (const auto& cell : result.cells) cells[{cell.point, cell.expectation}] = &cell;
  const auto rows = plan.parameters[0].values();
  const auto columns = two ? plan.parameters[1].values() : std::vector<double>{0};
  body += "<section id=\"map\"><h2>The map</h2><p class=\"note\">Each cell is one setting of " +
          escape(plan.parameters[0].key) +
          (two ? " (rows) and " + escape(plan.parameters[1].key) + " (columns)" : "") +
          ": green where the point holds, red where it does not, with the value its bound was "
          "compared with.</p>";
  for (std::size_t e = 0; e < result.expectations.size(); ++e) {
    body += "<h3>#" + std::to_string(e + 1) + " " + escape(result.expectations[e]) +
            "</h3><table class=\"sweep-map\"><tr><th>" + escape(plan.parameters[0].key) +
            (two ? " \\ " + escape(plan.parameters[1].key) : "") + "</th>";
    for (const double c : columns)
      body += "<th class=\"num\">" + (two ? fixed(c, 3) : "") + "</th>";
    body += "</tr>";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      body += "<tr><th class=\"num\">" + fixed(rows[i], 3) + "</th>";
      for (std::size_t j = 0; j < columns.size(); ++j) {
        const int point = static_cast<int>(i * columns.size() + j);
        const auto found = cells.find({point, static_cast<int>(e)});
        if (found == cells.end()) {
          body += "<td>-</td>";
          continue;
        }
        const bool holds = found->second->passed;
        body += std::string("<td class=\"num\" data-holds=\"") + (holds ? "yes" : "no") +
                "\" data-value=\"" + exact(found->second->value) +
                "\" style=\"background:" + (holds ? "#d8efd9" : "#f6d5d2") + "\">" +
                (holds ? "yes " : "no ") + fixed(found->second->value, 3) + "</td>";
      }
      body += "</tr>";
    }
    body += "</table>";
  }
  body += "</section>\n";
  return page(spec.name() + ": sweep", body);
}

}  // namespace hotline::report
