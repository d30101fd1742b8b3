#include <iostream>

#include "cli/commands.h"
#include "common/certificates.h"

namespace hotline::cli {

void add_certs_command(CLI::App& app) {
  struct Settings {
    std::string dir = "certs";
    std::vector<std::string> parties = {"washington", "moscow"};
    int days = 30;
    bool force = false;
  };
  auto settings = std::make_shared<Settings>();
  CLI::App* command =
      app.add_subcommand("certs", "Make the exercise CA and a key and certificate for each party");
  command->add_option("--dir", settings->dir, "Directory to write into")->capture_default_str();
  command->add_option("--party", settings->parties, "A party to issue a certificate for")
      ->capture_default_str();
  command->add_option("--days", settings->days, "Validity in days")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  command->add_flag("--force", settings->force, "Replace existing keys and certificates");
  command->callback([settings] {
    common::PkiOptions options;
    options.parties = settings->parties;
    options.validity.not_after = std::chrono::hours(24) * settings->days;
    options.overwrite = settings->force;
    for (const auto& path : common::write_exercise_pki(settings->dir, options)) {
      std::cout << "wrote " << path.string() << "\n";
    }
  });
}

}  // namespace hotline::cli
