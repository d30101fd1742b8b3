#pragma once
// Every number of the escalation model that is not a scenario's or a doctrine's parameter, named
// once here, with what it means; docs/model.md ("Constants") lists each with its value and its
// source, and a test checks that the two agree. None is measured: they are modelling choices
// unless the table in docs/model.md says otherwise.

#include <array>
#include <string_view>

#include "model/ladder.h"
#include "model/time.h"

namespace hotline::model::constants {

// Belief.
inline constexpr double kMaxLogOdds = 8.0;           // beliefs stay within (0.0003, 0.9997)
inline constexpr double kProbabilityFloor = 1e-4;    // priors are clamped to [p, 1 - p]
inline constexpr double kExculpatingShare = 0.5;     // evidence pointing elsewhere, of full weight
inline constexpr double kAllyHarmShare = 0.5;        // an ally's damage, held as one's own
inline constexpr double kBetrayalConfidence = 0.7;   // clear evidence after a denial: a lie
inline constexpr double kBetrayalTrustFactor = 0.5;  // trust kept after a lie is found out
inline constexpr double kAdmissionTrustGain = 0.2;   // share of distrust an admission removes
inline constexpr double kGarbledClarity = 0.3;       // what a garbled message still says
inline constexpr double kNotificationWeight = 0.5;   // a notice's belief effect, of a message's
inline constexpr double kWarningWeight = 0.5;        // a warning's belief effect, of a message's
inline constexpr double kDeservedMoveHostility =
    0.5;  // a move the side earned, of an unprovoked one

// What a move of the other's weighs as evidence of hostility (of an attack of severity 1), and
// what it costs the side that suffers it, by rung.
inline constexpr std::array<double, kRungCount> kMoveEvidence{0, 0, 0, 0.2, 0.4, 0, 0.6, 1.0};
inline constexpr std::array<double, kRungCount> kMoveDamage{0, 0, 0, 0.05, 0.2, 0, 0.3, 1.0};

// Answers: how convincing each is.
inline constexpr double kBareDenialClarity = 0.4;
inline constexpr double kPlantedIndicatorsClarity = 0.9;
inline constexpr double kSignaturesClarity = 1.0;
inline constexpr double kStrategyClarity = 0.7;
inline constexpr double kNothingSharedClarity = 0.5;
inline constexpr double kToleratedHonestClarity = 0.9;  // "not directed; we will act"

// Deterrence: the weight of a stated or imposed consequence, by rung (talk: kTalkWeight).
inline constexpr std::array<double, kRungCount> kConsequenceWeight{0.3, 0.3, 0.3, 0.5,
                                                                   0.8, 0.9, 1.0, 1.0};
inline constexpr double kMuddledLine = 0.3;              // a warning with no bright line
inline constexpr double kCredibilityBeforePublic = 0.6;  // a warner not yet seen to go public

// Decisions and strikes.
inline constexpr double kPretextGrievance = 0.3;       // a plan needs this much held against
inline constexpr double kRetaliationConfidence = 0.5;  // tit-for-tat answers what it attributes
inline constexpr double kRevisionCancelsStrike = 0.5;  // evidence elsewhere this clear: no strike
inline constexpr double kRetaliationRungStrikeSeverity = 0.4;
inline constexpr SimTime kStrikeLandsAfter = 1 * kHour;
inline constexpr SimTime kStrikeSeenAfter = 1 * kHour;
inline constexpr double kStrikeAttribution = 0.9;
inline constexpr SimTime kMoveSeenAfter = 1 * kHour;  // a public move, reported

// The world.
inline constexpr double kBlockedDamageShare = 0.1;  // a blocked attack still costs something
inline constexpr double kSignaturesShared = 1.0;    // units handed over per meeting
inline constexpr double kStrategyShared = 0.2;
inline constexpr double kMeetingTrustGain = 0.1;  // per unit received
inline constexpr double kWordsPerExchange = 40;   // a model message on the teleprinter
inline constexpr double kWordsPerLinkTest = 20;

struct Documented {
  std::string_view name;
  double value;
};

// What docs/model.md must list, with the same values (times in hours); the per-rung tables are
// listed there by rung name.
inline constexpr std::array<Documented, 33> kDocumented{{
    {"kMaxLogOdds", kMaxLogOdds},
    {"kProbabilityFloor", kProbabilityFloor},
    {"kExculpatingShare", kExculpatingShare},
    {"kAllyHarmShare", kAllyHarmShare},
    {"kBetrayalConfidence", kBetrayalConfidence},
    {"kBetrayalTrustFactor", kBetrayalTrustFactor},
    {"kAdmissionTrustGain", kAdmissionTrustGain},
    {"kGarbledClarity", kGarbledClarity},
    {"kNotificationWeight", kNotificationWeight},
    {"kWarningWeight", kWarningWeight},
    {"kDeservedMoveHostility", kDeservedMoveHostility},
    {"kBareDenialClarity", kBareDenialClarity},
    {"kPlantedIndicatorsClarity", kPlantedIndicatorsClarity},
    {"kSignaturesClarity", kSignaturesClarity},
    {"kStrategyClarity", kStrategyClarity},
    {"kNothingSharedClarity", kNothingSharedClarity},
    {"kToleratedHonestClarity", kToleratedHonestClarity},
    {"kMuddledLine", kMuddledLine},
    {"kCredibilityBeforePublic", kCredibilityBeforePublic},
    {"kPretextGrievance", kPretextGrievance},
    {"kRetaliationConfidence", kRetaliationConfidence},
    {"kRevisionCancelsStrike", kRevisionCancelsStrike},
    {"kRetaliationRungStrikeSeverity", kRetaliationRungStrikeSeverity},
    {"kStrikeLandsAfter", static_cast<double>(kStrikeLandsAfter) / kHour},
    {"kStrikeSeenAfter", static_cast<double>(kStrikeSeenAfter) / kHour},
    {"kStrikeAttribution", kStrikeAttribution},
    {"kMoveSeenAfter", static_cast<double>(kMoveSeenAfter) / kHour},
    {"kBlockedDamageShare", kBlockedDamageShare},
    {"kSignaturesShared", kSignaturesShared},
    {"kStrategyShared", kStrategyShared},
    {"kMeetingTrustGain", kMeetingTrustGain},
    {"kWordsPerExchange", kWordsPerExchange},
    {"kWordsPerLinkTest", kWordsPerLinkTest},
}};

}  // namespace hotline::model::constants
