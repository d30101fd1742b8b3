#include "report/html.h"

#include <cstdio>

namespace hotline::report {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string paragraphs(std::string_view text) {
  std::string out;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find("\n\n", begin), text.size());
    const std::string escaped = escape(text.substr(begin, end - begin));
    std::string with_code;
    bool in_code = false;
    for (const char c : escaped) {
      if (c == '`') {
        with_code += in_code ? "</code>" : "<code>";
        in_code = !in_code;
      } else {
        with_code += c;
      }
    }
    if (in_code) with_code += "</code>";
    if (!with_code.empty()) out += "<p>" + with_code + "</p>\n";
    begin = end + 2;
  }
  return out;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string exact(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

namespace {

constexpr const char* kStyle = R"(
:root { --ink: #1d2330; --muted: #5b6475; --rule: #d5d9e0; --a: #1f5fa8; --b: #b23a2b;
        --world: #6b7280; --ok: #2f7d32; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1em; margin: 16px 0 4px; }
.meta { color: var(--muted); margin: 0 0 12px; }
code { font: 0.92em ui-monospace, "DejaVu Sans Mono", monospace; background: #f2f4f7;
       padding: 0 3px; border-radius: 3px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px 3px 0; text-align: left; vertical-align: top;
         border-bottom: 1px solid var(--rule); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 24px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
figure { margin: 8px 0; }
figcaption { color: var(--muted); font-size: 0.9em; }
svg { max-width: 100%; height: auto; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
ol.reasons li { margin: 4px 0; }
.pass { color: var(--ok); font-weight: 600; }
.fail { color: var(--bad); font-weight: 600; }
.note { color: var(--muted); font-size: 0.9em; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  figure, table, .card { break-inside: avoid; }
  .grid { grid-template-columns: 1fr 1fr; }
}
)";

}  // namespace

std::string page(std::string_view title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         // Nothing may be fetched: the page must open from a USB stick with no network.
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
         "<title>" +
         escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body +
         "</body>\n</html>\n";
}

}  // namespace hotline::report
