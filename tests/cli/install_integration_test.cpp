// hotline installed as a user installs it: `cmake --install` to a prefix, the installed program
// run from elsewhere finding its case library beside it (no path of the source tree in it), and
// `cpack` making a .deb of the same.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/node_process.h"
#include "tests/support/shell_command.h"

namespace hotline {
namespace {

using testing::CommandResult;

CommandResult shell(const std::string& command) {
  return testing::run_shell(command);
}

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

TEST(InstallIntegrationTest, AnInstalledHotlineRunsACaseFromAnotherFolderAndSaysItsVersion) {
  testing::TempDir prefix;
  testing::TempDir elsewhere;
  const CommandResult install =
      shell(std::string(HOTLINE_CMAKE) + " --install " + quoted(HOTLINE_BUILD_DIR) + " --prefix " +
            quoted(prefix.path()));
  ASSERT_EQ(install.status, 0) << install.output;
  const auto program = prefix.path() / "bin" / "hotline";
  ASSERT_TRUE(std::filesystem::exists(program));
  EXPECT_TRUE(
      std::filesystem::exists(prefix.path() / "share/hotline/scenarios/estonia-2007.textproto"));
  EXPECT_TRUE(std::filesystem::exists(prefix.path() / "share/doc/hotline/protocol.md"));

  // From a folder with no scenarios of its own, and nothing in the environment pointing at one.
  const CommandResult run =
      shell("cd " + quoted(elsewhere.path()) + " && env -u HOTLINE_SCENARIOS " + quoted(program) +
            " sim estonia-2007 --seed 7");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("estonia-2007"), std::string::npos) << run.output;
  const CommandResult unknown =
      shell("cd " + quoted(elsewhere.path()) + " && env -u HOTLINE_SCENARIOS " + quoted(program) +
            " sim no-such-case");
  EXPECT_NE(unknown.status, 0);
  // (The program names the folder as /proc/self/exe gives it: with every link resolved.)
  const auto installed_cases =
      std::filesystem::canonical(prefix.path()) / "share/hotline/scenarios";
  EXPECT_NE(unknown.output.find(installed_cases.string()), std::string::npos)
      << "it should say it looked in the installed library: " << unknown.output;

  const CommandResult version = shell(quoted(program) + " --version");
  EXPECT_EQ(version.status, 0) << version.output;
  EXPECT_EQ(version.output.rfind("hotline " HOTLINE_VERSION " (commit ", 0), 0u) << version.output;
  const CommandResult head = shell("git -C " + quoted(HOTLINE_SOURCE_DIR) + " rev-parse HEAD");
  if (head.status == 0) {
    EXPECT_NE(version.output.find(head.output.substr(0, 12)), std::string::npos)
        << version.output << " is not the commit checked out, " << head.output;
  }
}

TEST(InstallIntegrationTest, CpackMakesADebianPackageOfTheProgramAndItsCases) {
  // CPack reads the package's dependencies off the program with these (Debian's dpkg-dev and
  // file, which .ci/packages installs).
  for (const char* tool : {"dpkg-shlibdeps", "file", "dpkg-deb"}) {
    if (shell(std::string("command -v ") + tool).status != 0) {
      GTEST_SKIP() << tool << " is not installed (apt-get install dpkg-dev file)";
    }
  }
  testing::TempDir out;
  const CommandResult pack = shell("cd " + quoted(HOTLINE_BUILD_DIR) + " && " + HOTLINE_CPACK +
                                   " -G DEB -B " + quoted(out.path()));
  ASSERT_EQ(pack.status, 0) << pack.output;
  std::filesystem::path deb;
  for (const auto& entry : std::filesystem::directory_iterator(out.path())) {
    if (entry.path().extension() == ".deb") deb = entry.path();
  }
  ASSERT_FALSE(deb.empty()) << pack.output;
  const CommandResult contents = shell("dpkg-deb -c " + quoted(deb));
  ASSERT_EQ(contents.status, 0) << contents.output;
  EXPECT_NE(contents.output.find("./usr/bin/hotline"), std::string::npos) << contents.output;
  EXPECT_NE(contents.output.find("./usr/share/hotline/scenarios/estonia-2007.textproto"),
            std::string::npos)
      << contents.output;
  // Its dependencies are read off the program: what it links from Debian.
  const CommandResult depends = shell("dpkg-deb -f " + quoted(deb) + " Depends");
  EXPECT_NE(depends.output.find("libprotobuf"), std::string::npos) << depends.output;
  EXPECT_NE(depends.output.find("libssl3"), std::string::npos) << depends.output;
}

}  // namespace
}  // namespace hotline
