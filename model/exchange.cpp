#include "model/exchange.h"

namespace hotline::model {

const char* exchange_type_name(Exchange::Type type) {
  switch (type) {
    case Exchange::Type::kInquiry:
      return "inquiry";
    case Exchange::Type::kReply:
      return "reply";
    case Exchange::Type::kExplanation:
      return "explanation";
    case Exchange::Type::kScripted:
      return "message";
    case Exchange::Type::kLinkTest:
      return "link test";
    case Exchange::Type::kText:
      return "text";
    case Exchange::Type::kWarning:
      return "warning";
    case Exchange::Type::kReassurance:
      return "reassurance";
    case Exchange::Type::kConsult:
      return "consultation";
    case Exchange::Type::kAssessment:
      return "assessment";
  }
  return "?";
}

const char* claim_name(Claim claim) {
  switch (claim) {
    case Claim::kNotUs:
      return "not us";
    case Claim::kNotDirected:
      return "not directed by us, we will act";
    case Claim::kAccident:
      return "our accident, we accept your response";
    case Claim::kAdmit:
      return "ours";
    case Claim::kBenign:
      return "ours, and not aimed at you";
    case Claim::kRefuse:
      return "refused";
  }
  return "?";
}

}  // namespace hotline::model
