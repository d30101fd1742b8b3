#include "common/certificates.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "tests/support/node_process.h"

namespace hotline::common {
namespace {

using testing::TempDir;

std::unique_ptr<X509, decltype(&X509_free)> load(const std::filesystem::path& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  X509* certificate = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  return {certificate, X509_free};
}

// Whether `leaf` verifies against `ca` for TLS client and server use.
bool chains_to(const std::filesystem::path& leaf, const std::filesystem::path& ca) {
  auto ca_certificate = load(ca);
  auto leaf_certificate = load(leaf);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca_certificate.get());
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, leaf_certificate.get(), nullptr);
  X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_CLIENT);
  bool ok = X509_verify_cert(context) == 1;
  X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_SERVER);
  X509_STORE_CTX_cleanup(context);
  X509_STORE_CTX_init(context, store, leaf_certificate.get(), nullptr);
  X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_SERVER);
  ok = ok && X509_verify_cert(context) == 1;
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return ok;
}

TEST(CertificatesTest, WritesACaAndOneVerifiableCertificatePerParty) {
  TempDir dir;
  const auto written = write_exercise_pki(dir.path(), {});
  EXPECT_EQ(written.size(), 6u);
  for (const char* party : {"washington", "moscow"}) {
    const auto certificate = dir.path() / (std::string(party) + ".crt");
    EXPECT_TRUE(chains_to(certificate, dir.path() / "ca.crt")) << party;
    auto x509 = load(certificate);
    EXPECT_EQ(X509_check_host(x509.get(), party, 0, 0, nullptr), 1) << party;
    EXPECT_EQ(X509_check_ip_asc(x509.get(), "127.0.0.1", 0), 1);
  }
}

TEST(CertificatesTest, KeysAreReadableByTheOwnerOnly) {
  TempDir dir;
  write_exercise_pki(dir.path(), {});
  for (const char* key : {"ca.key", "washington.key", "moscow.key"}) {
    struct stat info {};
    ASSERT_EQ(::stat((dir.path() / key).c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << key;
  }
}

TEST(CertificatesTest, RefusesToOverwriteUnlessAsked) {
  TempDir dir;
  write_exercise_pki(dir.path(), {});
  const auto before = load(dir.path() / "moscow.crt");
  EXPECT_THROW(write_exercise_pki(dir.path(), {}), std::runtime_error);
  EXPECT_EQ(X509_cmp(before.get(), load(dir.path() / "moscow.crt").get()), 0);
  PkiOptions force;
  force.overwrite = true;
  write_exercise_pki(dir.path(), force);
  EXPECT_NE(X509_cmp(before.get(), load(dir.path() / "moscow.crt").get()), 0);
}

TEST(CertificatesTest, RejectsPartyNamesThatCannotBeHostNames) {
  TempDir dir;
  PkiOptions options;
  options.parties = {"Washington DC"};
  EXPECT_THROW(write_exercise_pki(dir.path(), options), std::invalid_argument);
  options.parties = {"ca"};
  EXPECT_THROW(write_exercise_pki(dir.path(), options), std::invalid_argument);
}

}  // namespace
}  // namespace hotline::common
