// The journal on real files: recovery, a torn tail, corruption in the middle, compaction and
// the fsync policies.

#include "node/journal.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/wire_format_lite.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "node/batch_frame.h"
#include "node/batch_reader.h"
#include "node/protocol.h"
#include "tests/support/node_process.h"

namespace hotline::node {
namespace {

using testing::TempDir;

journal::Record identity(std::uint64_t epoch) {
  journal::Record record;
  record.mutable_identity()->set_party("washington");
  record.mutable_identity()->set_epoch(epoch);
  return record;
}

journal::Record sent(std::uint64_t seq, const std::string& text) {
  journal::Record record;
  wire::Envelope& envelope = *record.mutable_sent()->mutable_envelope();
  envelope.set_epoch(9);
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text(text);
  return record;
}

journal::Record acknowledged(std::uint64_t seq) {
  journal::Record record;
  record.mutable_acknowledged()->set_seq(seq);
  return record;
}

journal::Record delivered(std::uint64_t peer_epoch, std::uint64_t seq) {
  journal::Record record;
  wire::Envelope& envelope = *record.mutable_delivered()->mutable_envelope();
  envelope.set_epoch(peer_epoch);
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text("from the peer");
  return record;
}

Journal::Options options_for(const std::filesystem::path& path,
                             FsyncPolicy fsync = FsyncPolicy::kBatch) {
  Journal::Options options;
  options.path = path;
  options.fsync = fsync;
  return options;
}

std::vector<std::string> notes;
void keep_note(const std::string& note) {
  notes.push_back(note);
}

void write_sample(const std::filesystem::path& path) {
  Journal journal(options_for(path), keep_note);
  journal.append(identity(9));
  for (std::uint64_t seq = 1; seq <= 5; ++seq) journal.append(sent(seq, "m" + std::to_string(seq)));
  journal.append(acknowledged(2));
  journal.append(delivered(77, 1));
  journal.append(delivered(77, 2));
  journal.commit();
}

// Where the record numbered `index` (0 for the identity) starts: after the 8-byte file magic,
// each record is a 16-byte header, whose first 4 bytes are the body's length, and the body.
std::uint64_t record_offset(const std::filesystem::path& path, int index) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t offset = 8;
  for (int i = 0; i < index; ++i) {
    unsigned char header[4];
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(header), 4);
    offset += 16 + (header[0] | header[1] << 8 | header[2] << 16 | header[3] << 24);
  }
  return offset;
}

// Opening the journal at `path` is refused at `offset`, with `words` in the reason; `why` says
// what it would mean if it were not.
void expect_refused_at(const std::filesystem::path& path, std::uint64_t offset,
                       const std::string& words, const std::string& why) {
  try {
    Journal journal(options_for(path), keep_note);
    ADD_FAILURE() << why;
  } catch (const JournalError& error) {
    EXPECT_EQ(error.file(), path);
    EXPECT_EQ(error.offset(), offset);
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  }
}

void overwrite(const std::filesystem::path& path, std::uint64_t at, const std::string& bytes) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(at));
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(JournalTest, RecoversTheOutboxAndWhatWasDelivered) {
  TempDir dir;
  write_sample(dir.path() / "j");
  Journal journal(options_for(dir.path() / "j"), keep_note);
  const JournalState& state = journal.recovered();
  EXPECT_EQ(state.party, "washington");
  EXPECT_EQ(state.only().epoch, 9u);
  EXPECT_EQ(state.only().last_seq, 5u);
  EXPECT_EQ(state.only().acknowledged_seq, 2u);
  ASSERT_EQ(state.only().unacknowledged.size(), 3u);
  EXPECT_EQ(state.only().unacknowledged.begin()->second.envelope().message().text(), "m3");
  EXPECT_EQ(state.only().delivered.at(77), 2u);
  EXPECT_EQ(state.only().recent_deliveries.size(), 2u);
  EXPECT_EQ(journal.recovered_records(), 9u);
}

TEST(JournalTest, TornTailIsCutToTheLastWholeRecordWithANote) {
  TempDir dir;
  const auto path = dir.path() / "j";
  write_sample(path);
  const auto whole = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, whole - 3);  // the last record loses its end
  notes.clear();
  Journal journal(options_for(path), keep_note);
  EXPECT_EQ(journal.recovered_records(), 8u);
  EXPECT_EQ(journal.recovered().only().delivered.at(77), 1u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("cut short"), std::string::npos) << notes[0];
  EXPECT_LT(std::filesystem::file_size(path), whole - 3);
  // The bytes cut are kept beside the journal, as they were.
  const std::filesystem::path aside =
      path.string() + ".cut-at-" + std::to_string(record_offset(path, 8));
  EXPECT_NE(notes[0].find("kept in " + aside.string()), std::string::npos) << notes[0];
  EXPECT_EQ(std::filesystem::file_size(aside), whole - 3 - record_offset(path, 8));
  // Appending after the repair gives a journal that reads back whole.
  journal.append(delivered(77, 2));
  journal.flush();  // (under fsync=batch, a commit is written just before its fsync)
  Journal again(options_for(path), keep_note);
  EXPECT_EQ(again.recovered().only().delivered.at(77), 2u);
}

TEST(JournalTest, CorruptRecordInTheMiddleIsAnErrorNamingFileAndOffset) {
  TempDir dir;
  const auto path = dir.path() / "j";
  write_sample(path);
  // Flip a byte in the body of the second record (the first Sent).
  const std::uint64_t second_record = record_offset(path, 1);
  overwrite(path, second_record + 20, "\x5a");
  expect_refused_at(path, second_record, "offset " + std::to_string(second_record),
                    "corruption went unnoticed");
  // The file is left as it was for a person to look at.
  EXPECT_GT(std::filesystem::file_size(path), second_record + 20);
}

TEST(JournalTest, CompactionKeepsWhatIsNeededAndShrinksTheFile) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    JournalState live;  // what a node would keep in memory
    const auto add = [&](const journal::Record& record) {
      live.apply(record);
      journal.append(record);
    };
    add(identity(9));
    for (std::uint64_t seq = 1; seq <= 1000; ++seq) {
      add(sent(seq, std::string(100, 'x')));
      add(delivered(77, seq));
    }
    add(acknowledged(990));
    journal.commit();
    const auto before = journal.size_bytes();
    // Deliveries announced to the user need only their watermark.
    live.only().recent_deliveries.clear();
    journal.compact(live.encode_snapshot());
    EXPECT_LT(journal.size_bytes() * 10, before);
    journal.append_sent(sent(1001, "after compaction").sent().envelope(), false);
    journal.commit();
  }
  Journal journal(options_for(path), keep_note);
  const JournalState& state = journal.recovered();
  EXPECT_EQ(state.only().epoch, 9u);
  EXPECT_EQ(state.only().last_seq, 1001u);
  EXPECT_EQ(state.only().acknowledged_seq, 990u);
  EXPECT_EQ(state.only().unacknowledged.size(), 11u);
  EXPECT_EQ(state.only().unacknowledged.rbegin()->second.envelope().message().text(),
            "after compaction");
  EXPECT_EQ(state.only().delivered.at(77), 1000u);
}

// Before, compact() committed what was appended since the last commit into the file it was about
// to replace, and the node's snapshot did not hold those records yet (deliveries of the same
// turn): they were lost from the journal, then announced and acknowledged as durable.
TEST(JournalTest, ACompactionKeepsWhatWasAppendedSinceTheLastCommit) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    JournalState durable;
    journal.append(identity(9));
    durable.apply(identity(9));
    journal.append(sent(1, "committed"));
    durable.apply(sent(1, "committed"));
    journal.commit();
    journal.append_delivered(delivered(77, 1).delivered().envelope());
    EXPECT_TRUE(journal.has_uncommitted());
    journal.compact(durable.encode_snapshot());
    EXPECT_FALSE(journal.has_uncommitted());
    // Under fsync=batch the new file may still be on its way to the disk (and its name).
    journal.flush();
    EXPECT_EQ(journal.synced_ticket(), journal.commit());
  }
  Journal journal(options_for(path), keep_note);
  EXPECT_EQ(journal.recovered().only().unacknowledged.size(), 1u);
  ASSERT_EQ(journal.recovered().only().delivered.count(77), 1u);
  EXPECT_EQ(journal.recovered().only().delivered.at(77), 1u);
  ASSERT_EQ(journal.recovered().only().recent_deliveries.size(), 1u);
  EXPECT_EQ(journal.recovered().only().recent_deliveries[0].message().text(), "from the peer");
}

// Before, once the snapshot itself was past the threshold (many unacknowledged messages), every
// release compacted again: the whole snapshot rewritten and fsync'd after each commit, a cost
// quadratic in the backlog. Now the file must double past its last snapshot first.
TEST(JournalTest, ALargeSnapshotIsNotRewrittenAfterEveryCommit) {
  TempDir dir;
  Journal::Options options = options_for(dir.path() / "j");
  options.compact_after_bytes = 1000;
  Journal journal(options, keep_note);
  JournalState live;
  const auto add = [&](const journal::Record& record) {
    live.apply(record);
    journal.append(record);
  };
  add(identity(9));
  for (std::uint64_t seq = 1; seq <= 100; ++seq) add(sent(seq, std::string(100, 'x')));
  journal.commit();
  ASSERT_TRUE(journal.wants_compaction());
  journal.compact(
      live.encode_snapshot());  // all 100 unacknowledged: about 13 KB, past the threshold
  EXPECT_FALSE(journal.wants_compaction()) << "it would compact again at once";
  const auto snapshot = journal.size_bytes();
  std::uint64_t seq = 100;
  while (journal.size_bytes() < 2 * snapshot) {
    EXPECT_FALSE(journal.wants_compaction());
    add(sent(++seq, std::string(100, 'x')));
    journal.commit();
  }
  journal.flush();  // (the compaction's file has its name by now under fsync=batch too)
  EXPECT_TRUE(journal.wants_compaction());
}

// A node of several peers names the link in each record: each link's numbering, what it owes
// and what it delivered come back apart, through the hand encoders and through a compaction.
TEST(JournalTest, SeveralPeersKeepTheirOwnLinksThroughACompaction) {
  TempDir dir;
  const auto path = dir.path() / "j";
  const auto named = [](journal::Record record, const std::string& peer) {
    record.set_peer(peer);
    return record;
  };
  const auto envelope_of = [](const journal::Record& record) {
    return record.has_sent() ? record.sent().envelope() : record.delivered().envelope();
  };
  const auto check = [](const JournalState& state) {
    EXPECT_EQ(state.party, "washington");
    ASSERT_EQ(state.peers.size(), 2u);
    EXPECT_EQ(state.peers.count(""), 0u) << "no link of a node of one peer";
    const PeerJournal& moscow = state.peers.at("moscow");
    const PeerJournal& oslo = state.peers.at("oslo");
    EXPECT_EQ(moscow.epoch, 9u);
    EXPECT_EQ(oslo.epoch, 11u);
    EXPECT_EQ(moscow.last_seq, 3u);
    EXPECT_EQ(moscow.acknowledged_seq, 1u);
    ASSERT_EQ(moscow.unacknowledged.size(), 2u);
    EXPECT_EQ(moscow.unacknowledged.at(3).envelope().message().text(), "m3 to moscow");
    EXPECT_EQ(oslo.last_seq, 1u);
    EXPECT_EQ(oslo.acknowledged_seq, 0u);
    ASSERT_EQ(oslo.unacknowledged.size(), 1u);
    EXPECT_EQ(oslo.unacknowledged.at(1).envelope().message().text(), "m1 to oslo");
    EXPECT_EQ(moscow.delivered.at(77), 2u);
    EXPECT_EQ(oslo.delivered.count(77), 0u);
    EXPECT_EQ(oslo.delivered.at(55), 1u);
  };
  JournalState live;
  {
    Journal journal(options_for(path), keep_note);
    journal::Record node_identity;
    node_identity.mutable_identity()->set_party("washington");
    std::vector<journal::Record> records = {node_identity,
                                            named(identity(9), "moscow"),
                                            named(identity(11), "oslo"),
                                            named(sent(1, "m1 to moscow"), "moscow"),
                                            named(sent(2, "m2 to moscow"), "moscow"),
                                            named(acknowledged(1), "moscow"),
                                            named(delivered(77, 1), "moscow"),
                                            named(delivered(55, 1), "oslo")};
    for (const auto& record : records) {
      journal.append(record);
      live.apply(record);
    }
    // The node's hot paths: encoded around the envelope, the peer written after it.
    journal::Record third = named(sent(3, "m3 to moscow"), "moscow");
    journal::Record to_oslo = named(sent(1, "m1 to oslo"), "oslo");
    to_oslo.mutable_sent()->mutable_envelope()->set_epoch(11);
    journal::Record second = named(delivered(77, 2), "moscow");
    journal.append_sent(envelope_of(third), false, "moscow");
    journal.append_sent(envelope_of(to_oslo), false, "oslo");
    journal.append_delivered(envelope_of(second), "moscow");
    for (const auto* record : {&third, &to_oslo, &second}) live.apply(*record);
    journal.commit();
  }
  {
    Journal journal(options_for(path), keep_note);
    check(journal.recovered());
    check(live);
    journal.compact(live.encode_snapshot());
  }
  Journal compacted(options_for(path), keep_note);
  check(compacted.recovered());
}

// tests/node/fixtures/journal-v1.bin and journal-v2.bin were written by the version 1 and 2
// journals (before the format changed): identity, five Sent (the fifth generated), an
// Acknowledged, a Watermark and two Delivered.
void expect_read_and_rewritten_as_version_three(int version) {
  TempDir dir;
  const auto path = dir.path() / "j";
  std::filesystem::copy_file(
      std::filesystem::path(HOTLINE_SOURCE_DIR) /
          ("tests/node/fixtures/journal-v" + std::to_string(version) + ".bin"),
      path);
  const auto check = [](const JournalState& state) {
    EXPECT_EQ(state.party, "washington");
    EXPECT_EQ(state.only().epoch, 9u);
    EXPECT_EQ(state.only().last_seq, 5u);
    EXPECT_EQ(state.only().acknowledged_seq, 2u);
    EXPECT_EQ(state.only().generated, 1u);
    ASSERT_EQ(state.only().unacknowledged.size(), 3u);
    EXPECT_EQ(state.only().unacknowledged.at(5).envelope().message().text(), "m5");
    EXPECT_EQ(state.only().delivered.at(70), 12u);
    EXPECT_EQ(state.only().delivered.at(77), 2u);
    ASSERT_EQ(state.only().recent_deliveries.size(), 2u);
    EXPECT_EQ(state.only().recent_deliveries[1].message().text(), "from the peer 2");
  };
  notes.clear();
  {
    Journal journal(options_for(path), keep_note);
    check(journal.recovered());
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("version " + std::to_string(version) +
                            " file rewritten as version 3 (10 records)"),
              std::string::npos)
        << notes[0];
    journal.append(sent(6, "after the upgrade"));
    journal.commit();
  }
  std::ifstream in(path, std::ios::binary);
  std::string magic(8, '\0');
  in.read(magic.data(), 8);
  EXPECT_EQ(magic, "HLJOURN3");
  notes.clear();
  Journal again(options_for(path), keep_note);
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(again.recovered().only().last_seq, 6u);
  EXPECT_EQ(again.recovered_records(), 11u);
}

TEST(JournalTest, AVersionOneJournalIsReadAndRewrittenAsVersionThree) {
  expect_read_and_rewritten_as_version_three(1);
}

TEST(JournalTest, AVersionTwoJournalIsReadAndRewrittenAsVersionThree) {
  expect_read_and_rewritten_as_version_three(2);
}

// The hand-encoded Sent and Delivered records read back as the protobuf records they stand for.
TEST(JournalTest, FastEncodedRecordsMatchTheSchema) {
  TempDir dir;
  const auto path = dir.path() / "j";
  const journal::Record message = sent(1, "hand-encoded");
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    journal.append_sent(message.sent().envelope(), /*generated=*/true);
    journal.append_delivered(delivered(77, 1).delivered().envelope());
    journal.commit();
  }
  Journal journal(options_for(path), keep_note);
  const JournalState& state = journal.recovered();
  EXPECT_EQ(state.only().generated, 1u);
  ASSERT_EQ(state.only().unacknowledged.size(), 1u);
  EXPECT_EQ(state.only().unacknowledged.at(1).envelope().SerializeAsString(),
            message.sent().envelope().SerializeAsString());
  ASSERT_EQ(state.only().recent_deliveries.size(), 1u);
  EXPECT_EQ(state.only().recent_deliveries[0].message().text(), "from the peer");
}

// As the node journals a message it numbered: encoded once as an item, the item appended.
void append_encoded(Journal& journal, const wire::Envelope& envelope,
                    std::uint64_t generated_through = 0, std::string_view peer = {}) {
  std::string item;
  encode_item_body(envelope, item);
  journal.append_sent_item(envelope, item, generated_through, peer);
}

// The sender journals a message from the item it encoded once for the wire: the record reads
// back as the whole envelope it was numbered as, header fields and all, and with a peer's name.
TEST(JournalTest, ASentItemReadsBackAsTheEnvelopeItWasEncodedFrom) {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender("washington");
  envelope.set_epoch(0xfedcba9876543210ULL);
  envelope.set_seq(300);
  envelope.mutable_message()->set_text("encoded once");
  envelope.mutable_message()->set_priority(wire::FLASH);
  wire::Envelope notification;
  notification.set_version(kProtocolVersion);
  notification.set_sender("washington");
  notification.set_epoch(0xfedcba9876543210ULL);
  notification.set_seq(301);
  notification.mutable_notification()->set_incident_id("INC-9");
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal::Record first = identity(9);
    journal.append(first);
    first.set_peer("beijing");
    first.mutable_identity()->set_epoch(0xfedcba9876543210ULL);
    journal.append(first);
    append_encoded(journal, envelope, /*generated_through=*/1, "beijing");
    append_encoded(journal, notification, /*generated_through=*/0, "beijing");
    journal.commit();
  }
  Journal journal(options_for(path), keep_note);
  const auto& link = journal.recovered().peers.at("beijing");
  EXPECT_EQ(link.generated, 1u);
  EXPECT_EQ(link.last_seq, 301u);
  ASSERT_EQ(link.unacknowledged.size(), 2u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      link.unacknowledged.at(300).envelope(), envelope))
      << link.unacknowledged.at(300).envelope().ShortDebugString();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      link.unacknowledged.at(301).envelope(), notification))
      << link.unacknowledged.at(301).envelope().ShortDebugString();
}

wire::Envelope numbered(std::uint64_t epoch, std::uint64_t seq) {
  wire::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  envelope.set_sender("washington");
  envelope.set_epoch(epoch);
  envelope.set_seq(seq);
  envelope.mutable_message()->set_text("message " + std::to_string(seq));
  return envelope;
}

// Consecutive items of one link and epoch go in one record, broken by any other record: they
// read back as the records one per message would, in order, in fewer bytes.
TEST(JournalTest, ConsecutiveItemsShareOneRecordAndReadBackAsOnePerMessage) {
  TempDir dir;
  const auto grouped_path = dir.path() / "grouped";
  const auto single_path = dir.path() / "single";
  const auto write = [&](Journal& journal, bool grouped) {
    journal.append(identity(9));
    for (std::uint64_t seq = 1; seq <= 70; ++seq) {
      const wire::Envelope envelope = numbered(9, seq);
      const bool generated = seq % 3 == 0;
      if (grouped) {
        append_encoded(journal, envelope, generated ? seq / 3 : 0);
      } else {
        journal.append_sent(envelope, generated);
      }
      if (seq == 50) journal.append(acknowledged(10));
    }
    for (std::uint64_t epoch : {77, 78}) {
      for (std::uint64_t seq = 1; seq <= (epoch == 77 ? 30u : 5u); ++seq) {
        wire::Envelope arrived = numbered(0, seq);
        arrived.clear_version();
        arrived.clear_sender();
        arrived.set_retransmission(seq == 2);
        if (grouped) {
          journal.append_delivered_item(arrived.SerializeAsString(), epoch);
        } else {
          arrived.set_epoch(epoch);
          journal.append_delivered(arrived);
        }
      }
    }
    journal.commit();
  };
  {
    Journal grouped(options_for(grouped_path), keep_note);
    write(grouped, true);
    Journal single(options_for(single_path), keep_note);
    write(single, false);
  }
  Journal grouped(options_for(grouped_path), keep_note);
  Journal single(options_for(single_path), keep_note);
  // identity; sent 1-50; acknowledged; sent 51-70; delivered of epoch 77; of epoch 78
  EXPECT_EQ(grouped.recovered_records(), 6u);
  EXPECT_EQ(single.recovered_records(), 1u + 70u + 1u + 35u);
  const PeerJournal& got = grouped.recovered().only();
  const PeerJournal& want = single.recovered().only();
  EXPECT_EQ(got.last_seq, 70u);
  EXPECT_EQ(got.acknowledged_seq, 10u);
  EXPECT_EQ(got.generated, want.generated);
  EXPECT_EQ(got.generated, 23u);
  ASSERT_EQ(got.unacknowledged.size(), 60u);
  for (const auto& [seq, sent] : want.unacknowledged) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        got.unacknowledged.at(seq).envelope(), sent.envelope()))
        << got.unacknowledged.at(seq).envelope().ShortDebugString();
  }
  EXPECT_EQ(got.delivered, want.delivered);
  ASSERT_EQ(got.recent_deliveries.size(), 35u);
  for (std::size_t i = 0; i < 35; ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got.recent_deliveries[i],
                                                                   want.recent_deliveries[i]))
        << got.recent_deliveries[i].ShortDebugString();
  }
  EXPECT_LT(std::filesystem::file_size(grouped_path),
            std::filesystem::file_size(single_path) * 3 / 4);
}

// A compaction carries what was appended since the last commit into the new file, after the
// snapshot that already counts it. Before, a group's generated messages were added again on
// top of the snapshot's count, and a restarted --generate stopped short.
TEST(JournalTest, ACompactionWithItemsPendingCountsTheirGeneratedMessagesOnce) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    for (std::uint64_t seq = 1; seq <= 4; ++seq) {
      append_encoded(journal, numbered(9, seq), /*generated_through=*/seq);
      if (seq == 2) journal.commit();
    }
    // The node's state: four numbered and generated, none acknowledged; 3 and 4 still pending.
    JournalState state;
    state.party = "washington";
    PeerJournal& link = state.peers[""];
    link.epoch = 9;
    link.last_seq = 4;
    link.generated = 4;
    for (std::uint64_t seq = 1; seq <= 4; ++seq)
      *link.unacknowledged[seq].mutable_envelope() = numbered(9, seq);
    journal.compact(state.encode_snapshot());
  }
  Journal journal(options_for(path), keep_note);
  EXPECT_EQ(journal.recovered().only().generated, 4u);
  EXPECT_EQ(journal.recovered().only().unacknowledged.size(), 4u);
}

// A new epoch's identity ends the old epoch's group before it: read back, the old epoch's
// messages are gone with it (acknowledged, or renumbered into the new one), not revived.
TEST(JournalTest, ANewEpochsIdentityComesAfterTheOldEpochsItems) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    for (std::uint64_t seq = 1; seq <= 3; ++seq) append_encoded(journal, numbered(9, seq));
    journal.append(identity(10));
    for (std::uint64_t seq = 1; seq <= 2; ++seq) append_encoded(journal, numbered(10, seq));
    journal.append_delivered_item(numbered(0, 1).SerializeAsString(), 77);
    journal.append_delivered(numbered(77, 2));
    journal.append_delivered_item(numbered(0, 3).SerializeAsString(), 77);
    journal.commit();
  }
  Journal journal(options_for(path), keep_note);
  const PeerJournal& link = journal.recovered().only();
  EXPECT_EQ(link.epoch, 10u);
  EXPECT_EQ(link.last_seq, 2u);
  ASSERT_EQ(link.unacknowledged.size(), 2u);
  EXPECT_EQ(link.unacknowledged.at(2).envelope().epoch(), 10u);
  ASSERT_EQ(link.recent_deliveries.size(), 3u);
  for (std::uint64_t i = 0; i < 3; ++i) EXPECT_EQ(link.recent_deliveries[i].seq(), i + 1);
  EXPECT_EQ(link.delivered.at(77), 3u);
}

// tests/node/fixtures/journal-v3-items.bin pins version 3 on disk: identity, four sent items
// (the fourth generated), an Acknowledged, three delivered items of peer epoch 77.
TEST(JournalTest, AVersionThreeJournalReadsAsWritten) {
  TempDir dir;
  const auto path = dir.path() / "j";
  std::filesystem::copy_file(
      std::filesystem::path(HOTLINE_SOURCE_DIR) / "tests/node/fixtures/journal-v3-items.bin", path);
  notes.clear();
  Journal journal(options_for(path), keep_note);
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(journal.recovered_records(), 4u);
  const PeerJournal& link = journal.recovered().only();
  EXPECT_EQ(link.epoch, 9u);
  EXPECT_EQ(link.last_seq, 4u);
  EXPECT_EQ(link.acknowledged_seq, 2u);
  EXPECT_EQ(link.generated, 1u);
  ASSERT_EQ(link.unacknowledged.size(), 2u);
  EXPECT_EQ(link.unacknowledged.at(4).envelope().message().text(), "m4");
  EXPECT_EQ(link.unacknowledged.at(4).envelope().sender(), "washington");
  ASSERT_EQ(link.recent_deliveries.size(), 3u);
  EXPECT_EQ(link.recent_deliveries[2].message().text(), "from the peer 3");
  EXPECT_EQ(link.recent_deliveries[2].epoch(), 77u);
  EXPECT_TRUE(link.recent_deliveries[1].retransmission());
}

// A whole record that a hand, not the node, wrote: a message sent that is nothing to send. It
// is refused with its offset; before, the node threw a logic error rebuilding its outbox.
TEST(JournalTest, ASentRecordOfNothingToSendIsRefusedWithItsOffset) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    wire::Envelope heartbeat = numbered(9, 1);
    heartbeat.mutable_heartbeat();
    journal.append_sent(heartbeat, false);
    journal.commit();
  }
  expect_refused_at(path, record_offset(path, 1), "no message to send",
                    "a heartbeat was taken for a message to send");
}

// A record of many items torn by a crash is cut whole, like any record being written then.
TEST(JournalTest, ATornGroupOfItemsIsCutWhole) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    journal.append_delivered_item(numbered(0, 1).SerializeAsString(), 77);
    journal.commit();
    for (std::uint64_t seq = 2; seq <= 20; ++seq)
      journal.append_delivered_item(numbered(0, seq).SerializeAsString(), 77);
    journal.commit();
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  notes.clear();
  Journal journal(options_for(path), keep_note);
  EXPECT_EQ(journal.recovered_records(), 2u);
  EXPECT_EQ(journal.recovered().only().delivered.at(77), 1u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("cut short"), std::string::npos) << notes[0];
}

// Under --fsync always each item is synced before append returns: in a record of its own.
TEST(JournalTest, UnderFsyncAlwaysEachItemIsARecordOfItsOwn) {
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path, FsyncPolicy::kAlways), keep_note);
    journal.append(identity(9));
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
      append_encoded(journal, numbered(9, seq));
      EXPECT_FALSE(journal.has_uncommitted());
    }
  }
  Journal journal(options_for(path), keep_note);
  EXPECT_EQ(journal.recovered_records(), 4u);
  EXPECT_EQ(journal.recovered().only().unacknowledged.size(), 3u);
}

// A delivery that came in a batch is journalled from the bytes it came in: it reads back as the
// envelope the receiver parsed, under the header's epoch, even from an item naming its own.
TEST(JournalTest, ABatchItemIsJournalledAsItArrivedUnderTheHeadersEpoch) {
  wire::Envelope frame;
  frame.set_epoch(4242);
  wire::Envelope& message = *frame.mutable_batch()->add_items();
  message.set_seq(7);
  message.set_retransmission(true);
  message.mutable_message()->set_text("arrived in a batch");
  message.mutable_message()->set_priority(wire::FLASH);
  wire::Envelope& notification = *frame.mutable_batch()->add_items();
  notification.set_seq(8);
  notification.set_epoch(5);
  notification.mutable_notification()->set_incident_id("INC-7");
  const std::string body = frame.SerializeAsString();
  std::string scratch;
  const BatchFrameParts parts = split_batch_frame(body, scratch);
  BatchReader reader;
  google::protobuf::Arena arena;
  reader.read(parts.items, frame.epoch(), arena);
  ASSERT_EQ(reader.item_bytes().size(), 2u);

  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    for (const std::string_view item : reader.item_bytes())
      journal.append_delivered_item(item, frame.epoch());
    journal.commit();
  }
  Journal journal(options_for(path), keep_note);
  const JournalState& state = journal.recovered();
  ASSERT_EQ(state.only().recent_deliveries.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        state.only().recent_deliveries[i], *reader.items()[i]))
        << state.only().recent_deliveries[i].ShortDebugString() << " vs "
        << reader.items()[i]->ShortDebugString();
    EXPECT_EQ(state.only().recent_deliveries[i].epoch(), 4242u);
  }
  EXPECT_EQ(state.only().recent_deliveries[0].message().text(), "arrived in a batch");
  EXPECT_TRUE(state.only().recent_deliveries[0].retransmission());
  EXPECT_EQ(state.only().delivered.at(4242), 8u);
}

// An item nests messages (a batch inside an item, and so on) as deep as the peer likes, and
// protobuf parses at most 100 levels. The journal holds an item two levels deeper (Record,
// Delivered): the deepest item the reader accepts must still read back, or a restart would cut
// an acknowledged delivery as damage (it did, before the reader's limit left that room).
TEST(JournalTest, TheDeepestItemAPeerMaySendReadsBackFromTheJournal) {
  const auto item_nested = [](int depth) {
    wire::Envelope nested;
    for (int i = 0; i < depth; ++i) {
      wire::Envelope outer;
      *outer.mutable_batch()->add_items() = nested;
      nested = std::move(outer);
    }
    nested.set_seq(1);
    // A Message after the batch replaces it in the payload: a reliable item, deep all the same.
    wire::Envelope message;
    message.mutable_message()->set_text("deep");
    return nested.SerializeAsString() + message.SerializeAsString();
  };
  BatchReader reader;
  google::protobuf::Arena arena;
  std::string deepest;
  for (int depth = 20; depth < 70; ++depth) {
    wire::Envelope frame;
    frame.set_epoch(4242);
    const std::string item = item_nested(depth);
    std::string batch;
    google::protobuf::io::StringOutputStream out(&batch);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
        wire::Batch::kItemsFieldNumber,
        google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    coded.WriteVarint32(static_cast<std::uint32_t>(item.size()));
    coded.WriteString(item);
    coded.Trim();
    try {
      reader.read(batch, frame.epoch(), arena);
    } catch (const ProtocolViolation&) {
      break;
    }
    deepest = item;
  }
  ASSERT_FALSE(deepest.empty());
  TempDir dir;
  const auto path = dir.path() / "j";
  {
    Journal journal(options_for(path), keep_note);
    journal.append(identity(9));
    journal.append_delivered_item(deepest, 4242);
    journal.commit();
  }
  notes.clear();
  Journal journal(options_for(path), keep_note);
  EXPECT_TRUE(notes.empty()) << notes.front();
  ASSERT_EQ(journal.recovered().only().recent_deliveries.size(), 1u);
  EXPECT_EQ(journal.recovered().only().recent_deliveries[0].message().text(), "deep");
}

TEST(JournalTest, FsyncPoliciesFlushAsTheySay) {
  TempDir dir;
  // 1 identity + 10 records, committed three times.
  const auto run = [&](FsyncPolicy policy) {
    const auto path = dir.path() / ("j" + std::to_string(static_cast<int>(policy)));
    Journal journal(options_for(path, policy), keep_note);
    std::vector<Journal::Ticket> synced;
    journal.on_synced([&](Journal::Ticket) {});
    journal.append(identity(9));
    Journal::Ticket ticket = journal.commit();
    for (std::uint64_t seq = 1; seq <= 10; ++seq) {
      journal.append(sent(seq, "m"));
      if (seq % 5 == 0) ticket = journal.commit();
    }
    EXPECT_FALSE(journal.has_uncommitted());
    // Background fsyncs (kBatch) catch up with the last commit.
    for (int i = 0; i < 1000 && journal.synced_ticket() < ticket; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(journal.synced_ticket(), ticket);
    return journal.fsync_count();
  };
  EXPECT_EQ(run(FsyncPolicy::kAlways), 11u);  // one per record
  const auto batch = run(FsyncPolicy::kBatch);
  EXPECT_GE(batch, 1u);  // at most one per commit, fewer when commits come faster than fsyncs
  EXPECT_LE(batch, 3u);
  EXPECT_EQ(run(FsyncPolicy::kNone), 0u);
  for (const auto policy : {FsyncPolicy::kAlways, FsyncPolicy::kBatch, FsyncPolicy::kNone}) {
    Journal reread(
        options_for(dir.path() / ("j" + std::to_string(static_cast<int>(policy))), policy),
        keep_note);
    EXPECT_EQ(reread.recovered().only().last_seq, 10u);
  }
  EXPECT_EQ(parse_fsync_policy("batch"), FsyncPolicy::kBatch);
  EXPECT_THROW(parse_fsync_policy("sometimes"), std::invalid_argument);
}

// Under load, commits made within the fsync interval share one fsync; after a quiet spell the
// first commit is synced at once; a stop does not wait out the interval, and syncs what is left.
TEST(JournalTest, AnFsyncIntervalGathersCommitsWithoutDelayingAnIdleJournal) {
  TempDir dir;
  Journal::Options options = options_for(dir.path() / "j");
  options.fsync_interval = std::chrono::seconds(20);
  auto journal = std::make_unique<Journal>(options, keep_note);
  std::atomic<int> fsyncs{0};
  std::atomic<Journal::Ticket> synced{0};
  journal->on_synced([&](Journal::Ticket ticket) {
    ++fsyncs;
    synced = ticket;
  });
  journal->append(identity(9));
  const Journal::Ticket first = journal->commit();
  // Idle until now: synced long before the interval is over.
  const auto start = std::chrono::steady_clock::now();
  while (synced < first && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(synced, first);
  Journal::Ticket last = 0;
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    journal->append(sent(seq, "m"));
    last = journal->commit();
  }
  // Within the interval: none of the five is synced, however long an fsync would take (without
  // the interval, one would have covered them by now).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(journal->synced_ticket(), first);
  const auto stopping = std::chrono::steady_clock::now();
  journal.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(10));
  // One fsync for the first commit, one at the stop for all five.
  EXPECT_EQ(synced, last);
  EXPECT_EQ(fsyncs, 2);
}

// fsync=none promises to survive a crash of the process, which a rename does without an fsync:
// before, each compaction fsync'd the new file and the directory anyway, some 10 ms of a
// busy node's thread every 16 MiB. Under a policy that fsyncs, the new file must be on disk
// before it replaces the old one.
TEST(JournalTest, ACompactionFsyncsOnlyUnderAPolicyThatFsyncs) {
  TempDir dir;
  // (kAlways rather than kBatch: no background fsync then races the count.)
  for (const auto policy : {FsyncPolicy::kNone, FsyncPolicy::kAlways}) {
    const auto path = dir.path() / ("j" + std::to_string(static_cast<int>(policy)));
    {
      Journal journal(options_for(path, policy), keep_note);
      JournalState live;
      for (const auto& record : {identity(9), sent(1, "kept"), sent(2, "kept too")}) {
        live.apply(record);
        journal.append(record);
      }
      journal.flush();
      const auto before = journal.fsync_count();
      journal.compact(live.encode_snapshot());
      EXPECT_EQ(journal.fsync_count() - before, policy == FsyncPolicy::kNone ? 0u : 1u);
    }
    Journal reread(options_for(path, policy), keep_note);
    EXPECT_EQ(reread.recovered().only().unacknowledged.size(), 2u);
  }
  // But records an earlier life wrote (and may have synced, under another policy) are replaced
  // durably even under fsync=none: a power cut must not leave less than the file held.
  const auto path = dir.path() / ("j" + std::to_string(static_cast<int>(FsyncPolicy::kNone)));
  Journal reopened(options_for(path, FsyncPolicy::kNone), keep_note);
  const std::string snapshot = reopened.recovered().encode_snapshot();
  reopened.compact(snapshot);
  EXPECT_EQ(reopened.fsync_count(), 1u);
  reopened.compact(snapshot);
  EXPECT_EQ(reopened.fsync_count(), 1u);
}

}  // namespace
}  // namespace hotline::node

namespace hotline::node {
namespace {

TEST(JournalTest, ALengthCorruptedToRunPastTheEndIsRefusedNotTakenForATornTail) {
  // Before, raising a middle record's length by 1 MiB made every later record a "torn tail":
  // cut, with a note, and the node started without them.
  TempDir dir;
  const auto path = dir.path() / "j";
  write_sample(path);
  const auto whole = std::filesystem::file_size(path);
  const std::uint64_t third = record_offset(path, 2);
  std::string length(4, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(third));
    in.read(length.data(), 4);
  }
  length[2] = static_cast<char>(length[2] + 0x10);  // + 1 MiB
  overwrite(path, third, length);
  expect_refused_at(path, third, "a whole record follows",
                    "a corrupted length was taken for a torn tail");
  EXPECT_EQ(std::filesystem::file_size(path), whole) << "nothing was cut";
}

TEST(JournalTest, ARefusedJournalLeavesNoFileOpen) {
  // Found by the journal fuzzer: each refusal leaked the file descriptor until the process ran
  // out of them.
  TempDir dir;
  const auto path = dir.path() / "j";
  // An empty record header before a whole record: refused.
  write_sample(path);
  overwrite(path, record_offset(path, 1), std::string(16, '\0'));
  const auto open_files = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator());
  };
  const auto before = open_files();
  for (int i = 0; i < 20; ++i) EXPECT_THROW(Journal(options_for(path), keep_note), JournalError);
  EXPECT_EQ(open_files(), before);
}

TEST(JournalTest, AnEmptyHeaderIsCorruptionUnlessOnlyZerosFollow) {
  TempDir dir;
  const auto path = dir.path() / "j";
  write_sample(path);
  const auto whole = std::filesystem::file_size(path);
  // Zeros after the last record: space a crash left unwritten, cut with a note.
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << std::string(64, '\0');
  }
  notes.clear();
  {
    Journal journal(options_for(path), keep_note);
    EXPECT_EQ(journal.recovered_records(), 9u);
  }
  EXPECT_EQ(std::filesystem::file_size(path), whole);
  ASSERT_EQ(notes.size(), 1u);
  // Zeros over a record in the middle: an error, the file untouched.
  const std::uint64_t second = record_offset(path, 1);
  overwrite(path, second, std::string(16, '\0'));
  EXPECT_THROW(Journal(options_for(path), keep_note), JournalError);
  EXPECT_EQ(std::filesystem::file_size(path), whole);
}

}  // namespace
}  // namespace hotline::node
