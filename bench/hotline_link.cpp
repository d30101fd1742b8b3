#include "bench/hotline_link.h"

#include <atomic>
#include <future>
#include <thread>

#include "node/node.h"

namespace hotline::bench {
namespace {

// Forwards the few events the benchmark needs to callbacks on the node's own thread.
class Hooks : public node::NodeObserver {
 public:
  std::function<void(const node::NodeEvent&)> on_delivered = [](const node::NodeEvent&) {};
  std::function<void(const node::NodeEvent&)> on_acked = [](const node::NodeEvent&) {};
  std::function<void()> on_link_up = [] {};
  void on_event(const node::NodeEvent& event) override {
    switch (event.kind) {
      case node::NodeEvent::Kind::kDelivered:
        on_delivered(event);
        break;
      case node::NodeEvent::Kind::kAcked:
        on_acked(event);
        break;
      case node::NodeEvent::Kind::kLinkUp:
        on_link_up();
        break;
      default:
        break;
    }
  }
};

// Two nodes on two threads, linked; tears both down on destruction.
class LinkedPair {
 public:
  explicit LinkedPair(const std::filesystem::path& certs) {
    node::NodeOptions listen;
    listen.party = "washington";
    listen.listen = {common::Endpoint{"127.0.0.1", 0}};
    listen.certs_dir = certs;
    washington = std::make_unique<node::Node>(washington_io, listen, washington_hooks);
    washington->start();
    node::NodeOptions dial;
    dial.party = "moscow";
    dial.connect = {common::Endpoint{"127.0.0.1", washington->listening_port()}};
    dial.certs_dir = certs;
    moscow = std::make_unique<node::Node>(moscow_io, dial, moscow_hooks);
    std::promise<void> up;
    moscow_hooks.on_link_up = [&up] { up.set_value(); };
    moscow->start();
    washington_thread = std::thread([this] { washington_io.run(); });
    moscow_thread = std::thread([this] { moscow_io.run(); });
    up.get_future().wait();
    moscow_hooks.on_link_up = [] {};
  }

  ~LinkedPair() {
    asio::post(washington_io, [this] { washington->stop("benchmark done"); });
    asio::post(moscow_io, [this] { moscow->stop("benchmark done"); });
    washington_thread.join();
    moscow_thread.join();
  }

  asio::io_context washington_io{1};
  asio::io_context moscow_io{1};
  Hooks washington_hooks;
  Hooks moscow_hooks;
  std::unique_ptr<node::Node> washington;
  std::unique_ptr<node::Node> moscow;
  std::thread washington_thread;
  std::thread moscow_thread;
};

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
double pipelined(const std::filesystem::path& certs, std::size_t bytes, int messages) {
  constexpr int kWindow = 16384;
  LinkedPair pair(certs);
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
  asio::post(pair.washington_io, refill);
  done.get_future().wait();
  return messages / (micros_since(start) / 1e6);
}

}  // namespace

LinkResult measure_hotline(const std::filesystem::path& certs, std::size_t message_bytes,
                           int round_trips, int pipelined_messages) {
  return {ping_pong(certs, message_bytes, round_trips),
          pipelined(certs, message_bytes, pipelined_messages)};
}

}  // namespace hotline::bench
