#pragma once
// The hotline link itself: two Nodes, each on its own thread and io_context as if in two
// processes, talking over mutual TLS on 127.0.0.1.

#include <filesystem>

#include "bench/bench_result.h"

namespace hotline::bench {

LinkResult measure_hotline(const std::filesystem::path& certs, std::size_t message_bytes,
                           int round_trips, int pipelined_messages);

}  // namespace hotline::bench
