// libFuzzer target: a scenario file as a user may write it. Reading and checking it must end in
// a compiled scenario or in TextProtoError with each problem's file:line:column; nothing may
// crash; settings (see settings_of) end in a scenario or std::invalid_argument. A scenario that
// compiles and is small enough is also run, so that whatever the checks let through is
// something the model can play.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "common/text_proto.h"
#include "model/simulation.h"
#include "scenario/scenario_loader.h"
#include "scenario/settings.h"

// A first line "#set key=value key=value ..." (a comment to the scenario's reader) holds
// settings, applied as `--set` applies them before the scenario is compiled.
std::vector<hotline::scenario::Setting> settings_of(const std::string& text) {
  std::vector<hotline::scenario::Setting> settings;
  if (text.rfind("#set ", 0) != 0) return settings;
  std::istringstream line(text.substr(5, text.find('\n') - 5));
  std::string word;
  while (line >> word) settings.push_back(hotline::scenario::parse_setting(word));
  return settings;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto file = hotline::scenario::parse_scenario_text(text, "fuzz.textproto");
    hotline::scenario::apply_settings(file.spec, settings_of(text));
    const auto scenario = hotline::scenario::compile_scenario(file.spec, file);
    // Runs of at most 60 days with few events stay fast enough to fuzz.
    if (scenario.duration <= 60 * hotline::model::kDay && scenario.timeline.size() <= 50 &&
        scenario.review_every >= hotline::model::kHour) {
      hotline::model::simulate(scenario, 1);
    }
  } catch (const hotline::common::TextProtoError&) {
    // Refused with its problems listed.
  } catch (const std::invalid_argument&) {
    // A setting refused, naming the path segment or value that does not fit.
  }
  return 0;
}
