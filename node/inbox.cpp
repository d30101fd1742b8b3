#include "node/inbox.h"

#include <algorithm>

#include "node/protocol.h"

namespace hotline::node {

Inbox::Inbox(std::size_t max_held, std::size_t max_epochs)
    : max_held_(max_held), max_epochs_(max_epochs) {}

Inbox::Stream& Inbox::stream_for(std::uint64_t epoch) {
  auto found = streams_.find(epoch);
  if (found != streams_.end()) return found->second;
  if (epoch_order_.size() == max_epochs_) {
    streams_.erase(epoch_order_.front());
    epoch_order_.pop_front();
  }
  epoch_order_.push_back(epoch);
  return streams_[epoch];
}

Inbox::Arrival Inbox::accept(const wire::Envelope& envelope) {
  Stream& stream = stream_for(envelope.epoch());
  const std::uint64_t seq = envelope.seq();
  if (seq <= stream.delivered || stream.held.count(seq) != 0) return Arrival::kDuplicate;
  if (seq != stream.delivered + 1) {
    if (stream.held.size() >= max_held_) {
      throw ProtocolViolation("more than " + std::to_string(max_held_) +
                              " messages arrived ahead of a gap");
    }
    stream.held.emplace(seq, envelope);
    return Arrival::kHeld;
  }
  stream.delivered = seq;
  return Arrival::kDeliverable;
}

std::optional<wire::Envelope> Inbox::next_unblocked(std::uint64_t epoch) {
  const auto found_stream = streams_.find(epoch);
  if (found_stream == streams_.end()) return std::nullopt;
  Stream& stream = found_stream->second;
  const auto next = stream.held.find(stream.delivered + 1);
  if (next == stream.held.end()) return std::nullopt;
  std::optional<wire::Envelope> unblocked(std::move(next->second));
  stream.held.erase(next);
  ++stream.delivered;
  return unblocked;
}

void Inbox::restore(std::uint64_t epoch, std::uint64_t seq) {
  Stream& stream = stream_for(epoch);
  stream.delivered = std::max(stream.delivered, seq);
}

std::uint64_t Inbox::delivered(std::uint64_t epoch) const {
  const auto found = streams_.find(epoch);
  return found == streams_.end() ? 0 : found->second.delivered;
}

}  // namespace hotline::node
