#pragma once
// Node events as JSON objects (one per line with --json) and as console lines. The console form
// is rendered from the JSON form, so `hotline pair` can show what its child nodes print.

#include <nlohmann/json.hpp>

#include <string>

#include "node/node_event.h"

namespace hotline::node {

nlohmann::json event_to_json(const NodeEvent& event, const std::string& party);

// One human-readable line: "18:40:01.123  -> #3  text".
std::string console_line(const nlohmann::json& event);

// Serialises one event as a single JSON line; invalid UTF-8 (a garbled text) is replaced, not
// fatal.
std::string json_line(const nlohmann::json& event);

}  // namespace hotline::node
