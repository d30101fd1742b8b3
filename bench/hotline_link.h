#pragma once
// The hotline link itself: two Nodes, each on its own thread and io_context as if in two
// processes, talking over mutual TLS on 127.0.0.1.

#include <filesystem>

#include <functional>

#include "bench/bench_result.h"
#include "node/node_options.h"

namespace hotline::bench {

LinkResult measure_hotline(const std::filesystem::path& certs, std::size_t message_bytes,
                           int round_trips, int pipelined_messages);

// Round trips: washington sends, moscow answers from its delivery callback (the answer carries
// the ack), washington's delivery of the answer ends the round.
LatencySummary ping_pong(const std::filesystem::path& certs, std::size_t bytes, int rounds);

// Messages per second, acknowledged, with up to 16,384 in flight; `tune` adjusts both nodes'
// options (a journal, say); `backup` links them by a backup circuit as well as the primary.
Pipelined pipelined_throughput(const std::filesystem::path& certs, std::size_t bytes, int messages,
                               const std::function<void(node::NodeOptions&)>& tune = {},
                               bool backup = false);

}  // namespace hotline::bench
