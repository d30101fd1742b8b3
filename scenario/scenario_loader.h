#pragma once
// Reading a scenario file: the schema check by protobuf's text parser, then every check beyond
// the schema (unknown parties, probabilities outside [0,1], events out of order, references to
// undefined incidents, unreadable times), all reported as file:line:column: message.

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/text_proto.h"
#include "model/scenario.h"
#include "proto/scenario.pb.h"
#include "scenario/scenario_time.h"
#include "scenario/settings.h"

namespace hotline::scenario {

struct ScenarioFile {
  std::string path;
  spec::Scenario spec;
  // Where each field was written, for errors found after parsing.
  std::shared_ptr<google::protobuf::TextFormat::ParseInfoTree> locations;
};

// Where case names are looked up, in order: $HOTLINE_SCENARIOS, ./scenarios, then beside the
// program: PREFIX/share/hotline/scenarios for an installed PREFIX/bin/hotline, or the build
// tree's share/hotline/scenarios.
std::vector<std::filesystem::path> case_folders();

// A scenario named on the command line: a path, or a case name ("estonia-2007") looked up as
// NAME.textproto in case_folders().
std::filesystem::path resolve_scenario_path(const std::string& name_or_path);

// Throws common::TextProtoError with every problem found.
ScenarioFile read_scenario_file(const std::filesystem::path& path);
ScenarioFile parse_scenario_text(const std::string& text, const std::string& name);

// Checks `spec` and builds the model's form. `file` gives error locations; settings applied
// after reading have no location of their own and are reported against the field they changed
// where it was written, else against the file. Throws common::TextProtoError.
model::Scenario compile_scenario(const spec::Scenario& spec, const ScenarioFile& file);

// Read, apply settings, check, compile.
model::Scenario load_scenario(const ScenarioFile& file, const std::vector<Setting>& settings = {});

StartTime start_of(const model::Scenario& scenario);

// "hotline=on vs hotline=off": the settings of each side of an expectation's comparison.
std::pair<std::vector<Setting>, std::vector<Setting>> parse_comparison(const std::string& text);

}  // namespace hotline::scenario
