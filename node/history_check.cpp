#include "node/history_check.h"

#include <fstream>

namespace hotline::node {

std::string DirectionReport::to_string() const {
  return sender + " -> peer: expected " + std::to_string(expected) + ", delivered " +
         std::to_string(delivered) + ", lost " + std::to_string(lost) + ", duplicated " +
         std::to_string(duplicated) + ", out of order " + std::to_string(out_of_order) +
         ", unexpected " + std::to_string(unexpected);
}

DirectionReport check_direction(const std::vector<nlohmann::json>& receiver_events,
                                const std::string& sender, std::uint64_t expected) {
  DirectionReport report;
  report.sender = sender;
  report.expected = expected;
  std::vector<std::uint32_t> times_delivered(expected + 1, 0);
  std::uint64_t highest = 0;
  const std::string prefix = sender + " ";
  for (const auto& event : receiver_events) {
    if (event.value("event", "") != "delivered" || event.value("from", "") != sender) continue;
    const std::string text = event.value("text", "");
    std::uint64_t number = 0;
    bool numbered = text.compare(0, prefix.size(), prefix) == 0 && text.size() > prefix.size();
    for (std::size_t i = prefix.size(); numbered && i < text.size(); ++i) {
      numbered = text[i] >= '0' && text[i] <= '9';
      number = number * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    if (!numbered || number == 0 || number > expected) {
      ++report.unexpected;
      continue;
    }
    if (times_delivered[number]++ > 0) ++report.duplicated;
    if (number < highest) ++report.out_of_order;
    highest = std::max(highest, number);
  }
  for (std::uint64_t n = 1; n <= expected; ++n) {
    if (times_delivered[n] == 0) {
      ++report.lost;
    } else {
      ++report.delivered;
    }
  }
  return report;
}

std::vector<nlohmann::json> read_event_log(const std::filesystem::path& path) {
  std::vector<nlohmann::json> events;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object()) events.push_back(std::move(event));
  }
  return events;
}

}  // namespace hotline::node
