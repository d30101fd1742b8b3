#include "classroom/resource.h"

namespace hotline::classroom {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

}  // namespace

Resource parse_resource(std::string_view target) {
  Resource resource;
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  resource.path = percent_decoded(path.substr(0, path.find('#')), false);
  if (question == std::string_view::npos) return resource;
  std::string_view query = target.substr(question + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t equals = pair.find('=');
    std::string name = percent_decoded(pair.substr(0, equals), true);
    std::string value = equals == std::string_view::npos
                            ? std::string()
                            : percent_decoded(pair.substr(equals + 1), true);
    if (!name.empty()) resource.query.emplace(std::move(name), std::move(value));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return resource;
}

}  // namespace hotline::classroom
