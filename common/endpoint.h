#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::common {

// A "host:port" address as users write it; IPv6 hosts go in brackets ("[::1]:7301").
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;

  std::string to_string() const;
  bool operator==(const Endpoint& other) const { return host == other.host && port == other.port; }
};

// Throws std::invalid_argument naming what is wrong with `text`.
Endpoint parse_endpoint(std::string_view text);

// "primary[,backup]": one or more addresses separated by commas.
std::vector<Endpoint> parse_endpoint_list(std::string_view text);

}  // namespace hotline::common
