#pragma once
// `--set key=value` and `--vary key=a,b`: changing one field of a scenario from the command line
// or an expectation, by the field's path in proto/scenario.proto:
//   hotline=off                       hotline.enabled (a part stands for its first field)
//   channel.primary.loss=0.2          loss.p of the hotline circuit named "primary"
//   party.moscow.doctrine.answer=DENY the party whose id is "moscow"
//   working_group.evasion_gain=0.3
// A repeated field's element is chosen by its name or id (or its index).

#include <string>
#include <string_view>
#include <vector>

#include "proto/scenario.pb.h"

namespace hotline::scenario {

struct Setting {
  std::string key;
  std::string value;
  std::string text() const { return key + "=" + value; }
};

// Throws std::invalid_argument if `text` is not key=value.
Setting parse_setting(std::string_view text);
// A number as a setting's value: as short as it can be without losing what a person typed.
std::string setting_value(double value);
// Throws std::invalid_argument naming the path segment or value that does not fit.
void apply_setting(spec::Scenario& scenario, const Setting& setting);
void apply_settings(spec::Scenario& scenario, const std::vector<Setting>& settings);

// "hotline=on,off" -> one Setting per value.
std::vector<Setting> parse_variation(std::string_view text);

}  // namespace hotline::scenario
