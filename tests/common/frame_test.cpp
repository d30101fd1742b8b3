#include "common/frame.h"

#include <gtest/gtest.h>

#include <random>

namespace hotline::common {
namespace {

std::vector<std::string> decode_all(FrameDecoder& decoder) {
  std::vector<std::string> frames;
  while (auto body = decoder.next()) frames.emplace_back(*body);
  return frames;
}

TEST(FrameTest, RoundTripsOneFrame) {
  std::string wire;
  append_frame(wire, "hello", kDefaultMaxFrameBytes);
  EXPECT_EQ(wire, std::string("\0\0\0\x05hello", 9));
  FrameDecoder decoder;
  decoder.feed(wire.data(), wire.size());
  EXPECT_EQ(decode_all(decoder), std::vector<std::string>{"hello"});
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(FrameTest, ManyFramesInOneRead) {
  std::string wire;
  std::vector<std::string> sent;
  for (int i = 0; i < 100; ++i) {
    sent.push_back("frame number " + std::to_string(i));
    append_frame(wire, sent.back(), kDefaultMaxFrameBytes);
  }
  FrameDecoder decoder;
  decoder.feed(wire.data(), wire.size());
  EXPECT_EQ(decode_all(decoder), sent);
}

TEST(FrameTest, SplittingTheStreamAnywhereGivesTheSameFrames) {
  std::string wire;
  std::vector<std::string> sent;
  for (int i = 0; i < 50; ++i) {
    sent.push_back(std::string(static_cast<std::size_t>(1 + i * 37 % 300), char('a' + i % 26)));
    append_frame(wire, sent.back(), kDefaultMaxFrameBytes);
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    FrameDecoder decoder;
    std::vector<std::string> got;
    std::size_t at = 0;
    while (at < wire.size()) {
      const std::size_t chunk =
          std::min<std::size_t>(wire.size() - at, std::uniform_int_distribution<>(1, 9)(rng));
      decoder.feed(wire.data() + at, chunk);
      at += chunk;
      for (auto& frame : decode_all(decoder)) got.push_back(frame);
    }
    ASSERT_EQ(got, sent) << "trial " << trial;
  }
}

TEST(FrameTest, PartialHeaderWaitsForMore) {
  FrameDecoder decoder;
  decoder.feed("\0\0", 2);
  EXPECT_FALSE(decoder.next().has_value());
  decoder.feed("\0\x02o", 3);
  EXPECT_FALSE(decoder.next().has_value());
  decoder.feed("k", 1);
  EXPECT_EQ(decoder.next().value(), "ok");
}

TEST(FrameTest, ZeroLengthIsAnError) {
  FrameDecoder decoder;
  decoder.feed("\0\0\0\0", 4);
  try {
    decoder.next();
    FAIL() << "no error";
  } catch (const FrameError& error) {
    EXPECT_EQ(error.kind(), FrameError::Kind::kEmpty);
  }
}

TEST(FrameTest, OversizedLengthIsRejectedBeforeTheBodyArrives) {
  FrameDecoder decoder(1024);
  decoder.feed("\x7f\xff\xff\xff", 4);
  try {
    decoder.next();
    FAIL() << "no error";
  } catch (const FrameError& error) {
    EXPECT_EQ(error.kind(), FrameError::Kind::kOversized);
    EXPECT_STREQ(error.what(), "frame of 2147483647 bytes exceeds the limit of 1024");
  }
}

TEST(FrameTest, MaximumSizeIsAcceptedAndOneMoreIsNot) {
  std::string wire;
  append_frame(wire, std::string(1024, 'x'), 1024);
  FrameDecoder decoder(1024);
  decoder.feed(wire.data(), wire.size());
  EXPECT_EQ(decoder.next()->size(), 1024u);
  std::string too_big;
  EXPECT_THROW(append_frame(too_big, std::string(1025, 'x'), 1024), FrameError);
  EXPECT_THROW(append_frame(too_big, "", 1024), FrameError);
}

TEST(FrameTest, GarbageLengthFromRandomBytesNeverAllocatesPastTheLimit) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 1000; ++trial) {
    std::string bytes(64, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    FrameDecoder decoder(4096);
    decoder.feed(bytes.data(), bytes.size());
    try {
      while (decoder.next()) {
      }
    } catch (const FrameError&) {
    }
    EXPECT_LE(decoder.buffered_bytes(), bytes.size());
  }
}

}  // namespace
}  // namespace hotline::common
