#pragma once
// The after-action report of one run: one self-contained HTML page a class reads after a case.
// It is built from the case file (briefing, debrief) and the run's records alone, the same
// records `--json` prints, so the page's numbers are the transcript's numbers.

#include <string>
#include <vector>

#include "model/record.h"
#include "model/scenario.h"
#include "proto/scenario.pb.h"

namespace hotline::report {

struct RunReportInput {
  const spec::Scenario& spec;       // as written: the briefing and the debrief
  const model::Scenario& scenario;  // as run: with the settings applied
  const std::vector<model::Record>& records;
  std::string command;  // how the run was made, to make it again
  std::string seen_by;  // a party: the run as that party saw it (empty: everything)
};

std::string run_report(const RunReportInput& input);

// Writes `html` to `path` (replacing it whole, never half-written); throws std::runtime_error
// naming the file if it cannot.
void write_report_file(const std::string& path, const std::string& html);

}  // namespace hotline::report
