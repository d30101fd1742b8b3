#pragma once
// `hotline run`: a case replayed through two real node processes over mutual TLS. The referee
// (this process) is the scenario's world, on the same code as `hotline sim`; each party's mind
// runs inside its own node, and every exchange between them crosses the real link.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "model/record.h"
#include "scenario/settings.h"

namespace hotline::runner {

struct LiveRunOptions {
  std::string scenario;  // a path or a case name
  std::vector<scenario::Setting> settings;
  std::uint64_t seed = 1;
  // Model seconds per wall second; 0 chooses one that plays the whole case in about 15 s.
  double speed = 0;
  std::filesystem::path certs;  // empty: throwaway certificates
  bool json = false;
  // How long the referee waits for a node to answer (a message may be crossing a broken link).
  std::chrono::milliseconds reply_timeout = std::chrono::seconds(60);
  // Start a node that died mid-case again on its journal and carry on (up to 3 times each);
  // otherwise stop the run and say which node died.
  bool restart_nodes = true;
  // A party played by a person typing on standard input (empty: none); see human_mind.h.
  std::string human;
  // With `human`: show the whole run (both minds, the ground truth), not only that party's view.
  bool reveal = false;
  // With `human`: how long the clock waits for the person to answer a question or heed a
  // warning before the model decides for them.
  std::chrono::milliseconds decision_time = std::chrono::minutes(2);
  // Every record shown is also passed here (the after-action report's collector), if set.
  model::RecordSink* copy = nullptr;
};

// Prints the transcript and the outcome summary to `out`; returns 0, or 1 with the reason on
// `errors` if a node failed.
int run_live(const LiveRunOptions& options, std::ostream& out, std::ostream& errors);

}  // namespace hotline::runner
