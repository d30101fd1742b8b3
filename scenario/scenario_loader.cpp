#include "scenario/scenario_loader.h"

#include <cstdlib>
#include <set>
#include <stdexcept>

#include "scenario/scenario_compiler.h"

namespace hotline::scenario {

using detail::Compiler;
using google::protobuf::TextFormat;

std::vector<std::filesystem::path> case_folders() {
  namespace fs = std::filesystem;
  std::vector<fs::path> folders;
  if (const char* env = std::getenv("HOTLINE_SCENARIOS")) folders.emplace_back(env);
  folders.emplace_back("scenarios");
  // Beside the program: PREFIX/share/hotline/scenarios for PREFIX/bin/hotline as installed, and
  // the build tree's share/hotline/scenarios (a link to the source's library) for build/hotline
  // and the test programs one folder below it.
  std::error_code error;
  const fs::path program_folder = fs::read_symlink("/proc/self/exe", error).parent_path();
  if (error) return folders;
  for (const fs::path& share : {program_folder / "share", program_folder.parent_path() / "share"}) {
    const fs::path candidate = share / "hotline" / "scenarios";
    if (fs::is_directory(candidate, error)) {
      folders.push_back(candidate);
      break;
    }
  }
  return folders;
}

std::filesystem::path resolve_scenario_path(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  if (fs::exists(name_or_path)) return name_or_path;
  const std::vector<fs::path> folders = case_folders();
  for (const auto& folder : folders) {
    const fs::path candidate = folder / (name_or_path + ".textproto");
    if (fs::exists(candidate)) return candidate;
  }
  // A path that does not exist: reading it reports that it cannot be opened.
  if (name_or_path.find('/') != std::string::npos || fs::path(name_or_path).has_extension())
    return name_or_path;
  // A case name that is nowhere: say where it looked and what there is.
  std::string looked;
  std::set<std::string> cases;
  for (const auto& folder : folders) {
    looked += (looked.empty() ? "" : ", ") + folder.string();
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      if (entry.path().extension() == ".textproto") cases.insert(entry.path().stem().string());
    }
  }
  std::string known;
  for (const auto& name : cases) known += (known.empty() ? "" : ", ") + name;
  throw std::invalid_argument("no case named \"" + name_or_path + "\" (looked for " + name_or_path +
                              ".textproto in " + looked +
                              "); the cases are: " + (known.empty() ? "none found" : known));
}

ScenarioFile parse_scenario_text(const std::string& text, const std::string& name) {
  ScenarioFile file;
  file.path = name;
  file.locations = std::make_shared<TextFormat::ParseInfoTree>();
  common::parse_text_proto(text, name, file.spec, file.locations.get());
  return file;
}

ScenarioFile read_scenario_file(const std::filesystem::path& path) {
  ScenarioFile file;
  file.path = path.string();
  file.locations = std::make_shared<TextFormat::ParseInfoTree>();
  common::parse_text_proto_file(path, file.spec, file.locations.get());
  return file;
}

model::Scenario compile_scenario(const spec::Scenario& spec, const ScenarioFile& file) {
  return Compiler(spec, file).compile();
}

model::Scenario load_scenario(const ScenarioFile& file, const std::vector<Setting>& settings) {
  if (settings.empty()) return compile_scenario(file.spec, file);
  spec::Scenario changed = file.spec;
  apply_settings(changed, settings);
  return compile_scenario(changed, file);
}

std::pair<std::vector<Setting>, std::vector<Setting>> parse_comparison(const std::string& text) {
  return Compiler::parse_comparison(text);
}

StartTime start_of(const model::Scenario& scenario) {
  return {scenario.start_unix_seconds, scenario.start_utc_offset_minutes};
}

}  // namespace hotline::scenario
