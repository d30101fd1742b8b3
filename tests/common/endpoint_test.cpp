#include "common/endpoint.h"

#include <gtest/gtest.h>

namespace hotline::common {
namespace {

TEST(EndpointTest, ParsesHostAndPort) {
  const Endpoint endpoint = parse_endpoint("127.0.0.1:7301");
  EXPECT_EQ(endpoint.host, "127.0.0.1");
  EXPECT_EQ(endpoint.port, 7301);
  EXPECT_EQ(endpoint.to_string(), "127.0.0.1:7301");
}

TEST(EndpointTest, ParsesBracketedIpv6) {
  const Endpoint endpoint = parse_endpoint("[::1]:0");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.to_string(), "[::1]:0");
}

TEST(EndpointTest, ExplainsWhatIsWrong) {
  for (const char* bad : {"7301", ":7301", "host:", "host:99999", "host:12ab", "::1:80"}) {
    try {
      parse_endpoint(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("expected host:port"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace hotline::common
