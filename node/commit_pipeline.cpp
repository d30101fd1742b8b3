#include "node/commit_pipeline.h"

#include <stdexcept>

namespace hotline::node {

void CommitPipeline::commit(Ticket ticket, std::uint64_t last_seq) {
  if (!written_.empty() && ticket < written_.back().ticket) {
    throw std::logic_error("a commit's ticket went back");
  }
  open_.ticket = ticket;
  open_.last_seq = last_seq;
  written_.push_back(std::move(open_));
  open_ = Batch{};
  if (!spare_lists_.empty()) {
    open_.deliveries = std::move(spare_lists_.back());
    spare_lists_.pop_back();
  }
}

void CommitPipeline::recycle(DeliveryList&& list) {
  list.clear();
  spare_lists_.push_back(std::move(list));
}

}  // namespace hotline::node
