// Each mechanism of a side's mind, on its own.
#include "model/side.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/constants.h"
#include "model/doctrine.h"

namespace hotline::model {
namespace {

// The side under test is party 0 of a bilateral case; the other is party 1, "moscow".
constexpr int kOther = 1;

Side make_side(const PartySpec& me, bool hotline) {
  Scenario scenario;
  scenario.parties = {me, PartySpec{}};
  scenario.parties[1].id = "moscow";
  scenario.hotline().enabled = hotline;
  return Side(scenario, 0, nullptr);
}

PartySpec party(double prior, double trust = 0.5) {
  PartySpec p;
  p.id = "washington";
  p.prior_hostility = prior;
  p.trust = trust;
  p.perception.confidence_noise = 0;  // these tests look at the mechanisms, not the noise
  p.doctrine.decision_latency = 0;    // nor at the time a decision takes, unless they say so
  return p;
}

SeenIncident attack(int id, double confidence, double severity = 0.5) {
  SeenIncident seen;
  seen.incident = id;
  seen.id = "attack-" + std::to_string(id);
  seen.points_at = kOther;
  seen.confidence = confidence;
  seen.severity = severity;
  seen.damage = severity;
  return seen;
}

TEST(SideTest, ConfirmationBiasReadsAmbiguousEvidenceTowardThePrior) {
  // The same ambiguous evidence moves a suspicious side further than a trusting one.
  auto shift = [](double prior, double bias) {
    PartySpec p = party(prior);
    p.perception.confirmation_bias = bias;
    Side side = make_side(p, false);
    Rng rng(1);
    Actions out;
    const double before = side.belief(0);
    side.observe(0, attack(1, 0.5), rng, out);
    return std::log(side.belief(0) / (1 - side.belief(0))) - std::log(before / (1 - before));
  };
  EXPECT_GT(shift(0.8, 0.6), shift(0.2, 0.6));
  EXPECT_NEAR(shift(0.8, 0.0), shift(0.2, 0.0), 1e-9);
}

TEST(SideTest, TheSameObservationsClimbHigherFromAHostilePrior) {
  auto peak = [](double prior) {
    PartySpec p = party(prior);
    p.perception.confirmation_bias = 0.5;
    Side side = make_side(p, false);
    Rng rng(1);
    Rung highest = Rung::kNormal;
    for (int i = 0; i < 4; ++i) {
      Actions out;
      side.observe(i * kHour, attack(i, 0.5), rng, out);
      for (int r = 0; r < 5; ++r) side.review(i * kHour + r, rng, out);
      highest = std::max(highest, side.rung());
    }
    return highest;
  };
  EXPECT_GT(peak(0.8), peak(0.2));
}

TEST(SideTest, TheOthersMovesReadAsHostileButOwnMovesNeverCountAgainstOneself) {
  Side side = make_side(party(0.3), false);
  Actions out;
  const double before = side.belief(0);
  Rng move_rng(1);
  side.see_move(0, kOther, Rung::kSanctions, kNoParty, MoveAnswers::kNothing, move_rng, out);
  EXPECT_GT(side.belief(0), before);
  // Climbing oneself (pushed by grievance) does not change one's own belief.
  Side climber = make_side(party(0.9), false);
  Rng rng(1);
  climber.observe(0, attack(1, 1.0, 1.0), rng, out);
  const double after_evidence = climber.belief(0);
  for (int r = 0; r < 6; ++r) climber.review(0, rng, out);
  EXPECT_GT(climber.rung(), Rung::kInquiry);
  EXPECT_DOUBLE_EQ(climber.belief(0), after_evidence);
}

TEST(SideTest, AnInquiryAnsweredByATrustedDenialLowersBeliefAndGrievance) {
  Side side = make_side(party(0.5, 0.8), true);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(7, 0.8), rng, out);
  ASSERT_EQ(out.send.size(), 1u);
  EXPECT_EQ(out.send[0].exchange.type, Exchange::Type::kInquiry);
  const double belief = side.belief(kHour);
  const double grievance = side.grievance(kHour);
  Exchange reply;
  reply.type = Exchange::Type::kReply;
  reply.incident = 7;
  reply.claim = Claim::kNotUs;
  reply.clarity = 1.0;
  side.receive(kHour, kOther, reply, false, nullptr, rng, out);
  EXPECT_LT(side.belief(kHour), belief);
  EXPECT_LT(side.grievance(kHour), grievance * 0.5);
}

TEST(SideTest, AGarbledReplyConvincesLessThanAClearOne) {
  auto belief_after = [](bool garbled) {
    Side side = make_side(party(0.5, 0.8), true);
    Rng rng(1);
    Actions out;
    side.observe(0, attack(7, 0.8), rng, out);
    Exchange reply;
    reply.type = Exchange::Type::kReply;
    reply.incident = 7;
    side.receive(kHour, kOther, reply, garbled, nullptr, rng, out);
    return side.belief(kHour);
  };
  EXPECT_GT(belief_after(true), belief_after(false));
}

TEST(SideTest, SilenceAfterAnInquiryIsReadAsASignal) {
  Side side = make_side(party(0.5), true);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(1, 0.8), rng, out);
  const SimTime deadline = Doctrine{}.reply_deadline;
  const double before = side.belief(deadline);
  side.review(deadline, rng, out);
  EXPECT_GT(side.belief(deadline), before);
}

TEST(SideTest, ALieExposedByClearEvidenceHalvesTrust) {
  Side side = make_side(party(0.5, 0.8), true);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(3, 0.4), rng, out);
  Exchange reply;
  reply.type = Exchange::Type::kReply;
  reply.incident = 3;
  reply.claim = Claim::kNotUs;
  side.receive(kHour, kOther, reply, false, nullptr, rng, out);
  side.observe(2 * kHour, attack(3, 0.95), rng, out);
  EXPECT_NEAR(side.trust(kOther), 0.4, 1e-12);
}

// The share of runs in which a tit-for-tat side, trusting the other `trust`, strikes back at an
// attack explained as an accident `explanations` times before the strike falls due.
double strike_share(double trust, int explanations) {
  PartySpec p = party(0.2, trust);
  p.doctrine = *doctrine_preset("tit-for-tat");
  int struck = 0;
  for (int seed = 1; seed <= 2000; ++seed) {
    Side side = make_side(p, true);
    Rng rng(seed);
    Actions out;
    side.observe(0, attack(5, 0.9), rng, out);
    for (int i = 0; i < explanations; ++i) {
      Exchange explanation;
      explanation.type = Exchange::Type::kExplanation;
      explanation.incident = 5;
      explanation.claim = Claim::kAccident;
      side.receive((2 + i) * kHour, kOther, explanation, false, nullptr, rng, out);
    }
    Actions later;
    side.review(p.doctrine.retaliate_after, rng, later);
    struck += later.strikes.empty() ? 0 : 1;
  }
  return struck / 2000.0;
}

TEST(SideTest, TitForTatStrikesBackUnlessTheAccidentIsExplainedInTime) {
  EXPECT_EQ(strike_share(0.8, 0), 1.0);
  EXPECT_NEAR(strike_share(0.8, 1), 0.2, 0.03) << "talked out of it as far as it believes";
}

TEST(SideTest, AnAccidentExplainedTwiceCountsOnce) {
  // The spontaneous explanation and the reply to the inquiry say the same thing.
  EXPECT_NEAR(strike_share(0.5, 2), strike_share(0.5, 1), 1e-12);
}

TEST(SideTest, TrustLowersTheChanceOfAStrikeSmoothlyWithNoCliff) {
  // Before, a strike was called off only once trust x clarity reached 0.5 (and an accident
  // explained twice made that 1 - (1 - t)^2 >= 0.5): trust 0.27 struck, 0.30 did not.
  EXPECT_NEAR(strike_share(0.27, 1) - strike_share(0.30, 1), 0.03, 0.03);
  EXPECT_GT(strike_share(0.2, 1), strike_share(0.6, 1));
}

TEST(SideTest, AnAccidentThatHitNoOtherPartyIsExplainedToTheOtherAllTheSame) {
  PartySpec p = party(0.2);
  p.doctrine = *doctrine_preset("contrite");
  Side side = make_side(p, true);
  for (const int victim : {kOther, kNoParty, 0}) {
    Actions out;
    side.own_accident(0, 9, "slip", victim, out);
    ASSERT_EQ(out.send.size(), 1u) << "victim " << victim;
    EXPECT_EQ(out.send[0].to, kOther);
    EXPECT_EQ(out.send[0].exchange.claim, Claim::kAccident);
  }
}

TEST(SideTest, AContriteSideTakesThePunishmentForItsOwnAccident) {
  PartySpec p = party(0.2);
  p.doctrine = *doctrine_preset("contrite");
  Side side = make_side(p, false);
  Rng rng(1);
  Actions out;
  side.own_accident(0, 9, "slip", kOther, out);
  SeenIncident strike = attack(10, 0.9);
  strike.in_response_to = 9;
  const double before = side.belief(kHour);
  side.observe(kHour, strike, rng, out);
  EXPECT_DOUBLE_EQ(side.belief(kHour), before);
  EXPECT_DOUBLE_EQ(side.grievance(kHour), 0.0);
  Actions later;
  side.review(kDay, rng, later);
  EXPECT_TRUE(later.strikes.empty());
}

TEST(SideTest, ANotificationThatReachesTheDeskDefusesTheEventItAnnounces) {
  auto belief_after_launch = [](bool reaches_desk) {
    Side side = make_side(party(0.5, 0.8), true);
    Rng rng(1);
    Actions out;
    MessageSpec notice;
    notice.kind = MessageKind::kNotification;
    notice.about = 4;
    notice.reaches_desk = reaches_desk;
    Exchange exchange;
    exchange.type = Exchange::Type::kScripted;
    exchange.scripted = 0;
    side.receive(0, kOther, exchange, false, &notice, rng, out);
    side.observe(kDay, attack(4, 0.9), rng, out);
    return side.belief(kDay);
  };
  EXPECT_LT(belief_after_launch(true), belief_after_launch(false));
}

// How often a side planning harm heeds `warning` (received from an other who has gone public
// when `public_already`), over many random streams.
// With `composed`, the same warning comes as a person composed it in a tabletop exercise, and
// is received `times` times over.
double share_deterred(const MessageSpec& warning, bool public_already, bool intends_harm = true,
                      bool composed = false, int times = 1) {
  int deterred = 0;
  for (int seed = 1; seed <= 400; ++seed) {
    PartySpec p = party(0.5);
    p.intends_harm = intends_harm;
    Side side = make_side(p, true);
    Rng rng(seed);
    Actions out;
    if (public_already)
      side.see_move(0, kOther, Rung::kNameAndShame, kNoParty, MoveAnswers::kNothing, rng, out);
    Exchange exchange;
    exchange.type = Exchange::Type::kScripted;
    exchange.scripted = 0;
    if (composed) {
      exchange.type = Exchange::Type::kWarning;
      exchange.scripted = -1;
      exchange.line = warning.line;
      exchange.consequence = warning.consequence.value_or(Rung::kNormal);
      exchange.text = "Stay away from it.";
    }
    Actions answer;
    for (int i = 1; i <= times; ++i)
      side.receive(kHour * i, kOther, exchange, false, composed ? nullptr : &warning, rng, answer);
    if (!answer.refrain.empty()) {
      EXPECT_EQ(answer.refrain.front().target, warning.line);
      ++deterred;
    }
  }
  return deterred / 400.0;
}

// A warning that names nothing, and the same with a bright line and a consequence.
struct TwoWarnings {
  MessageSpec muddled;
  MessageSpec clear;
};
TwoWarnings muddled_and_clear() {
  TwoWarnings warnings;
  warnings.muddled.kind = MessageKind::kWarning;
  warnings.clear = warnings.muddled;
  warnings.clear.line = "election-infrastructure";
  warnings.clear.consequence = Rung::kSanctions;
  return warnings;
}

TEST(SideTest, AWarningWithABrightLineAndAConsequenceDetersMoreThanAMuddledOne) {
  const auto [muddled, clear] = muddled_and_clear();
  // clarity x line x consequence x credibility x (1 - commitment 0.5): 0.045 against 0.4.
  EXPECT_NEAR(share_deterred(muddled, true), 0.045, 0.03);
  EXPECT_NEAR(share_deterred(clear, true), 0.4, 0.07);
  // A warner who has not gone public is less credible.
  EXPECT_NEAR(share_deterred(clear, false), 0.24, 0.07);
  // A side that plans nothing has nothing to give up.
  EXPECT_EQ(share_deterred(clear, true, false), 0.0);
}

TEST(SideTest, AfterTheOtherSideLeaksTheChannelASideNeitherAsksNorAnswersOverIt) {
  PartySpec p = party(0.5);
  Side side = make_side(p, true);
  Rng rng(1);
  Actions before;
  side.inquiry(0, kOther, 1, "probe-1", StateRole::kNone, before);
  ASSERT_EQ(before.send.size(), 1u);
  EXPECT_EQ(before.send[0].exchange.claim, Claim::kNotUs);

  side.learn_of_leak(kHour, kOther, 0.6);
  EXPECT_NEAR(side.channel_confidence(kOther), 0.4, 1e-9);
  EXPECT_NEAR(side.trust(kOther), 0.2, 1e-9);
  Actions answer;
  side.inquiry(2 * kHour, kOther, 2, "probe-2", StateRole::kNone, answer);
  ASSERT_EQ(answer.send.size(), 1u);
  EXPECT_EQ(answer.send[0].exchange.claim, Claim::kRefuse);
  Actions observed;
  side.observe(3 * kHour, attack(3, 0.9), rng, observed);
  for (const auto& outgoing : observed.send)
    EXPECT_NE(outgoing.exchange.type, Exchange::Type::kInquiry);

  // The side the leak came from keeps its confidence in the channel.
  Side leaker = make_side(p, true);
  leaker.learn_of_leak(kHour, 0, 0.6);  // its own side
  EXPECT_EQ(leaker.channel_confidence(kOther), 1.0);
}

TEST(SideTest, BeliefsDriftBackToThePriorWithMemory) {
  PartySpec p = party(0.3);
  Side side = make_side(p, false);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(1, 1.0, 1.0), rng, out);
  const double excess = side.belief(0) - 0.3;
  EXPECT_GT(excess, 0.3);
  EXPECT_LT(side.belief(10 * p.perception.memory) - 0.3, excess * 0.01);
}

TEST(SideTest, ASideActsOnlyAfterItsDecisionLatencyAndThenAsFarAsPressureWarrants) {
  PartySpec p = party(0.5);
  p.doctrine.decision_latency = 6 * kHour;
  Side side = make_side(p, false);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(1, 1.0, 1.0), rng, out);
  EXPECT_EQ(side.rung(), Rung::kNormal) << "it deliberates first";
  ASSERT_EQ(out.wake_at.size(), 1u);
  EXPECT_EQ(out.wake_at.front(), 6 * kHour);
  Actions early;
  side.review(5 * kHour, rng, early);
  EXPECT_EQ(side.rung(), Rung::kNormal);
  Actions due;
  side.review(6 * kHour, rng, due);
  // Pressure near 0.8 warrants CYBER_RETALIATION under the measured preset: one decision, four
  // rungs up, not four decisions of one rung each.
  ASSERT_EQ(due.moves.size(), 1u);
  EXPECT_GE(due.moves.front().rung, Rung::kSanctions);
}

TEST(SideTest, AnEarlyWarningCrewAlertsOnAThreatAndStandsDownWhenTheTrackFallsAway) {
  PartySpec p = party(0.45);
  p.doctrine = *doctrine_preset("early-warning");
  Side side = make_side(p, false);
  Rng rng(1);
  SeenIncident rocket = attack(1, 0.8, 0.7);
  rocket.damage = 0;
  rocket.threat_only = true;
  Actions out;
  side.observe(0, rocket, rng, out);
  side.review(3 * kMinute, rng, out);
  EXPECT_EQ(side.rung(), Rung::kMilitaryPosture)
      << "a feared missile alerts though it costs nothing";
  // The same rocket, now seen falling away: the side revises its attribution.
  SeenIncident away = rocket;
  away.points_at = kNoParty;
  away.confidence = 0.9;
  side.observe(6 * kMinute, away, rng, out);
  side.review(9 * kMinute, rng, out);
  EXPECT_EQ(side.rung(), Rung::kNormal);
  // Without the second look it would still be on alert.
  Side unrevised = make_side(p, false);
  Rng again(1);
  Actions other;
  unrevised.observe(0, rocket, again, other);
  unrevised.review(3 * kMinute, again, other);
  unrevised.review(9 * kMinute, again, other);
  EXPECT_EQ(unrevised.rung(), Rung::kMilitaryPosture);
}

TEST(SideTest, AnEarlyWarningCrewCannotAccuse) {
  PartySpec p = party(0.5);
  p.doctrine = *doctrine_preset("early-warning");
  p.doctrine.decision_latency = 0;
  Side side = make_side(p, false);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(1, 0.5, 0.3), rng, out);  // pressure ~0.1: an accusation's worth
  EXPECT_EQ(side.rung(), Rung::kNormal);
}

// How often a side gives up its acts after seeing the other's public `rung`, over many streams.
double share_deterred_by_cost(Rung rung, bool deserved, double commitment) {
  int deterred = 0;
  for (int seed = 1; seed <= 1000; ++seed) {
    PartySpec p = party(0.5);
    p.doctrine.commitment = commitment;
    Side side = make_side(p, false);
    Rng rng(seed);
    Actions out;
    side.see_move(0, kOther, rung, kNoParty,
                  deserved ? MoveAnswers::kOurHarm : MoveAnswers::kNothing, rng, out);
    if (!out.refrain.empty()) ++deterred;
  }
  return deterred / 1000.0;
}

TEST(SideTest, PublicCostsDeterTheRealSponsorWeightedByCommitmentAndNeverTheInnocent) {
  EXPECT_NEAR(share_deterred_by_cost(Rung::kNameAndShame, true, 0.5), 0.25, 0.04);
  EXPECT_NEAR(share_deterred_by_cost(Rung::kSanctions, true, 0.5), 0.4, 0.04);
  EXPECT_NEAR(share_deterred_by_cost(Rung::kSanctions, true, 0.8), 0.16, 0.04);
  EXPECT_EQ(share_deterred_by_cost(Rung::kSanctions, false, 0.5), 0.0);
}

TEST(SideTest, AWrongfulAccusationLooksMoreHostileThanADeservedOne) {
  auto belief_after = [](bool deserved) {
    Side side = make_side(party(0.3), false);
    Rng rng(1);
    Actions out;
    side.see_move(0, kOther, Rung::kSanctions, kNoParty,
                  deserved ? MoveAnswers::kOurHarm : MoveAnswers::kNothing, rng, out);
    return side.belief(0);
  };
  EXPECT_GT(belief_after(false), belief_after(true));
}

TEST(SideTest, AnAlertAnsweringOurOwnHarmlessThreatIsUnderstoodAsDefence) {
  // Able Archer 83: the Soviet alert answered a NATO exercise; Washington, knowing the exercise
  // meant no harm, read the alert as a reaction and did not counter-alert.
  auto after = [](MoveAnswers answers, bool intends_harm) {
    PartySpec p = party(0.5);
    p.intends_harm = intends_harm;
    Side side = make_side(p, false);
    Rng rng(1);
    Actions out;
    side.see_move(0, kOther, Rung::kMilitaryPosture, kNoParty, answers, rng, out);
    return std::make_pair(side.belief(0), side.grievance(0));
  };
  const auto understood = after(MoveAnswers::kOurThreat, false);
  EXPECT_DOUBLE_EQ(understood.first, 0.5);
  EXPECT_DOUBLE_EQ(understood.second, 0.0);
  const auto unprovoked = after(MoveAnswers::kNothing, false);
  EXPECT_GT(unprovoked.first, 0.55);
  EXPECT_GT(unprovoked.second, 0.2);
  // A side that meant harm with its threat reads the alert as the hostility it is.
  EXPECT_GT(after(MoveAnswers::kOurThreat, true).first, 0.55);
}

TEST(SideTest, ASideThatIntendsHarmCarriesOutItsPlanOnceItHasAPretext) {
  PartySpec p = party(0.5);
  p.intends_harm = true;
  p.doctrine.aim = Rung::kArmedConflict;
  Side side = make_side(p, false);
  Rng rng(1);
  Actions out;
  side.review(0, rng, out);
  EXPECT_EQ(side.rung(), Rung::kNormal) << "no pretext yet";
  side.observe(kHour, attack(1, 1.0, 0.9), rng, out);
  EXPECT_EQ(side.rung(), Rung::kArmedConflict);
  // The same side without the plan's intent goes no further than its pressure warrants.
  p.intends_harm = false;
  Side peaceful = make_side(p, false);
  Rng again(1);
  Actions other;
  peaceful.observe(kHour, attack(1, 1.0, 0.9), again, other);
  EXPECT_LT(peaceful.rung(), Rung::kArmedConflict);
}

TEST(SideTest, AStandingThreatIsFearedUndiminishedUntilAnOfferTakesItBack) {
  Side side = make_side(party(0.6, 0.5), false);
  Rng rng(1);
  Actions out;
  SeenIncident missiles = attack(1, 1.0, 0.9);
  missiles.damage = 0;
  missiles.threat_only = true;
  side.observe(0, missiles, rng, out);
  const double feared = side.grievance(0);
  EXPECT_GT(feared, 0.8);
  // Harm done fades with memory (ten days); missiles still in place do not.
  EXPECT_DOUBLE_EQ(side.grievance(30 * kDay), feared);
  MessageSpec offer;
  offer.kind = MessageKind::kOffer;
  offer.about = 1;
  Exchange exchange;
  exchange.type = Exchange::Type::kScripted;
  exchange.scripted = 0;
  side.receive(30 * kDay, kOther, exchange, false, &offer, rng, out);
  // Believed at trust 0.5, the offer takes back half of it.
  EXPECT_NEAR(side.grievance(30 * kDay), feared * 0.5, 1e-9);
}

TEST(SideTest, ACeasefireTakesBackWhatTheSendersMovesDidAndLeavesItsIncidentsHeld) {
  Side side = make_side(party(0.6, 0.5), false);
  Rng rng(1);
  Actions out;
  side.observe(0, attack(1, 1.0, 0.5), rng, out);
  const double incident = side.grievance(kHour);
  side.see_move(kHour, kOther, Rung::kArmedConflict, kNoParty, MoveAnswers::kNothing, rng, out);
  const double war = side.grievance(kHour) - incident;
  ASSERT_GT(war, 0.5);
  MessageSpec ceasefire;
  ceasefire.kind = MessageKind::kOffer;  // about no incident
  Exchange exchange;
  exchange.type = Exchange::Type::kScripted;
  exchange.scripted = 0;
  side.receive(kHour, kOther, exchange, false, &ceasefire, rng, out);
  // Believed at trust 0.5: half of what the war did is taken back; the incident stays held.
  EXPECT_NEAR(side.grievance(kHour), incident + 0.5 * war, 1e-9);
}

TEST(SideTest, AnExplanationThatArrivesBeforeTheMoveIsSeenTakesBackItsShareWhenItIs) {
  // The explanation leaves with the move; the move is reported an hour later.
  auto grievance_after = [](bool explained_first) {
    Side side = make_side(party(0.3, 0.5), true);
    Rng rng(1);
    Actions out;
    if (explained_first) {
      Exchange explanation;
      explanation.type = Exchange::Type::kExplanation;
      explanation.move = Rung::kSanctions;
      side.receive(0, kOther, explanation, false, nullptr, rng, out);
    }
    side.see_move(kHour, kOther, Rung::kSanctions, kNoParty, MoveAnswers::kNothing, rng, out);
    return side.grievance(kHour);
  };
  EXPECT_NEAR(grievance_after(false), 0.2, 1e-12);
  EXPECT_NEAR(grievance_after(true), 0.1, 1e-12) << "believed at trust 0.5: half taken back";
}

}  // namespace
}  // namespace hotline::model

namespace hotline::model {
namespace {

TEST(SideTest, AWarningAPersonComposesIsReadAsTheScenariosOwnAre) {
  const auto [muddled, clear] = muddled_and_clear();
  EXPECT_EQ(share_deterred(clear, true, true, true), share_deterred(clear, true));
  EXPECT_NEAR(share_deterred(clear, true, true, true), 0.4, 0.07);
  EXPECT_NEAR(share_deterred(muddled, true, true, true), 0.045, 0.03);
  // A reassurance lowers the belief in hostility as much as a trusted one in the script does.
  auto belief_after = [](bool composed) {
    Side side = make_side(party(0.6, 0.8), true);
    Rng rng(1);
    Actions out;
    MessageSpec reassurance;
    reassurance.kind = MessageKind::kReassurance;
    Exchange exchange;
    exchange.type = composed ? Exchange::Type::kReassurance : Exchange::Type::kScripted;
    exchange.scripted = composed ? -1 : 0;
    exchange.text = "We mean you no harm.";
    side.receive(0, kOther, exchange, false, composed ? nullptr : &reassurance, rng, out);
    return side.belief(0);
  };
  EXPECT_LT(belief_after(true), 0.6);
  EXPECT_DOUBLE_EQ(belief_after(true), belief_after(false));
}

TEST(SideTest, APersonsWarningRepeatedIsNoFreshChanceToDeter) {
  MessageSpec warning;
  warning.kind = MessageKind::kWarning;
  warning.line = "election-infrastructure";
  warning.consequence = Rung::kSanctions;
  const double deterred = share_deterred(warning, true, true, true, 5);
  // As one warning (0.4); five fresh draws would deter nine times in ten.
  EXPECT_NEAR(deterred, 0.4, 0.07);
}

TEST(SideTest, AThreatOfForceInAWarningIsAThreatToTheSideWarned) {
  // Kosygin, 10 June 1967: "including military". A warning of sanctions is not such a threat.
  auto grievance_after = [](std::optional<Rung> consequence) {
    PartySpec p;
    p.id = "washington";
    p.prior_hostility = 0.5;
    p.trust = 0.4;
    Side side = make_side(p, true);
    MessageSpec warning;
    warning.kind = MessageKind::kWarning;
    warning.line = "damascus";
    warning.consequence = consequence;
    Exchange exchange;
    exchange.type = Exchange::Type::kScripted;
    exchange.scripted = 0;
    Rng rng(1);
    Actions out;
    side.receive(0, kOther, exchange, false, &warning, rng, out);
    return side.grievance(0);
  };
  EXPECT_NEAR(grievance_after(Rung::kMilitaryPosture), constants::kCredibilityBeforePublic, 1e-9);
  EXPECT_EQ(grievance_after(Rung::kSanctions), 0.0);
  EXPECT_EQ(grievance_after(std::nullopt), 0.0);
}

TEST(SideTest, ASideThatSendsAWarningStandsAtDemarcheAndDeliberatesDownFromThere) {
  PartySpec p;
  p.id = "moscow";
  p.doctrine.decision_latency = kHour;
  Side side = make_side(p, true);
  Actions out;
  side.declare(0, Rung::kDemarche, "sends a warning", kOther, out);
  EXPECT_EQ(side.rung(), Rung::kDemarche);
  ASSERT_EQ(out.moves.size(), 1u);
  // Nothing holds it there: after deliberating, it steps back down.
  Rng rng(1);
  Actions later;
  side.review(kHour, rng, later);
  Actions decided;
  side.review(3 * kHour, rng, decided);
  EXPECT_EQ(side.rung(), Rung::kNormal);
  // A side already higher stays where it is.
  side.declare(4 * kHour, Rung::kDemarche, "sends a warning", kOther, decided);
  Actions again;
  side.declare(4 * kHour, Rung::kInquiry, "asks", kOther, again);
  EXPECT_TRUE(again.moves.empty());
}

}  // namespace
}  // namespace hotline::model
