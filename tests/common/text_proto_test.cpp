#include "common/text_proto.h"

#include <gtest/gtest.h>

#include "proto/node_config.pb.h"

namespace hotline::common {
namespace {

TEST(TextProtoTest, ParsesAValidFile) {
  config::NodeConfig config;
  parse_text_proto("party: \"moscow\"\nconnect: \"127.0.0.1:7301\"\n", "n.textproto", config);
  EXPECT_EQ(config.party(), "moscow");
  EXPECT_EQ(config.connect(), "127.0.0.1:7301");
}

TEST(TextProtoTest, UnknownFieldNamesFileLineAndColumn) {
  config::NodeConfig config;
  try {
    parse_text_proto("party: \"moscow\"\n  conect: \"x\"\n", "n.textproto", config);
    FAIL() << "no error";
  } catch (const TextProtoError& error) {
    ASSERT_EQ(error.errors().size(), 1u);
    EXPECT_EQ(error.errors()[0].to_string(),
              "n.textproto:2:3: unknown field \"conect\" in hotline.config.NodeConfig");
  }
}

TEST(TextProtoTest, MissingFileIsReported) {
  config::NodeConfig config;
  EXPECT_THROW(parse_text_proto_file("/nonexistent/file.textproto", config), TextProtoError);
}

}  // namespace
}  // namespace hotline::common
