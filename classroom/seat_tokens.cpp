#include "classroom/seat_tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace hotline::classroom {

std::string random_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("OpenSSL could not generate a random token");
  static const char digits[] = "0123456789abcdef";
  std::string token;
  for (const unsigned char byte : bytes) {
    token.push_back(digits[byte >> 4]);
    token.push_back(digits[byte & 0xF]);
  }
  return token;
}

SeatTokens::SeatTokens(const std::vector<std::string>& parties) {
  seats_.push_back({kInstructor, random_token()});
  for (const auto& party : parties) seats_.push_back({party, random_token()});
}

std::optional<std::string> SeatTokens::seat_of(std::string_view token) const {
  // Every seat is compared, all of each token, whatever matched before.
  std::optional<std::string> found;
  for (const auto& seat : seats_) {
    const bool same_length = token.size() == seat.token.size();
    const bool same =
        same_length && CRYPTO_memcmp(token.data(), seat.token.data(), token.size()) == 0;
    if (same) found = seat.name;
  }
  return found;
}

const std::string& SeatTokens::token_of(const std::string& seat) const {
  for (const auto& one : seats_) {
    if (one.name == seat) return one.token;
  }
  throw std::out_of_range("no seat " + seat);
}

const std::string& SeatTokens::revoke(const std::string& seat) {
  for (auto& one : seats_) {
    if (one.name == seat) {
      one.token = random_token();
      return one.token;
    }
  }
  throw std::out_of_range("no seat " + seat);
}

std::vector<std::string> SeatTokens::seats() const {
  std::vector<std::string> names;
  for (const auto& seat : seats_) names.push_back(seat.name);
  return names;
}

}  // namespace hotline::classroom
