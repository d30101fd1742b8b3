#pragma once
// Deliveries waiting for the fsync that makes them durable, with the circuit each came on.
// A busy receiver keeps thousands of them in flight; the list keeps its envelopes once they are
// announced and copies the next deliveries into them, reusing the memory of their parts, rather
// than allocating and freeing every part of every message (a fifth of a journalled node's time
// went to that).

#include <cstddef>
#include <string>
#include <vector>

#include "proto/hotline.pb.h"

namespace hotline::node {

struct Delivery {
  wire::Envelope envelope;
  const std::string* circuit = nullptr;  // the circuit's name, which outlives the delivery
};

class DeliveryList {
 public:
  // A copy of `envelope`, from `circuit`, at the end of the list.
  void add(const wire::Envelope& envelope, const std::string& circuit) {
    next(circuit).envelope = envelope;
  }
  // `envelope` itself, from `circuit`, at the end of the list: its contents are swapped with an
  // envelope the list kept, which `envelope` holds afterwards. (A copy into a kept envelope
  // frees its Message and allocates another: a fifth of a journalled receiver's time.)
  void take(wire::Envelope& envelope, const std::string& circuit) {
    next(circuit).envelope.Swap(&envelope);
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Delivery* begin() const { return items_.data(); }
  const Delivery* end() const { return items_.data() + size_; }
  // Empties the list, keeping its envelopes for the next deliveries.
  void clear() { size_ = 0; }

 private:
  Delivery& next(const std::string& circuit) {
    if (size_ == items_.size()) items_.emplace_back();
    Delivery& delivery = items_[size_++];
    delivery.circuit = &circuit;
    return delivery;
  }

  std::vector<Delivery> items_;
  std::size_t size_ = 0;
};

}  // namespace hotline::node
