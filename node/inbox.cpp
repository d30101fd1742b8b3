#include "node/inbox.h"

#include <algorithm>

#include "node/protocol.h"

namespace hotline::node {

Inbox::Inbox(std::size_t max_held, std::size_t max_epochs, std::size_t max_held_bytes)
    : max_held_(max_held), max_epochs_(max_epochs), max_held_bytes_(max_held_bytes) {}

void Inbox::forget(Held& held, Held::iterator at) {
  held_bytes_ -= at->second.ByteSizeLong();
  held.erase(at);
}

void Inbox::drop_held() {
  held_.clear();
  held_order_.clear();
  held_bytes_ = 0;
}

Inbox::Held& Inbox::held_for(std::uint64_t epoch) {
  const auto found = held_.find(epoch);
  if (found != held_.end()) return found->second;
  if (held_order_.size() == max_epochs_) {
    Held& oldest = held_[held_order_.front()];
    while (!oldest.empty()) forget(oldest, oldest.begin());
    held_.erase(held_order_.front());
    held_order_.pop_front();
  }
  held_order_.push_back(epoch);
  return held_[epoch];
}

Inbox::Arrival Inbox::accept(const wire::Envelope& envelope) {
  const std::uint64_t epoch = envelope.epoch();
  std::uint64_t& delivered = delivered_[epoch];
  const std::uint64_t seq = envelope.seq();
  if (seq <= delivered) return Arrival::kDuplicate;
  if (seq != delivered + 1) {
    Held& held = held_for(epoch);
    if (held.count(seq) != 0) return Arrival::kDuplicate;
    if (held.size() >= max_held_) {
      throw ProtocolViolation("more than " + std::to_string(max_held_) +
                              " messages arrived ahead of a gap");
    }
    const std::size_t bytes = envelope.ByteSizeLong();
    if (held_bytes_ + bytes > max_held_bytes_) {
      throw ProtocolViolation("more than " + std::to_string(max_held_bytes_) +
                              " bytes of messages arrived ahead of a gap");
    }
    held.emplace(seq, envelope);
    held_bytes_ += bytes;
    return Arrival::kHeld;
  }
  delivered = seq;
  return Arrival::kDeliverable;
}

std::optional<wire::Envelope> Inbox::next_unblocked(std::uint64_t epoch) {
  const auto found = held_.find(epoch);
  if (found == held_.end()) return std::nullopt;
  Held& held = found->second;
  std::uint64_t& delivered = delivered_[epoch];
  // What the watermark passed meanwhile (restored from the journal, say) is gone.
  while (!held.empty() && held.begin()->first <= delivered) forget(held, held.begin());
  const auto next = held.find(delivered + 1);
  if (next == held.end()) return std::nullopt;
  held_bytes_ -= next->second.ByteSizeLong();
  std::optional<wire::Envelope> unblocked(std::move(next->second));
  held.erase(next);
  ++delivered;
  return unblocked;
}

void Inbox::restore(std::uint64_t epoch, std::uint64_t seq) {
  std::uint64_t& delivered = delivered_[epoch];
  delivered = std::max(delivered, seq);
}

std::uint64_t Inbox::delivered(std::uint64_t epoch) const {
  const auto found = delivered_.find(epoch);
  return found == delivered_.end() ? 0 : found->second;
}

}  // namespace hotline::node
