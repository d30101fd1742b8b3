#pragma once

#include <cstdint>
#include <string>

namespace hotline::node {

// The text of the n-th periodic link test. The real link's operators sent pangrams and
// passages of literature (CASES.md §1); these are public-domain lines in the same spirit.
std::string link_test_text(std::uint64_t number);

}  // namespace hotline::node
