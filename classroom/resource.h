#pragma once
// A request's target as a browser sends it ("/ws?token=3f9a..."): its path and its query's
// parameters, percent-decoded. Whatever is malformed is kept as written rather than refused:
// it then simply matches no path and no token.

#include <map>
#include <string>
#include <string_view>

namespace hotline::classroom {

struct Resource {
  std::string path;
  std::map<std::string, std::string> query;  // the first value of each name

  std::string parameter(const std::string& name) const {
    const auto found = query.find(name);
    return found == query.end() ? std::string() : found->second;
  }
};

Resource parse_resource(std::string_view target);

}  // namespace hotline::classroom
