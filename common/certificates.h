#pragma once
// The exercise PKI: one CA and one certificate per party, made with the OpenSSL 3 APIs.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace hotline::common {

// A certificate and its private key, both PEM.
struct PemCredential {
  std::string certificate_pem;
  std::string private_key_pem;
};

struct Validity {
  // Relative to now. notBefore is back-dated a little for clock skew between hosts.
  std::chrono::seconds not_before = std::chrono::minutes(-5);
  std::chrono::seconds not_after = std::chrono::hours(24 * 30);
};

// A self-signed exercise CA (Ed25519) that can sign party certificates only.
PemCredential make_certificate_authority(const std::string& common_name,
                                         const Validity& validity = {});

// A node certificate for `party`, signed by `ca`: the party name is the subject CN and a DNS
// subjectAltName, with 127.0.0.1 as an IP SAN for loopback runs; usable as both TLS server and
// client because each node is both.
PemCredential issue_party_certificate(const PemCredential& ca, const std::string& party,
                                      const Validity& validity = {});

// What `hotline serve --tls` serves HTTPS with: a web CA and a certificate for `hosts` (DNS
// names or IP addresses) signed by it, both ECDSA P-256 with SHA-256, because browsers do not
// take the exercise CA's Ed25519 in TLS certificates.
struct WebCredentials {
  std::string ca_certificate_pem;
  PemCredential server;
  std::string server_fingerprint;  // SHA-256 of the server certificate, "AB:CD:..."
};
WebCredentials make_web_credentials(const std::vector<std::string>& hosts,
                                    const Validity& validity = {});

struct PkiOptions {
  std::vector<std::string> parties = {"washington", "moscow"};
  Validity validity;
  bool overwrite = false;
};

// Writes the CA's ca.crt and ca.key into `dir`/ca, and for each party `dir`/<party>/ with
// ca.crt, <party>.crt and <party>.key: only what that party needs. Keys get mode 0600. Throws
// std::runtime_error, naming the file, if a key exists and !overwrite. Returns the paths
// written.
std::vector<std::filesystem::path> write_exercise_pki(const std::filesystem::path& dir,
                                                      const PkiOptions& options);

// When the certificate in the PEM file `path` stops being valid. Throws std::runtime_error
// naming the file if it cannot be read.
std::chrono::system_clock::time_point certificate_not_after(const std::filesystem::path& path);

// Writes <name>.crt and <name>.key (0600) into `dir`.
void write_credential(const std::filesystem::path& dir, const std::string& name,
                      const PemCredential& credential, bool overwrite);

}  // namespace hotline::common
