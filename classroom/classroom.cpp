#include "classroom/classroom.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "classroom/page_assets.h"
#include "classroom/resource.h"
#include "model/ladder.h"
#include "model/timeline_entry.h"
#include "runner/party_view.h"
#include "runner/side_protocol.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_time.h"

namespace hotline::classroom {
namespace {

std::vector<std::string> party_ids(const model::Scenario& scenario) {
  std::vector<std::string> ids;
  for (const auto& party : scenario.parties) ids.push_back(party.id);
  return ids;
}

HttpResponse text(int status, const std::string& body) {
  return {status, "text/plain; charset=utf-8", body + "\n", false};
}

}  // namespace

Classroom::Classroom(const model::Scenario& scenario, runner::ExerciseClock& clock,
                     runner::CommandQueue& commands, WebServerOptions web)
    : scenario_(scenario),
      clock_(clock),
      commands_(commands),
      tokens_(party_ids(scenario)),
      narrator_(scenario::start_of(scenario), party_ids(scenario)) {
  WebHandlers handlers;
  handlers.http = [this](const std::string& target) { return on_http(target); };
  handlers.admit = [this](const std::string& target) { return on_admit(target); };
  handlers.opened = [this](ConnectionId c, const std::string& seat) { on_open(c, seat); };
  handlers.message = [this](ConnectionId c, const std::string& text) { on_message(c, text); };
  handlers.closed = [this](ConnectionId c) { on_close(c); };
  server_ = std::make_unique<WebServer>(std::move(web), std::move(handlers));
}

Classroom::~Classroom() {
  server_->stop();
}

void Classroom::open() {
  server_->start();
  server_->every(std::chrono::milliseconds(200), [this] { send_status(); });
}

std::string Classroom::link(const std::string& seat, const std::string& host) const {
  return std::string(server_->tls() ? "https://" : "http://") +
         (host.empty() ? server_->address() : host) + "/?token=" + tokens_.token_of(seat);
}

std::map<std::string, std::string> Classroom::links(const std::string& host) const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> links;
  for (const auto& seat : tokens_.seats()) links[seat] = link(seat, host);
  return links;
}

std::optional<std::vector<std::string>> Classroom::wait_for_start(
    const std::function<bool()>& interrupted) {
  std::unique_lock lock(mutex_);
  while (!started_ && !close_requested_) {
    if (interrupted && interrupted()) return std::nullopt;
    changed_.wait_for(lock, std::chrono::milliseconds(100));
  }
  if (close_requested_) return std::nullopt;
  return people_;
}

void Classroom::playing(const runner::LiveExercise* exercise) {
  std::lock_guard lock(mutex_);
  if (exercise_ && !exercise) last_history_ = exercise_->history();
  if (exercise) preparing_branch_ = false;  // the exercise itself says whether it replays
  exercise_ = exercise;
}

bool Classroom::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

bool Classroom::close_requested() const {
  std::lock_guard lock(mutex_);
  return close_requested_;
}

std::vector<model::Inject> Classroom::take_injects() {
  std::lock_guard lock(mutex_);
  std::vector<model::Inject> taken;
  taken.swap(injects_);
  return taken;
}

void Classroom::record(model::Record record) {
  {
    std::lock_guard lock(mutex_);
    records_.push_back(record);
  }
  server_->post([this, record = std::move(record)] { on_record(record); });
}

std::vector<model::Record> Classroom::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void Classroom::ended(std::string summary, std::string report) {
  playing(nullptr);
  server_->post([this, summary = std::move(summary), report = std::move(report)] {
    over_ = true;
    summary_ = summary;
    report_ = report;
    for (const auto& [connection, seat] : seats_) {
      nlohmann::json message = {{"type", "ended"}, {"summary", summary_}};
      if (seat == kInstructor) message["report"] = "/report?token=" + tokens_.token_of(seat);
      server_->send(connection, message.dump());
    }
    send_status();
  });
}

void Classroom::failed(std::string reason) {
  playing(nullptr);
  {
    std::lock_guard lock(mutex_);
    preparing_branch_ = false;  // the branch failed too; the instructor may branch again
  }
  server_->post([this, reason = std::move(reason)] {
    over_ = true;
    failure_ = reason;
    for (const auto& [connection, seat] : seats_) send_error(connection, reason);
    send_status();
  });
}

bool Classroom::branch_requested() const {
  std::lock_guard lock(mutex_);
  return branch_.has_value();
}

std::optional<runner::Branch> Classroom::wait_for_close_or_branch(
    const std::function<bool()>& interrupted) {
  std::unique_lock lock(mutex_);
  while (!close_requested_ && !branch_) {
    if (interrupted && interrupted()) return std::nullopt;
    changed_.wait_for(lock, std::chrono::milliseconds(100));
  }
  if (close_requested_) return std::nullopt;
  std::optional<runner::Branch> taken;
  taken.swap(branch_);
  preparing_branch_ = true;
  return taken;
}

void Classroom::branching(const runner::Branch& branch) {
  {
    std::lock_guard lock(mutex_);
    records_.clear();
    injects_.clear();
    branch_.reset();
    preparing_branch_ = true;
  }
  const std::string message = nlohmann::json{
      {"type", "branch"},
      {"from", scenario::format_time(branch.from, scenario::start_of(scenario_), true)},
      {"changed",
       branch.what_changed}}.dump();
  // Posted before any record of the branch, so every seat starts again before it sees them.
  server_->post([this, message] {
    over_ = false;
    revealed_ = false;
    summary_.clear();
    report_.clear();
    failure_.clear();
    all_records_.clear();
    views_.clear();
    for (const auto& [connection, seat] : seats_) server_->send(connection, message);
    send_status();
  });
}

HttpResponse Classroom::on_http(const std::string& target) {
  const Resource resource = parse_resource(target);
  if (resource.path == "/app.js") return {200, "text/javascript; charset=utf-8", kAppJs, false};
  if (resource.path == "/app.css") return {200, "text/css; charset=utf-8", kAppCss, false};
  std::optional<std::string> seat;
  {
    std::lock_guard lock(mutex_);
    seat = tokens_.seat_of(resource.parameter("token"));
  }
  if (resource.path == "/")
    return {200, "text/html; charset=utf-8", seat ? kSeatPage : kLoginPage, false};
  if (resource.path == "/report") {
    if (!seat) return {403, "text/html; charset=utf-8", kLoginPage, false};
    if (!over_ || report_.empty()) return text(404, "the report is made when the exercise is over");
    if (*seat != kInstructor && !revealed_)
      return text(403, "the report opens to every seat once the instructor reveals the run");
    return {200, "text/html; charset=utf-8", report_, true};
  }
  return text(404, "not found");
}

std::optional<std::string> Classroom::on_admit(const std::string& target) {
  const Resource resource = parse_resource(target);
  if (resource.path != "/ws") return std::nullopt;
  const std::string token = resource.parameter("token");
  std::optional<std::string> seat;
  {
    std::lock_guard lock(mutex_);
    seat = tokens_.seat_of(token);
  }
  if (!seat) return std::nullopt;
  // A team on a few laptops, not a script opening sockets without end.
  const auto browsers = std::count_if(seats_.begin(), seats_.end(),
                                      [&](const auto& open) { return open.second == *seat; });
  if (browsers >= kMaxBrowsersPerSeat) return std::nullopt;
  // The token itself: it is checked again when the handshake completes, in case the seat was
  // revoked meanwhile.
  return token;
}

nlohmann::json Classroom::hello(const std::string& seat) const {
  nlohmann::json incidents = nlohmann::json::array();
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& incident : scenario_.incidents) {
    incidents.push_back(incident.id);
    if (std::find(targets.begin(), targets.end(), incident.target) == targets.end())
      targets.push_back(incident.target);
  }
  nlohmann::json message = {
      {"type", "hello"},
      {"seat", seat},
      {"case", scenario_.name},
      {"title", scenario_.title},
      {"parties", party_ids(scenario_)},
      {"incidents", incidents},
      {"targets", targets},
      {"claims", {"not-us", "not-directed", "accident", "ours", "benign", "refuse"}}};
  // What a warning may threaten: the rungs from naming and shaming up (an inquiry or a
  // demarche is no threat).
  nlohmann::json rungs = nlohmann::json::array();
  for (int i = static_cast<int>(model::Rung::kNameAndShame); i < model::kRungCount; ++i)
    rungs.push_back(std::string(model::rung_name(model::rung_at(i))));
  message["rungs"] = rungs;
  if (seat == kInstructor) {
    // What the white cell may inject: the case's own timeline.
    nlohmann::json timeline = nlohmann::json::array();
    const auto start = scenario::start_of(scenario_);
    for (std::size_t i = 0; i < scenario_.timeline.size(); ++i) {
      timeline.push_back(
          {{"event", i},
           {"t", scenario::format_time(scenario_.timeline[i].at, start, true)},
           {"what", model::describe_timeline_entry(scenario_, static_cast<int>(i))}});
    }
    message["timeline"] = timeline;
    nlohmann::json circuits = nlohmann::json::array();
    if (scenario_.hotline().enabled) {
      for (const auto& circuit : scenario_.hotline().circuits) circuits.push_back(circuit.name);
    }
    message["circuits"] = circuits;
  }
  std::lock_guard lock(mutex_);
  message["started"] = started_;
  message["people"] = people_;
  return message;
}

nlohmann::json Classroom::seats_message() const {
  nlohmann::json seats = nlohmann::json::array();
  std::lock_guard lock(mutex_);
  for (const auto& seat : tokens_.seats()) {
    int browsers = 0;
    for (const auto& [connection, at] : seats_) browsers += at == seat ? 1 : 0;
    seats.push_back({{"seat", seat}, {"link", link(seat, "")}, {"browsers", browsers}});
  }
  return {{"type", "seats"}, {"seats", seats}};
}

void Classroom::on_open(ConnectionId connection, const std::string& token) {
  std::optional<std::string> admitted;
  {
    std::lock_guard lock(mutex_);
    admitted = tokens_.seat_of(token);
  }
  if (!admitted) {
    server_->close(connection, "this seat's token was revoked");
    return;
  }
  const std::string seat = *admitted;
  // Handshakes admitted together may all complete: the limit holds when they do.
  if (std::count_if(seats_.begin(), seats_.end(),
                    [&](const auto& open) { return open.second == seat; }) >= kMaxBrowsersPerSeat) {
    server_->close(connection, "too many browsers in this seat");
    return;
  }
  seats_[connection] = seat;
  server_->send(connection, hello(seat).dump());
  for (const auto& message : seat == kInstructor ? all_records_ : views_[seat])
    server_->send(connection, message);
  if (revealed_) {
    server_->send(connection, nlohmann::json{{"type", "reveal"}}.dump());
    for (const auto& message : all_records_) server_->send(connection, message);
  }
  if (over_ && failure_.empty()) {
    nlohmann::json message = {{"type", "ended"}, {"summary", summary_}};
    if (seat == kInstructor) message["report"] = "/report?token=" + tokens_.token_of(seat);
    server_->send(connection, message.dump());
  }
  if (!failure_.empty()) send_error(connection, failure_);
  if (seat == kInstructor && !inputs_message_.empty()) server_->send(connection, inputs_message_);
  send_to(kInstructor, seats_message().dump());
  send_status();
}

void Classroom::on_close(ConnectionId connection) {
  seats_.erase(connection);
  recent_commands_.erase(connection);
  last_status_.erase(connection);
  send_to(kInstructor, seats_message().dump());
}

void Classroom::send_to(const std::string& seat, const std::string& text) {
  for (const auto& [connection, at] : seats_) {
    if (at == seat) server_->send(connection, text);
  }
}

void Classroom::send_error(ConnectionId connection, const std::string& error) {
  server_->send(connection, nlohmann::json{{"type", "error"}, {"error", error}}.dump());
}

void Classroom::on_record(const model::Record& record) {
  nlohmann::json message = {
      {"type", "record"},
      {"t", scenario::format_time(record.at, scenario::start_of(scenario_), true)},
      {"party", record.party},
      {"actor", scenario::record_actor(record)},
      {"kind", record.kind},
      {"text", narrator_.sentence(record)},
      {"fields", runner::record_to_json(record)}};
  const std::string text = message.dump();
  all_records_.push_back(text);
  for (const auto& party : scenario_.parties) {
    if (runner::PartyView::visible_to(party.id, record)) views_[party.id].push_back(text);
  }
  for (const auto& [connection, seat] : seats_) {
    const bool sees =
        seat == kInstructor || revealed_ || runner::PartyView::visible_to(seat, record);
    if (sees) server_->send(connection, text);
  }
}

void Classroom::on_message(ConnectionId connection, const std::string& text) {
  const auto found = seats_.find(connection);
  if (found == seats_.end()) return;
  const std::string seat = found->second;
  SeatRequest request;
  try {
    request = parse_seat_request(text);
  } catch (const BadRequest& bad) {
    send_error(connection, bad.what());
    return;
  }
  if (const std::string why = refusal(seat, request); !why.empty()) {
    send_error(connection, why);
    return;
  }
  act(connection, seat, request);
}

void Classroom::act(ConnectionId connection, const std::string& seat, const SeatRequest& request) {
  using Action = SeatRequest::Action;
  switch (request.action) {
    case Action::kCommand: {
      std::string refused;
      {
        std::lock_guard lock(mutex_);
        if (const std::string why = not_playing_locked(); !why.empty()) {
          refused = why;
        } else if (std::find(people_.begin(), people_.end(), seat) == people_.end()) {
          refused =
              "the model plays " + seat + " in this exercise: its seat was empty when it started";
        }
      }
      if (!refused.empty()) return send_error(connection, refused);
      // People type a few lines a minute; a flood from one page would hold up the referee.
      auto& recent = recent_commands_[connection];
      const auto now = std::chrono::steady_clock::now();
      while (!recent.empty() && now - recent.front() > std::chrono::seconds(1)) recent.pop_front();
      if (recent.size() >= kMaxCommandsPerSecond)
        return send_error(connection, "too many commands at once; wait a moment");
      recent.push_back(now);
      commands_.push({seat, request.line});
      clock_.poke();
      return;
    }
    case Action::kStart: {
      std::lock_guard lock(mutex_);
      if (started_) return send_error(connection, "the exercise has already started");
      started_ = true;
      for (const auto& party : scenario_.parties) {
        for (const auto& [other, at] : seats_) {
          if (at == party.id) {
            people_.push_back(party.id);
            break;
          }
        }
      }
      changed_.notify_all();
      break;
    }
    case Action::kPause:
      clock_.pause();
      break;
    case Action::kResume:
      clock_.resume();
      break;
    case Action::kSpeed:
      clock_.set_speed(request.value);
      break;
    case Action::kDecisionTime:
      clock_.set_decision_time(
          std::chrono::milliseconds(static_cast<long long>(request.value * 1000)));
      break;
    case Action::kReveal: {
      if (!over_)
        return send_error(connection, "the run is revealed at the end; it is still being played");
      if (revealed_) return;
      revealed_ = true;
      for (const auto& [other, at] : seats_) {
        if (at == kInstructor) continue;
        server_->send(other, nlohmann::json{{"type", "reveal"}}.dump());
        for (const auto& message : all_records_) server_->send(other, message);
      }
      break;
    }
    case Action::kRevoke: {
      std::vector<ConnectionId> revoked;
      {
        std::lock_guard lock(mutex_);
        const auto seats = tokens_.seats();
        if (request.seat == kInstructor ||
            std::find(seats.begin(), seats.end(), request.seat) == seats.end()) {
          return send_error(connection, "no party's seat \"" + request.seat + "\"");
        }
        tokens_.revoke(request.seat);
      }
      for (const auto& [other, at] : seats_) {
        if (at == request.seat) revoked.push_back(other);
      }
      for (const ConnectionId other : revoked) {
        server_->send(other, nlohmann::json{{"type", "revoked"}}.dump());
        server_->close(other, "this seat's token was revoked");
      }
      send_to(kInstructor, seats_message().dump());
      break;
    }
    case Action::kInject: {
      if (request.event >= static_cast<int>(scenario_.timeline.size()))
        return send_error(connection, "no such entry in the case's timeline");
      std::lock_guard lock(mutex_);
      if (const std::string why = not_playing_locked(); !why.empty())
        return send_error(connection, why);
      injects_.push_back({request.event, 0, -1, 0});
      clock_.poke();
      break;
    }
    case Action::kOutage: {
      if (!scenario_.hotline().enabled ||
          request.circuit >= static_cast<int>(scenario_.hotline().circuits.size()))
        return send_error(connection, "no such circuit on this case's hotline");
      std::lock_guard lock(mutex_);
      if (const std::string why = not_playing_locked(); !why.empty())
        return send_error(connection, why);
      injects_.push_back(
          {-1, 0, request.circuit, static_cast<model::SimTime>(request.value * model::kHour)});
      break;
    }
    case Action::kBranch:
      request_branch(connection, request);
      return;
    case Action::kClose: {
      std::lock_guard lock(mutex_);
      close_requested_ = true;
      changed_.notify_all();
      break;
    }
  }
  send_status();
}

void Classroom::request_branch(ConnectionId connection, const SeatRequest& request) {
  model::SimTime from = 0;
  try {
    from = scenario::parse_time(request.from, scenario::start_of(scenario_), 0);
  } catch (const std::invalid_argument& bad) {
    return send_error(connection, std::string("the branch's moment: ") + bad.what());
  }
  std::lock_guard lock(mutex_);
  if (!started_) return send_error(connection, "the exercise has not started");
  if (const std::string why = not_in_play_locked(); !why.empty())
    return send_error(connection, why);
  if (branch_) return send_error(connection, "a branch is already being made");
  try {
    branch_ = runner::make_branch(scenario_, exercise_ ? exercise_->history() : last_history_, from,
                                  request.change);
  } catch (const runner::BadBranch& bad) {
    return send_error(connection, bad.what());
  }
  changed_.notify_all();
  clock_.poke();
}

std::string Classroom::not_playing_locked() const {
  if (!started_) return "the exercise has not started";
  if (over_) return "the exercise is over";
  return not_in_play_locked();
}

std::string Classroom::not_in_play_locked() const {
  if (preparing_branch_ || (exercise_ && exercise_->replaying()))
    return "the branch is being played again up to its moment; wait until it stands there";
  return "";
}

void Classroom::send_inputs() {
  std::vector<runner::ExerciseInput> inputs;
  {
    std::lock_guard lock(mutex_);
    inputs = exercise_ ? exercise_->history().inputs : last_history_.inputs;
  }
  nlohmann::json list = nlohmann::json::array();
  const auto start = scenario::start_of(scenario_);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& input = inputs[i];
    list.push_back({{"input", i},
                    {"t", scenario::format_time(input.at, start, true)},
                    {"movable", input.kind == runner::ExerciseInput::Kind::kCommand},
                    {"what", runner::describe_input(scenario_, input)}});
  }
  std::string message = nlohmann::json{{"type", "inputs"}, {"inputs", list}}.dump();
  if (message == inputs_message_) return;
  inputs_message_ = std::move(message);
  send_to(kInstructor, inputs_message_);
}

void Classroom::send_status() {
  std::vector<std::pair<std::string, std::vector<side::Awaited>>> awaiting;
  bool started = false;
  bool playing = false;
  bool replaying = false;
  {
    std::lock_guard lock(mutex_);
    started = started_;
    playing = exercise_ != nullptr;
    if (exercise_) awaiting = exercise_->awaiting();
    replaying = !not_in_play_locked().empty();
  }
  send_inputs();
  std::string state = !started            ? "waiting to start"
                      : !failure_.empty() ? "stopped"
                      : over_             ? "over"
                      : replaying         ? "replaying up to the branch"
                      : clock_.paused()   ? "paused"
                      : !awaiting.empty() ? "holding for a decision"
                                          : "running";
  // No time until the case is being played (its nodes take a moment to start).
  const std::string time =
      playing ? scenario::format_time(clock_.model_now(), scenario::start_of(scenario_), true) : "";
  for (const auto& [connection, seat] : seats_) {
    nlohmann::json awaited = nlohmann::json::array();
    for (const auto& [party, decisions] : awaiting) {
      if (seat != kInstructor && seat != party) continue;
      for (const auto& decision : decisions) {
        nlohmann::json one = {{"party", party}, {"kind", decision.kind()}};
        if (decision.kind() == "answer") one["incident"] = decision.incident();
        if (decision.kind() == "warning") one["text"] = decision.text();
        awaited.push_back(one);
      }
    }
    nlohmann::json status = {{"type", "clock"},
                             {"state", state},
                             {"t", over_ ? "" : time},
                             {"speed", clock_.speed()},
                             {"decision_time", clock_.decision_time().count() / 1000.0},
                             {"awaiting", awaited}};
    std::string text = status.dump();
    auto& last = last_status_[connection];
    if (text == last) continue;
    last = text;
    server_->send(connection, text);
  }
}

}  // namespace hotline::classroom
