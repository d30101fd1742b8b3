#include "common/frame.h"

namespace hotline::common {
namespace {

std::uint32_t read_big_endian_u32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

}  // namespace

void check_frame_length(std::size_t length, std::uint32_t max_frame_bytes) {
  if (length == 0) throw FrameError(FrameError::Kind::kEmpty, "frame with a zero length");
  if (length > max_frame_bytes) {
    throw FrameError(FrameError::Kind::kOversized, "frame of " + std::to_string(length) +
                                                       " bytes exceeds the limit of " +
                                                       std::to_string(max_frame_bytes));
  }
}

void write_frame_header(char* out, std::uint32_t length) {
  out[0] = static_cast<char>(length >> 24);
  out[1] = static_cast<char>(length >> 16);
  out[2] = static_cast<char>(length >> 8);
  out[3] = static_cast<char>(length);
}

void append_frame(std::string& out, std::string_view body, std::uint32_t max_frame_bytes) {
  append_frame_in_place(out, body.size(), max_frame_bytes,
                        [&](char* at) { body.copy(at, body.size()); });
}

FrameDecoder::FrameDecoder(std::uint32_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

void FrameDecoder::feed(const char* data, std::size_t size) {
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(data, size);
}

std::optional<std::string_view> FrameDecoder::next() {
  const std::size_t available = buffer_.size() - consumed_;
  if (available < kFrameHeaderBytes) return std::nullopt;
  const std::uint32_t length = read_big_endian_u32(buffer_.data() + consumed_);
  check_frame_length(length, max_frame_bytes_);
  if (available - kFrameHeaderBytes < length) return std::nullopt;
  std::string_view body(buffer_.data() + consumed_ + kFrameHeaderBytes, length);
  consumed_ += kFrameHeaderBytes + length;
  return body;
}

}  // namespace hotline::common
