#pragma once
// One TLS connection to the peer: handshake, the Hello exchange, framed reads and a write queue.
// Like the Asio chat example's connection: only one write is in flight, and frames queued
// meanwhile go out together in the next write. All handlers run on the node's one thread.

#include <algorithm>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/frame.h"
#include "common/tls.h"
#include "node/batch_frame.h"
#include "node/peer_reader.h"
#include "proto/hotline.pb.h"

namespace hotline::node {

class Session;

class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  // TLS is up on a dialled connection: the handler sends our Hello first.
  virtual void on_secured(const std::shared_ptr<Session>& session) = 0;
  // The peer's Hello (first frame) passed the connection-level checks.
  virtual void on_hello(const std::shared_ptr<Session>& session, const wire::Envelope& hello) = 0;
  // `envelope` lives until the handler returns; a handler that keeps it copies it. A batch's
  // items, checked, are in session->batch_items().
  virtual void on_envelope(const std::shared_ptr<Session>& session,
                           const wire::Envelope& envelope) = 0;
  // A read's frames were handled (none, if it brought only part of one).
  virtual void on_read_finished(const std::shared_ptr<Session>& session) = 0;
  // A write finished and little is queued: the handler may hand over more.
  virtual void on_drained(const std::shared_ptr<Session>& session) = 0;
  // Called exactly once per session.
  virtual void on_closed(const std::shared_ptr<Session>& session, const std::string& reason) = 0;
};

struct SessionSettings {
  std::string own_party;
  std::string peer_party;
  std::string circuit = "primary";
  std::uint32_t max_frame_bytes = common::kDefaultMaxFrameBytes;
  // From TCP accept/connect until the peer's Hello: bounds what a silent or slow client costs.
  std::chrono::milliseconds hello_timeout{5000};
  std::chrono::milliseconds shutdown_timeout{1000};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  enum class Role { kAccepted, kDialled };
  using Clock = std::chrono::steady_clock;

  Session(asio::ip::tcp::socket socket, asio::ssl::context& context, Role role,
          const SessionSettings& settings, SessionHandler& handler);

  void start();

  // Queues one envelope; it goes out with whatever else is queued. A frame over the limit the
  // peer accepts is not sent: the session closes, saying that this node tried to send it (the
  // node checks sizes first, so this is a last guard, not a path it takes).
  void send(const wire::Envelope& envelope);
  // The peer accepts frames of at most `bytes` (from its Hello); never more than our own limit.
  void limit_sent_frames(std::uint32_t bytes) {
    send_limit_ = std::min(bytes, settings_.max_frame_bytes);
  }
  // Queues reliable envelopes as one batch frame under `header` (see node/batch_frame.h).
  void send_batch(const wire::Envelope& header, const std::vector<BatchItem>& items,
                  std::size_t items_bytes);

  // While a batch envelope is being handled: its items, each a reliable payload with a seq that
  // does not go back, carrying the header's epoch.
  const std::vector<const wire::Envelope*>& batch_items() const { return reader_.batch_items(); }
  // One of them, for the node to take by swapping rather than copy (BatchReader::item).
  wire::Envelope& batch_item(std::size_t index) { return reader_.batch_item(index); }
  // Their bytes as they came, without the epoch (journalled as they are, not encoded again).
  const std::vector<std::string_view>& batch_item_bytes() const {
    return reader_.batch_item_bytes();
  }

  // Sends what is queued, then closes TLS cleanly (bounded by shutdown_timeout).
  void close(const std::string& reason);
  // Closes the socket at once; used for protocol violations.
  void abort(const std::string& reason);

  bool is_open() const { return !finished_; }
  // The TLS handshake is done: the other end holds a certificate of our exercise CA.
  bool secured() const { return secured_; }
  bool accepted() const { return role_ == Role::kAccepted; }
  const std::string& remote_address() const { return remote_address_; }
  const std::string& circuit() const { return settings_.circuit; }
  // The party this session is for: its certificate and Hello must name it.
  const std::string& peer_party() const { return settings_.peer_party; }
  std::uint64_t peer_epoch() const { return reader_.rules().peer_epoch(); }
  Clock::time_point last_received() const { return last_received_; }
  Clock::time_point last_sent() const { return last_sent_; }
  // A write to the socket is in flight; on_drained() follows when it is done.
  bool writing() const { return writing_; }
  // Bytes handed to this session and not yet written to the socket.
  std::size_t queued_bytes() const { return outgoing_.size() + in_flight_.size(); }
  // Bytes the peer sent that wait in the socket, not yet read (0 if the socket cannot say).
  std::size_t unread_bytes();

 private:
  void start_hello_timer();
  void on_handshake(const asio::error_code& error);
  void read_some();
  void on_read(const asio::error_code& error, std::size_t size);
  void handle_frame(const std::shared_ptr<Session>& self, std::string_view body);
  void write_queued();
  void shutdown_tls();
  void finish(const std::string& reason);
  std::string describe_failure(const asio::error_code& error) const;

  common::TlsStream stream_;
  Role role_;
  SessionSettings settings_;
  std::uint32_t send_limit_ = settings_.max_frame_bytes;
  SessionHandler& handler_;
  std::string remote_address_;
  std::shared_ptr<std::string> certificate_refusal_ = std::make_shared<std::string>();
  asio::steady_timer timer_;

  common::FrameDecoder decoder_;
  PeerReader reader_{settings_.peer_party};
  std::array<char, 64 * 1024> read_buffer_{};
  std::string outgoing_;
  std::string in_flight_;
  bool writing_ = false;

  bool secured_ = false;
  bool closing_ = false;
  bool finished_ = false;
  Clock::time_point last_received_ = Clock::now();
  Clock::time_point last_sent_ = Clock::now();
};

}  // namespace hotline::node
