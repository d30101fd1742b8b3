// `hotline serve` as a class uses it: an instructor and two teams, each in its own headless
// Chromium, play cut-cable through two real node processes. A question is asked and answered
// over the real link while the clock waits for the answer; the instructor pauses, resumes,
// speeds the case to its end and reveals it. Each seat must have seen its own party's view
// only, no page may log an error, and a seat's token must open nothing else.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/child_process.h"
#include "tests/support/headless_browser.h"
#include "tests/support/process_tree.h"

namespace hotline {
namespace {

using testing::HeadlessBrowser;
using namespace std::chrono_literals;

class ClassroomInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = HeadlessBrowser::find();
    if (!chromium_) {
      GTEST_SKIP() << "no Chromium found (install Debian's `chromium`, or set HOTLINE_CHROMIUM): "
                      "the classroom's browser tests are skipped";
    }
  }

  // Starts `hotline serve` and reads its join links.
  void serve(const std::string& decision_seconds = "120",
             const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {HOTLINE_BINARY,    "serve",         "cut-cable", "--listen",
                                     "127.0.0.1:0",     "--json",        "--speed",   "20000",
                                     "--decision-time", decision_seconds};
    argv.insert(argv.end(), extra.begin(), extra.end());
    server_ = std::make_unique<common::ChildProcess>(common::ChildProcess::Options{argv, false});
    const auto line = server_->output().read_line(std::chrono::seconds(30));
    ASSERT_TRUE(line) << "hotline serve said nothing";
    const auto event = nlohmann::json::parse(*line);
    ASSERT_EQ(event.value("event", ""), "serving") << *line;
    links_ = event.at("links");
    serving_ = event;
  }

  std::string link(const std::string& seat) const { return links_.at(seat).get<std::string>(); }
  std::string token(const std::string& seat) const {
    const std::string url = link(seat);
    return url.substr(url.find("token=") + 6);
  }

  // Polls a JavaScript expression until it is true.
  static void wait_until(HeadlessBrowser& browser, const std::string& expression,
                         std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (browser.evaluate("Boolean(" + expression + ")") == true) return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "timed out waiting for " << expression;
  }

  static nlohmann::json feed_parties(HeadlessBrowser& browser) {
    return browser.evaluate(
        "[...document.querySelectorAll('#feed li')].filter(li => li.dataset.kind !== "
        "'outcome').map(li => li.dataset.party)");
  }

  std::optional<std::string> chromium_;
  std::unique_ptr<common::ChildProcess> server_;
  nlohmann::json links_;
  nlohmann::json serving_;
};

TEST_F(ClassroomInBrowser, TwoTeamsAndAnInstructorPlayACaseThroughTheRealLink) {
  serve();
  HeadlessBrowser instructor(*chromium_), washington(*chromium_), moscow(*chromium_);
  instructor.open(link("instructor"));
  washington.open(link("washington"));
  moscow.open(link("moscow"));
  for (auto* page : {&instructor, &washington, &moscow})
    wait_until(*page, "document.body.dataset.connected === 'yes'");
  EXPECT_EQ(washington.evaluate("document.body.dataset.seat"), "washington");
  EXPECT_EQ(instructor.evaluate("document.getElementById('instructor').hidden"), false);
  EXPECT_EQ(washington.evaluate("document.getElementById('instructor').hidden"), true);
  // Both teams are in their seats before the start: people play both parties.
  wait_until(instructor,
             "document.querySelectorAll('#seats td:nth-child(2)').length === 3 && "
             "[...document.querySelectorAll('#seats tr')].filter(r => "
             "r.cells[1] && r.cells[1].textContent === '1').length === 3");
  instructor.evaluate("document.getElementById('start').click()");
  const auto started = server_->output().read_line(30s);
  ASSERT_TRUE(started);
  EXPECT_EQ(nlohmann::json::parse(*started).value("people", nlohmann::json()),
            nlohmann::json({"washington", "moscow"}));

  // Washington sees the intrusion on its grid and asks Moscow about it.
  wait_until(washington, "document.querySelector('#feed li[data-kind=observe]')");
  washington.evaluate(
      "document.querySelector('form[data-line^=\"/ask\"] select').value = 'grid-intrusion';"
      "document.getElementById('ask').click()");
  // The question crossed the link; Moscow's decision holds the clock, for everyone.
  wait_until(moscow, "document.querySelector('#awaited li[data-kind=answer]')");
  wait_until(instructor, "document.body.dataset.state === 'holding for a decision'");
  const std::string held_at = moscow.evaluate("document.getElementById('time').textContent");
  // The white cell pauses and resumes.
  instructor.evaluate("document.getElementById('pause').click()");
  wait_until(moscow, "document.body.dataset.state === 'paused'");
  instructor.evaluate("document.getElementById('resume').click()");
  wait_until(moscow, "document.body.dataset.state === 'holding for a decision'");
  std::this_thread::sleep_for(1s);  // at 20,000x, five and a half hours of the case
  EXPECT_EQ(moscow.evaluate("document.getElementById('time').textContent"), held_at);

  // Moscow answers; its reply crosses the link to Washington's seat.
  moscow.evaluate(
      "const form = document.querySelector('form[data-line^=\"/answer\"]');"
      "form.querySelector('select[name=incident]').value = 'grid-intrusion';"
      "form.querySelector('select[name=claim]').value = 'accident';"
      "document.getElementById('answer').click()");
  wait_until(washington,
             "[...document.querySelectorAll('#feed li[data-kind=read]')].some(li => "
             "li.textContent.includes('accident'))");
  wait_until(moscow, "document.getElementById('awaiting').hidden");

  // Washington warns, drawing a line and naming a consequence: it crosses the link, and Moscow's
  // team is awaited to heed it or not; it notes it.
  washington.evaluate(
      "const form = document.querySelector('form[data-line^=\"/warn\"]');"
      "form.querySelector('select[name=consequence]').value = 'SANCTIONS';"
      "form.querySelector('select[name=line]').value = 'US grid operator';"
      "form.querySelector('input[name=words]').value = 'Stay off our grid.';"
      "document.getElementById('warn').click()");
  wait_until(moscow, "document.querySelector('#awaited li[data-kind=warning]')");
  EXPECT_NE(moscow.evaluate("document.getElementById('awaited').textContent")
                .get<std::string>()
                .find("Stay off our grid."),
            std::string::npos);
  moscow.evaluate("document.getElementById('noted').click()");
  wait_until(moscow, "document.getElementById('awaiting').hidden");

  // The white cell injects the grid intrusion again: Washington observes it a second time, and
  // only the instructor sees that it was an inject.
  instructor.evaluate(
      "const select = document.getElementById('inject-event');"
      "select.value = [...select.options].find(o => o.textContent.startsWith('incident "
      "grid-intrusion')).value;"
      "document.getElementById('inject').click()");
  wait_until(washington, "document.querySelectorAll('#feed li[data-kind=observe]').length >= 2");
  wait_until(instructor, "document.querySelector('#feed li[data-kind=inject]')");
  EXPECT_EQ(washington.evaluate("document.querySelectorAll('#feed li[data-kind=inject]').length"),
            0);

  // The white cell cuts both circuits for six hours: the referee's channel and both nodes' own
  // draws of the channel's fates learn of it alike (a node whose draw differed from the
  // referee's would stop the exercise).
  const std::string lost_to_outages =
      "[...document.querySelectorAll('#feed li[data-kind=channel]')].filter(li => "
      "li.textContent.includes('circuit down')).length";
  const int lost_before = instructor.evaluate(lost_to_outages).get<int>();
  for (const char* circuit : {"cable", "satellite"}) {
    instructor.evaluate(std::string("document.getElementById('outage-circuit').value = '") +
                        circuit +
                        "';"
                        "document.getElementById('outage-hours').value = '6';"
                        "document.getElementById('outage').click()");
    wait_until(instructor, std::string("[...document.querySelectorAll('#feed "
                                       "li[data-kind=inject]')].some(li => "
                                       "li.textContent.includes('circuit ") +
                               circuit + " down for 360 min'))");
  }
  // Copies went out during the cut, and were lost to it on the real link too.
  wait_until(instructor, lost_to_outages + " > " + std::to_string(lost_before));

  // A reloaded page gets its whole view back.
  const auto before_reload = washington.evaluate("document.querySelectorAll('#feed li').length");
  washington.open(link("washington"));
  wait_until(washington, "document.querySelectorAll('#feed li').length >= " + before_reload.dump());

  // The instructor speeds the case to its end.
  instructor.evaluate(
      "document.getElementById('speed').value = '5000000';"
      "document.getElementById('set-speed').click()");
  for (auto* page : {&instructor, &washington, &moscow})
    wait_until(*page, "!document.getElementById('ended').hidden", 90s);

  // Until the reveal each seat saw its own party's records and what the world made public,
  // never the other party's mind, and no ground truth.
  for (const auto& party : feed_parties(washington)) EXPECT_NE(party, "moscow");
  for (const auto& party : feed_parties(moscow)) EXPECT_NE(party, "washington");
  EXPECT_NE(feed_parties(washington).dump().find("washington"), std::string::npos);
  EXPECT_NE(feed_parties(moscow).dump().find("moscow"), std::string::npos);
  EXPECT_EQ(moscow.evaluate("document.querySelectorAll('#feed li[data-kind=incident]').length"), 0);
  EXPECT_GT(instructor.evaluate("document.querySelectorAll('#feed li[data-kind=incident]').length"),
            0);

  for (auto* page : {&instructor, &washington, &moscow}) {
    for (const auto& error : page->page().console_errors) ADD_FAILURE() << error;
  }

  // A seat's token opens nothing of another's: not the instructor's actions, not the report.
  const std::string probe =
      "new Promise(done => { const ws = new WebSocket(`ws://${location.host}/ws?token=" +
      token("moscow") +
      "`); ws.onmessage = e => { const m = JSON.parse(e.data); if (m.type === 'error') "
      "{ done(m.error); ws.close(); } else if (m.type === 'hello') ws.send(JSON.stringify("
      "{action: 'reveal'})); }; setTimeout(() => done('no answer'), 5000); })";
  EXPECT_EQ(moscow.evaluate(probe, true), "only the instructor may do that");
  EXPECT_EQ(
      moscow.evaluate("fetch('/report?token=" + token("moscow") + "').then(r => r.status)", true),
      403);
  const std::string report_link = instructor.evaluate("document.getElementById('report').href");
  EXPECT_EQ(instructor.evaluate("fetch(document.getElementById('report').href).then(r => "
                                "r.text()).then(t => t.includes('cut-cable'))",
                                true),
            true)
      << report_link;

  // The reveal shows every seat the whole run.
  instructor.evaluate("document.getElementById('reveal').click()");
  wait_until(washington, "document.body.dataset.revealed === 'yes'");
  wait_until(washington, "document.querySelector('#feed li[data-party=moscow]')");
  wait_until(moscow, "document.querySelector('#feed li[data-kind=incident]')");
  for (const auto& error : washington.page().console_errors) ADD_FAILURE() << error;

  // A revoked link admits no one; the seat is told.
  instructor.evaluate("document.getElementById('revoke-moscow').click()");
  wait_until(moscow, "document.getElementById('error').textContent.includes('revoked')");
  EXPECT_EQ(washington.evaluate("fetch('/?token=" + token("moscow") +
                                    "').then(r => r.text()).then(t => t.includes('paste its "
                                    "token'))",
                                true),
            true);

  instructor.evaluate("document.getElementById('close').click()");
  EXPECT_EQ(server_->wait_for(30s), 0);
}

// Sends `raw` on a WebSocket of its own with `token`'s seat, from inside the page, and gives
// what came back first: the server's error, or how the connection closed.
std::string seat_reply(HeadlessBrowser& page, const std::string& token, const std::string& raw) {
  const std::string script =
      "new Promise(done => { const ws = new WebSocket(`ws://${location.host}/ws?token=" + token +
      "`); ws.onmessage = e => { const m = JSON.parse(e.data); if (m.type === 'error') { "
      "done(m.error); ws.close(); } else if (m.type === 'hello') ws.send(" +
      nlohmann::json(raw).dump() +
      "); }; ws.onclose = e => done('closed ' + e.code); "
      "setTimeout(() => { done('no answer'); ws.close(); }, 3000); })";
  return page.evaluate(script, true).get<std::string>();
}

TEST_F(ClassroomInBrowser, AnEmptySeatIsPlayedByTheModelAndBadRequestsChangeNothing) {
  serve("1");
  HeadlessBrowser instructor(*chromium_), moscow(*chromium_), moscow_too(*chromium_);
  instructor.open(link("instructor"));
  moscow.open(link("moscow"));
  moscow_too.open(link("moscow"));  // a team on two laptops
  for (auto* page : {&instructor, &moscow, &moscow_too})
    wait_until(*page, "document.body.dataset.connected === 'yes'");
  // Out of turn: nothing to play before the start.
  EXPECT_EQ(seat_reply(moscow, token("moscow"), R"({"action":"command","line":"/climb"})"),
            "the exercise has not started");
  instructor.evaluate("document.getElementById('start').click()");
  const auto started = server_->output().read_line(30s);
  ASSERT_TRUE(started);
  // Washington's seat was empty: the model plays it, and a latecomer cannot take it over.
  EXPECT_EQ(nlohmann::json::parse(*started).value("people", nlohmann::json()),
            nlohmann::json({"moscow"}));
  EXPECT_EQ(seat_reply(moscow, token("washington"), R"({"action":"command","line":"/climb"})"),
            "the model plays washington in this exercise: its seat was empty when it started");

  // Malformed, unknown, oversized: a clear error, or (too big to read) the connection closed.
  EXPECT_EQ(seat_reply(moscow, token("moscow"), "{\"action\":"), "not JSON");
  EXPECT_EQ(seat_reply(moscow, token("moscow"), R"({"action":"launch"})"),
            "unknown action \"launch\"");
  EXPECT_EQ(seat_reply(moscow, token("moscow"), R"({"action":"start"})"),
            "only the instructor may do that");
  EXPECT_EQ(seat_reply(moscow, token("moscow"), std::string(100000, ' ')).rfind("closed", 0), 0u);
  EXPECT_EQ(seat_reply(moscow, "0123456789abcdef0123456789abcdef", "{}"), "closed 1006");
  // Responses do not name the server's library and version.
  EXPECT_EQ(moscow.evaluate("fetch('/app.css').then(r => r.headers.get('server'))", true), nullptr);

  // The model's washington asks about the grid intrusion; nobody answers in moscow's seat within
  // the second given, so the model answers for it; both of moscow's browsers see it all.
  for (auto* page : {&moscow, &moscow_too}) {
    wait_until(*page, "document.querySelector('#feed li[data-kind=asked]')");
    wait_until(*page, "document.querySelector('#feed li[data-kind=model_decided]')");
  }
  // Moscow's node is killed mid-exercise: it is restarted on its journal, its mind rebuilt, and
  // the seat plays on.
  const auto moscow_node = testing::children_matching(server_->pid(), "--party moscow");
  ASSERT_EQ(moscow_node.size(), 1u);
  ::kill(moscow_node[0], SIGKILL);
  wait_until(instructor,
             "[...document.querySelectorAll('#feed li[data-kind=link]')].some(li => "
             "li.textContent.includes('recovered'))");
  // The exercise went on: moscow still plays, and its words are taken.
  moscow.evaluate(
      "document.getElementById('text').value = 'We are looking into it.';"
      "document.getElementById('say').click()");
  wait_until(moscow_too,
             "[...document.querySelectorAll('#feed li[data-kind=typed]')].some(li => "
             "li.textContent.includes('looking into it'))");
  // One page cannot flood the classroom: commands past ten a second are refused, and a seat
  // holds at most 24 browsers (two pages are already open).
  const std::string flood =
      "new Promise(done => { const ws = new WebSocket(`ws://${location.host}/ws?token=" +
      token("moscow") +
      "`); let refused = 0; ws.onmessage = e => { const m = JSON.parse(e.data); "
      "if (m.type === 'hello') { for (let i = 0; i < 15; ++i) ws.send(JSON.stringify({action: "
      "'command', line: '/believe 0.5'})); } if (m.type === 'error' && "
      "m.error.startsWith('too many commands')) ++refused; }; "
      "setTimeout(() => { ws.close(); done(refused); }, 1500); })";
  EXPECT_GE(moscow.evaluate(flood, true).get<int>(), 5);
  const std::string crowd =
      "new Promise(done => { let greeted = 0; const sockets = []; for (let i = 0; i < 30; ++i) { "
      "const ws = new WebSocket(`ws://${location.host}/ws?token=" +
      token("moscow") +
      "`); ws.onmessage = e => { if (JSON.parse(e.data).type === 'hello') ++greeted; }; "
      "sockets.push(ws); } setTimeout(() => { sockets.forEach(s => s.close()); done(greeted); }, "
      "3000); })";
  // The probe just before may still hold its socket while it closes: 20 to 22 get in.
  const int greeted = moscow.evaluate(crowd, true).get<int>();
  EXPECT_LE(greeted, 22);
  EXPECT_GE(greeted, 18);

  instructor.evaluate("document.getElementById('close').click()");
  EXPECT_EQ(server_->wait_for(30s), 0);
}

// With --tls the classroom is HTTPS and its WebSockets WSS. (Whether the certificate verifies
// against the CA written with --tls-ca is certificates_test's; this browser is told to accept
// it, as a person would after comparing the printed fingerprint.)
TEST_F(ClassroomInBrowser, WithTlsTheSeatsPlayOverHttpsAndWss) {
  serve("120", {"--tls"});
  ASSERT_EQ(link("instructor").rfind("https://", 0), 0u) << link("instructor");
  EXPECT_EQ(serving_.value("fingerprint", "").size(), 95u);  // 32 bytes as "AB:" pairs
  HeadlessBrowser instructor(*chromium_, {"--ignore-certificate-errors"});
  instructor.open(link("instructor"));
  wait_until(instructor, "document.body.dataset.connected === 'yes'");
  EXPECT_EQ(instructor.evaluate("location.protocol"), "https:");
  // The instructor takes a while to start; the case must not have run on meanwhile (before, the
  // clock counted from the server's start, and at 20,000x three seconds skipped 17 hours).
  std::this_thread::sleep_for(3s);
  instructor.evaluate("document.getElementById('start').click()");
  wait_until(instructor, "document.querySelector('#feed li')");
  wait_until(instructor, "document.getElementById('time').textContent !== ''");
  const std::string first_time = instructor.evaluate("document.getElementById('time').textContent");
  EXPECT_EQ(first_time.rfind("D+0 0", 0), 0u) << first_time;
  for (const auto& error : instructor.page().console_errors) ADD_FAILURE() << error;
  instructor.evaluate("document.getElementById('close').click()");
  EXPECT_EQ(server_->wait_for(30s), 0);
}

// The instructor branches: "what if moscow's answer had left six hours earlier?". The exercise
// is played again up to that moment, with moscow's earlier words, and from there with the
// answer moved; it waits, paused, for the class.
TEST_F(ClassroomInBrowser, TheInstructorBranchesTheExerciseWithTheAnswerSixHoursEarlier) {
  serve();
  HeadlessBrowser instructor(*chromium_), moscow(*chromium_);
  instructor.open(link("instructor"));
  moscow.open(link("moscow"));
  for (auto* page : {&instructor, &moscow})
    wait_until(*page, "document.body.dataset.connected === 'yes'");
  wait_until(instructor,
             "[...document.querySelectorAll('#seats tr')].filter(r => "
             "r.cells[1] && r.cells[1].textContent === '1').length === 2");
  instructor.evaluate("document.getElementById('start').click()");
  // The model's washington asks about the grid intrusion; moscow's team answers.
  wait_until(moscow, "document.querySelector('#awaited li[data-kind=answer]')");
  moscow.evaluate(
      "const form = document.querySelector('form[data-line^=\"/answer\"]');"
      "form.querySelector('select[name=incident]').value = 'grid-intrusion';"
      "form.querySelector('select[name=claim]').value = 'accident';"
      "document.getElementById('answer').click()");
  wait_until(moscow, "document.getElementById('awaiting').hidden");
  const std::string find_answer =
      "[...document.getElementById('branch-input').options].find(o => "
      "o.textContent.includes('/answer grid-intrusion accident'))";
  wait_until(instructor, find_answer);
  const std::string answered_at = instructor.evaluate(find_answer + ".dataset.t");

  // A branch that cannot be: refused, saying why, and the exercise plays on.
  EXPECT_EQ(seat_reply(instructor, token("instructor"),
                       R"({"action":"branch","from":"D+99","change":"nothing"})"),
            "a branch starts within the case, before its end");
  EXPECT_EQ(seat_reply(instructor, token("instructor"),
                       R"({"action":"branch","from":"tomorrow","change":"nothing"})")
                .rfind("the branch's moment: ", 0),
            0u);
  EXPECT_EQ(
      seat_reply(moscow, token("moscow"), R"({"action":"branch","from":"D+0","change":"nothing"})"),
      "only the instructor may do that");

  // Six hours before the answer, with the answer moved there.
  const std::string six_hours_earlier = instructor.evaluate(
      "(() => { const [day, clock] = " + nlohmann::json(answered_at).dump() +
      ".slice(2).split(' '); const [h, m] = clock.split(':').map(Number); "
      "const minutes = Number(day) * 1440 + h * 60 + m - 360; "
      "const pad = (n) => String(n).padStart(2, '0'); "
      "return `D+${Math.floor(minutes / 1440)} ${pad(Math.floor(minutes % 1440 / 60))}:"
      "${pad(minutes % 60)}`; })()");
  instructor.evaluate(
      "const select = document.getElementById('branch-input');"
      "select.value = " +
      find_answer +
      ".value;"
      "select.dispatchEvent(new Event('change'));"
      "document.getElementById('branch-from').value = " +
      nlohmann::json(six_hours_earlier).dump() +
      ";"
      "document.getElementById('branch-change').value = 'move';"
      "document.getElementById('branch').click()");
  for (auto* page : {&instructor, &moscow}) {
    wait_until(*page, "document.body.dataset.branches === '1'");
    EXPECT_NE(page->evaluate("document.getElementById('branched').textContent")
                  .get<std::string>()
                  .find(six_hours_earlier),
              std::string::npos);
  }
  // Played again up to the moment, then paused there for the class.
  wait_until(instructor, "document.body.dataset.state === 'paused'", 90s);
  wait_until(instructor, "document.querySelector('#feed li[data-kind=branch]')");
  EXPECT_EQ(instructor.evaluate("document.getElementById('time').textContent"), six_hours_earlier);
  // Moscow's answer now leaves at the branch's moment.
  wait_until(moscow,
             "[...document.querySelectorAll('#feed li[data-kind=typed]')].some(li => "
             "li.textContent.includes('/answer grid-intrusion accident') && "
             "li.querySelector('.t').textContent === " +
                 nlohmann::json(six_hours_earlier).dump() + ")");
  EXPECT_EQ(moscow.evaluate("document.querySelector('#feed li[data-kind=branch]') !== null"), true);

  // The class resumes the branch and plays it on.
  instructor.evaluate("document.getElementById('resume').click()");
  wait_until(instructor, "document.body.dataset.state !== 'paused'");
  for (auto* page : {&instructor, &moscow}) {
    for (const auto& error : page->page().console_errors) ADD_FAILURE() << error;
  }
  instructor.evaluate("document.getElementById('close').click()");
  EXPECT_EQ(server_->wait_for(30s), 0);
}

}  // namespace
}  // namespace hotline
