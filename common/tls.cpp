#include "common/tls.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

namespace hotline::common {
namespace {

std::string common_name_of(X509* certificate) {
  if (certificate == nullptr) return "";
  X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string name(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return name;
}

}  // namespace

TlsFiles tls_files_for(const std::filesystem::path& given, const std::string& party) {
  // `hotline certs --dir D` writes D/<party>/; a node may be given D or its own D/<party>.
  const std::filesystem::path dir =
      std::filesystem::exists(given / party / (party + ".key")) ? given / party : given;
  TlsFiles files{dir / "ca.crt", dir / (party + ".crt"), dir / (party + ".key")};
  for (const auto* path : {&files.ca_certificate, &files.certificate, &files.private_key}) {
    if (!std::filesystem::exists(*path)) {
      throw std::runtime_error("missing " + path->string() +
                               " (make one with: hotline certs --dir " + given.string() + ")");
    }
  }
  // A key others can read is no longer only this party's: refuse it, as ssh does.
  struct stat info {};
  if (::stat(files.private_key.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw std::runtime_error(files.private_key.string() + " is readable by others (mode " + mode +
                             "); make it private: chmod 600 " + files.private_key.string());
  }
  return files;
}

asio::ssl::context make_tls_context(TlsRole role, const TlsFiles& files) {
  asio::ssl::context context(role == TlsRole::kServer ? asio::ssl::context::tlsv13_server
                                                      : asio::ssl::context::tlsv13_client);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_tlsv1_2);
  context.load_verify_file(files.ca_certificate.string());
  context.use_certificate_chain_file(files.certificate.string());
  context.use_private_key_file(files.private_key.string(), asio::ssl::context::pem);
  context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  // One process talks to one peer; a session cache would only let a stale ticket skip the
  // client-certificate check on resumption.
  SSL_CTX_set_session_cache_mode(context.native_handle(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(context.native_handle(), 0);
  return context;
}

void require_peer_party(TlsStream& stream, const std::string& expected_party,
                        const std::string& own_party, std::shared_ptr<std::string> refusal_reason) {
  stream.set_verify_callback([expected_party, own_party, refusal_reason](
                                 bool preverified, asio::ssl::verify_context& context) {
    X509_STORE_CTX* store = context.native_handle();
    X509* certificate = X509_STORE_CTX_get_current_cert(store);
    const int depth = X509_STORE_CTX_get_error_depth(store);
    if (!preverified) {
      const int error = X509_STORE_CTX_get_error(store);
      *refusal_reason = std::string("certificate \"") + common_name_of(certificate) + "\" (depth " +
                        std::to_string(depth) + "): " + X509_verify_cert_error_string(error);
      return false;
    }
    if (depth > 0) return true;
    const std::string name = common_name_of(certificate);
    const bool names_expected =
        name == expected_party &&
        X509_check_host(certificate, expected_party.data(), expected_party.size(), 0, nullptr) == 1;
    if (!names_expected) {
      *refusal_reason = "certificate is for \"" + name + "\"" +
                        (name == own_party ? " (our own party)" : "") + ", expected \"" +
                        expected_party + "\"";
      return false;
    }
    return true;
  });
  // Sent in the ClientHello; harmless on the server side.
  SSL_set_tlsext_host_name(stream.native_handle(), expected_party.c_str());
}

std::string peer_certificate_name(const TlsStream& stream) {
  X509* certificate = SSL_get0_peer_certificate(const_cast<TlsStream&>(stream).native_handle());
  return common_name_of(certificate);
}

bool is_end_of_stream(const asio::error_code& error) {
  return error == asio::error::eof || error == asio::ssl::error::stream_truncated ||
         error == asio::error::connection_reset || error == asio::error::broken_pipe;
}

}  // namespace hotline::common
