#pragma once
// A Jepsen-style check of a delivery history: given what a receiver announced (its JSON events)
// and how many numbered messages ("<sender> <n>", n = 1..expected) the sender was to send,
// count what was lost, duplicated, delivered out of order or never sent at all.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hotline::node {

struct DirectionReport {
  std::string sender;
  std::uint64_t expected = 0;
  std::uint64_t delivered = 0;     // distinct expected messages delivered
  std::uint64_t lost = 0;          // expected, never delivered
  std::uint64_t duplicated = 0;    // deliveries beyond the first of a message
  std::uint64_t out_of_order = 0;  // deliveries of a lower number after a higher one
  std::uint64_t unexpected = 0;    // deliveries of messages outside 1..expected

  bool clean() const {
    return lost == 0 && duplicated == 0 && out_of_order == 0 && unexpected == 0;
  }
  std::string to_string() const;
};

DirectionReport check_direction(const std::vector<nlohmann::json>& receiver_events,
                                const std::string& sender, std::uint64_t expected);

// All JSON objects in an event log file; lines that are not JSON are skipped.
std::vector<nlohmann::json> read_event_log(const std::filesystem::path& path);

}  // namespace hotline::node
