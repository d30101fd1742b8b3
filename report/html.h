#pragma once
// The pieces every report page is made of: escaping (everything from a case file or a message
// is text, never markup), numbers formatted as the transcript formats them, and the page itself,
// self-contained (no script, no font, no request of any kind) and laid out to print on A4.

#include <string>
#include <string_view>

namespace hotline::report {

// Text for an HTML element or attribute: & < > " ' escaped.
std::string escape(std::string_view text);

// Case text as paragraphs: "\n\n" separates them, `code` becomes <code>.
std::string paragraphs(std::string_view text);

// 0.38 (as the transcript shows it) and 0.37512... (as --json carries it, for data-value).
std::string fixed(double value, int decimals = 2);
std::string exact(double value);

// A whole document: <!doctype html>, the style sheet, `title` and `body`.
std::string page(std::string_view title, const std::string& body);

}  // namespace hotline::report
