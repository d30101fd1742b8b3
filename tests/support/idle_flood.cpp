#include "tests/support/idle_flood.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hotline::testing {

IdleFlood::IdleFlood(const std::string& address, int count)
    : endpoint_(common::parse_endpoint(address)) {
  for (int i = 0; i < count; ++i) sockets_.push_back(open());
  thread_ = std::thread([this] {
    while (!stop_) {
      std::vector<pollfd> ready;
      for (const int fd : sockets_) ready.push_back({fd, POLLIN, 0});
      ::poll(ready.data(), ready.size(), 20);
      for (std::size_t i = 0; i < ready.size(); ++i) {
        if (ready[i].revents == 0) continue;
        char byte;
        if (::recv(sockets_[i], &byte, 1, MSG_DONTWAIT) > 0) continue;
        ::close(sockets_[i]);
        sockets_[i] = open();
        ++reopened_;
      }
    }
  });
}

IdleFlood::~IdleFlood() {
  stop_ = true;
  thread_.join();
  for (const int fd : sockets_) ::close(fd);
}

int IdleFlood::open() const {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(endpoint_.port);
  ::inet_pton(AF_INET, endpoint_.host.c_str(), &to.sin_addr);
  ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  return fd;
}

}  // namespace hotline::testing
