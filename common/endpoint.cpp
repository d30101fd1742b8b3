#include "common/endpoint.h"

#include <charconv>
#include <stdexcept>

namespace hotline::common {

std::string Endpoint::to_string() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint parse_endpoint(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument("address \"" + std::string(text) + "\": " + why +
                                 " (expected host:port, e.g. 127.0.0.1:7301)");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw fail("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    throw fail("an IPv6 host must be written in brackets");
  }
  if (host.empty()) throw fail("no host");
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    throw fail("port must be a number from 0 to 65535");
  }
  return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

std::vector<Endpoint> parse_endpoint_list(std::string_view text) {
  std::vector<Endpoint> endpoints;
  while (true) {
    const auto comma = text.find(',');
    endpoints.push_back(parse_endpoint(text.substr(0, comma)));
    if (comma == std::string_view::npos) return endpoints;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace hotline::common
