#include "classroom/web_server.h"

#include <openssl/ssl.h>

#include <map>
#include <stdexcept>
#include <thread>

#include <websocketpp/config/asio.hpp>
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

namespace hotline::classroom {
namespace {

using Handle = websocketpp::connection_hdl;

// Headers every response carries: nothing cached (pages carry a seat's token), no token leaked
// to another site in a Referer, and the page's own scripts only.
template <typename Connection>
void add_common_headers(Connection& connection, bool page_of_ours) {
  connection->replace_header("Cache-Control", "no-store");
  connection->replace_header("Referrer-Policy", "no-referrer");
  connection->replace_header("X-Content-Type-Options", "nosniff");
  connection->replace_header("X-Frame-Options", "DENY");
  // The after-action report is one self-contained page with its own inline style and script;
  // it may load nothing and connect nowhere.
  connection->replace_header(
      "Content-Security-Policy",
      page_of_ours ? "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
                     "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
                   : "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                     "img-src data:; frame-ancestors 'none'; base-uri 'none'");
}

}  // namespace

class WebServer::Impl {
 public:
  virtual ~Impl() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual std::string address() const = 0;
  virtual bool tls() const = 0;
  virtual void send(ConnectionId connection, const std::string& text) = 0;
  virtual void close(ConnectionId connection, const std::string& reason) = 0;
  virtual std::size_t connections() const = 0;
  virtual void post(std::function<void()> work) = 0;
  virtual void every(std::chrono::milliseconds period, std::function<void()> work) = 0;
};

namespace {

template <typename Config>
class Endpoint : public WebServer::Impl {
 public:
  using Server = websocketpp::server<Config>;

  Endpoint(WebServerOptions options, WebHandlers handlers)
      : options_(std::move(options)), handlers_(std::move(handlers)) {
    server_.init_asio(&io_);
    server_.clear_access_channels(websocketpp::log::alevel::all);
    server_.clear_error_channels(websocketpp::log::elevel::all);
    server_.set_error_channels(websocketpp::log::elevel::fatal);
    server_.get_elog().set_ostream(&std::cerr);
    server_.set_reuse_addr(true);
    // No "Server: WebSocket++/0.8.2" header: which library and version serve the room is
    // nobody's business.
    server_.set_user_agent("");
    server_.set_max_message_size(options_.max_message_bytes);
    server_.set_max_http_body_size(options_.max_message_bytes);
    server_.set_http_handler([this](Handle handle) { on_http(handle); });
    server_.set_validate_handler([this](Handle handle) { return on_validate(handle); });
    server_.set_open_handler([this](Handle handle) { on_open(handle); });
    server_.set_close_handler([this](Handle handle) { on_close(handle); });
    server_.set_fail_handler([this](Handle handle) { on_close(handle); });
    server_.set_message_handler([this](Handle handle, typename Server::message_ptr message) {
      on_message(handle, message);
    });
    if constexpr (std::is_same_v<Config, websocketpp::config::asio_tls>) {
      server_.set_tls_init_handler([this](Handle) { return tls_context(); });
    }
  }

  ~Endpoint() override { stop(); }

  void start() override {
    websocketpp::lib::error_code error;
    const auto address = asio::ip::make_address(options_.address, error);
    if (error)
      throw std::runtime_error("cannot listen on " + options_.address + ": " + error.message());
    server_.listen(asio::ip::tcp::endpoint(address, options_.port), error);
    if (!error) server_.start_accept(error);
    if (error) {
      throw std::runtime_error("cannot listen on " + options_.address + ":" +
                               std::to_string(options_.port) + ": " + error.message());
    }
    const auto bound = server_.get_local_endpoint(error);
    address_ = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                        : bound.address().to_string()) +
               ":" + std::to_string(bound.port());
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() override {
    if (!thread_.joinable()) return;
    post([this] {
      websocketpp::lib::error_code ignored;
      server_.stop_listening(ignored);
      for (auto& timer : timers_) timer->cancel();
      for (auto& [id, handle] : handles_)
        server_.close(handle, websocketpp::close::status::going_away, "the exercise is over",
                      ignored);
    });
    // The closing handshakes get a moment; then the loop stops, whatever is left.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    io_.stop();
    thread_.join();
  }

  std::string address() const override { return address_; }
  bool tls() const override { return std::is_same_v<Config, websocketpp::config::asio_tls>; }

  void send(ConnectionId connection, const std::string& text) override {
    const auto found = handles_.find(connection);
    if (found == handles_.end()) return;
    websocketpp::lib::error_code ignored;  // a connection going away is told by its close
    auto open = server_.get_con_from_hdl(found->second, ignored);
    if (!open) return;
    if (open->get_buffered_amount() > options_.max_unsent_bytes) {
      open->close(websocketpp::close::status::policy_violation, "not reading", ignored);
      return;
    }
    open->send(text, websocketpp::frame::opcode::text);
  }

  void close(ConnectionId connection, const std::string& reason) override {
    const auto found = handles_.find(connection);
    if (found == handles_.end()) return;
    websocketpp::lib::error_code ignored;
    server_.close(found->second, websocketpp::close::status::policy_violation, reason, ignored);
  }

  std::size_t connections() const override { return handles_.size(); }

  void post(std::function<void()> work) override { asio::post(io_, std::move(work)); }

  void every(std::chrono::milliseconds period, std::function<void()> work) override {
    auto timer = std::make_shared<asio::steady_timer>(io_);
    timers_.push_back(timer);
    auto tick = std::make_shared<std::function<void(const std::error_code&)>>();
    *tick = [timer, period, work = std::move(work),
             tick_weak = std::weak_ptr(tick)](const std::error_code& error) {
      if (error) return;
      work();
      timer->expires_after(period);
      if (auto again = tick_weak.lock()) timer->async_wait(*again);
    };
    ticks_.push_back(tick);
    timer->expires_after(period);
    timer->async_wait(*tick);
  }

 private:
  void on_http(Handle handle) {
    auto connection = server_.get_con_from_hdl(handle);
    HttpResponse response;
    if (connection->get_request().get_method() != "GET") {
      response = {405, "text/plain; charset=utf-8", "only GET is served here\n", false};
      connection->replace_header("Allow", "GET");
    } else {
      response = handlers_.http(connection->get_resource());
    }
    connection->set_status(static_cast<websocketpp::http::status_code::value>(response.status));
    connection->set_body(response.body);
    connection->replace_header("Content-Type", response.content_type);
    add_common_headers(connection, !response.self_contained);
  }

  bool on_validate(Handle handle) {
    auto connection = server_.get_con_from_hdl(handle);
    const auto audience = handlers_.admit(connection->get_resource());
    if (!audience) {
      connection->set_status(websocketpp::http::status_code::forbidden);
      return false;
    }
    audiences_[handle] = *audience;
    return true;
  }

  void on_open(Handle handle) {
    const ConnectionId id = next_id_++;
    ids_[handle] = id;
    handles_[id] = handle;
    std::string audience = audiences_[handle];
    audiences_.erase(handle);
    handlers_.opened(id, audience);
  }

  void on_close(Handle handle) {
    audiences_.erase(handle);
    const auto found = ids_.find(handle);
    if (found == ids_.end()) return;
    const ConnectionId id = found->second;
    ids_.erase(found);
    handles_.erase(id);
    handlers_.closed(id);
  }

  void on_message(Handle handle, typename Server::message_ptr message) {
    const auto found = ids_.find(handle);
    if (found == ids_.end()) return;
    if (message->get_opcode() != websocketpp::frame::opcode::text) {
      close(found->second, "text messages only");
      return;
    }
    handlers_.message(found->second, message->get_payload());
  }

  std::shared_ptr<asio::ssl::context> tls_context() {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    context->use_certificate_chain(
        asio::buffer(options_.certificate_pem.data(), options_.certificate_pem.size()));
    context->use_private_key(asio::buffer(options_.key_pem.data(), options_.key_pem.size()),
                             asio::ssl::context::pem);
    return context;
  }

  WebServerOptions options_;
  WebHandlers handlers_;
  asio::io_context io_;
  Server server_;
  std::thread thread_;
  std::string address_;
  ConnectionId next_id_ = 1;
  std::map<Handle, ConnectionId, std::owner_less<Handle>> ids_;
  std::map<Handle, std::string, std::owner_less<Handle>> audiences_;
  std::map<ConnectionId, Handle> handles_;
  std::vector<std::shared_ptr<asio::steady_timer>> timers_;
  std::vector<std::shared_ptr<std::function<void(const std::error_code&)>>> ticks_;
};

}  // namespace

WebServer::WebServer(WebServerOptions options, WebHandlers handlers) {
  if (options.certificate_pem.empty()) {
    impl_ = std::make_unique<Endpoint<websocketpp::config::asio>>(std::move(options),
                                                                  std::move(handlers));
  } else {
    impl_ = std::make_unique<Endpoint<websocketpp::config::asio_tls>>(std::move(options),
                                                                      std::move(handlers));
  }
}

WebServer::~WebServer() = default;
void WebServer::start() {
  impl_->start();
}
void WebServer::stop() {
  impl_->stop();
}
std::string WebServer::address() const {
  return impl_->address();
}
bool WebServer::tls() const {
  return impl_->tls();
}
void WebServer::send(ConnectionId connection, const std::string& text) {
  impl_->send(connection, text);
}
void WebServer::close(ConnectionId connection, const std::string& reason) {
  impl_->close(connection, reason);
}
std::size_t WebServer::connections() const {
  return impl_->connections();
}
void WebServer::post(std::function<void()> work) {
  impl_->post(std::move(work));
}
void WebServer::every(std::chrono::milliseconds period, std::function<void()> work) {
  impl_->every(period, std::move(work));
}

}  // namespace hotline::classroom
