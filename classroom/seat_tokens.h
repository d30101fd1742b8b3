#pragma once
// Who may sit where: one secret token per seat (each party's, and the instructor's). A token is
// 128 random bits from OpenSSL, written as 32 hex digits; looking one up compares it with every
// seat's in constant time, so the time a guess takes says nothing of how close it came. The
// instructor may revoke a party's token: a new one replaces it, and the old one admits no one.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::classroom {

inline constexpr const char* kInstructor = "instructor";

class SeatTokens {
 public:
  // One seat per party, and the instructor's.
  explicit SeatTokens(const std::vector<std::string>& parties);

  // The seat a token admits to ("instructor" or a party id), if any.
  std::optional<std::string> seat_of(std::string_view token) const;
  const std::string& token_of(const std::string& seat) const;
  // Issues `seat` a new token; the old one admits no one. Returns the new one.
  const std::string& revoke(const std::string& seat);
  std::vector<std::string> seats() const;

 private:
  struct Seat {
    std::string name;
    std::string token;
  };
  std::vector<Seat> seats_;
};

// 128 random bits as 32 lower-case hex digits; throws if OpenSSL's generator fails.
std::string random_token();

}  // namespace hotline::classroom
