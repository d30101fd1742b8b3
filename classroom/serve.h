#pragma once
// `hotline serve`: a case played as a classroom exercise. Its nodes and referee are `hotline
// run`'s (runner::LiveExercise); the seats are browsers (Classroom).

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "scenario/settings.h"

namespace hotline::classroom {

struct ServeOptions {
  std::string scenario;  // a path or a case name
  std::vector<scenario::Setting> settings;
  std::uint64_t seed = 1;
  double speed = 0;  // model seconds per wall second; 0: the whole case in about ten minutes
  std::chrono::milliseconds decision_time = std::chrono::minutes(2);
  std::string listen = "127.0.0.1:8080";
  // The host (and port) the join links name, where it differs from --listen's (0.0.0.0).
  std::string link_host;
  std::string certs;  // the exercise's certificates (empty: throwaway ones)
  // Serve HTTPS and WSS with a certificate made for the exercise (common::make_web_credentials)
  // for the link host, the listening address, localhost and 127.0.0.1.
  bool tls = false;
  std::string tls_ca_out;  // with `tls`: write its CA certificate here, to install in browsers
  bool json = false;       // say what it does as JSON lines (for programs driving it)
  std::string command;     // how the exercise was made, for its report
};

// Serves until the instructor closes the classroom or Ctrl-C; returns the exit status.
int serve(const ServeOptions& options, std::ostream& out, std::ostream& errors);

}  // namespace hotline::classroom
