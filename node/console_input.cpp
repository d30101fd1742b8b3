#include "node/console_input.h"

#include <iostream>
#include <thread>

namespace hotline::node {

void read_lines_in_background(std::shared_ptr<asio::io_context> io,
                              std::function<void(std::string)> on_line,
                              std::function<void()> on_end) {
  std::thread([io, on_line = std::move(on_line), on_end = std::move(on_end)] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      asio::post(*io, [on_line, line = std::move(line)]() mutable { on_line(std::move(line)); });
    }
    asio::post(*io, on_end);
  }).detach();
}

}  // namespace hotline::node
