#include "node/session.h"

#include <algorithm>

#include "node/batch_frame.h"
#include "node/protocol.h"

namespace hotline::node {

Session::Session(asio::ip::tcp::socket socket, asio::ssl::context& context, Role role,
                 const SessionSettings& settings, SessionHandler& handler)
    : stream_(std::move(socket), context),
      role_(role),
      settings_(settings),
      handler_(handler),
      timer_(stream_.get_executor()),
      decoder_(settings.max_frame_bytes) {
  asio::error_code ignored;
  const auto remote = stream_.lowest_layer().remote_endpoint(ignored);
  remote_address_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  asio::ip::tcp::no_delay no_delay(true);
  stream_.lowest_layer().set_option(no_delay, ignored);
  // Asio asks OpenSSL to free a connection's record buffers whenever they are empty, so on a
  // busy link every record read or written allocated and freed some 17 KB again, and each such
  // allocation made malloc consolidate the small chunks freed since: a tenth of a receiver's
  // CPU. A link keeps its two buffers instead.
  SSL_clear_mode(stream_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

void Session::start() {
  common::require_peer_party(stream_, settings_.peer_party, settings_.own_party,
                             certificate_refusal_);
  start_hello_timer();
  stream_.async_handshake(
      role_ == Role::kAccepted ? asio::ssl::stream_base::server : asio::ssl::stream_base::client,
      [self = shared_from_this()](const asio::error_code& error) { self->on_handshake(error); });
}

void Session::start_hello_timer() {
  timer_.expires_after(settings_.hello_timeout);
  timer_.async_wait([self = shared_from_this()](const asio::error_code& error) {
    if (error || self->reader_.rules().hello_seen() || self->finished_) return;
    self->abort("no Hello within " + std::to_string(self->settings_.hello_timeout.count()) +
                " ms of connecting");
  });
}

void Session::on_handshake(const asio::error_code& error) {
  if (finished_) return;
  if (error) {
    abort("TLS handshake failed: " + describe_failure(error));
    return;
  }
  secured_ = true;
  if (role_ == Role::kDialled) handler_.on_secured(shared_from_this());
  read_some();
}

std::string Session::describe_failure(const asio::error_code& error) const {
  if (!certificate_refusal_->empty()) return *certificate_refusal_;
  std::string text = error.message();
  // In TLS 1.3 a server's verdict on our certificate arrives as an alert on the first read.
  if (text.find("alert") != std::string::npos) text = "the peer refused us: " + text;
  return text;
}

void Session::read_some() {
  stream_.async_read_some(
      asio::buffer(read_buffer_),
      [self = shared_from_this()](const asio::error_code& error, std::size_t size) {
        self->on_read(error, size);
      });
}

void Session::on_read(const asio::error_code& error, std::size_t size) {
  if (finished_) return;
  last_received_ = Clock::now();
  if (error) {
    if (common::is_end_of_stream(error)) {
      finish("connection closed by the peer");
    } else {
      abort(reader_.rules().hello_seen() ? "read failed: " + error.message()
                                         : describe_failure(error));
    }
    return;
  }
  decoder_.feed(read_buffer_.data(), size);
  const auto self = shared_from_this();
  std::string violation;
  try {
    while (!finished_) {
      const auto body = decoder_.next();
      if (!body) break;
      handle_frame(self, *body);
    }
  } catch (const common::FrameError& frame_error) {
    violation = frame_error.what();
  } catch (const ProtocolViolation& protocol_violation) {
    violation = protocol_violation.what();
  }
  reader_.release();
  if (!violation.empty()) {
    abort("protocol violation: " + violation);
  } else if (!finished_) {
    handler_.on_read_finished(self);
    read_some();
  }
}

void Session::handle_frame(const std::shared_ptr<Session>& self, std::string_view body) {
  const PeerReader::Frame frame = reader_.read(body);
  if (frame.is_hello) {
    timer_.cancel();
    handler_.on_hello(self, frame.envelope);
    return;
  }
  handler_.on_envelope(self, frame.envelope);
}

void Session::send(const wire::Envelope& envelope) {
  if (finished_ || closing_) return;
  const std::size_t size = envelope.ByteSizeLong();
  try {
    common::append_frame_in_place(outgoing_, size, send_limit_, [&](char* at) {
      envelope.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(at));
    });
  } catch (const common::FrameError& error) {
    abort(std::string("this node tried to send a frame the peer does not accept: ") + error.what());
    return;
  }
  if (!writing_) write_queued();
}

void Session::send_batch(const wire::Envelope& header, const std::vector<BatchItem>& items,
                         std::size_t items_bytes) {
  if (finished_ || closing_) return;
  try {
    append_batch_frame(outgoing_, header, items, items_bytes, send_limit_);
  } catch (const common::FrameError& error) {
    abort(std::string("this node tried to send a frame the peer does not accept: ") + error.what());
    return;
  }
  if (!writing_) write_queued();
}

void Session::write_queued() {
  writing_ = true;
  last_sent_ = Clock::now();
  std::swap(in_flight_, outgoing_);
  asio::async_write(stream_, asio::buffer(in_flight_),
                    [self = shared_from_this()](const asio::error_code& error, std::size_t) {
                      self->writing_ = false;
                      self->in_flight_.clear();
                      if (self->finished_ && !self->closing_) return;
                      if (error) {
                        self->abort("write failed: " + error.message());
                        return;
                      }
                      // The handler may queue more, and that may already start the next write.
                      if (!self->finished_) self->handler_.on_drained(self);
                      if (self->writing_) return;
                      if (!self->outgoing_.empty()) {
                        self->write_queued();
                      } else if (self->closing_) {
                        self->shutdown_tls();
                      }
                    });
}

std::size_t Session::unread_bytes() {
  asio::error_code ignored;
  return stream_.next_layer().available(ignored);
}

void Session::close(const std::string& reason) {
  if (finished_) return;
  closing_ = true;
  finish(reason);
  if (!writing_) shutdown_tls();
}

void Session::shutdown_tls() {
  timer_.expires_after(settings_.shutdown_timeout);
  timer_.async_wait([self = shared_from_this()](const asio::error_code& error) {
    if (!error) self->stream_.lowest_layer().close();
  });
  stream_.async_shutdown([self = shared_from_this()](const asio::error_code&) {
    // eof or stream_truncated here are a normal end; nothing is left to do either way.
    self->timer_.cancel();
    asio::error_code ignored;
    self->stream_.lowest_layer().close(ignored);
  });
}

void Session::abort(const std::string& reason) {
  if (finished_) return;
  finish(reason);
  closing_ = false;
  asio::error_code ignored;
  timer_.cancel();
  stream_.lowest_layer().close(ignored);
}

void Session::finish(const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  handler_.on_closed(shared_from_this(), reason);
}

}  // namespace hotline::node
