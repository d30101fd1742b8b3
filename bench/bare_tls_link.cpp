#include "bench/bare_tls_link.h"

#include <cstring>
#include <thread>

#include "common/frame.h"
#include "common/tls.h"

namespace hotline::bench {
namespace {

using asio::ip::tcp;

struct ServerEnd {
  asio::io_context io;
  asio::ssl::context tls;
  tcp::acceptor acceptor;

  explicit ServerEnd(const std::filesystem::path& certs)
      : tls(common::make_tls_context(common::TlsRole::kServer,
                                     common::tls_files_for(certs, "washington"))),
        acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
};

common::TlsStream connect_client(asio::io_context& io, asio::ssl::context& tls,
                                 std::uint16_t port) {
  common::TlsStream stream(io, tls);
  stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  stream.lowest_layer().set_option(tcp::no_delay(true));
  SSL_set_tlsext_host_name(stream.native_handle(), "washington");
  stream.handshake(asio::ssl::stream_base::client);
  return stream;
}

common::TlsStream accept_server(ServerEnd& server) {
  common::TlsStream stream(server.io, server.tls);
  server.acceptor.accept(stream.lowest_layer());
  stream.lowest_layer().set_option(tcp::no_delay(true));
  stream.handshake(asio::ssl::stream_base::server);
  return stream;
}

std::string read_frame(common::TlsStream& stream) {
  unsigned char header[4];
  asio::read(stream, asio::buffer(header));
  const std::uint32_t length = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                               (std::uint32_t{header[2]} << 8) | header[3];
  std::string body(length, '\0');
  asio::read(stream, asio::buffer(body));
  return body;
}

LatencySummary ping_pong(const std::filesystem::path& certs, std::size_t bytes, int rounds) {
  ServerEnd server(certs);
  const auto port = server.acceptor.local_endpoint().port();
  std::thread echo([&] {
    auto stream = accept_server(server);
    std::string frame;
    for (int i = 0; i < rounds; ++i) {
      const std::string body = read_frame(stream);
      frame.clear();
      common::append_frame(frame, body, common::kDefaultMaxFrameBytes);
      asio::write(stream, asio::buffer(frame));
    }
  });
  asio::io_context io;
  asio::ssl::context tls =
      common::make_tls_context(common::TlsRole::kClient, common::tls_files_for(certs, "moscow"));
  auto stream = connect_client(io, tls, port);
  std::string frame;
  common::append_frame(frame, std::string(bytes, 'x'), common::kDefaultMaxFrameBytes);
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(rounds));
  for (int i = 0; i < rounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    asio::write(stream, asio::buffer(frame));
    read_frame(stream);
    samples.push_back(micros_since(start));
  }
  echo.join();
  return summarize(std::move(samples));
}

// The receiver acknowledges cumulatively after each read, as a protocol with coalesced acks
// would; the sender keeps writing batches while acks come back.
Pipelined pipelined(const std::filesystem::path& certs, std::size_t bytes, int messages) {
  ServerEnd server(certs);
  const auto port = server.acceptor.local_endpoint().port();
  std::thread receiver([&] {
    auto stream = accept_server(server);
    common::FrameDecoder decoder;
    std::array<char, 64 * 1024> buffer;
    std::uint64_t received = 0;
    std::string ack;
    while (received < static_cast<std::uint64_t>(messages)) {
      const std::size_t n = stream.read_some(asio::buffer(buffer));
      decoder.feed(buffer.data(), n);
      while (decoder.next()) ++received;
      ack.clear();
      common::append_frame(ack, std::string_view(reinterpret_cast<char*>(&received), 8),
                           common::kDefaultMaxFrameBytes);
      asio::write(stream, asio::buffer(ack));
    }
  });
  asio::io_context io;
  asio::ssl::context tls =
      common::make_tls_context(common::TlsRole::kClient, common::tls_files_for(certs, "moscow"));
  auto stream = connect_client(io, tls, port);
  const std::string body(bytes, 'x');
  int written = 0;
  std::uint64_t acknowledged = 0;
  std::string batch;
  std::array<char, 4096> buffer;
  common::FrameDecoder decoder;
  std::function<void()> write_batch = [&] {
    if (written == messages) return;
    batch.clear();
    for (int i = 0; i < 256 && written < messages; ++i, ++written) {
      common::append_frame(batch, body, common::kDefaultMaxFrameBytes);
    }
    asio::async_write(stream, asio::buffer(batch), [&](const asio::error_code& error, std::size_t) {
      if (!error) write_batch();
    });
  };
  std::function<void()> read_acks = [&] {
    stream.async_read_some(asio::buffer(buffer), [&](const asio::error_code& error, std::size_t n) {
      if (error) return;
      decoder.feed(buffer.data(), n);
      while (auto frame = decoder.next()) std::memcpy(&acknowledged, frame->data(), 8);
      if (acknowledged < static_cast<std::uint64_t>(messages)) read_acks();
    });
  };
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  write_batch();
  read_acks();
  io.run();
  const double seconds = micros_since(start) / 1e6;
  receiver.join();
  return {messages / seconds, (process_cpu_seconds() - cpu_start) * 1e9 / messages};
}

}  // namespace

LinkResult measure_bare_tls(const std::filesystem::path& certs, std::size_t message_bytes,
                            int round_trips, int pipelined_messages) {
  return {ping_pong(certs, message_bytes, round_trips),
          pipelined(certs, message_bytes, pipelined_messages)};
}

}  // namespace hotline::bench
