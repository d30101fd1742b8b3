#pragma once
#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <ctime>
#include <vector>

namespace hotline::bench {

struct LatencySummary {
  double p50_us = 0;
  double p99_us = 0;
  double mean_us = 0;
};

inline LatencySummary summarize(std::vector<double> samples_us) {
  LatencySummary summary;
  if (samples_us.empty()) return summary;
  std::sort(samples_us.begin(), samples_us.end());
  const auto at = [&](double q) {
    return samples_us[std::min(
        samples_us.size() - 1,
        static_cast<std::size_t>(q * static_cast<double>(samples_us.size())))];
  };
  summary.p50_us = at(0.50);
  summary.p99_us = at(0.99);
  double total = 0;
  for (double s : samples_us) total += s;
  summary.mean_us = total / static_cast<double>(samples_us.size());
  return summary;
}

// A pipelined acknowledged stream: how fast, and how much CPU (both ends, this process) each
// message cost. The CPU figure moves far less than the rate on a shared, noisy machine.
struct Pipelined {
  double per_second = 0;
  double cpu_ns_per_message = 0;
  // Record bytes both nodes' journals wrote per message; 0 without journals.
  double journal_bytes_per_message = 0;
  // The whole machine's busy CPU per message (every core, the kernel's writeback and interrupts
  // included, which the process's own figure misses); meaningful on an otherwise idle machine.
  double machine_cpu_ns_per_message = 0;
  double fsyncs_per_second = 0;  // both journals together
};

// What each link under test must offer: a round trip and a pipelined acknowledged stream.
struct LinkResult {
  LatencySummary ping_pong;
  Pipelined pipelined;
};

inline double process_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Seconds every core of the machine has been busy, from /proc/stat (in clock ticks).
inline double machine_busy_seconds() {
  std::FILE* stat = std::fopen("/proc/stat", "r");
  if (stat == nullptr) return 0;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  const int read = std::fscanf(stat, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
                               &system, &idle, &iowait, &irq, &softirq, &steal);
  std::fclose(stat);
  if (read != 8) return 0;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

inline double micros_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace hotline::bench
