#include "bench/hotline_link.h"

#include <atomic>
#include <future>
#include <thread>

#include "bench/linked_pair.h"

namespace hotline::bench {

LatencySummary ping_pong(const std::filesystem::path& certs, std::size_t bytes, int rounds) {
  LinkedPair pair(certs);
  const std::string text(bytes, 'x');
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(rounds));
  std::promise<void> done;
  auto start = std::chrono::steady_clock::now();
  // Moscow answers each message from inside the delivery callback, so the reply carries the ack.
  pair.moscow_hooks.on_delivered = [&](const node::NodeEvent&) { pair.moscow->send_text(text); };
  pair.washington_hooks.on_delivered = [&](const node::NodeEvent&) {
    samples.push_back(micros_since(start));
    if (static_cast<int>(samples.size()) == rounds) {
      done.set_value();
      return;
    }
    start = std::chrono::steady_clock::now();
    pair.washington->send_text(text);
  };
  asio::post(pair.washington_io, [&] {
    start = std::chrono::steady_clock::now();
    pair.washington->send_text(text);
  });
  done.get_future().wait();
  return summarize(std::move(samples));
}

// The sender keeps up to kWindow messages unacknowledged, refilling as acknowledgements
// arrive, as an application streaming through the link would.
Pipelined pipelined_throughput(const std::filesystem::path& certs, std::size_t bytes, int messages,
                               const std::function<void(node::NodeOptions&)>& tune, bool backup) {
  constexpr int kWindow = 16384;
  LinkedPair pair(certs, tune, backup);
  const std::string text(bytes, 'x');
  std::promise<void> done;
  int acknowledged = 0;
  int queued = 0;
  const auto refill = [&] {
    while (queued < messages && queued - acknowledged < kWindow) {
      pair.washington->send_text(text);
      ++queued;
    }
  };
  pair.washington_hooks.on_acked = [&](const node::NodeEvent&) {
    if (++acknowledged == messages) done.set_value();
    if (acknowledged % 1024 == 0) refill();
  };
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  const double machine_start = machine_busy_seconds();
  asio::post(pair.washington_io, refill);
  done.get_future().wait();
  const double seconds = micros_since(start) / 1e6;
  const double cpu_ns = (process_cpu_seconds() - cpu_start) * 1e9 / messages;
  const double machine_ns = (machine_busy_seconds() - machine_start) * 1e9 / messages;
  double journal_bytes = 0;
  double fsyncs = 0;
  for (const auto* node : {pair.washington.get(), pair.moscow.get()}) {
    if (node->journal() == nullptr) continue;
    journal_bytes += node->journal()->appended_bytes();
    fsyncs += static_cast<double>(node->journal()->fsync_count());
  }
  return {messages / seconds, cpu_ns, journal_bytes / messages, machine_ns, fsyncs / seconds};
}

LinkResult measure_hotline(const std::filesystem::path& certs, std::size_t message_bytes,
                           int round_trips, int pipelined_messages) {
  return {ping_pong(certs, message_bytes, round_trips),
          pipelined_throughput(certs, message_bytes, pipelined_messages)};
}

}  // namespace hotline::bench
