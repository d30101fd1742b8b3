#pragma once
// Ctrl-C (SIGINT) or SIGTERM during a run: noted by a signal handler, acted on by the run at its
// next step, so that it can stop its node processes cleanly instead of dying around them.

#include <csignal>

namespace hotline::runner {

class Interruption {
 public:
  // Installs the handlers; the destructor puts the previous ones back.
  Interruption();
  ~Interruption();
  Interruption(const Interruption&) = delete;
  Interruption& operator=(const Interruption&) = delete;

  // The signal that interrupted the run, or 0.
  static int signal();

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace hotline::runner
