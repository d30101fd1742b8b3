#pragma once
// The classroom's HTTP and WebSocket server: websocketpp on a standalone Asio loop of its own
// thread. Every handler runs on that thread, and so must whatever touches the connections:
// other threads hand work to it with `post`. Nothing of websocketpp or Asio shows here, because
// websocketpp 0.8 needs Asio's deprecated names, which the rest of hotline builds without (see
// classroom/CMakeLists.txt).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hotline::classroom {

using ConnectionId = std::uint64_t;

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  // A self-contained page with inline style and script (the after-action report), which may
  // load nothing; otherwise our own pages, which load only from this server.
  bool self_contained = false;
};

struct WebServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  // PEM certificate chain and key: serve HTTPS and WSS; empty: plain HTTP and WS.
  std::string certificate_pem;
  std::string key_pem;
  std::size_t max_message_bytes = 16 * 1024;  // a browser's WebSocket message, and a request body
  // A connection with more than this waiting to be written (a browser that does not read) is
  // closed rather than allowed to grow the server's memory.
  std::size_t max_unsent_bytes = 8 * 1024 * 1024;
};

struct WebHandlers {
  // A GET request for `resource` (path and query, as sent).
  std::function<HttpResponse(const std::string& resource)> http;
  // A WebSocket handshake for `resource`: what the connection is admitted as (handed to
  // `opened` once the handshake completes), or nothing to refuse it with 403.
  std::function<std::optional<std::string>(const std::string& resource)> admit;
  std::function<void(ConnectionId, const std::string& audience)> opened;
  std::function<void(ConnectionId, const std::string& text)> message;
  std::function<void(ConnectionId)> closed;
};

class WebServer {
 public:
  WebServer(WebServerOptions options, WebHandlers handlers);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Listens (throws std::runtime_error saying why it cannot) and serves on a thread of its own.
  void start();
  // Closes every connection and stops the thread. Safe to call twice.
  void stop();
  // "127.0.0.1:8080": where it listens, once started.
  std::string address() const;
  bool tls() const;

  // These three only on the server's thread (from a handler, or a posted function).
  void send(ConnectionId connection, const std::string& text);
  void close(ConnectionId connection, const std::string& reason);
  std::size_t connections() const;

  // Runs `work` on the server's thread; from any thread.
  void post(std::function<void()> work);
  // Runs `work` on the server's thread every `period`, from start to stop.
  void every(std::chrono::milliseconds period, std::function<void()> work);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::classroom
