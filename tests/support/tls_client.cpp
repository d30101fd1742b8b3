#include "tests/support/tls_client.h"

#include <stdexcept>

#include "common/endpoint.h"
#include "common/frame.h"

namespace hotline::testing {

TestClient::TestClient(const std::string& address, std::uint32_t max_frame_bytes)
    : max_frame_bytes_(max_frame_bytes), decoder_(max_frame_bytes) {
  const common::Endpoint endpoint = common::parse_endpoint(address);
  plain_.connect({asio::ip::make_address(endpoint.host), endpoint.port});
  socket_ = &plain_;
  const auto local = plain_.local_endpoint();
  local_address_ = local.address().to_string() + ":" + std::to_string(local.port());
}

void TestClient::run_until_done(std::chrono::milliseconds timeout, const bool& done) {
  io_.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io_.run_for(std::chrono::milliseconds(20));
    if (io_.stopped()) io_.restart();
  }
}

void TestClient::send_plaintext(const std::string& bytes) {
  asio::write(plain_, asio::buffer(bytes));
}

std::string TestClient::handshake(const ClientIdentity& identity, bool tls12_only,
                                  const std::string& server_name) {
  if (tls12_only) {
    SSL_CTX_set_min_proto_version(context_.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(context_.native_handle(), TLS1_2_VERSION);
  }
  context_.load_verify_file(identity.ca_certificate.string());
  if (identity.certificate) {
    context_.use_certificate_chain_file(identity.certificate->string());
    context_.use_private_key_file(identity.private_key->string(), asio::ssl::context::pem);
  }
  context_.set_verify_mode(asio::ssl::verify_peer);
  stream_.emplace(std::move(plain_), context_);
  SSL_set_tlsext_host_name(stream_->native_handle(), server_name.c_str());
  bool done = false;
  asio::error_code result;
  stream_->async_handshake(asio::ssl::stream_base::client, [&](const asio::error_code& error) {
    result = error;
    done = true;
  });
  run_until_done(std::chrono::seconds(10), done);
  if (!done) return "handshake timed out";
  secured_ = !result;
  return result ? result.message() : "";
}

void TestClient::send_frame_bytes(const std::string& raw) {
  if (!secured_) throw std::logic_error("send_frame_bytes before a successful handshake");
  bool done = false;
  asio::async_write(*stream_, asio::buffer(raw),
                    [&](const asio::error_code&, std::size_t) { done = true; });
  run_until_done(std::chrono::seconds(5), done);
}

void TestClient::send_envelope(const wire::Envelope& envelope) {
  std::string frame;
  common::append_frame(frame, envelope.SerializeAsString(), max_frame_bytes_);
  send_frame_bytes(frame);
}

std::vector<wire::Envelope> TestClient::read_envelopes(std::chrono::milliseconds timeout) {
  std::vector<wire::Envelope> envelopes;
  auto frame = read_envelope(timeout);
  if (!frame) return envelopes;
  if (!frame->has_batch()) {
    envelopes.push_back(std::move(*frame));
    return envelopes;
  }
  // Each item under a copy of the frame's header, as the node reads it.
  wire::Envelope header = *frame;
  header.clear_batch();
  for (const auto& item : frame->batch().items()) {
    wire::Envelope alone = header;
    alone.MergeFrom(item);
    envelopes.push_back(std::move(alone));
  }
  return envelopes;
}

std::optional<wire::Envelope> TestClient::read_envelope(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    if (auto body = decoder_.next()) {
      wire::Envelope envelope;
      if (!envelope.ParseFromArray(body->data(), static_cast<int>(body->size()))) return {};
      return envelope;
    }
    bool done = false;
    asio::error_code result;
    std::size_t size = 0;
    stream_->async_read_some(asio::buffer(buffer),
                             [&](const asio::error_code& error, std::size_t n) {
                               result = error;
                               size = n;
                               done = true;
                             });
    run_until_done(std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline - std::chrono::steady_clock::now()),
                   done);
    if (!done) {
      // The read still pending refers to this frame's locals: it must end before they do.
      asio::error_code ignored;
      stream_->lowest_layer().cancel(ignored);
      run_until_done(std::chrono::seconds(5), done);
      // Bytes that came just as the time ran out are kept for the next read.
      if (done && !result) decoder_.feed(buffer, size);
      return {};
    }
    if (result) return {};
    decoder_.feed(buffer, size);
  }
}

bool TestClient::closed_by_server(std::chrono::milliseconds timeout) {
  bool closed = false;
  char buffer[4096];
  std::function<void(const asio::error_code&, std::size_t)> on_read =
      [&](const asio::error_code& error, std::size_t) {
        if (error) {
          closed = true;
          return;
        }
        if (secured_ || stream_) {
          stream_->async_read_some(asio::buffer(buffer), on_read);
        } else {
          plain_.async_read_some(asio::buffer(buffer), on_read);
        }
      };
  if (stream_) {
    stream_->async_read_some(asio::buffer(buffer), on_read);
  } else {
    plain_.async_read_some(asio::buffer(buffer), on_read);
  }
  run_until_done(timeout, closed);
  return closed;
}

ClientIdentity party_identity(const std::filesystem::path& certs_dir, const std::string& party) {
  const auto own = certs_dir / party;
  return {own / "ca.crt", own / (party + ".crt"), own / (party + ".key")};
}

wire::Envelope hello_envelope(const std::string& party, std::uint64_t epoch) {
  wire::Envelope envelope;
  envelope.set_version(1);
  envelope.set_sender(party);
  envelope.set_epoch(epoch);
  envelope.mutable_hello()->set_party(party);
  envelope.mutable_hello()->set_protocol_version(1);
  envelope.mutable_hello()->set_epoch(epoch);
  return envelope;
}

wire::Envelope message_envelope(const std::string& party, std::uint64_t epoch, std::uint64_t seq,
                                const std::string& text) {
  wire::Envelope envelope;
  envelope.set_version(1);
  envelope.set_sender(party);
  envelope.set_epoch(epoch);
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text(text);
  return envelope;
}

}  // namespace hotline::testing
