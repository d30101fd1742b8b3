#pragma once
// The record stream of a run: what each side observed, believed, decided and sent, and what the
// channel did. The simulator and (later) the live nodes emit the same records; transcripts and
// JSON are formatted from them elsewhere.

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/time.h"

namespace hotline::model {

using FieldValue = std::variant<std::string, double, long long, bool>;

struct Record {
  SimTime at = 0;
  std::string kind;   // "incident", "observe", "belief", "rung", "send", "channel", "deliver", ...
  std::string party;  // whose record; empty for the world (ground truth, the channel)
  std::vector<std::pair<std::string, FieldValue>> fields;

  Record& with(std::string key, FieldValue value) {
    fields.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  const FieldValue* find(const std::string& key) const;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void record(Record record) = 0;
};

// Passes every record to two sinks: a transcript and a report's collector, say.
class RecordTee : public RecordSink {
 public:
  RecordTee(RecordSink& first, RecordSink& second) : first_(first), second_(second) {}
  void record(Record record) override {
    second_.record(record);
    first_.record(std::move(record));
  }

 private:
  RecordSink& first_;
  RecordSink& second_;
};

class RecordCollector : public RecordSink {
 public:
  void record(Record record) override { records.push_back(std::move(record)); }
  std::vector<Record> records;
};

}  // namespace hotline::model
