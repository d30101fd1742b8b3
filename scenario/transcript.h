#pragma once
// A run's record stream as people and programs read it: one aligned line per record in
// scenario time, or one JSON object per line; and the closing outcome table.

#include <ostream>
#include <string>

#include "model/outcomes.h"
#include "model/record.h"
#include "model/scenario.h"
#include "scenario/record_sentence.h"
#include "scenario/scenario_time.h"

namespace hotline::scenario {

std::string format_record_json(const model::Record& record, const StartTime& start);

// "washington: peak SANCTIONS on D+13 ..., misperception ... belief-days, ..."
void print_outcome_summary(std::ostream& out, const model::Scenario& scenario,
                           const model::Outcomes& outcomes);

// Writes each record as it comes: as a sentence in columns (time, who, what), or as JSON lines.
class TranscriptPrinter : public model::RecordSink {
 public:
  TranscriptPrinter(std::ostream& out, const model::Scenario& scenario, bool json);
  void record(model::Record record) override;

 private:
  std::ostream& out_;
  StartTime start_;
  bool json_;
  Narrator narrator_;
};

}  // namespace hotline::scenario
