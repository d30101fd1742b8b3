// hotline link benchmark: ping-pong round trips and pipelined acknowledged messages, for the
// hotline protocol and for bare TLS framing in the same run, with the ratios.
//
//   build/link_bench [--round-trips N] [--messages N]
//   build/link_bench --profile-hotline [--messages N]   (only the hotline's pipelined stream, to
//                                                        run under perf)
//   build/link_bench --profile-round-trips [--round-trips N]   (only the hotline's round trips,
//                                                               for perf or strace)

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/bare_tls_link.h"
#include "bench/hotline_link.h"
#include "common/certificates.h"

namespace {

std::filesystem::path make_certs() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hotline-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::exit(1);
  hotline::common::write_exercise_pki(pattern, {});
  return pattern;
}

}  // namespace

int main(int argc, char** argv) {
  int round_trips = 20000;
  // A million: at a few million messages a second, fewer make a run too short to be steady.
  int messages = 1000000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--round-trips") == 0) round_trips = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--messages") == 0) messages = std::atoi(argv[i + 1]);
  }
  const auto certs = make_certs();
  if (argc > 1 && std::strcmp(argv[1], "--profile-hotline") == 0) {
    const auto result = hotline::bench::pipelined_throughput(certs, 64, messages);
    std::printf("hotline, 64 B pipelined: %.0f acked msg/s, %.0f CPU ns/msg\n", result.per_second,
                result.cpu_ns_per_message);
    std::filesystem::remove_all(certs);
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--profile-round-trips") == 0) {
    const auto result = hotline::bench::ping_pong(certs, 64, round_trips);
    std::printf("hotline, 64 B round trips: p50 %.1f us, p99 %.1f us\n", result.p50_us,
                result.p99_us);
    std::filesystem::remove_all(certs);
    return 0;
  }
  std::printf("hotline link benchmark: %d round trips, %d pipelined messages per size\n",
              round_trips, messages);
  std::printf("%-6s %-8s %10s %10s %12s %12s\n", "size", "link", "p50 us", "p99 us", "acked msg/s",
              "CPU ns/msg");
  // 125 bytes is the size of the reference figures in the issue (bare TLS: about 1.9 M acked
  // messages/s; gRPC with mutual TLS: about 46 k/s on this kind of machine).
  for (const std::size_t size : {std::size_t{64}, std::size_t{125}, std::size_t{1024}}) {
    const auto bare = hotline::bench::measure_bare_tls(certs, size, round_trips, messages);
    const auto ours = hotline::bench::measure_hotline(certs, size, round_trips, messages);
    for (const auto& [name, result] : {std::pair{"bare", bare}, std::pair{"hotline", ours}}) {
      std::printf("%-6zu %-8s %10.1f %10.1f %12.0f %12.0f\n", size, name, result.ping_pong.p50_us,
                  result.ping_pong.p99_us, result.pipelined.per_second,
                  result.pipelined.cpu_ns_per_message);
    }
    std::printf("%-6zu %-8s %10.2fx %9.2fx %11.2fx %11.2fx   (targets: <=1.2x, <=1.5x, >=0.5x)\n",
                size, "ratio", ours.ping_pong.p50_us / bare.ping_pong.p50_us,
                ours.ping_pong.p99_us / bare.ping_pong.p99_us,
                ours.pipelined.per_second / bare.pipelined.per_second,
                ours.pipelined.cpu_ns_per_message / bare.pipelined.cpu_ns_per_message);
  }
  std::filesystem::remove_all(certs);
  return 0;
}
