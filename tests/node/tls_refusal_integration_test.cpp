// The TLS refusal matrix: each kind of unwelcome client is refused with a logged reason by a
// real node process, which keeps serving its legitimate peer throughout.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/certificates.h"
#include "tests/support/node_process.h"
#include "tests/support/tls_client.h"

namespace hotline::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsRefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nodes_ = std::make_unique<LinkedNodes>();
    certs_ = nodes_->certs.path();
    address_ = nodes_->address;
    washington_ = nodes_->washington.get();
    moscow_ = nodes_->moscow.get();
  }

  // A credential signed by the exercise CA, with any name and validity, written to disk.
  ClientIdentity issued_identity(const std::string& party, const common::Validity& validity) {
    const common::PemCredential ca{read_file(certs_ / "ca" / "ca.crt"),
                                   read_file(certs_ / "ca" / "ca.key")};
    const auto dir = scratch_.path() / "issued";
    common::write_credential(dir, party, common::issue_party_certificate(ca, party, validity),
                             true);
    return {certs_ / "ca" / "ca.crt", dir / (party + ".crt"), dir / (party + ".key")};
  }

  std::string expect_refused(const std::string& reason_part) {
    const auto event = washington_->wait_for([&](const nlohmann::json& e) {
      return e.value("event", "") == "refused" &&
             e.value("reason", "").find(reason_part) != std::string::npos;
    });
    return event.value("reason", "");
  }

  void expect_link_still_serves() {
    EXPECT_TRUE(washington_->events_of("link_down").empty())
        << "the legitimate link dropped: " << washington_->events_of("link_down")[0].dump();
    moscow_->send_line("still here");
    const auto delivered = washington_->wait_for(is_event("delivered"));
    EXPECT_EQ(delivered["text"], "still here");
    washington_->send_line("good");
    EXPECT_EQ(moscow_->wait_for(is_event("delivered"))["text"], "good");
  }

  std::unique_ptr<LinkedNodes> nodes_;
  std::filesystem::path certs_;
  TempDir scratch_;
  NodeProcess* washington_ = nullptr;
  NodeProcess* moscow_ = nullptr;
  std::string address_;
};

TEST_F(TlsRefusalTest, PlaintextClientIsRefused) {
  TestClient client(address_);
  client.send_plaintext("GET / HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(client.closed_by_server());
  const std::string reason = expect_refused("TLS handshake failed");
  EXPECT_NE(reason.find("http request"), std::string::npos) << reason;
  expect_link_still_serves();
}

TEST_F(TlsRefusalTest, Tls12ClientIsRefused) {
  TestClient client(address_);
  const std::string error =
      client.handshake({certs_ / "ca" / "ca.crt", certs_ / "moscow" / "moscow.crt",
                        certs_ / "moscow" / "moscow.key"},
                       /*tls12_only=*/true, "washington");
  EXPECT_FALSE(error.empty());
  expect_refused("unsupported protocol");
  expect_link_still_serves();
}

TEST_F(TlsRefusalTest, ClientWithoutCertificateIsRefused) {
  TestClient client(address_);
  client.handshake({certs_ / "ca" / "ca.crt", std::nullopt, std::nullopt}, false, "washington");
  EXPECT_TRUE(client.closed_by_server());
  expect_refused("peer did not return a certificate");
  expect_link_still_serves();
}

TEST_F(TlsRefusalTest, CertificateFromAnotherCaIsRefused) {
  TempDir foreign;
  common::write_exercise_pki(foreign.path(), {});
  TestClient client(address_);
  // Trusts the real CA (so the client itself accepts washington) but presents a foreign cert.
  client.handshake({certs_ / "ca" / "ca.crt", foreign.path() / "moscow" / "moscow.crt",
                    foreign.path() / "moscow" / "moscow.key"},
                   false, "washington");
  EXPECT_TRUE(client.closed_by_server());
  expect_refused("unable to get local issuer certificate");
  expect_link_still_serves();
}

TEST_F(TlsRefusalTest, ExpiredCertificateIsRefused) {
  common::Validity expired;
  expired.not_before = -std::chrono::hours(48);
  expired.not_after = -std::chrono::hours(24);
  TestClient client(address_);
  client.handshake(issued_identity("moscow", expired), false, "washington");
  EXPECT_TRUE(client.closed_by_server());
  expect_refused("certificate has expired");
  expect_link_still_serves();
}

TEST_F(TlsRefusalTest, CertificateForAnotherPartyIsRefused) {
  TestClient client(address_);
  client.handshake(issued_identity("beijing", {}), false, "washington");
  EXPECT_TRUE(client.closed_by_server());
  expect_refused("certificate is for \"beijing\", expected \"moscow\"");
  expect_link_still_serves();
}

TEST_F(TlsRefusalTest, PeerClaimingTheNodesOwnPartyIsRefused) {
  TestClient client(address_);
  client.handshake({certs_ / "ca" / "ca.crt", certs_ / "washington" / "washington.crt",
                    certs_ / "washington" / "washington.key"},
                   false, "washington");
  EXPECT_TRUE(client.closed_by_server());
  expect_refused("(our own party)");
  expect_link_still_serves();
}

// The dialling side checks the listener too: moscow refuses a listener that is not washington.
TEST(TlsDialRefusalTest, DiallerRefusesListenerOfWrongParty) {
  TempDir certs;
  common::PkiOptions pki;
  pki.parties = {"washington", "moscow", "beijing"};
  common::write_exercise_pki(certs.path(), pki);
  NodeProcess impostor({"node", "--party", "beijing", "--peer", "moscow", "--listen", "127.0.0.1:0",
                        "--certs", certs.path().string(), "--json"});
  const std::string address = listening_address(impostor);
  NodeProcess moscow({"node", "--party", "moscow", "--connect", address, "--certs",
                      certs.path().string(), "--json"});
  const auto refused = moscow.wait_for(is_event("refused"));
  EXPECT_NE(refused.value("reason", "")
                .find("certificate is for \"beijing\", expected "
                      "\"washington\""),
            std::string::npos)
      << refused.dump();
  EXPECT_TRUE(moscow.events_of("link_up").empty());
}

}  // namespace
}  // namespace hotline::testing
