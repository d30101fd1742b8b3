#include "node/event_format.h"

#include <cstdio>
#include <ctime>

#include "node/protocol.h"

namespace hotline::node {
namespace {

std::string iso_time(std::chrono::system_clock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(micros % 1'000'000));
  return text;
}

void add_payload(nlohmann::json& out, const wire::Envelope& envelope) {
  out["kind"] = payload_name(envelope);
  switch (envelope.payload_case()) {
    case wire::Envelope::kMessage:
      out["priority"] = wire::Priority_Name(envelope.message().priority());
      out["text"] = envelope.message().text();
      break;
    case wire::Envelope::kNotification:
      out["incident"] = envelope.notification().incident_id();
      out["text"] = envelope.notification().text();
      break;
    case wire::Envelope::kInquiry:
      out["incident"] = envelope.inquiry().incident_id();
      out["text"] = envelope.inquiry().question();
      break;
    case wire::Envelope::kReply:
      out["incident"] = envelope.reply().incident_id();
      out["text"] = envelope.reply().text();
      break;
    case wire::Envelope::kLinkTest:
      out["text"] = envelope.link_test().text();
      break;
    default:
      break;
  }
}

std::string get(const nlohmann::json& event, const char* key) {
  const auto found = event.find(key);
  if (found == event.end()) return "";
  if (found->is_string()) return found->get<std::string>();
  return found->dump();
}

}  // namespace

std::string_view event_name(NodeEvent::Kind kind) {
  switch (kind) {
    case NodeEvent::Kind::kListening:
      return "listening";
    case NodeEvent::Kind::kLinkUp:
      return "link_up";
    case NodeEvent::Kind::kLinkDown:
      return "link_down";
    case NodeEvent::Kind::kRefused:
      return "refused";
    case NodeEvent::Kind::kDialFailed:
      return "dial_failed";
    case NodeEvent::Kind::kQueued:
      return "queued";
    case NodeEvent::Kind::kSent:
      return "sent";
    case NodeEvent::Kind::kRetransmitted:
      return "retransmitted";
    case NodeEvent::Kind::kAcked:
      return "acked";
    case NodeEvent::Kind::kDelivered:
      return "delivered";
    case NodeEvent::Kind::kDuplicate:
      return "duplicate";
    case NodeEvent::Kind::kPeerBye:
      return "peer_bye";
    case NodeEvent::Kind::kStopped:
      return "stopped";
    case NodeEvent::Kind::kError:
      return "error";
    case NodeEvent::Kind::kNote:
      return "note";
    case NodeEvent::Kind::kTrafficMoved:
      return "traffic_moved";
  }
  return "unknown";
}

nlohmann::json event_to_json(const NodeEvent& event, const std::string& party) {
  nlohmann::json out;
  out["time"] = iso_time(event.time);
  out["party"] = party;
  out["event"] = event_name(event.kind);
  using Kind = NodeEvent::Kind;
  switch (event.kind) {
    case Kind::kListening:
      out["address"] = event.address;
      out["circuit"] = event.circuit;
      break;
    case Kind::kNote:
      out["reason"] = event.reason;
      break;
    case Kind::kTrafficMoved:
      out["circuit"] = event.circuit;
      break;
    case Kind::kLinkUp:
    case Kind::kLinkDown:
      out["peer"] = event.peer;
      out["circuit"] = event.circuit;
      out["address"] = event.address;
      if (event.kind == Kind::kLinkDown) out["reason"] = event.reason;
      break;
    case Kind::kRefused:
    case Kind::kDialFailed:
      if (!event.circuit.empty()) out["circuit"] = event.circuit;
      out["address"] = event.address;
      out["reason"] = event.reason;
      break;
    case Kind::kQueued:
    case Kind::kSent:
    case Kind::kRetransmitted:
      out["seq"] = event.seq;
      if (!event.circuit.empty()) out["circuit"] = event.circuit;
      if (event.envelope != nullptr) add_payload(out, *event.envelope);
      break;
    case Kind::kAcked:
      out["peer"] = event.peer;
      out["epoch"] = event.epoch;
      out["seq"] = event.seq;
      out["rtt_us"] = event.duration.count();
      if (!event.reason.empty()) out["kind"] = event.reason;
      break;
    case Kind::kDelivered:
      out["from"] = event.peer;
      out["epoch"] = event.epoch;
      out["seq"] = event.seq;
      out["circuit"] = event.circuit;
      if (event.recovered) out["recovered"] = true;
      if (event.envelope != nullptr) add_payload(out, *event.envelope);
      break;
    case Kind::kDuplicate:
      out["from"] = event.peer;
      out["epoch"] = event.epoch;
      out["seq"] = event.seq;
      out["circuit"] = event.circuit;
      break;
    case Kind::kPeerBye:
      out["peer"] = event.peer;
      out["reason"] = event.reason;
      out["last_seq"] = event.seq;
      break;
    case Kind::kStopped:
      out["reason"] = event.reason;
      out["unacknowledged"] = event.count;
      break;
    case Kind::kError:
      out["reason"] = event.reason;
      break;
  }
  // On a node of several peers, every event of one link names it.
  if (event.among_several) out["link"] = event.peer;
  return out;
}

std::string json_line(const nlohmann::json& event) {
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// A peer's words on a terminal: control characters (escape sequences, carriage returns, line
// breaks that would fake an event line) and C1 controls are shown as \xNN, never obeyed.
std::string printable(const std::string& line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool c1 = c == 0xC2 && i + 1 < line.size() &&
                    static_cast<unsigned char>(line[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(line[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      const unsigned shown = c1 ? static_cast<unsigned char>(line[++i]) : c;
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", shown);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string unescaped_console_line(const nlohmann::json& event) {
  const std::string time = get(event, "time");
  // "2026-11-26T18:40:01.123456Z" -> "18:40:01.123"
  std::string line = time.size() >= 23 ? time.substr(11, 12) : time;
  line += "  ";
  const std::string kind = get(event, "event");
  const std::string text = get(event, "text");
  const std::string priority = get(event, "priority");
  const std::string flag = priority.empty() || priority == "ROUTINE" ? "" : "[" + priority + "] ";
  const std::string payload = get(event, "kind");
  const std::string body = payload == "message" || payload.empty() ? text : payload + ": " + text;
  const std::string circuit = get(event, "circuit");
  const std::string via = circuit.empty() || circuit == "primary" ? "" : "  [" + circuit + "]";
  // A node of several peers says which link; "#3" is then that link's numbering.
  const std::string link = get(event, "link");
  const std::string seq = (link.empty() ? "" : link + " ") + "#" + get(event, "seq");
  if (kind == "listening") {
    return line + "listening on " + get(event, "address") + " (" + circuit + ")";
  }
  if (kind == "note") return line + "note: " + get(event, "reason");
  if (kind == "traffic_moved") return line + "TRAFFIC NOW ON " + circuit;
  if (kind == "link_up") {
    return line + "LINK UP    " + get(event, "peer") + " on " + get(event, "circuit") + " (" +
           get(event, "address") + ")";
  }
  if (kind == "link_down") {
    return line + "LINK DOWN  " + get(event, "peer") + " on " + get(event, "circuit") + ": " +
           get(event, "reason");
  }
  if (kind == "refused") {
    return line + "REFUSED    " + get(event, "address") + ": " + get(event, "reason");
  }
  if (kind == "dial_failed") {
    return line + "dialling " + get(event, "address") + " failed: " + get(event, "reason");
  }
  if (kind == "queued") return line + "   .. " + seq + "  " + flag + body + "  (queued, link down)";
  if (kind == "sent") return line + "   -> " + seq + "  " + flag + body + via;
  if (kind == "retransmitted") return line + "   -> " + seq + "  (sent again)" + via;
  if (kind == "acked") {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, "%.2f ms", event.value("rtt_us", 0) / 1000.0);
    const std::string what = get(event, "kind") == "link_test" ? "link test " : "";
    return line + "   ok " + seq + "  " + what + "acknowledged after " + rtt;
  }
  if (kind == "delivered") {
    const std::string recovered = event.value("recovered", false) ? "  (from the journal)" : "";
    return line + "<-    " + seq + "  " + flag + body + via + recovered;
  }
  if (kind == "duplicate") return line + "<-    " + seq + "  duplicate, acknowledged again";
  if (kind == "peer_bye") return line + get(event, "peer") + " said goodbye";
  if (kind == "stopped") {
    const std::string unacked = get(event, "unacknowledged");
    return line + "stopped: " + get(event, "reason") +
           (unacked == "0" || unacked.empty() ? "" : " (" + unacked + " unacknowledged)");
  }
  if (kind == "error") return line + "ERROR " + get(event, "reason");
  return line + json_line(event);
}

}  // namespace

std::string console_line(const nlohmann::json& event) {
  return printable(unescaped_console_line(event));
}

}  // namespace hotline::node
