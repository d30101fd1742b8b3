// hotline durability benchmark: pipelined acknowledged throughput with a journal (fsync per
// policy) against the same link without one, and the time a node takes from restart to
// resuming delivery with a 100,000-record journal.
//
//   build/durability_bench [--messages N] [--records N]

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <future>

#include "bench/hotline_link.h"
#include "bench/linked_pair.h"
#include "common/certificates.h"
#include "common/duration.h"

namespace {

using hotline::bench::micros_since;
namespace node = hotline::node;

std::filesystem::path make_dir(const char* name) {
  std::string pattern = (std::filesystem::temp_directory_path() / name).string() + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::exit(1);
  return pattern;
}

// What two journals' worth of appending costs on the disk under `dir`: two files written
// side by side, `chunk` bytes at a time, each chunk fdatasync'd if `sync` (as the journals'
// group commits do, with the bytes per fsync they had). How fast the disk takes them bounds a
// durable rate; the CPU the writes take is the kernel's share of every journalled byte.
struct DiskWrite {
  double bytes_per_second = 0;
  double cpu_ns_per_byte = 0;
};

DiskWrite disk_write(const std::filesystem::path& dir, std::size_t chunk, bool sync) {
  // Up to 64 MiB a file, and no more than 4,096 pieces (fsync=always syncs every record).
  chunk = std::clamp<std::size_t>(chunk, 512, 64 << 20);
  const std::size_t pieces = std::min<std::size_t>(4096, (64 << 20) / chunk);
  const std::string data(chunk, 'j');
  const auto write_file = [&](const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) std::exit(1);
    for (std::size_t piece = 0; piece < pieces; ++piece) {
      if (::write(fd, data.data(), chunk) != static_cast<ssize_t>(chunk)) std::exit(1);
      if (sync && ::fdatasync(fd) != 0) std::exit(1);
    }
    ::close(fd);
    std::filesystem::remove(path);
  };
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = hotline::bench::process_cpu_seconds();
  std::thread other([&] { write_file(dir / "disk-speed-2"); });
  write_file(dir / "disk-speed-1");
  other.join();
  const double bytes = 2.0 * static_cast<double>(pieces * chunk);
  return {bytes / (micros_since(start) / 1e6),
          (hotline::bench::process_cpu_seconds() - cpu_start) * 1e9 / bytes};
}

// A journal of `records` records for moscow: Sent messages, most acknowledged, and deliveries
// from washington, as a long exercise leaves behind without compaction.
void write_big_journal(const std::filesystem::path& path, int records, int unacknowledged) {
  node::Journal::Options options;
  options.path = path;
  options.fsync = node::FsyncPolicy::kNone;
  options.compact_after_bytes = ~0ull;
  node::Journal journal(options, [](const std::string&) {});
  hotline::journal::Record identity;
  identity.mutable_identity()->set_party("moscow");
  identity.mutable_identity()->set_epoch(424242);
  journal.append(identity);
  const int sends = records / 2;
  for (int i = 1; i <= sends; ++i) {
    hotline::journal::Record sent;
    auto& envelope = *sent.mutable_sent()->mutable_envelope();
    envelope.set_version(1);
    envelope.set_sender("moscow");
    envelope.set_epoch(424242);
    envelope.set_seq(static_cast<std::uint64_t>(i));
    envelope.mutable_message()->set_text("message number " + std::to_string(i) +
                                         " of a long exercise");
    journal.append(sent);
    hotline::journal::Record delivered;
    auto& incoming = *delivered.mutable_delivered()->mutable_envelope();
    incoming.set_epoch(777);
    incoming.set_seq(static_cast<std::uint64_t>(i));
    incoming.mutable_message()->set_text("reply number " + std::to_string(i));
    journal.append(delivered);
  }
  hotline::journal::Record acknowledged;
  acknowledged.mutable_acknowledged()->set_seq(static_cast<std::uint64_t>(sends - unacknowledged));
  journal.append(acknowledged);
  journal.commit();
}

// From constructing the restarted node (which reads its journal) to the peer's first
// delivery of a message the journal held.
double restart_to_delivery_ms(const std::filesystem::path& certs,
                              const std::filesystem::path& journal) {
  asio::io_context washington_io{1};
  hotline::bench::Hooks washington_hooks;
  node::NodeOptions listen;
  listen.party = "washington";
  listen.listen = {hotline::common::Endpoint{"127.0.0.1", 0}};
  listen.certs_dir = certs;
  node::Node washington(washington_io, listen, washington_hooks);
  washington.start();
  std::promise<void> first;
  bool seen = false;
  washington_hooks.on_delivered = [&](const node::NodeEvent&) {
    if (!seen) first.set_value();
    seen = true;
  };
  std::thread washington_thread([&] { washington_io.run(); });

  asio::io_context moscow_io{1};
  hotline::bench::Hooks moscow_hooks;
  node::NodeOptions dial;
  dial.party = "moscow";
  dial.connect = {hotline::common::Endpoint{"127.0.0.1", washington.listening_port()}};
  dial.certs_dir = certs;
  dial.journal = journal;
  const auto start = std::chrono::steady_clock::now();
  node::Node moscow(moscow_io, dial, moscow_hooks);
  const double recovered_ms = micros_since(start) / 1000;
  moscow.start();
  std::thread moscow_thread([&] { moscow_io.run(); });
  first.get_future().wait();
  const double total_ms = micros_since(start) / 1000;
  std::printf("  journal read in %.1f ms (%zu records); first delivery after %.1f ms\n",
              recovered_ms, moscow.journal()->recovered_records(), total_ms);
  asio::post(moscow_io, [&] { moscow.stop("done"); });
  asio::post(washington_io, [&] { washington.stop("done"); });
  moscow_thread.join();
  washington_thread.join();
  return total_ms;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hotline durability benchmark: the journal's cost, and restart time"};
  int messages = 100000;
  int records = 100000;
  app.add_option("--messages", messages, "pipelined 64-byte messages per run")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  app.add_option("--records", records, "records in the journal a node restarts from")
      ->check(CLI::Range(4, 100000000))
      ->capture_default_str();
  std::vector<std::string> policies{"batch", "none"};
  app.add_option("--fsync", policies, "journal fsync policies to measure (for profiling one)")
      ->check(CLI::IsMember({"always", "batch", "none"}))
      ->capture_default_str();
  std::string fsync_interval;
  app.add_option("--fsync-interval", fsync_interval,
                 "the journals' least time between two fsyncs (default: the node's, 1ms)");
  std::uint64_t compact_after = node::NodeOptions{}.compact_after_bytes;
  app.add_option(
         "--compact-after", compact_after,
         "the journals' size before they are rewritten as a snapshot (as the node's option)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const auto dir = make_dir("hotline-durability");
  hotline::common::write_exercise_pki(dir / "certs", {});
  std::printf("hotline durability benchmark: %d pipelined 64-byte messages\n", messages);
  const auto plain_run = hotline::bench::pipelined_throughput(dir / "certs", 64, messages);
  const double plain = plain_run.per_second;
  std::printf("%-22s %12.0f msg/s   %6.0f ns CPU/msg   %6.0f ns/msg of the machine's CPU\n",
              "no journal", plain, plain_run.cpu_ns_per_message,
              plain_run.machine_cpu_ns_per_message);
  int run = 0;
  for (const auto& policy_name : policies) {
    const auto policy = node::parse_fsync_policy(policy_name);
    const auto durable_run = hotline::bench::pipelined_throughput(
        dir / "certs", 64, messages, [&](node::NodeOptions& options) {
          options.journal = dir / (options.party + std::to_string(run) + ".journal");
          options.fsync = policy;
          options.compact_after_bytes = compact_after;
          if (!fsync_interval.empty())
            options.fsync_interval = hotline::common::parse_duration(fsync_interval);
        });
    const double durable = durable_run.per_second;
    ++run;
    const std::string name = "journal, fsync=" + policy_name;
    std::printf("%-22s %12.0f msg/s   %6.0f ns CPU/msg   %.2fx of no journal%s\n", name.c_str(),
                durable, durable_run.cpu_ns_per_message, durable / plain,
                policy == node::FsyncPolicy::kBatch ? "   (target >= 0.7x)" : "");
    std::printf("%-22s %12.0f ns/msg of the whole machine's CPU; %.0f fsyncs/s\n", "",
                durable_run.machine_cpu_ns_per_message, durable_run.fsyncs_per_second);
    // Every record byte of both journals goes to the one disk, in the pieces each fsync covered:
    // how fast the disk takes pieces of that size caps the rate, and what writing them costs
    // the kernel is CPU the node cannot avoid.
    const double bytes = durable_run.journal_bytes_per_message;
    const bool syncs = durable_run.fsyncs_per_second > 0;
    const double per_fsync =
        syncs ? bytes * durable / durable_run.fsyncs_per_second : double{1 << 20};
    const DiskWrite disk = disk_write(dir, static_cast<std::size_t>(per_fsync), syncs);
    std::printf("%-22s %12.0f B/msg in both journals", "", bytes);
    if (syncs) {
      std::printf(", %.0f KiB a fsync: this disk takes %.0f MB/s so, a cap of %.2fx\n",
                  per_fsync / 1024, disk.bytes_per_second / 1e6,
                  disk.bytes_per_second / bytes / plain);
    } else {
      std::printf(" (the page cache's: no cap from the disk)\n");
    }
    std::printf("%-22s %12.0f ns/msg of CPU to write them (and sync: %s), measured apart\n", "",
                disk.cpu_ns_per_byte * bytes, syncs ? "yes" : "no");
  }
  std::printf("restart with a %d-record journal:\n", records);
  // A thousand unacknowledged, or a quarter of the messages sent if the journal is small (more
  // than were sent made the journal acknowledge numbers never sent, and the run waited forever).
  write_big_journal(dir / "restart.journal", records, std::min(1000, records / 4));
  restart_to_delivery_ms(dir / "certs", dir / "restart.journal");
  std::filesystem::remove_all(dir);
  return 0;
}
