#pragma once
// The baseline: the same 4-byte framing over a plain Asio + OpenSSL TLS 1.3 socket pair, with
// nothing on top (no protobuf, no sequence numbers, no events).

#include <filesystem>

#include "bench/bench_result.h"

namespace hotline::bench {

LinkResult measure_bare_tls(const std::filesystem::path& certs, std::size_t message_bytes,
                            int round_trips, int pipelined_messages);

}  // namespace hotline::bench
