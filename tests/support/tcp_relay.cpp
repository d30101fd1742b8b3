#include "tests/support/tcp_relay.h"

#include <future>

namespace hotline::testing {

using asio::ip::tcp;

struct TcpRelay::Link : std::enable_shared_from_this<Link> {
  Link(tcp::socket from, asio::io_context& io, std::shared_ptr<bool> stalled)
      : a(std::move(from)), b(io), stalled(std::move(stalled)) {}
  tcp::socket a;
  tcp::socket b;
  std::array<char, 16384> a_to_b{};
  std::array<char, 16384> b_to_a{};
  std::shared_ptr<bool> stalled;

  void close() {
    asio::error_code ignored;
    a.close(ignored);
    b.close(ignored);
  }

  void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer) {
    from.async_read_some(asio::buffer(buffer), [self = shared_from_this(), &from, &to, &buffer](
                                                   const asio::error_code& error, std::size_t n) {
      if (error) return self->close();
      if (*self->stalled) return self->pump(from, to, buffer);
      asio::async_write(to, asio::buffer(buffer.data(), n),
                        [self, &from, &to, &buffer](const asio::error_code& error, std::size_t) {
                          if (error) return self->close();
                          self->pump(from, to, buffer);
                        });
    });
  }
};

TcpRelay::TcpRelay(std::uint16_t target_port)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      target_port_(target_port) {
  port_ = acceptor_.local_endpoint().port();
  accept_next();
  thread_ = std::thread([this] { io_.run(); });
}

TcpRelay::~TcpRelay() {
  asio::post(io_, [this] {
    acceptor_.close();
    for (const auto& link : links_) link->close();
    links_.clear();
  });
  thread_.join();
}

void TcpRelay::accept_next() {
  acceptor_.async_accept([this](const asio::error_code& error, tcp::socket socket) {
    if (error) return;
    if (cut_) {
      socket.close();
    } else {
      auto link = std::make_shared<Link>(std::move(socket), io_, stalled_);
      links_.insert(link);
      link->b.async_connect({asio::ip::make_address("127.0.0.1"), target_port_},
                            [link](const asio::error_code& error) {
                              if (error) return link->close();
                              link->a.set_option(tcp::no_delay(true));
                              link->b.set_option(tcp::no_delay(true));
                              link->pump(link->a, link->b, link->a_to_b);
                              link->pump(link->b, link->a, link->b_to_a);
                            });
    }
    accept_next();
  });
}

void TcpRelay::cut() {
  std::promise<void> done;
  asio::post(io_, [this, &done] {
    cut_ = true;
    for (const auto& link : links_) link->close();
    links_.clear();
    done.set_value();
  });
  done.get_future().wait();
}

void TcpRelay::stall() {
  asio::post(io_, [this] { *stalled_ = true; });
}

void TcpRelay::heal() {
  asio::post(io_, [this] {
    cut_ = false;
    *stalled_ = false;
  });
}

}  // namespace hotline::testing
