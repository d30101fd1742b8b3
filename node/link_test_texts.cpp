#include "node/link_test_texts.h"

namespace hotline::node {

std::string link_test_text(std::uint64_t number) {
  static const char* const kTexts[] = {
      "THE QUICK BROWN FOX JUMPED OVER THE LAZY DOG'S BACK 1234567890",
      "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly "
      "November in my soul. (Melville, Moby-Dick)",
      "All happy families are alike; each unhappy family is unhappy in its own way. "
      "(Tolstoy, Anna Karenina)",
      "It is a far, far better thing that I do, than I have ever done. (Dickens)",
      "Brevity is the soul of wit. (Shakespeare, Hamlet)",
      "If in the first act you have hung a pistol on the wall, then in the following one it "
      "should be fired. (Chekhov)",
  };
  constexpr std::uint64_t kCount = sizeof kTexts / sizeof kTexts[0];
  return kTexts[(number - 1) % kCount];
}

}  // namespace hotline::node
