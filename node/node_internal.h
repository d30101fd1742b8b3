#pragma once
// What the files of Node (node.cpp, node_sending.cpp, node_delivery.cpp, node_circuits.cpp)
// share and nothing else needs.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace hotline::node::internal {

// Envelope fields around a payload: a payload within max_frame minus this always fits a frame.
inline constexpr std::size_t kEnvelopeOverhead = 128;
// A Message's fields besides its text, with the text's tag and length: at most 2 for the
// payload's tag, 3 for its length, 2 for the priority, 1 + 3 for the text's tag and length.
inline constexpr std::size_t kMessageOverhead = 11;
// Bytes a circuit may hold in its write queue before the outbox stops handing it more.
inline constexpr std::size_t kLinkHighWater = 256 * 1024;
// While more of the peer's frames already wait in the socket, a node may hold back this many
// acks in a row: the next frames' deliveries would need another at once, and on a busy link
// an ack per TLS record cost the receiver a fifth of its CPU (a write and a wakeup each).
inline constexpr int kMostAcksDeferred = 3;
// Reading slower than this, a peer is taken for one that does not read at all.
inline constexpr std::size_t kSlowestReaderBytesPerSecond = 64 * 1024;
// The most a batch frame carries: within one TLS record, so the receiver can take it as soon as
// that record is in.
inline constexpr std::size_t kBatchBytes = 16000;
// Where a delivery announced at start, from the journal, came from.
inline const std::string kRecoveredCircuit = "journal";

// A random non-zero number (epochs, backoff seeds). Throws if OpenSSL's generator fails.
std::uint64_t random_u64();

}  // namespace hotline::node::internal
