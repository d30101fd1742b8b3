#include "common/certificates.h"
#include "common/tls.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <set>

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
  EXPECT_EQ(written.size(), 8u);
  for (const char* party : {"washington", "moscow"}) {
    const auto certificate = dir.path() / party / (std::string(party) + ".crt");
    EXPECT_TRUE(chains_to(certificate, dir.path() / "ca" / "ca.crt")) << party;
    EXPECT_TRUE(chains_to(certificate, dir.path() / party / "ca.crt")) << party;
    auto x509 = load(certificate);
    EXPECT_EQ(X509_check_host(x509.get(), party, 0, 0, nullptr), 1) << party;
    EXPECT_EQ(X509_check_ip_asc(x509.get(), "127.0.0.1", 0), 1);
  }
}

TEST(CertificatesTest, KeysAreReadableByTheOwnerOnly) {
  TempDir dir;
  write_exercise_pki(dir.path(), {});
  for (const char* key : {"ca/ca.key", "washington/washington.key", "moscow/moscow.key"}) {
    struct stat info {};
    ASSERT_EQ(::stat((dir.path() / key).c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << key;
  }
}

TEST(CertificatesTest, EachPartysDirectoryHoldsOnlyWhatThatPartyNeeds) {
  // Before, one directory held the CA's key and both parties' keys: either party could mint or
  // use the other's identity.
  TempDir dir;
  write_exercise_pki(dir.path(), {});
  for (const char* party : {"washington", "moscow"}) {
    std::set<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / party))
      files.insert(entry.path().filename().string());
    EXPECT_EQ(files, (std::set<std::string>{"ca.crt", std::string(party) + ".crt",
                                            std::string(party) + ".key"}))
        << party;
  }
  // A node finds its files from the top directory or its own.
  EXPECT_EQ(tls_files_for(dir.path(), "moscow").private_key, dir.path() / "moscow" / "moscow.key");
  EXPECT_EQ(tls_files_for(dir.path() / "moscow", "moscow").private_key,
            dir.path() / "moscow" / "moscow.key");
}

TEST(CertificatesTest, AKeyOthersCanReadIsRefusedWithTheFix) {
  TempDir dir;
  write_exercise_pki(dir.path(), {});
  const auto key = dir.path() / "moscow" / "moscow.key";
  ::chmod(key.c_str(), 0644);
  try {
    tls_files_for(dir.path(), "moscow");
    FAIL() << "a world-readable key was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("readable by others (mode 0644)"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("chmod 600 " + key.string()), std::string::npos);
  }
}

TEST(CertificatesTest, RefusesToOverwriteUnlessAsked) {
  TempDir dir;
  write_exercise_pki(dir.path(), {});
  const auto moscow = dir.path() / "moscow" / "moscow.crt";
  const auto before = load(moscow);
  EXPECT_THROW(write_exercise_pki(dir.path(), {}), std::runtime_error);
  EXPECT_EQ(X509_cmp(before.get(), load(moscow).get()), 0);
  PkiOptions force;
  force.overwrite = true;
  write_exercise_pki(dir.path(), force);
  EXPECT_NE(X509_cmp(before.get(), load(moscow).get()), 0);
}

TEST(CertificatesTest, RejectsPartyNamesThatCannotBeHostNames) {
  TempDir dir;
  PkiOptions options;
  options.parties = {"Washington DC"};
  EXPECT_THROW(write_exercise_pki(dir.path(), options), std::invalid_argument);
  options.parties = {"ca"};
  EXPECT_THROW(write_exercise_pki(dir.path(), options), std::invalid_argument);
}

// `hotline serve --tls`: a certificate browsers take (ECDSA P-256, SHA-256), for the names it
// was made for and no other, that verifies against the CA written for the room's browsers.
TEST(CertificatesTest, AWebCertificateVerifiesForItsHostsAgainstItsCa) {
  const WebCredentials web = make_web_credentials({"laptop.local", "127.0.0.1"});
  auto read = [](const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    return std::unique_ptr<X509, decltype(&X509_free)>(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  };
  auto ca = read(web.ca_certificate_pem);
  auto server = read(web.server.certificate_pem);
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(server.get())), EVP_PKEY_EC);
  EXPECT_EQ(X509_get_signature_nid(server.get()), NID_ecdsa_with_SHA256);
  auto verifies = [&](const char* host, const char* ip) {
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                  X509_STORE_free);
    X509_STORE_add_cert(store.get(), ca.get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                            X509_STORE_CTX_free);
    X509_STORE_CTX_init(context.get(), store.get(), server.get(), nullptr);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
    if (host) X509_VERIFY_PARAM_set1_host(param, host, 0);
    if (ip) X509_VERIFY_PARAM_set1_ip_asc(param, ip);
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    return X509_verify_cert(context.get()) == 1;
  };
  EXPECT_TRUE(verifies("laptop.local", nullptr));
  EXPECT_TRUE(verifies(nullptr, "127.0.0.1"));
  EXPECT_FALSE(verifies("other.local", nullptr));
  EXPECT_FALSE(verifies(nullptr, "10.0.0.1"));
  EXPECT_EQ(web.server_fingerprint.size(), 95u);
  EXPECT_THROW(make_web_credentials({}), std::invalid_argument);
}

}  // namespace
}  // namespace hotline::common
