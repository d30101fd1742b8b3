#pragma once
// Mutual TLS 1.3 between parties of the exercise CA.

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace hotline::common {

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

struct TlsFiles {
  std::filesystem::path ca_certificate;
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

// The files `hotline certs` wrote for `party` in `dir`. Throws std::runtime_error naming the
// first missing file.
TlsFiles tls_files_for(const std::filesystem::path& dir, const std::string& party);

enum class TlsRole { kServer, kClient };

// TLS 1.3 only; trusts only the exercise CA; both sides must present a certificate.
asio::ssl::context make_tls_context(TlsRole role, const TlsFiles& files);

// Installs on `stream` a certificate check that accepts only a chain from the exercise CA whose
// leaf names `expected_party`. Why a certificate was refused is written to `*refusal_reason`:
// the alert OpenSSL sends the peer says little, and the node must log the real reason.
void require_peer_party(TlsStream& stream, const std::string& expected_party,
                        const std::string& own_party, std::shared_ptr<std::string> refusal_reason);

// The subject common name of the peer's certificate, or "" if there is none.
std::string peer_certificate_name(const TlsStream& stream);

// Whether an error means the peer closed the connection (with or without close_notify).
bool is_end_of_stream(const asio::error_code& error);

}  // namespace hotline::common
