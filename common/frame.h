#pragma once
// Length-prefixed framing: a 4-byte big-endian length, then that many bytes of body.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hotline::common {

inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::uint32_t kDefaultMaxFrameBytes = 64 * 1024;

class FrameError : public std::runtime_error {
 public:
  enum class Kind { kEmpty, kOversized };
  FrameError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Appends one frame holding `body` to `out`. Throws FrameError if the body is empty or
// larger than `max_frame_bytes`, so a node never sends what its peer must refuse.
void append_frame(std::string& out, std::string_view body, std::uint32_t max_frame_bytes);

// Appends one frame whose body `write_body` serialises in place into the `body_size` bytes
// reserved for it, saving a copy of every outgoing message.
template <typename WriteBody>
void append_frame_in_place(std::string& out, std::size_t body_size, std::uint32_t max_frame_bytes,
                           WriteBody&& write_body);

// Splits a byte stream into frame bodies, whatever the read boundaries were.
// The declared length is checked against the limit before any byte of the body is buffered,
// so a hostile length cannot make the decoder allocate.
class FrameDecoder {
 public:
  explicit FrameDecoder(std::uint32_t max_frame_bytes = kDefaultMaxFrameBytes);

  void feed(const char* data, std::size_t size);

  // The next complete frame body, or nullopt if more bytes are needed. The view stays valid
  // until the next call to feed() or next(). Throws FrameError on an empty or oversized frame;
  // the decoder is unusable afterwards (the stream has lost its framing).
  std::optional<std::string_view> next();

  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  std::uint32_t max_frame_bytes_;
  std::string buffer_;
  std::size_t consumed_ = 0;
};

void check_frame_length(std::size_t length, std::uint32_t max_frame_bytes);
void write_frame_header(char* out, std::uint32_t length);

template <typename WriteBody>
void append_frame_in_place(std::string& out, std::size_t body_size, std::uint32_t max_frame_bytes,
                           WriteBody&& write_body) {
  check_frame_length(body_size, max_frame_bytes);
  const std::size_t at = out.size();
  out.resize(at + kFrameHeaderBytes + body_size);
  write_frame_header(out.data() + at, static_cast<std::uint32_t>(body_size));
  write_body(out.data() + at + kFrameHeaderBytes);
}

}  // namespace hotline::common
