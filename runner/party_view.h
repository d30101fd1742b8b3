#pragma once
// What one party can see of a run: its own mind's records, the messages it sends and receives,
// its own node's link events, and what becomes public (a press leak, the final outcome). Not the
// other side's mind, and not the ground truth (who really sponsored an incident, who was
// deterred): the person playing a party in a tabletop exercise must not read them.

#include <string>

#include "model/record.h"

namespace hotline::runner {

class PartyView : public model::RecordSink {
 public:
  PartyView(std::string party, model::RecordSink& next) : party_(std::move(party)), next_(next) {}

  void record(model::Record record) override;
  static bool visible_to(const std::string& party, const model::Record& record);

 private:
  std::string party_;
  model::RecordSink& next_;
};

}  // namespace hotline::runner
