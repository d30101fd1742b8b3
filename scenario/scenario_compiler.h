#pragma once
// Inside the scenario loader: the checks beyond the schema, as one compiler over the parsed file
// that knows where each field was written. Not part of the loader's interface.

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/duration.h"
#include "common/text_proto.h"
#include "model/scenario.h"
#include "scenario/scenario_loader.h"

namespace hotline::scenario::detail {

using common::SourceError;
using google::protobuf::Descriptor;
using google::protobuf::TextFormat;

constexpr model::SimTime kDefaultTail = 30 * model::kDay;
constexpr int kMaxParties = 8;
// Each end of a line draws from a stream per circuit, numbered below 100 (model/run_seeds.h).
constexpr int kMaxCircuits = 99;

inline std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// A place in the file: the message being checked and where it was written.
class Where {
 public:
  Where(const std::string& file, const TextFormat::ParseInfoTree* tree, int line, int column)
      : file_(file), tree_(tree), line_(line), column_(column) {}

  // The location of `field` (element `index` if repeated), or of this message if the field was
  // not written (a default, or a value set from the command line).
  SourceError at(const Descriptor* type, const char* field, int index, std::string message) const {
    int line = line_;
    int column = column_;
    if (tree_) {
      const auto* descriptor = type->FindFieldByName(field);
      // A repeated field without an index is placed at its first element (protobuf refuses -1).
      const auto location =
          tree_->GetLocation(descriptor, descriptor->is_repeated() ? std::max(index, 0) : -1);
      if (location.line >= 0) {
        line = location.line;
        column = location.column;
      }
    }
    return {file_, line + 1, column + 1, std::move(message)};
  }

  Where nested(const Descriptor* type, const char* field, int index) const {
    const auto* descriptor = type->FindFieldByName(field);
    const int i = descriptor->is_repeated() ? std::max(index, 0) : -1;
    if (!tree_) return *this;
    const auto location = tree_->GetLocation(descriptor, i);
    const auto* nested = tree_->GetTreeForNested(descriptor, i);
    if (location.line < 0) return Where(file_, nested, line_, column_);
    return Where(file_, nested, location.line, location.column);
  }

 private:
  const std::string& file_;
  const TextFormat::ParseInfoTree* tree_;
  int line_;
  int column_;
};

class Compiler {
 public:
  Compiler(const spec::Scenario& spec, const ScenarioFile& file)
      : spec_(spec), file_(file), root_(file.path, file.locations.get(), 0, 0) {}

  model::Scenario compile();

 private:
  template <typename M>
  void error(const Where& where, const char* field, int index, std::string message) {
    errors_.push_back(where.at(M::descriptor(), field, index, std::move(message)));
  }

  template <typename M>
  void probability(const Where& where, const char* field, double value, int index = -1) {
    if (value < 0 || value > 1) {
      error<M>(where, field, index, std::string(field) + " must be in [0,1], got " + number(value));
    }
  }

  template <typename M>
  model::SimTime duration(const Where& where, const char* field, const std::string& text,
                          model::SimTime fallback) {
    if (text.empty()) return fallback;
    try {
      return common::parse_duration(text).count();
    } catch (const std::exception& e) {
      error<M>(where, field, -1, std::string(field) + ": " + e.what());
      return fallback;
    }
  }

  template <typename M>
  model::SimTime time(const Where& where, const char* field, const std::string& text,
                      model::SimTime previous, int index = -1) {
    try {
      const model::SimTime at = parse_time(text, start_, previous);
      if (at < 0) error<M>(where, field, index, "\"" + text + "\" is before the scenario's start");
      return std::max<model::SimTime>(at, 0);
    } catch (const std::exception& e) {
      error<M>(where, field, index, e.what());
      return previous;
    }
  }

  int party_index(const std::string& id) const {
    for (std::size_t i = 0; i < scenario_.parties.size(); ++i) {
      if (scenario_.parties[i].id == id) return static_cast<int>(i);
    }
    return model::kNoParty;
  }

  std::string party_list() const {
    std::string names;
    for (const auto& party : scenario_.parties) names += (names.empty() ? "" : ", ") + party.id;
    return names;
  }

  template <typename M>
  int known_party(const Where& where, const char* field, const std::string& id) {
    const int index = party_index(id);
    if (index == model::kNoParty) {
      error<M>(where, field, -1, "unknown party \"" + id + "\"; the parties are " + party_list());
    }
    return index;
  }

  // The party `id` names, which must be another than `of`; with two parties an empty id is the
  // other one. kNoParty, with the error reported, if it names none.
  template <typename M>
  int counterpart(const Where& where, const char* field, const std::string& id, int of) {
    if (id.empty()) {
      if (scenario_.parties.size() == 2) return 1 - of;
      error<M>(where, field, -1,
               std::string("with more than two parties, say which: ") + field + ": one of " +
                   party_list());
      return model::kNoParty;
    }
    const int index = known_party<M>(where, field, id);
    if (index == of) {
      error<M>(where, field, -1, std::string(field) + " names the party itself (\"" + id + "\")");
      return model::kNoParty;
    }
    return index;
  }

  template <typename M>
  std::optional<model::Rung> known_rung(const Where& where, const char* field,
                                        const std::string& name, int index) {
    const auto rung = model::parse_rung(name);
    if (!rung || *rung == model::Rung::kNormal) {
      error<M>(where, field, index,
               "unknown rung \"" + name + "\"; expected " + std::string(kRungChoices));
      return std::nullopt;
    }
    return rung;
  }
  static constexpr const char* kRungChoices =
      "INQUIRY, DEMARCHE, NAME_AND_SHAME, SANCTIONS, CYBER_RETALIATION, MILITARY_POSTURE or "
      "ARMED_CONFLICT";

  void start();

  void parties();

  void doctrine(const spec::Doctrine& d, const Where& where, model::Doctrine& out);

  void perception(const spec::Perception& p, const Where& where, model::Perception& out);

  void hotlines();
  void hotline(const spec::Hotline& h, const Where& where, model::HotlineSpec& out);
  void stances(const spec::Party& p, const Where& where, int index);

  void circuit(const spec::Circuit& c, const Where& where, model::HotlineSpec& line);

  model::Window window(const spec::Window& in, const Where& where);

  void events();

  int incident(const spec::Incident& in, const Where& where, std::map<std::string, int>& ids);

  template <typename M>
  int known_incident(const Where& where, const char* field, const std::string& id,
                     const std::map<std::string, int>& ids) {
    const auto found = ids.find(id);
    if (found == ids.end()) {
      error<M>(where, field, -1,
               "unknown incident \"" + id + "\" (an incident is defined by an earlier event)");
      return -1;
    }
    return found->second;
  }

  int observation(const spec::Observation& in, const Where& where,
                  const std::map<std::string, int>& ids);

  int message(const spec::ScriptedMessage& in, const Where& where,
              const std::map<std::string, int>& ids);

  void working_group();

  void timing();

  void expectations();

 public:
  // "hotline=on vs hotline=off", each side a comma-free list of settings separated by spaces.
  static std::pair<std::vector<Setting>, std::vector<Setting>> parse_comparison(
      const std::string& text);

 private:
  const spec::Scenario& spec_;
  const ScenarioFile& file_;
  Where root_;
  StartTime start_;
  model::Scenario scenario_;
  model::SimTime last_event_ = 0;
  std::map<std::string, int> future_incidents_;  // id -> the index it will have
  std::vector<SourceError> errors_;
};

}  // namespace hotline::scenario::detail
