#include "common/certificates.h"

#include <arpa/inet.h>

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace hotline::common {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  if (const unsigned long code = ERR_get_error(); code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    detail = std::string(": ") + buffer;
  }
  ERR_clear_error();
  throw std::runtime_error("certificate generation: " + what + detail);
}

template <typename T>
T* check(T* p, const char* what) {
  if (p == nullptr) fail(what);
  return p;
}

void check(int ok, const char* what) {
  if (ok <= 0) fail(what);
}

PkeyPtr generate_ed25519_key() {
  return PkeyPtr(check(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), "Ed25519 key generation"));
}

std::string to_pem(X509* certificate) {
  BioPtr bio(check(BIO_new(BIO_s_mem()), "BIO_new"));
  check(PEM_write_bio_X509(bio.get(), certificate), "PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string to_pem(EVP_PKEY* key) {
  BioPtr bio(check(BIO_new(BIO_s_mem()), "BIO_new"));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

X509Ptr certificate_from_pem(const std::string& pem) {
  BioPtr bio(check(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
  return X509Ptr(check(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), "read CA cert"));
}

PkeyPtr key_from_pem(const std::string& pem) {
  BioPtr bio(check(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
  return PkeyPtr(
      check(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), "read CA key"));
}

// A fresh certificate with a random positive 128-bit serial, the subject CN and validity set.
X509Ptr new_certificate(const std::string& common_name, EVP_PKEY* public_key,
                        const Validity& validity) {
  X509Ptr certificate(check(X509_new(), "X509_new"));
  check(X509_set_version(certificate.get(), 2), "X509_set_version");
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes), "RAND_bytes");
  serial_bytes[0] &= 0x7f;
  BnPtr serial(check(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr), "BN_bin2bn"));
  check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())),
        "serial number");
  check(X509_gmtime_adj(X509_getm_notBefore(certificate.get()), validity.not_before.count()),
        "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validity.not_after.count()),
        "notAfter");
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("hotline exercise"), -1,
                                   -1, 0),
        "subject O");
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0),
        "subject CN");
  check(X509_set_pubkey(certificate.get(), public_key), "X509_set_pubkey");
  return certificate;
}

void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  ExtPtr extension(
      check(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()), "X509V3_EXT_conf_nid"));
  check(X509_add_ext(certificate, extension.get(), -1), "X509_add_ext");
}

void validate_party_name(const std::string& party) {
  if (party.empty() || party.size() > 63) {
    throw std::invalid_argument("party name must be 1 to 63 characters");
  }
  for (const char c : party) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) {
      throw std::invalid_argument("party name \"" + party +
                                  "\" may hold only lower-case letters, digits and '-'");
    }
  }
}

void write_file(const std::filesystem::path& path, const std::string& content, mode_t mode,
                bool overwrite) {
  if (!overwrite && std::filesystem::exists(path)) {
    throw std::runtime_error(path.string() + " already exists (use --force to replace it)");
  }
  // Create with the final mode so a private key is never readable by others, even briefly.
  std::filesystem::remove(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string());
  ::close(fd);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
  ::chmod(path.c_str(), mode);
}

}  // namespace

PemCredential make_certificate_authority(const std::string& common_name, const Validity& validity) {
  PkeyPtr key = generate_ed25519_key();
  X509Ptr certificate = new_certificate(common_name, key.get(), validity);
  check(X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get())),
        "issuer");
  add_extension(certificate.get(), certificate.get(), NID_basic_constraints,
                "critical,CA:TRUE,pathlen:0");
  add_extension(certificate.get(), certificate.get(), NID_key_usage,
                "critical,keyCertSign,cRLSign");
  add_extension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash");
  // PureEdDSA takes no separate digest.
  check(X509_sign(certificate.get(), key.get(), nullptr), "sign CA certificate");
  return {to_pem(certificate.get()), to_pem(key.get())};
}

PemCredential issue_party_certificate(const PemCredential& ca, const std::string& party,
                                      const Validity& validity) {
  validate_party_name(party);
  X509Ptr ca_certificate = certificate_from_pem(ca.certificate_pem);
  PkeyPtr ca_key = key_from_pem(ca.private_key_pem);
  PkeyPtr key = generate_ed25519_key();
  X509Ptr certificate = new_certificate(party, key.get(), validity);
  check(X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca_certificate.get())),
        "issuer");
  add_extension(certificate.get(), ca_certificate.get(), NID_basic_constraints,
                "critical,CA:FALSE");
  add_extension(certificate.get(), ca_certificate.get(), NID_key_usage,
                "critical,digitalSignature");
  add_extension(certificate.get(), ca_certificate.get(), NID_ext_key_usage,
                "serverAuth,clientAuth");
  add_extension(certificate.get(), ca_certificate.get(), NID_subject_alt_name,
                "DNS:" + party + ",IP:127.0.0.1,IP:::1");
  add_extension(certificate.get(), ca_certificate.get(), NID_subject_key_identifier, "hash");
  add_extension(certificate.get(), ca_certificate.get(), NID_authority_key_identifier,
                "keyid:always");
  check(X509_sign(certificate.get(), ca_key.get(), nullptr), "sign party certificate");
  return {to_pem(certificate.get()), to_pem(key.get())};
}

WebCredentials make_web_credentials(const std::vector<std::string>& hosts,
                                    const Validity& validity) {
  if (hosts.empty()) throw std::invalid_argument("a web certificate needs a host name");
  auto p256 = [] {
    return PkeyPtr(
        check(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), "P-256 key generation"));
  };
  PkeyPtr ca_key = p256();
  X509Ptr ca = new_certificate("hotline classroom CA", ca_key.get(), validity);
  check(X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())), "issuer");
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()), "sign web CA certificate");

  PkeyPtr key = p256();
  X509Ptr certificate = new_certificate(hosts.front(), key.get(), validity);
  check(X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca.get())), "issuer");
  std::string names;
  for (const auto& host : hosts) {
    // An address is an IP name; anything else a DNS name.
    unsigned char address[16];
    const bool ip = inet_pton(AF_INET, host.c_str(), address) == 1 ||
                    inet_pton(AF_INET6, host.c_str(), address) == 1;
    names += (names.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + host;
  }
  add_extension(certificate.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(certificate.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(certificate.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(certificate.get(), ca.get(), NID_subject_alt_name, names);
  add_extension(certificate.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_extension(certificate.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(certificate.get(), ca_key.get(), EVP_sha256()), "sign web certificate");

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  check(X509_digest(certificate.get(), EVP_sha256(), digest, &length), "certificate digest");
  std::string fingerprint;
  static const char digits[] = "0123456789ABCDEF";
  for (unsigned int i = 0; i < length; ++i) {
    if (i) fingerprint += ':';
    fingerprint += digits[digest[i] >> 4];
    fingerprint += digits[digest[i] & 0xF];
  }
  return {to_pem(ca.get()), {to_pem(certificate.get()), to_pem(key.get())}, fingerprint};
}

std::chrono::system_clock::time_point certificate_not_after(const std::filesystem::path& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> file(BIO_new_file(path.c_str(), "r"), BIO_free);
  X509Ptr certificate(file ? PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr) : nullptr);
  std::tm end{};
  if (!certificate || ASN1_TIME_to_tm(X509_get0_notAfter(certificate.get()), &end) != 1)
    throw std::runtime_error("cannot read the certificate " + path.string());
  return std::chrono::system_clock::from_time_t(::timegm(&end));
}

void write_credential(const std::filesystem::path& dir, const std::string& name,
                      const PemCredential& credential, bool overwrite) {
  std::filesystem::create_directories(dir);
  write_file(dir / (name + ".key"), credential.private_key_pem, 0600, overwrite);
  write_file(dir / (name + ".crt"), credential.certificate_pem, 0644, overwrite);
}

std::vector<std::filesystem::path> write_exercise_pki(const std::filesystem::path& dir,
                                                      const PkiOptions& options) {
  if (options.parties.empty()) throw std::invalid_argument("at least one party is needed");
  for (const auto& party : options.parties) {
    validate_party_name(party);
    if (party == "ca") throw std::invalid_argument("\"ca\" is reserved for the CA's own files");
  }
  // One directory per party holding only what that party needs (its key and certificate, and
  // the CA's certificate to check the other's), and the CA's key apart in ca/: no party can mint
  // or use the other's identity from what it is given.
  std::vector<std::pair<std::filesystem::path, std::string>> credentials = {{dir / "ca", "ca"}};
  for (const auto& party : options.parties) credentials.push_back({dir / party, party});
  // Check every target first so a refusal leaves the directory as it was.
  if (!options.overwrite) {
    for (const auto& [where, name] : credentials) {
      for (const char* ext : {".key", ".crt"}) {
        const auto path = where / (name + ext);
        if (std::filesystem::exists(path)) {
          throw std::runtime_error(path.string() + " already exists (use --force to replace it)");
        }
      }
    }
  }
  const PemCredential ca = make_certificate_authority("hotline exercise CA", options.validity);
  write_credential(dir / "ca", "ca", ca, options.overwrite);
  std::vector<std::filesystem::path> written = {dir / "ca" / "ca.crt", dir / "ca" / "ca.key"};
  for (const auto& party : options.parties) {
    const auto own = dir / party;
    write_credential(own, party, issue_party_certificate(ca, party, options.validity),
                     options.overwrite);
    write_file(own / "ca.crt", ca.certificate_pem, 0644, true);
    written.push_back(own / "ca.crt");
    written.push_back(own / (party + ".crt"));
    written.push_back(own / (party + ".key"));
  }
  return written;
}

}  // namespace hotline::common
