#pragma once
// Two linked Nodes for benchmarks and in-process tests, each on its own thread and io_context
// as if in two processes, over mutual TLS on 127.0.0.1.

#include <functional>
#include <future>
#include <memory>
#include <thread>

#include "node/node.h"

namespace hotline::bench {

// Forwards the few events the benchmark needs to callbacks on the node's own thread.
class Hooks : public node::NodeObserver {
 public:
  std::function<void(const node::NodeEvent&)> on_delivered = [](const node::NodeEvent&) {};
  std::function<void(const node::NodeEvent&)> on_acked = [](const node::NodeEvent&) {};
  std::function<void()> on_link_up = [] {};
  // Every event, before the callbacks above (set it on the node's own thread).
  std::function<void(const node::NodeEvent&)> on_any = [](const node::NodeEvent&) {};
  void on_event(const node::NodeEvent& event) override {
    on_any(event);
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
  // `tune` adjusts each side's options (journal, fsync) before the nodes are made. With
  // `backup`, the two are linked by a primary and a backup circuit, as deployed.
  explicit LinkedPair(const std::filesystem::path& certs,
                      const std::function<void(node::NodeOptions&)>& tune = {},
                      bool backup = false) {
    node::NodeOptions listen;
    listen.party = "washington";
    listen.listen = {common::Endpoint{"127.0.0.1", 0}};
    if (backup) listen.listen.push_back(common::Endpoint{"127.0.0.1", 0});
    listen.certs_dir = certs;
    if (tune) tune(listen);
    washington = std::make_unique<node::Node>(washington_io, listen, washington_hooks);
    washington->start();
    node::NodeOptions dial;
    dial.party = "moscow";
    dial.connect = {common::Endpoint{"127.0.0.1", washington->listening_port()}};
    if (backup)
      dial.connect.push_back(common::Endpoint{"127.0.0.1", washington->listening_port(1)});
    dial.certs_dir = certs;
    if (tune) tune(dial);
    moscow = std::make_unique<node::Node>(moscow_io, dial, moscow_hooks);
    std::promise<void> up;
    // Up once every circuit is, so that none comes up during a measurement.
    int circuits_down = backup ? 2 : 1;
    moscow_hooks.on_link_up = [&up, &circuits_down] {
      if (--circuits_down == 0) up.set_value();
    };
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

}  // namespace hotline::bench
