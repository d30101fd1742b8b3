// libFuzzer target: a scenario file as a user may write it. Reading and checking it must end in
// a compiled scenario or in TextProtoError with each problem's file:line:column; nothing may
// crash. A scenario that compiles and is small enough is also run, so that whatever the checks
// let through is something the model can play.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/text_proto.h"
#include "model/simulation.h"
#include "scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto file = hotline::scenario::parse_scenario_text(text, "fuzz.textproto");
    const auto scenario = hotline::scenario::compile_scenario(file.spec, file);
    // Runs of at most 60 days with few events stay fast enough to fuzz.
    if (scenario.duration <= 60 * hotline::model::kDay && scenario.timeline.size() <= 50 &&
        scenario.review_every >= hotline::model::kHour) {
      hotline::model::simulate(scenario, 1);
    }
  } catch (const hotline::common::TextProtoError&) {
    // Refused with its problems listed.
  }
  return 0;
}
