// The journal on a disk that fails: a full disk, an fsync that reports EIO and loses the pages
// it could not write. Nodes run in this process (each on its own thread, over real TLS on
// 127.0.0.1, as bench::LinkedPair links them) so that the test can hand the journal a failing
// file layer; the files themselves are real.

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "bench/linked_pair.h"
#include "common/certificates.h"
#include "node/load_generator.h"
#include "tests/support/faulty_journal_files.h"
#include "tests/support/node_process.h"

namespace hotline::testing {
namespace {

using namespace std::chrono_literals;

// What a node says, kept for the test's thread.
class Recorder : public node::NodeObserver {
 public:
  void on_event(const node::NodeEvent& event) override {
    switch (event.kind) {
      case node::NodeEvent::Kind::kDelivered:
        ++delivered;
        break;
      case node::NodeEvent::Kind::kAcked:
        acked_up_to = std::max<std::uint64_t>(acked_up_to, event.seq);
        break;
      case node::NodeEvent::Kind::kError: {
        std::lock_guard lock(mutex);
        errors.push_back(event.reason);
        break;
      }
      case node::NodeEvent::Kind::kStopped:
        stopped = true;
        break;
      default:
        break;
    }
  }
  std::vector<std::string> errors_seen() {
    std::lock_guard lock(mutex);
    return errors;
  }

  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> acked_up_to{0};
  std::atomic<bool> stopped{false};
  std::mutex mutex;
  std::vector<std::string> errors;
};

template <typename Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

class JournalFaultsTest : public ::testing::Test {
 protected:
  JournalFaultsTest() { common::write_exercise_pki(certs(), {}); }
  std::filesystem::path certs() const { return dir_.path() / "certs"; }
  std::filesystem::path journal_of(const std::string& party) const {
    return dir_.path() / (party + ".journal");
  }
  TempDir dir_;
};

// Before, a failed background fsync was retried at once; on Linux the retry "succeeds" once the
// failed pages are dropped, and the acknowledgements it released covered deliveries the disk no
// longer held. Now the node stops, and what it acknowledged is what a restart finds.
TEST_F(JournalFaultsTest, AFailedFsyncStopsTheNodeAndEverythingAcknowledgedSurvives) {
  auto files = std::make_shared<FaultyJournalFiles>();
  std::uint64_t washington_epoch = 0;
  std::uint64_t acknowledged = 0;
  {
    // These outlive the pair, whose threads call them until the pair is gone.
    Recorder washington_events;
    Recorder moscow_events;
    std::unique_ptr<node::LoadGenerator> generator;
    bench::LinkedPair pair(certs(), [&](node::NodeOptions& options) {
      if (options.party != "moscow") return;
      options.journal = journal_of("moscow");
      options.journal_files = files;
    });
    washington_epoch = pair.washington->epoch();
    generator = std::make_unique<node::LoadGenerator>(*pair.washington, 20000);
    asio::post(pair.moscow_io, [&] {
      pair.moscow_hooks.on_any = [&](const node::NodeEvent& e) { moscow_events.on_event(e); };
    });
    asio::post(pair.washington_io, [&] {
      pair.washington_hooks.on_any = [&](const node::NodeEvent& e) {
        washington_events.on_event(e);
      };
      pair.washington->on_room([&] { generator->top_up(); });
      generator->top_up();
    });
    ASSERT_TRUE(wait_until([&] { return moscow_events.delivered > 2000; }));
    files->fail_fsync(1);
    ASSERT_TRUE(wait_until([&] { return moscow_events.stopped.load(); }))
        << "moscow went on after its journal failed to sync";
    const auto errors = moscow_events.errors_seen();
    ASSERT_FALSE(errors.empty());
    EXPECT_NE(errors[0].find(journal_of("moscow").string() + ": cannot fsync: Input/output error"),
              std::string::npos)
        << errors[0];
    EXPECT_EQ(errors[0].rfind(pair.moscow->failure(), 0), 0u) << errors[0];
    std::this_thread::sleep_for(200ms);  // acknowledgements already sent arrive
    acknowledged = washington_events.acked_up_to;
  }
  ASSERT_GT(acknowledged, 0u);
  // A restart trusts only the disk, and the disk holds all that was acknowledged.
  node::Journal::Options options;
  options.path = journal_of("moscow");
  node::Journal restarted(options, [](const std::string&) {});
  EXPECT_GE(restarted.recovered().only().delivered.at(washington_epoch), acknowledged);
}

// Before, under --fsync always, a full disk made the append throw after the message had been
// numbered: the sender was told "not sent" yet the message went out later, and the next append
// wrote the same bytes again, leaving a torn record in the middle of the journal.
TEST_F(JournalFaultsTest, AFullDiskRefusesTheMessageStopsTheNodeAndLeavesARecoverableJournal) {
  auto files = std::make_shared<FaultyJournalFiles>();
  node::NodeOptions options;
  options.party = "washington";
  options.listen = {common::Endpoint{"127.0.0.1", 0}};
  options.certs_dir = certs();
  options.journal = journal_of("washington");
  options.fsync = node::FsyncPolicy::kAlways;
  options.journal_files = files;
  asio::io_context io{1};
  Recorder events;
  std::uint64_t accepted = 0;
  {
    node::Node node(io, options, events);
    files->fail_writes_after(2000);
    std::string refusal;
    for (int i = 1; i <= 1000 && refusal.empty(); ++i) {
      try {
        node.send_text("message number " + std::to_string(i) + " from washington");
        ++accepted;
      } catch (const std::exception& error) {
        refusal = error.what();
      }
    }
    ASSERT_FALSE(refusal.empty()) << "the full disk went unnoticed";
    EXPECT_NE(refusal.find("No space left on device"), std::string::npos) << refusal;
    EXPECT_EQ(node.unacknowledged(), accepted) << "the refused message was kept all the same";
    EXPECT_TRUE(node.stopped());
    EXPECT_NE(node.failure().find("cannot write"), std::string::npos) << node.failure();
    EXPECT_THROW(node.send_text("after the failure"), std::exception);
  }
  ASSERT_GT(accepted, 0u);
  std::vector<std::string> notes;
  node::Journal::Options reopen;
  reopen.path = journal_of("washington");
  node::Journal restarted(reopen, [&](const std::string& note) { notes.push_back(note); });
  EXPECT_EQ(restarted.recovered().only().last_seq, accepted);
  EXPECT_EQ(restarted.recovered().only().unacknowledged.size(), accepted);
}

}  // namespace
}  // namespace hotline::testing

namespace hotline::testing {
namespace {

// Hundreds of compactions under a generator's load, then a restart: the journal counts exactly
// the messages generated (a compaction that found generated messages appended since the last
// commit once counted them twice: JournalTest.ACompactionWithItemsPendingCounts...).
TEST_F(JournalFaultsTest, CompactionsCountEachGeneratedMessageOnce) {
  constexpr std::uint64_t kMessages = 30000;
  std::uint64_t generated = 0;
  {
    Recorder washington_events;
    std::unique_ptr<node::LoadGenerator> generator;
    bench::LinkedPair pair(certs(), [&](node::NodeOptions& options) {
      if (options.party != "washington") return;
      options.journal = journal_of("washington");
      options.compact_after_bytes = 64 * 1024;  // a compaction every few hundred messages
    });
    generator = std::make_unique<node::LoadGenerator>(*pair.washington, kMessages);
    asio::post(pair.washington_io, [&] {
      pair.washington_hooks.on_any = [&](const node::NodeEvent& e) {
        washington_events.on_event(e);
      };
      pair.washington->on_room([&] { generator->top_up(); });
      generator->top_up();
    });
    ASSERT_TRUE(wait_until([&] { return washington_events.acked_up_to >= kMessages; }));
    std::promise<std::uint64_t> count;
    asio::post(pair.washington_io, [&] { count.set_value(pair.washington->generated()); });
    generated = count.get_future().get();
  }
  EXPECT_EQ(generated, kMessages);
  node::Journal::Options options;
  options.path = journal_of("washington");
  node::Journal restarted(options, [](const std::string&) {});
  EXPECT_EQ(restarted.recovered().only().generated, kMessages);
}

}  // namespace
}  // namespace hotline::testing
