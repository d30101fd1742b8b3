#include "scenario/settings.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hotline::scenario {
namespace {

spec::Scenario base() {
  spec::Scenario s;
  s.add_party()->set_id("washington");
  s.add_party()->set_id("moscow");
  spec::Hotline* line = s.add_hotline();
  line->add_circuit()->set_name("primary");
  line->add_circuit()->set_name("backup");
  return s;
}

TEST(SettingsTest, SwitchesAPartOnAndOff) {
  spec::Scenario s = base();
  apply_setting(s, parse_setting("hotline=on"));
  EXPECT_TRUE(s.hotline(0).enabled());
  apply_setting(s, parse_setting("hotline=off"));
  EXPECT_FALSE(s.hotline(0).enabled());
}

TEST(SettingsTest, APartStandsForItsFirstField) {
  spec::Scenario s = base();
  apply_setting(s, parse_setting("channel.primary.loss=0.2"));
  EXPECT_DOUBLE_EQ(s.hotline(0).circuit(0).loss().p(), 0.2);
  EXPECT_THROW(apply_setting(s, parse_setting("party.moscow=x")), std::invalid_argument);
}

TEST(SettingsTest, ChoosesElementsOfListsByName) {
  spec::Scenario s = base();
  apply_settings(s, {parse_setting("channel.backup.loss.p=0.2"),
                     parse_setting("party.moscow.doctrine.answer=DENY"),
                     parse_setting("party.washington.trust=0.7")});
  EXPECT_DOUBLE_EQ(s.hotline(0).circuit(1).loss().p(), 0.2);
  EXPECT_DOUBLE_EQ(s.hotline(0).circuit(0).loss().p(), 0.0);
  EXPECT_EQ(s.party(1).doctrine().answer(), spec::DENY);
  EXPECT_TRUE(s.party(0).has_trust());
}

TEST(SettingsTest, ASettingOnTheHotlineReachesEveryLineThatHasTheFieldOrTheOneNamed) {
  spec::Scenario s = base();
  s.add_party()->set_id("tallinn");
  spec::Hotline* second = s.add_hotline();
  second->add_circuit()->set_name("cable");
  apply_setting(s, parse_setting("hotline=on"));
  EXPECT_TRUE(s.hotline(0).enabled());
  EXPECT_TRUE(s.hotline(1).enabled());
  apply_setting(s, parse_setting("hotline.1.enabled=off"));
  EXPECT_TRUE(s.hotline(0).enabled());
  EXPECT_FALSE(s.hotline(1).enabled());
  // Only the first line has a circuit named primary; only the second one named cable.
  apply_setting(s, parse_setting("channel.primary.loss=0.2"));
  EXPECT_DOUBLE_EQ(s.hotline(0).circuit(0).loss().p(), 0.2);
  apply_setting(s, parse_setting("channel.cable.loss=0.3"));
  EXPECT_DOUBLE_EQ(s.hotline(1).circuit(0).loss().p(), 0.3);
  EXPECT_DOUBLE_EQ(s.hotline(0).circuit(0).loss().p(), 0.2);
  try {
    apply_setting(s, parse_setting("channel.radio.loss=0.3"));
    FAIL() << "no line has a circuit named radio";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "setting channel.radio.loss: no circuit named \"radio\"");
  }
  // A bilateral case without a hotline block has its line all the same.
  spec::Scenario bare;
  bare.add_party()->set_id("washington");
  bare.add_party()->set_id("moscow");
  apply_setting(bare, parse_setting("hotline=on"));
  ASSERT_EQ(bare.hotline_size(), 1);
  EXPECT_TRUE(bare.hotline(0).enabled());
}

TEST(SettingsTest, OnlyTheHotlinesTakeASettingAllAtOnceAndAStanceIsCreatedWhenSet) {
  spec::Scenario s = base();
  s.add_event()->set_at("D+1");
  s.add_event()->set_at("D+2");
  // Every event at once is a mistake, not a retiming of the whole timeline.
  EXPECT_THROW(apply_setting(s, parse_setting("event.at=+1h")), std::invalid_argument);
  EXPECT_EQ(s.event(0).at(), "D+1");
  EXPECT_THROW(apply_setting(s, parse_setting("party=x")), std::invalid_argument);
  // A stance the file leaves to the defaults is created when a setting names it.
  apply_setting(s, parse_setting("party.moscow.toward.washington.trust=0.8"));
  ASSERT_EQ(s.party(1).toward_size(), 1);
  EXPECT_EQ(s.party(1).toward(0).party(), "washington");
  EXPECT_DOUBLE_EQ(s.party(1).toward(0).trust(), 0.8);
  apply_setting(s, parse_setting("party.moscow.toward.washington.prior_hostility=0.6"));
  EXPECT_EQ(s.party(1).toward_size(), 1);
}

TEST(SettingsTest, MistakesSayWhatDoesNotFit) {
  spec::Scenario s = base();
  auto message = [&](const char* text) {
    try {
      apply_setting(s, parse_setting(text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("hotlien=on"), "setting hotlien: Scenario has no field \"hotlien\"");
  EXPECT_EQ(message("channel.satellite.loss.p=1"),
            "setting channel.satellite.loss.p: no circuit named \"satellite\"");
  EXPECT_EQ(message("party.moscow.doctrine.answer=LIE"),
            "setting party.moscow.doctrine.answer: expected one of ANSWER_UNSET, HONEST, DENY, "
            "DECEIVE, REFUSE, got \"LIE\"");
  EXPECT_EQ(message("party.moscow.trust=high"),
            "setting party.moscow.trust: expected a number, got \"high\"");
  EXPECT_THROW(parse_setting("hotline"), std::invalid_argument);
}

TEST(SettingsTest, AVariationListsEachValue) {
  const auto settings = parse_variation("channel.primary.loss.p=0,0.1,0.2");
  ASSERT_EQ(settings.size(), 3u);
  EXPECT_EQ(settings[2].text(), "channel.primary.loss.p=0.2");
}

}  // namespace
}  // namespace hotline::scenario
