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

}  // namespace hotline::common
