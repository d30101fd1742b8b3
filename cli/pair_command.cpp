#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>

#include "cli/commands.h"
#include "common/certificates.h"
#include "common/child_process.h"
#include "node/event_format.h"

namespace hotline::cli {
namespace {

std::atomic<bool> interrupted{false};

extern "C" void note_interrupt(int) {
  interrupted = true;
}

struct PairSettings {
  std::string certs;
  std::string listen_host = "127.0.0.1";
  bool json = false;
  std::string linger = "10s";
};

// A throwaway directory for the exercise certificates, removed when the pair stops.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hotline-pair-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Tally {
  int sent = 0;
  int acked = 0;
  int delivered = 0;
};

class PairRunner {
 public:
  explicit PairRunner(const PairSettings& settings) : settings_(settings) {}

  int run() {
    std::unique_ptr<TemporaryDirectory> scratch;
    std::filesystem::path certs = settings_.certs;
    if (certs.empty()) {
      scratch = std::make_unique<TemporaryDirectory>();
      certs = scratch->path();
      common::PkiOptions pki;
      pki.validity.not_after = std::chrono::hours(24);
      common::write_exercise_pki(certs, pki);
    }
    const std::string self = common::current_executable();
    washington_ = std::make_unique<common::ChildProcess>(common::ChildProcess::Options{
        {self, "node", "--party", "washington", "--listen", settings_.listen_host + ":0", "--certs",
         certs.string(), "--json", "--linger", settings_.linger}});
    const std::string address = wait_for_listening_address();
    if (address.empty()) {
      std::cerr << "hotline pair: washington did not start listening\n";
      return 1;
    }
    moscow_ = std::make_unique<common::ChildProcess>(common::ChildProcess::Options{
        {self, "node", "--party", "moscow", "--connect", address, "--certs", certs.string(),
         "--json", "--linger", settings_.linger}});
    pump();
    const int washington_status = washington_->stop(std::chrono::seconds(5));
    const int moscow_status = moscow_->stop(std::chrono::seconds(5));
    if (!settings_.json) print_summary(washington_status, moscow_status);
    return washington_status == 0 && moscow_status == 0 ? 0 : 1;
  }

 private:
  std::string wait_for_listening_address() {
    while (auto line = washington_->output().read_line(std::chrono::seconds(10))) {
      show(*line);
      const auto event = nlohmann::json::parse(*line, nullptr, false);
      if (event.is_object() && event.value("event", "") == "listening") {
        return event.value("address", "");
      }
    }
    return "";
  }

  // Moves lines between the user and the two nodes until both have exited.
  void pump() {
    common::LineReader input(STDIN_FILENO);
    bool input_open = true;
    bool stopping = false;
    while (!washington_->output().at_end() || !moscow_->output().at_end()) {
      if (interrupted && !stopping) {
        stopping = true;
        washington_->send_signal(SIGINT);
        moscow_->send_signal(SIGINT);
      }
      std::vector<pollfd> descriptors;
      for (auto* child : {washington_.get(), moscow_.get()}) {
        if (!child->output().at_end()) descriptors.push_back({child->output().fd(), POLLIN, 0});
      }
      if (input_open && !stopping) descriptors.push_back({STDIN_FILENO, POLLIN, 0});
      if (::poll(descriptors.data(), descriptors.size(), 200) <= 0) continue;
      for (const auto& descriptor : descriptors) {
        if (descriptor.revents == 0) continue;
        if (descriptor.fd == STDIN_FILENO) {
          input_open = input.fill();
          while (auto line = input.pop_line()) route(*line);
          if (!input_open) {
            washington_->close_input();
            moscow_->close_input();
          }
          continue;
        }
        auto& reader =
            descriptor.fd == washington_->output().fd() ? washington_->output() : moscow_->output();
        reader.fill();
        while (auto line = reader.pop_line()) show(*line);
      }
    }
  }

  // "washington: text" goes to washington's console, "moscow: text" to moscow's.
  void route(const std::string& line) {
    if (line.empty()) return;
    const auto colon = line.find(':');
    const std::string party = colon == std::string::npos ? "" : line.substr(0, colon);
    std::string text = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!text.empty() && text.front() == ' ') text.erase(0, 1);
    common::ChildProcess* target = party == "washington" ? washington_.get()
                                   : party == "moscow"   ? moscow_.get()
                                                         : nullptr;
    if (target == nullptr || text.empty()) {
      std::cerr << "type \"washington: text\" or \"moscow: text\"\n";
      return;
    }
    target->write_input(text + "\n");
  }

  void show(const std::string& line) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object()) {
      std::cout << line << std::endl;
      return;
    }
    Tally& tally = tallies_[event.value("party", "?")];
    const std::string kind = event.value("event", "");
    if (kind == "sent") ++tally.sent;
    if (kind == "acked") ++tally.acked;
    if (kind == "delivered") ++tally.delivered;
    if (settings_.json) {
      std::cout << line << std::endl;
      return;
    }
    char party[16];
    std::snprintf(party, sizeof party, "%-11s", event.value("party", "?").c_str());
    std::cout << party << node::console_line(event) << std::endl;
  }

  void print_summary(int washington_status, int moscow_status) {
    std::cout << "\n";
    for (const auto& [party, status] : {std::pair{std::string("washington"), washington_status},
                                        std::pair{std::string("moscow"), moscow_status}}) {
      const Tally& tally = tallies_[party];
      std::cout << party << ": sent " << tally.sent << ", acknowledged " << tally.acked
                << ", delivered to it " << tally.delivered << ", exit status " << status << "\n";
    }
  }

  PairSettings settings_;
  std::unique_ptr<common::ChildProcess> washington_;
  std::unique_ptr<common::ChildProcess> moscow_;
  std::map<std::string, Tally> tallies_;
};

}  // namespace

void add_pair_command(CLI::App& app) {
  auto settings = std::make_shared<PairSettings>();
  CLI::App* command = app.add_subcommand(
      "pair", "Start a washington and a moscow node on this machine and relay a console to both");
  command->footer(
      "Type \"washington: text\" or \"moscow: text\" to send from that side. End of input or\n"
      "Ctrl-C stops both nodes cleanly. Without --certs, throwaway certificates are made.");
  command->add_option("--certs", settings->certs, "Use the certificates in this directory");
  command->add_option("--host", settings->listen_host, "Address washington listens on")
      ->capture_default_str();
  command
      ->add_option("--linger", settings->linger,
                   "How long each node waits for the other after end of input")
      ->capture_default_str();
  command->add_flag("--json", settings->json, "Print the nodes' JSON events as they come");
  command->callback([settings] {
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    exit_status = PairRunner(*settings).run();
  });
}

}  // namespace hotline::cli
