#include "runner/party_view.h"

namespace hotline::runner {
namespace {

bool field_is(const model::Record& record, const char* key, const std::string& value) {
  const model::FieldValue* found = record.find(key);
  const auto* text = found ? std::get_if<std::string>(found) : nullptr;
  return text && *text == value;
}

}  // namespace

bool PartyView::visible_to(const std::string& party, const model::Record& record) {
  if (!record.party.empty()) return record.party == party;
  // The world's records: only what is public, or what this party itself did.
  if (record.kind == "press_leak" || record.kind == "outcome" || record.kind == "channel_summary" ||
      record.kind == "branch")
    return true;
  if (record.kind == "send" || record.kind == "unsent") return field_is(record, "from", party);
  if (record.kind == "circuit") return field_is(record, "party", party);
  return false;
}

void PartyView::record(model::Record record) {
  if (visible_to(party_, record)) next_.record(std::move(record));
}

}  // namespace hotline::runner
