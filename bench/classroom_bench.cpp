// A class of 30 on one exercise: `hotline serve` with fifteen browsers' worth of WebSocket
// seats on each party and the instructor, measuring how soon each seat's view is updated after
// an event:
//   - the white cell pauses (or resumes): the clock's new state reaches every seat;
//   - a team types a line: its record reaches every seat of that party (the line goes to the
//     party's node and back as the mind's record, then to the seats).
// It prints p50, p99 and the worst of each, over every seat and every event. The nodes and the
// referee are the real ones; only the browsers are replaced by WebSocket clients.
//
// Built with websocketpp's client, which (like the classroom's server) needs Asio's deprecated
// names: this file links nothing else of hotline.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>

extern char** environ;

namespace {

using Client = websocketpp::client<websocketpp::config::asio_client>;
using Clock = std::chrono::steady_clock;

struct Serve {
  pid_t pid = -1;
  FILE* output = nullptr;
};

Serve start_serve(const std::string& hotline, const std::string& scenario) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<std::string> args = {hotline,  "serve",   scenario, "--listen",        "127.0.0.1:0",
                                   "--json", "--speed", "2000",   "--decision-time", "3600"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  Serve serve;
  if (posix_spawn(&serve.pid, hotline.c_str(), &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + hotline);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  serve.output = ::fdopen(pipe_fds[0], "r");
  return serve;
}

std::string read_line(FILE* in) {
  std::string line;
  for (int c; (c = std::fgetc(in)) != EOF && c != '\n';) line.push_back(static_cast<char>(c));
  return line;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("The classroom with 30 seats: how soon each seat sees an event");
  std::string hotline = HOTLINE_BINARY;
  int seats_per_party = 15;
  int rounds = 20;
  app.add_option("--hotline", hotline, "The hotline binary")->capture_default_str();
  app.add_option("--seats", seats_per_party, "Seats on each party")->capture_default_str();
  app.add_option("--rounds", rounds, "Pauses, resumes and typed lines each")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  Serve serve = start_serve(hotline, "cut-cable");
  const auto serving = nlohmann::json::parse(read_line(serve.output));
  const auto links = serving.at("links");
  auto ws_url = [&](const std::string& seat) {
    std::string url = links.at(seat).get<std::string>();
    return "ws://" + url.substr(7, url.find('/', 7) - 7) + "/ws" + url.substr(url.find('?'));
  };

  asio::io_context io;
  Client client;
  client.clear_access_channels(websocketpp::log::alevel::all);
  client.clear_error_channels(websocketpp::log::elevel::all);
  client.init_asio(&io);

  struct Seat {
    std::string party;
    websocketpp::connection_hdl handle;
    bool open = false;
  };
  std::mutex mutex;
  std::vector<Seat> seats;
  std::string awaited_state;  // the clock state being waited for
  std::string awaited_text;   // the typed line being waited for
  Clock::time_point event_at;
  std::map<std::size_t, bool> reached;  // seats that saw the current event
  std::vector<double> state_ms, record_ms;

  auto connect = [&](const std::string& seat_name) {
    const std::size_t index = seats.size();
    seats.push_back({seat_name, {}, false});
    websocketpp::lib::error_code error;
    auto connection = client.get_connection(ws_url(seat_name), error);
    if (error) throw std::runtime_error(error.message());
    connection->set_open_handler([&, index](websocketpp::connection_hdl) {
      std::lock_guard lock(mutex);
      seats[index].open = true;
    });
    connection->set_message_handler([&, index](websocketpp::connection_hdl,
                                               Client::message_ptr message) {
      const auto m = nlohmann::json::parse(message->get_payload(), nullptr, false);
      if (!m.is_object()) return;
      std::lock_guard lock(mutex);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - event_at).count();
      if (!awaited_state.empty() && m.value("type", "") == "clock" &&
          m.value("state", "") == awaited_state && !reached[index]) {
        reached[index] = true;
        state_ms.push_back(ms);
      }
      if (!awaited_text.empty() && m.value("type", "") == "record" &&
          m.value("kind", "") == "typed" &&
          m.value("text", "").find(awaited_text) != std::string::npos && !reached[index]) {
        reached[index] = true;
        record_ms.push_back(ms);
      }
    });
    seats[index].handle = connection->get_handle();
    client.connect(connection);
  };
  connect("instructor");
  for (int i = 0; i < seats_per_party; ++i) {
    connect("washington");
    connect("moscow");
  }
  std::thread loop([&] { io.run(); });
  auto wait_for = [&](auto done, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mutex);
        if (done()) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  };
  auto all_open = [&] {
    return std::all_of(seats.begin(), seats.end(), [](const Seat& s) { return s.open; });
  };
  if (!wait_for(all_open, std::chrono::seconds(30))) {
    std::cerr << "the seats did not all connect\n";
    return 1;
  }
  auto send = [&](std::size_t seat, const nlohmann::json& message) {
    asio::post(io, [&, seat, text = message.dump()] {
      websocketpp::lib::error_code ignored;
      client.send(seats[seat].handle, text, websocketpp::frame::opcode::text, ignored);
    });
  };
  send(0, {{"action", "start"}});
  read_line(serve.output);  // "started"
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const std::size_t party_seats = static_cast<std::size_t>(seats_per_party);
  for (int round = 0; round < rounds; ++round) {
    for (const char* state : {"paused", "running"}) {
      {
        std::lock_guard lock(mutex);
        reached.clear();
        awaited_state = state;
        event_at = Clock::now();
      }
      send(0, {{"action", std::string(state) == "paused" ? "pause" : "resume"}});
      wait_for([&] { return reached.size() == seats.size(); }, std::chrono::seconds(10));
      {
        std::lock_guard lock(mutex);
        awaited_state.clear();
      }
    }
    const std::string text = "bench line " + std::to_string(round);
    {
      std::lock_guard lock(mutex);
      reached.clear();
      awaited_text = text;
      event_at = Clock::now();
    }
    send(1, {{"action", "command"}, {"line", text}});  // seat 1 is a washington seat
    // The instructor and every washington seat see the typed line.
    wait_for([&] { return reached.size() == party_seats + 1; }, std::chrono::seconds(10));
    {
      std::lock_guard lock(mutex);
      awaited_text.clear();
    }
  }
  send(0, {{"action", "close"}});
  int status = 0;
  ::waitpid(serve.pid, &status, 0);
  io.stop();
  loop.join();

  std::printf("%d seats (%d per party and the instructor), %d rounds\n",
              static_cast<int>(seats.size()), seats_per_party, rounds);
  std::printf("%-34s %8s %8s %8s %8s\n", "event, to each seat that sees it", "count", "p50 ms",
              "p99 ms", "max ms");
  std::printf("%-34s %8zu %8.1f %8.1f %8.1f\n", "pause/resume: the clock's state", state_ms.size(),
              percentile(state_ms, 0.5), percentile(state_ms, 0.99), percentile(state_ms, 1.0));
  std::printf("%-34s %8zu %8.1f %8.1f %8.1f\n", "a typed line: its record", record_ms.size(),
              percentile(record_ms, 0.5), percentile(record_ms, 0.99), percentile(record_ms, 1.0));
  const std::size_t expected_states = static_cast<std::size_t>(rounds) * 2 * seats.size();
  const std::size_t expected_records = static_cast<std::size_t>(rounds) * (party_seats + 1);
  if (state_ms.size() != expected_states || record_ms.size() != expected_records) {
    std::printf("missing: %zu state updates, %zu records never arrived\n",
                expected_states - state_ms.size(), expected_records - record_ms.size());
    return 1;
  }
  return 0;
}
