#pragma once
// Test support: a client that talks to a node the way a misbehaving or foreign peer would.

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/frame.h"
#include "proto/hotline.pb.h"

namespace hotline::testing {

struct ClientIdentity {
  std::filesystem::path ca_certificate;
  std::optional<std::filesystem::path> certificate;  // none: present no certificate
  std::optional<std::filesystem::path> private_key;
};

// `party`'s identity as `hotline certs` wrote it under `certs_dir`: the CA certificate, the
// party's certificate and key, from the party's own directory.
ClientIdentity party_identity(const std::filesystem::path& certs_dir, const std::string& party);

class TestClient {
 public:
  // Frames of up to `max_frame_bytes` are sent and read (a real peer's Hello says how many).
  explicit TestClient(const std::string& address,
                      std::uint32_t max_frame_bytes = common::kDefaultMaxFrameBytes);

  // Sends bytes on the bare TCP connection (no TLS).
  void send_plaintext(const std::string& bytes);

  // TLS handshake as a client; returns the error text, or "" on success.
  std::string handshake(const ClientIdentity& identity, bool tls12_only,
                        const std::string& server_name);

  void send_frame_bytes(const std::string& raw);
  void send_envelope(const wire::Envelope& envelope);

  // The next envelope the server sends, or nullopt on timeout or close.
  std::optional<wire::Envelope> read_envelope(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The envelopes in the next frame the server sends: the frame itself, or each item of its
  // batch as it would have come alone; empty on timeout or close.
  std::vector<wire::Envelope> read_envelopes(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Reads and discards until the server closes the connection; false if it stays open.
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // This end's address ("127.0.0.1:port"), as the node names the connection in its events.
  const std::string& local_address() const { return local_address_; }

 private:
  void run_until_done(std::chrono::milliseconds timeout, const bool& done);

  asio::io_context io_;
  asio::ssl::context context_{asio::ssl::context::tls_client};
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> stream_;
  asio::ip::tcp::socket* socket_ = nullptr;
  asio::ip::tcp::socket plain_{io_};
  bool secured_ = false;
  std::uint32_t max_frame_bytes_;
  common::FrameDecoder decoder_;
  std::string local_address_;
};

// A Hello envelope as a real node would send it.
wire::Envelope hello_envelope(const std::string& party, std::uint64_t epoch);
// A reliable text message.
wire::Envelope message_envelope(const std::string& party, std::uint64_t epoch, std::uint64_t seq,
                                const std::string& text);

}  // namespace hotline::testing
