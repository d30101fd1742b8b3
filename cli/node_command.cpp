#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "common/duration.h"
#include "common/text_proto.h"
#include "node/console_input.h"
#include "node/event_format.h"
#include "node/event_log.h"
#include "node/load_generator.h"
#include "node/node.h"
#include "proto/node_config.pb.h"
#include "runner/live_exercise.h"
#include "runner/player.h"
#include "scenario/scenario_loader.h"

namespace hotline::cli {
namespace {

struct NodeFlags {
  std::string config;
  std::string party, certs, linger;
  // Each repeatable: --peer NAME, and --listen / --connect as ADDRESS (a node of one peer) or
  // PEER=ADDRESS.
  std::vector<std::string> peers, listen, connect;
  std::string journal, fsync, fsync_interval, log, heartbeat, retransmit_after, link_test_every;
  std::uint32_t max_frame = 0;
  std::size_t max_outbox = 0;
  std::uint64_t compact_after = 0;
  int heartbeat_misses = 0;
  std::uint64_t generate = 0;
  bool json = false;
  // Playing a party of a scenario for `hotline run`.
  std::string play;
  std::uint64_t seed = 1;
  std::vector<std::string> settings;
  bool human = false;
  double speed = 1;
};

struct ResolvedOptions {
  node::NodeOptions node;
  bool json = false;
  std::string log;
  // Messages for the built-in load generator to send (0: none).
  std::uint64_t generate = 0;
};

// A scenario party this node plays, for `hotline run`.
struct PlayOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  std::vector<std::string> settings;
  bool human = false;
  double speed = 1;
};

std::chrono::milliseconds milliseconds_of(const std::string& text) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(common::parse_duration(text));
}

// The links from --peer, --listen and --connect, on top of `peers` (the config file's blocks):
// "ADDRESS" is for the only peer, "PEER=ADDRESS" for the one it names, and a peer named only
// there is added. Addresses given here for a peer replace all the file gave it.
std::vector<node::PeerOptions> peers_from(std::vector<node::PeerOptions> peers,
                                          const std::vector<std::string>& names,
                                          const std::vector<std::string>& listen,
                                          const std::vector<std::string>& connect) {
  const auto find = [&peers](const std::string& name) -> node::PeerOptions& {
    for (auto& peer : peers) {
      if (peer.party == name) return peer;
    }
    peers.push_back(node::PeerOptions{name, {}, {}});
    return peers.back();
  };
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) throw std::invalid_argument("--peer needs a party name");
    for (std::size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) throw std::invalid_argument("peer " + names[i] + " is named twice");
    }
    find(names[i]);
  }
  // Which peer each address is for; "" for a bare address (the only peer).
  const auto peer_of = [](const std::string& text, const char* flag) {
    const auto equals = text.find('=');
    if (equals == std::string::npos) return std::string();
    const std::string name = text.substr(0, equals);
    if (name.empty()) throw std::invalid_argument(std::string(flag) + " " + text + ": no peer");
    return name;
  };
  const auto address_of = [](const std::string& text) {
    const auto equals = text.find('=');
    return common::parse_endpoint_list(equals == std::string::npos ? text
                                                                   : text.substr(equals + 1));
  };
  bool bare = false;
  std::vector<std::size_t> given;  // peers whose addresses come from the command line
  const auto addressed = [&](const std::string& name) -> node::PeerOptions& {
    if (name.empty()) {
      bare = true;
      if (peers.empty()) peers.push_back(node::PeerOptions{});  // the default peer
    }
    node::PeerOptions& peer = name.empty() ? peers.front() : find(name);
    const auto index = static_cast<std::size_t>(&peer - peers.data());
    if (std::find(given.begin(), given.end(), index) == given.end()) {
      peer.listen.clear();
      peer.connect.clear();
      given.push_back(index);
    }
    return peer;
  };
  const auto take = [&](const std::vector<std::string>& addresses, const char* flag,
                        std::vector<common::Endpoint> node::PeerOptions::*field) {
    for (const auto& text : addresses) {
      const std::string name = peer_of(text, flag);
      node::PeerOptions& peer = addressed(name);
      if (!(peer.*field).empty()) {
        throw std::invalid_argument(std::string(flag) + " is given twice for " +
                                    (name.empty() ? std::string("the same peer") : name));
      }
      peer.*field = address_of(text);
    }
  };
  take(listen, "--listen", &node::PeerOptions::listen);
  take(connect, "--connect", &node::PeerOptions::connect);
  if (bare && peers.size() > 1) {
    throw std::invalid_argument(
        "with several peers, give each its address as --listen PEER=ADDRESS or --connect "
        "PEER=ADDRESS");
  }
  return peers;
}

// A config file's single value as the list a repeatable flag gives.
std::vector<std::string> as_list(const std::string& text) {
  if (text.empty()) return {};
  return {text};
}

// Options from the config file first, then every flag the user gave on top.
ResolvedOptions resolve_options(const NodeFlags& flags, const CLI::App& command) {
  config::NodeConfig file;
  if (!flags.config.empty()) common::parse_text_proto_file(flags.config, file);
  const auto pick = [&](const char* flag, const std::string& from_flag,
                        const std::string& from_file) {
    return command.count(flag) > 0 ? from_flag : from_file;
  };
  node::NodeOptions options;
  options.party = pick("--party", flags.party, file.party());
  const auto pick_list = [&](const char* flag, const std::vector<std::string>& from_flag,
                             const std::string& from_file) {
    return command.count(flag) > 0 ? from_flag : as_list(from_file);
  };
  if (file.peers_size() == 0) {
    options.peers = peers_from({}, pick_list("--peer", flags.peers, file.peer()),
                               pick_list("--listen", flags.listen, file.listen()),
                               pick_list("--connect", flags.connect, file.connect()));
  } else {
    if (!file.peer().empty() || !file.listen().empty() || !file.connect().empty()) {
      throw std::invalid_argument(flags.config +
                                  ": give the links either as peers blocks or as peer, listen "
                                  "and connect, not both");
    }
    std::vector<node::PeerOptions> blocks;
    for (const auto& peer : file.peers()) {
      blocks.push_back(
          node::PeerOptions{peer.party(),
                            peer.listen().empty() ? std::vector<common::Endpoint>{}
                                                  : common::parse_endpoint_list(peer.listen()),
                            peer.connect().empty() ? std::vector<common::Endpoint>{}
                                                   : common::parse_endpoint_list(peer.connect())});
    }
    options.peers = peers_from(std::move(blocks), flags.peers, flags.listen, flags.connect);
  }
  options.certs_dir = pick("--certs", flags.certs, file.certs());
  if (command.count("--max-outbox") > 0) options.max_outbox_bytes = flags.max_outbox;
  if (command.count("--compact-after") > 0) options.compact_after_bytes = flags.compact_after;
  if (command.count("--max-frame") > 0) {
    options.max_frame_bytes = flags.max_frame;
  } else if (file.max_frame_bytes() != 0) {
    options.max_frame_bytes = file.max_frame_bytes();
  }
  const std::string linger = pick("--linger", flags.linger, file.linger());
  if (!linger.empty()) options.linger = milliseconds_of(linger);
  const std::string journal = pick("--journal", flags.journal, file.journal());
  if (!journal.empty()) options.journal = journal;
  const std::string fsync = pick("--fsync", flags.fsync, file.fsync());
  if (!fsync.empty()) options.fsync = node::parse_fsync_policy(fsync);
  const std::string fsync_interval =
      pick("--fsync-interval", flags.fsync_interval, file.fsync_interval());
  if (!fsync_interval.empty()) options.fsync_interval = common::parse_duration(fsync_interval);
  const std::string heartbeat = pick("--heartbeat", flags.heartbeat, file.heartbeat());
  if (!heartbeat.empty()) options.heartbeat_interval = milliseconds_of(heartbeat);
  if (command.count("--heartbeat-misses") > 0) {
    options.heartbeat_misses = flags.heartbeat_misses;
  } else if (file.heartbeat_misses() != 0) {
    options.heartbeat_misses = static_cast<int>(file.heartbeat_misses());
  }
  const std::string retransmit =
      pick("--retransmit-after", flags.retransmit_after, file.retransmit_after());
  if (!retransmit.empty()) options.retransmit_timeout = milliseconds_of(retransmit);
  const std::string link_tests =
      pick("--link-test-every", flags.link_test_every, file.link_test_every());
  if (!link_tests.empty()) options.link_test_interval = milliseconds_of(link_tests);

  node::finalize(options);
  return {options, flags.json || file.json(), pick("--log", flags.log, file.log()),
          command.count("--generate") > 0 ? flags.generate : file.generate()};
}

// Writes each event to stdout at once (a pipe reader must see it live), and to the event log.
class ConsolePrinter : public node::NodeObserver {
 public:
  ConsolePrinter(std::string party, bool json, node::EventLog* log,
                 std::function<void()> on_stopped)
      : party_(std::move(party)), json_(json), log_(log), on_stopped_(std::move(on_stopped)) {}

  void on_event(const node::NodeEvent& event) override {
    const nlohmann::json object = node::event_to_json(event, party_);
    const std::string line = node::json_line(object);
    if (log_ != nullptr) log_->append(line);
    std::cout << (json_ ? line : node::console_line(object)) << std::endl;
    if (event.kind == node::NodeEvent::Kind::kStopped) on_stopped_();
  }

  void error(const std::string& reason) {
    node::NodeEvent event(node::NodeEvent::Kind::kError);
    event.reason = reason;
    on_event(event);
  }

 private:
  std::string party_;
  bool json_;
  node::EventLog* log_;
  std::function<void()> on_stopped_;
};

// A typed line: on a node of several peers "@party " first names its addressee; then "/flash "
// or "/priority " sets its precedence, as on the real link.
struct ConsoleLine {
  std::string to;
  wire::Priority priority = wire::ROUTINE;
  std::string text;
};

ConsoleLine parse_console_line(std::string line, bool addressed) {
  ConsoleLine parsed;
  if (addressed && !line.empty() && line[0] == '@') {
    const auto space = line.find(' ');
    parsed.to = line.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    line = space == std::string::npos ? std::string() : line.substr(space + 1);
  }
  parsed.text = std::move(line);
  for (const auto& [prefix, priority] :
       {std::pair{"/flash ", wire::FLASH}, std::pair{"/priority ", wire::PRIORITY}}) {
    const std::string_view p(prefix);
    if (parsed.text.compare(0, p.size(), p) == 0) {
      parsed.priority = priority;
      parsed.text.erase(0, p.size());
      break;
    }
  }
  return parsed;
}

// Forwards every event to the console, and model exchanges delivered by the link to the mind.
class PlayObserver : public node::NodeObserver {
 public:
  explicit PlayObserver(ConsolePrinter& printer) : printer_(printer) {}
  void on_event(const node::NodeEvent& event) override {
    printer_.on_event(event);
    if (player && event.kind == node::NodeEvent::Kind::kDelivered && event.envelope != nullptr &&
        event.envelope->has_model_exchange()) {
      player->on_received(event.envelope->model_exchange());
    }
  }
  runner::Player* player = nullptr;

 private:
  ConsolePrinter& printer_;
};

int run_node(node::NodeOptions options, bool json, const std::string& log_path,
             std::uint64_t generate, const PlayOptions& play) {
  std::unique_ptr<node::EventLog> log;
  if (!log_path.empty()) {
    log = std::make_unique<node::EventLog>(log_path);
    options.announced = log->announced();
  }
  auto io = std::make_shared<asio::io_context>(1);
  asio::signal_set signals(*io, SIGINT, SIGTERM);
  ConsolePrinter printer(options.party, json || !play.scenario.empty(), log.get(),
                         [&signals] { signals.cancel(); });
  PlayObserver observer(printer);
  node::Node node(*io, options, observer);
  std::unique_ptr<model::Scenario> scenario;
  std::unique_ptr<runner::Player> player;
  if (!play.scenario.empty()) {
    std::vector<scenario::Setting> settings;
    for (const auto& text : play.settings) settings.push_back(scenario::parse_setting(text));
    const auto file = scenario::read_scenario_file(scenario::resolve_scenario_path(play.scenario));
    scenario = std::make_unique<model::Scenario>(scenario::load_scenario(file, settings));
    if (const std::string why = runner::cannot_play_live(*scenario); !why.empty())
      throw std::invalid_argument(why);
    int party = -1;
    for (std::size_t i = 0; i < scenario->parties.size(); ++i) {
      if (scenario->parties[i].id == options.party) party = static_cast<int>(i);
    }
    if (party < 0)
      throw std::invalid_argument(options.party + " is not a party of " + play.scenario);
    if (play.human && scenario->party_count() > 2) {
      throw std::invalid_argument("--human plays a case of two parties for now; " + scenario->name +
                                  " has " + std::to_string(scenario->party_count()));
    }
    auto after = [io](std::chrono::microseconds delay, std::function<void()> then) {
      if (delay.count() <= 0) {
        then();
        return;
      }
      auto timer = std::make_shared<asio::steady_timer>(*io, delay);
      timer->async_wait([timer, then = std::move(then)](const asio::error_code& error) {
        if (!error) then();
      });
    };
    player = std::make_unique<runner::Player>(
        *scenario, party, play.seed, play.human, play.speed,
        [&node](wire::Envelope envelope, const std::string& to) {
          node.send(std::move(envelope), to);
        },
        after, [](const std::string& line) { std::cout << line << std::endl; });
    observer.player = player.get();
  }
  signals.async_wait([&node](const asio::error_code& error, int) {
    if (!error) node.stop("interrupted");
  });
  std::optional<node::LoadGenerator> generator;
  if (generate > 0) {
    generator.emplace(node, generate);
    node.on_room([&generator] { generator->top_up(); });
  }
  node.start();
  if (generator) generator->top_up();
  node::read_lines_in_background(
      io,
      [&node, &printer, &player](std::string line) {
        if (line.empty() || node.stopped()) return;
        if (player) {
          player->on_call(line);
          return;
        }
        const bool several = node.peers().size() > 1;
        const ConsoleLine typed = parse_console_line(std::move(line), several);
        try {
          if (typed.to.empty() && several) {
            throw std::invalid_argument("this node has several peers: start the line with @" +
                                        node.peers().front() + " (or another peer)");
          }
          if (several && typed.text.empty())
            throw std::invalid_argument("nothing to send to " + typed.to);
          node.send_text(typed.text, typed.priority, typed.to);
        } catch (const std::exception& error) {
          printer.error(std::string("not sent: ") + error.what());
        }
      },
      [&node, &player] {
        if (player) player->flush();
        node.finish_sending();
      });
  io->run();
  if (!node.failure().empty()) return 3;
  return node.unacknowledged_in_all() == 0 ? 0 : 1;
}

}  // namespace

void add_node_command(CLI::App& app) {
  auto flags = std::make_shared<NodeFlags>();
  CLI::App* command = app.add_subcommand("node", "Run one party's terminal of the hotline");
  command->footer(
      "Each line on standard input is sent to the peer as a message; start it with /flash or\n"
      "/priority to raise its precedence, and on a node of several peers with @PEER to say to\n"
      "whom. At end of input the node delivers what is queued,\n"
      "says goodbye, and exits once the peer has said goodbye too (or --linger runs out).\n"
      "Exit status: 0 if every message was acknowledged, 1 if not, 2 on a usage error, 3 if\n"
      "the node stopped because its journal could not be written or synced.");
  command->add_option("--config", flags->config,
                      "Options in protobuf text format "
                      "(hotline.config.NodeConfig); flags override");
  command->add_option("--party", flags->party, "This node's party, e.g. washington");
  command->add_option("--peer", flags->peers,
                      "The party at the other end (default: the other of washington/moscow); "
                      "repeat it for a node of several peers, one link each");
  command->add_option("--listen", flags->listen,
                      "Accept the peer on host:port; \"primary,backup\" for two circuits; "
                      "PEER=host:port for one of several peers (repeatable)");
  command->add_option("--connect", flags->connect,
                      "Dial the peer at host:port; \"primary,backup\" for two circuits; "
                      "PEER=host:port for one of several peers (repeatable)");
  command->add_option("--certs", flags->certs, "Directory made by `hotline certs`");
  command->add_option("--max-frame", flags->max_frame, "Largest frame in bytes (default 65536)");
  command->add_option("--max-outbox", flags->max_outbox,
                      "Bytes of unacknowledged messages after which typed lines are refused and "
                      "--generate waits (default 64 MiB)");
  command->add_option("--linger", flags->linger,
                      "After end of input, how long to wait for acknowledgements and the "
                      "peer's goodbye (default 10s)");
  command->add_option("--journal", flags->journal,
                      "Durable journal file: nothing accepted or delivered is lost in a crash");
  command->add_option("--fsync", flags->fsync, "Journal flushing: always, batch (default), none");
  command->add_option("--fsync-interval", flags->fsync_interval,
                      "With --fsync batch, the least time between two fsyncs' starts: under load "
                      "each covers more records, for less CPU and disk time (default 1ms; 0s: "
                      "at once)");
  command
      ->add_option("--compact-after", flags->compact_after,
                   "Rewrite the journal as a snapshot of what is still needed once it has "
                   "grown past this many bytes (default 16 MiB)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  command->add_option("--log", flags->log,
                      "Append JSON events to this file too; across restarts with a journal, "
                      "each delivery appears in it exactly once");
  command->add_option("--heartbeat", flags->heartbeat, "Heartbeat interval (default 1s)");
  command->add_option("--heartbeat-misses", flags->heartbeat_misses,
                      "Missed heartbeats before a circuit is declared down (default 3)");
  command->add_option("--retransmit-after", flags->retransmit_after,
                      "Send unacknowledged messages again after this long (default 3s)");
  command->add_option("--link-test-every", flags->link_test_every,
                      "Send a periodic link test message this often (default off)");
  command->add_option("--generate", flags->generate,
                      "Send this many numbered messages (\"<party> <n>\") as fast as the link "
                      "takes them; resumes after a restart with a journal");
  command->add_flag("--json", flags->json, "Print one JSON object per event");
  command->add_option(
      "--play", flags->play,
      "Play this node's party of a scenario, driven by `hotline run` on standard "
      "input (one side.Call per line, proto/side_calls.proto) instead of typed messages");
  command->add_option("--seed", flags->seed, "With --play: the run's seed");
  command->add_option("--set", flags->settings, "With --play: the run's scenario settings");
  command->add_flag("--human", flags->human,
                    "With --play: a person decides for this party, through `hotline run`");
  command->add_option("--speed", flags->speed,
                      "With --play: model time per wall time, for the scenario's channel delays");
  command->callback([flags, command] {
    const ResolvedOptions resolved = resolve_options(*flags, *command);
    exit_status = run_node(
        resolved.node, resolved.json, resolved.log, resolved.generate,
        PlayOptions{flags->play, flags->seed, flags->settings, flags->human, flags->speed});
  });
}

}  // namespace hotline::cli
