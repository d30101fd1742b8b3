#include "scenario/sweep.h"

#include <google/protobuf/text_format.h>

#include <cstdio>
#include <istream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace hotline::scenario {
namespace {

constexpr const char* kMagic = "# hotline sweep v1";

std::string number(double value, const char* format) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

double parse_number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw std::invalid_argument(what + ": \"" + text + "\" is not a number");
  return value;
}

std::vector<std::string> split(const std::string& line, char separator, std::size_t at_most) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (fields.size() + 1 < at_most) {
    const auto next = line.find(separator, start);
    if (next == std::string::npos) break;
    fields.push_back(line.substr(start, next - start));
    start = next + 1;
  }
  fields.push_back(line.substr(start));
  return fields;
}

bool same_plan(const SweepPlan& a, const SweepPlan& b) {
  if (a.scenario != b.scenario || a.digest != b.digest || a.seed != b.seed || a.runs != b.runs ||
      a.parameters.size() != b.parameters.size())
    return false;
  for (std::size_t i = 0; i < a.parameters.size(); ++i) {
    if (a.parameters[i].text() != b.parameters[i].text()) return false;
  }
  return true;
}

// One line of text: a newline in an expectation's words would end the row.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

std::string case_digest(const ScenarioFile& file) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(file.spec, &text);
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

std::string SweepParameter::text() const {
  return key + "=" + setting_value(low) + ":" + setting_value(high) + ":" + std::to_string(steps);
}

std::vector<double> SweepParameter::values() const {
  std::vector<double> values;
  for (int i = 0; i < steps; ++i) {
    values.push_back(steps == 1 ? low
                                : low + (high - low) * static_cast<double>(i) /
                                            static_cast<double>(steps - 1));
  }
  return values;
}

SweepParameter parse_sweep_parameter(std::string_view text) {
  // A region's range ("P=LOW:HIGH", as holds_for writes it) and a number of steps.
  const auto last = text.rfind(':');
  if (last == std::string_view::npos || text.find(':') == last) {
    throw std::invalid_argument("\"" + std::string(text) +
                                "\": expected a setting, a range and a number of steps, e.g. "
                                "\"party.tallinn.trust=0.1:0.6:6\"");
  }
  const SettingRange range = parse_setting_range(text.substr(0, last));
  SweepParameter parameter;
  parameter.key = range.key;
  parameter.low = range.low;
  parameter.high = range.high;
  const double steps = parse_number(std::string(text.substr(last + 1)), range.key + "'s steps");
  if (steps < 1 || steps > 1000 || steps != static_cast<int>(steps))
    throw std::invalid_argument(range.key + ": steps must be a whole number from 1 to 1000");
  parameter.steps = static_cast<int>(steps);
  return parameter;
}

std::vector<std::vector<double>> SweepPlan::points() const {
  std::vector<std::vector<double>> points{{}};
  for (const auto& parameter : parameters) {
    std::vector<std::vector<double>> next;
    for (const auto& point : points) {
      for (const double value : parameter.values()) {
        auto extended = point;
        extended.push_back(value);
        next.push_back(std::move(extended));
      }
    }
    points = std::move(next);
  }
  return points;
}

SweepResult run_sweep(const ScenarioFile& file, const SweepPlan& plan, int threads, int shard,
                      int shard_count, const std::function<void(int, int)>& progress) {
  SweepResult result;
  result.plan = plan;
  for (const auto& expect : file.spec.expect())
    result.expectations.push_back(expect.says().empty() ? expect.metric() : expect.says());
  const auto points = plan.points();
  CheckOptions options;
  options.seed = plan.seed;
  options.threads = threads;
  options.runs = plan.runs;
  int mine = 0;
  for (std::size_t p = 0; p < points.size(); ++p)
    mine += (p % shard_count == static_cast<std::size_t>(shard)) ? 1 : 0;
  int done = 0;
  for (std::size_t p = 0; p < points.size(); ++p) {
    if (p % static_cast<std::size_t>(shard_count) != static_cast<std::size_t>(shard)) continue;
    std::vector<Setting> at;
    for (std::size_t k = 0; k < plan.parameters.size(); ++k)
      at.push_back({plan.parameters[k].key, setting_value(points[p][k])});
    for (int e = 0; e < file.spec.expect_size(); ++e) {
      const ExpectationResult checked = check_expectation(file, file.spec.expect(e), at, options);
      result.cells.push_back({static_cast<int>(p), e, checked.passed, checked.value});
    }
    if (progress) progress(++done, mine);
  }
  return result;
}

void write_sweep(std::ostream& out, const SweepResult& result) {
  out << kMagic << "\n";
  out << "scenario," << result.plan.scenario << "\n";
  out << "digest," << result.plan.digest << "\n";
  out << "seed," << result.plan.seed << "\n";
  out << "runs," << result.plan.runs << "\n";
  for (const auto& parameter : result.plan.parameters)
    out << "parameter," << parameter.text() << "\n";
  for (std::size_t e = 0; e < result.expectations.size(); ++e)
    out << "expectation," << e << "," << one_line(result.expectations[e]) << "\n";
  for (const auto& cell : result.cells) {
    out << "cell," << cell.point << "," << cell.expectation << "," << (cell.passed ? 1 : 0) << ","
        << number(cell.value, "%.17g") << "\n";
  }
  out << "end," << result.cells.size() << "\n";
}

SweepResult read_sweep(std::istream& in, const std::string& name) {
  SweepResult result;
  std::string line;
  int number_of_line = 0;
  bool ended = false;
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(name + ":" + std::to_string(number_of_line) + ": " + what);
  };
  if (!std::getline(in, line) || line != kMagic) {
    number_of_line = 1;
    fail(std::string("not a sweep shard (expected \"") + kMagic + "\" on the first line)");
  }
  number_of_line = 1;
  while (std::getline(in, line)) {
    ++number_of_line;
    if (line.empty()) continue;
    const auto fields = split(line, ',', line.rfind("expectation,", 0) == 0 ? 3 : 5);
    try {
      if (fields[0] == "scenario" && fields.size() == 2) {
        result.plan.scenario = fields[1];
      } else if (ended) {
        fail("a line after the end line");
      } else if (fields[0] == "digest" && fields.size() == 2) {
        result.plan.digest = fields[1];
      } else if (fields[0] == "seed" && fields.size() == 2) {
        std::size_t used = 0;
        try {
          result.plan.seed = std::stoull(fields[1], &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != fields[1].size() || fields[1][0] == '-')
          fail("seed is not a whole number");
      } else if (fields[0] == "runs" && fields.size() == 2) {
        result.plan.runs = static_cast<int>(parse_number(fields[1], "runs"));
      } else if (fields[0] == "parameter" && fields.size() == 2) {
        result.plan.parameters.push_back(parse_sweep_parameter(fields[1]));
      } else if (fields[0] == "expectation" && fields.size() == 3) {
        if (parse_number(fields[1], "expectation") !=
            static_cast<double>(result.expectations.size()))
          fail("expectations out of order");
        result.expectations.push_back(fields[2]);
      } else if (fields[0] == "cell" && fields.size() == 5) {
        SweepCell cell;
        cell.point = static_cast<int>(parse_number(fields[1], "point"));
        cell.expectation = static_cast<int>(parse_number(fields[2], "expectation"));
        cell.passed = fields[3] == "1";
        if (fields[3] != "0" && fields[3] != "1") fail("passed is 0 or 1");
        cell.value = parse_number(fields[4], "value");
        result.cells.push_back(cell);
      } else if (fields[0] == "end" && fields.size() == 2) {
        if (parse_number(fields[1], "cells") != static_cast<double>(result.cells.size()))
          fail("the end line counts " + fields[1] + " cells, the file holds " +
               std::to_string(result.cells.size()));
        ended = true;
      } else {
        fail("unexpected line \"" + line + "\"");
      }
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }
  if (result.plan.parameters.empty()) fail("no parameter line");
  if (!ended) fail("no end line: the file was cut short");
  return result;
}

SweepResult merge_sweeps(const std::vector<SweepResult>& shards) {
  if (shards.empty()) throw std::runtime_error("no shards to merge");
  SweepResult merged;
  merged.plan = shards[0].plan;
  merged.expectations = shards[0].expectations;
  std::map<std::pair<int, int>, SweepCell> cells;
  for (const auto& shard : shards) {
    if (!same_plan(shard.plan, merged.plan) || shard.expectations != merged.expectations)
      throw std::runtime_error(
          "the shards come from different sweeps (case, its values, parameters, seed, runs or "
          "expectations differ)");
    for (const auto& cell : shard.cells) {
      if (!cells.emplace(std::make_pair(cell.point, cell.expectation), cell).second) {
        throw std::runtime_error("point " + std::to_string(cell.point) + " appears in two shards");
      }
    }
  }
  const int points = static_cast<int>(merged.plan.points().size());
  const int expectations = static_cast<int>(merged.expectations.size());
  for (int p = 0; p < points; ++p) {
    for (int e = 0; e < expectations; ++e) {
      const auto found = cells.find({p, e});
      if (found == cells.end())
        throw std::runtime_error("point " + std::to_string(p) +
                                 " is in no shard: a shard is missing");
      merged.cells.push_back(found->second);
    }
  }
  if (static_cast<int>(cells.size()) != points * expectations)
    throw std::runtime_error("the shards hold points outside the sweep's grid");
  return merged;
}

void print_sweep_table(std::ostream& out, const SweepResult& result) {
  const auto& first = result.plan.parameters[0];
  const bool two = result.plan.parameters.size() == 2;
  std::map<std::pair<int, int>, const SweepCell*> cells;
  for (const auto& cell : result.cells) cells[{cell.point, cell.expectation}] = &cell;
  const auto second_values = two ? result.plan.parameters[1].values() : std::vector<double>{0};
  for (std::size_t e = 0; e < result.expectations.size(); ++e) {
    out << (e == 0 ? "" : "\n") << "#" << e + 1 << " " << result.expectations[e] << "\n";
    std::ostringstream header;
    char cell_text[64];
    std::snprintf(cell_text, sizeof cell_text, "  %-24s",
                  (first.key + (two ? " \\ " + result.plan.parameters[1].key : "")).c_str());
    header << cell_text;
    if (two) {
      for (const double v : second_values) {
        std::snprintf(cell_text, sizeof cell_text, " %14s", number(v, "%.4g").c_str());
        header << cell_text;
      }
    } else {
      std::snprintf(cell_text, sizeof cell_text, " %14s", "holds (value)");
      header << cell_text;
    }
    out << header.str() << "\n";
    const auto first_values = first.values();
    for (std::size_t i = 0; i < first_values.size(); ++i) {
      std::snprintf(cell_text, sizeof cell_text, "  %-24s",
                    number(first_values[i], "%.4g").c_str());
      out << cell_text;
      for (std::size_t j = 0; j < second_values.size(); ++j) {
        const int point = static_cast<int>(i * second_values.size() + j);
        const auto found = cells.find({point, static_cast<int>(e)});
        if (found == cells.end()) {
          std::snprintf(cell_text, sizeof cell_text, " %14s", "-");
        } else {
          std::snprintf(cell_text, sizeof cell_text, "    %-3s %7.3g",
                        found->second->passed ? "yes" : "no", found->second->value);
        }
        out << cell_text;
      }
      out << "\n";
    }
  }
}

void print_sweep_csv(std::ostream& out, const SweepResult& result) {
  const auto points = result.plan.points();
  for (const auto& parameter : result.plan.parameters) out << "\"" << parameter.key << "\",";
  out << "expectation,says,holds,value\n";
  for (const auto& cell : result.cells) {
    for (const double v : points[cell.point]) out << setting_value(v) << ",";
    std::string says = result.expectations[cell.expectation];
    std::string quoted;
    for (char c : says) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    out << cell.expectation + 1 << ",\"" << quoted << "\"," << (cell.passed ? 1 : 0) << ","
        << number(cell.value, "%.6g") << "\n";
  }
}

}  // namespace hotline::scenario
