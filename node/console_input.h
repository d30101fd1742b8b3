#pragma once

#include <asio.hpp>

#include <functional>
#include <memory>
#include <string>

namespace hotline::node {

// Reads stdin line by line on a thread of its own and hands each line, then the end of input,
// to `io`'s thread. A thread rather than an Asio descriptor because stdin may be a terminal, a
// pipe or a regular file, and epoll refuses regular files. The io_context is held by shared_ptr
// so a line read after the node stopped is posted to a live (if idle) context.
void read_lines_in_background(std::shared_ptr<asio::io_context> io,
                              std::function<void(std::string)> on_line,
                              std::function<void()> on_end);

}  // namespace hotline::node
