// Dumps of a store and their import into the other backend (store_dump.h,
// postgres_dump.h): a RocksDB store holding every kind of record is dumped,
// loaded into PostgreSQL, dumped again and loaded into RocksDB, and at each
// step everything the Store interface shows is the same (with the id
// counter going on where it stopped). Imports refuse a store that holds
// data and a dump that is damaged or of another hub, leaving the target as
// it was.
#include "sx/storage/store_dump.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/dump_file.h"
#include "storage/event_log_rebuild.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/storage/postgres_dump.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_postgres.h"
#include "tests/support/value_of.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kIdPrefix[] = "demo";
constexpr char kOffice[] = "inspection-office";
constexpr char kCommission[] = "discipline-commission";
constexpr char kBureau[] = "audit-bureau";
const char* const kAgencies[] = {kOffice, kCommission, kBureau};

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

// Counters, watch-list entries and index keys from each referral's state,
// as the hub's deriver makes them from more.
ReferralDeriver TestDeriver() {
  return {"test-1", [](const v1::Referral& referral) {
            DerivedEntries entries;
            entries.counters.push_back(absl::StrCat(
                kDerivedCounterPrefix, "state/", referral.state()));
            if (referral.state() == v1::REFERRAL_STATE_SUBMITTED) {
              entries.watched.emplace_back(
                  absl::StrCat("w/", referral.referral_id()),
                  referral.recipient_agency_id());
            }
            entries.indexed.push_back(absl::StrCat("i/", referral.state(), "/",
                                                   referral.referral_id()));
            return entries;
          }};
}

RocksDbStoreOptions RocksDbOptions(const std::string& path) {
  RocksDbStoreOptions options;
  options.path = path;
  options.id_prefix = kIdPrefix;
  options.min_free_bytes = 0;
  options.referral_deriver = TestDeriver();
  return options;
}

PostgresStoreOptions PostgresOptions(const std::string& conninfo) {
  PostgresStoreOptions options;
  options.conninfo = conninfo;
  options.id_prefix = kIdPrefix;
  options.referral_deriver = TestDeriver();
  return options;
}

v1::Event EventOf(absl::string_view referral_id, v1::EventType type,
                  absl::string_view actor, int64_t seconds) {
  v1::Event event;
  event.set_referral_id(std::string(referral_id));
  event.set_type(type);
  event.set_actor(std::string(actor));
  event.mutable_time()->set_seconds(seconds);
  event.mutable_time()->set_nanos(250);
  return event;
}

// Every kind of record the stores keep, through the Store interface.
absl::Status Fill(Store& store) {
  return store.ApplyAndWait([](Transaction& txn) -> absl::Status {
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(id);
      referral.set_sender_agency_id(kOffice);
      referral.set_recipient_agency_id(i == 2 ? kBureau : kCommission);
      referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
      v1::Lead lead;
      lead.set_subject(absl::StrCat("王五 ", i));
      SX_RETURN_IF_ERROR(txn.CreateReferral(referral, lead));
      v1::RequestRecord request;
      request.set_method("SubmitReferral");
      request.set_referral_id(id);
      SX_RETURN_IF_ERROR(
          txn.PutRequest(kOffice, absl::StrCat("request-", i), request));
      ids.push_back(id);
    }
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> accepted,
                        txn.GetReferral(ids[0]));
    accepted->set_state(v1::REFERRAL_STATE_ACCEPTED);
    SX_RETURN_IF_ERROR(txn.UpdateReferral(*accepted));
    SX_RETURN_IF_ERROR(txn.SetIdGeneration("r20261206230000123456"));
    SX_RETURN_IF_ERROR(txn.PutSigningCertificate(std::string(32, '\x7f'),
                                                 "DER of a certificate"));
    // Events, one of them dated before its predecessor (stored at the
    // predecessor's time).
    const int64_t times[] = {1800000000, 1800000100, 1800000050, 1800000200};
    std::vector<v1::Event> events;
    for (int i = 0; i < 4; ++i) {
      SX_ASSIGN_OR_RETURN(
          v1::Event event,
          txn.AppendEvent(
              EventOf(ids[i % 3], v1::EVENT_TYPE_SUBMITTED, kOffice, times[i]),
              i == 3 ? std::vector<std::string>{kOffice}
                     : std::vector<std::string>{kCommission, kOffice}));
      events.push_back(event);
    }
    SX_RETURN_IF_ERROR(txn.AppendInbox(kCommission, events[0]).status());
    SX_RETURN_IF_ERROR(txn.AppendInbox(kCommission, events[1]).status());
    SX_RETURN_IF_ERROR(txn.AppendInbox(kBureau, events[2]).status());
    SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> taken,
                        txn.TakeInboxEntry(kCommission, 1));
    taken->set_delivery_attempts(5);
    SX_RETURN_IF_ERROR(txn.PutDeadLetter(kCommission, *taken, At(1800000300)));
    SX_RETURN_IF_ERROR(txn.AdvanceInboxSequence(kOffice, 41));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kAccept, At(1900000000), ids[1]));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kFeedback, At(1900000100), ids[0]));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kReview, At(1900000200), ids[0]));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kBlueWarning, At(1900000300), ids[0]));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kYellowWarning, At(1900000400), ids[0]));
    SX_RETURN_IF_ERROR(
        txn.PutDeadline(DeadlineKind::kReport, At(1900000500), ids[0]));
    SX_RETURN_IF_ERROR(txn.PutItemDeadline(At(1900000600), ids[2], 2));
    v1::StoredDistribution distribution;
    distribution.set_distribution_id("dist-1");
    distribution.set_sender_agency_id(kOffice);
    distribution.add_recipient_agency_ids(kCommission);
    distribution.add_recipient_agency_ids(kBureau);
    distribution.add_referral_ids(ids[1]);
    distribution.add_referral_ids(ids[2]);
    SX_RETURN_IF_ERROR(txn.PutDistribution(distribution));
    for (uint32_t number = 1; number <= 2; ++number) {
      v1::RectificationItem item;
      item.set_number(number);
      item.set_problem(absl::StrCat("问题 ", number));
      SX_RETURN_IF_ERROR(txn.PutRectificationItem(ids[2], item));
    }
    return txn.AddToCounters({{"s/sent/inspection-office", 3},
                              {"s/negative", -2},
                              {std::string("s/nul\0key", 9), 1}});
  });
}

using testing::ValueOf;

// Everything the Store interface shows of `store`, one line per fact.
std::vector<std::string> Observe(Store& store) {
  std::vector<std::string> lines;
  const DumpCheckpoint checkpoint =
      ValueOf(VerifiedCheckpoint(store, "sha256"));
  lines.push_back(absl::StrCat("checkpoint ", checkpoint.event_count, " ",
                               absl::BytesToHexString(checkpoint.root_hash)));
  for (const v1::Event& event : ValueOf(store.ReadEvents(1, 100))) {
    lines.push_back(absl::StrCat("event ", event.ShortDebugString()));
  }
  for (const ReferralIdPage& page : {ValueOf(store.ScanReferralIds("", 100))}) {
    for (const std::string& id : page.referral_ids) {
      lines.push_back(absl::StrCat(
          "referral ", ValueOf(store.GetReferral(id))->ShortDebugString(),
          " lead ", ValueOf(store.GetLead(id)).ShortDebugString()));
      for (const v1::RectificationItem& item :
           ValueOf(store.ListRectificationItems(id, 0, 100))) {
        lines.push_back(
            absl::StrCat("item ", id, " ", item.ShortDebugString()));
      }
    }
  }
  for (const char* agency : kAgencies) {
    for (const Side side : {Side::kSender, Side::kRecipient}) {
      for (const std::string& id :
           ValueOf(store.ListReferralIds(agency, side, "", 100)).referral_ids) {
        lines.push_back(absl::StrCat(
            "party ", agency, " ", side == Side::kSender ? "S" : "R", " ", id));
      }
    }
    for (const v1::InboxEntry& entry :
         ValueOf(store.ReadInbox(agency, 0, 100))) {
      lines.push_back(
          absl::StrCat("inbox ", agency, " ", entry.ShortDebugString()));
    }
    const InboxSummary summary = ValueOf(store.SummarizeInbox(agency));
    lines.push_back(absl::StrCat("summary ", agency, " ", summary.depth, " ",
                                 summary.last_sequence, " ",
                                 summary.dead_letters));
    EventFilter filter;
    filter.agency_id = agency;
    for (uint64_t sequence : ValueOf(store.QueryEvents(filter, 0, 100))) {
      lines.push_back(absl::StrCat("concerns ", agency, " ", sequence));
    }
    for (const std::string& id :
         ValueOf(store.ListDistributionIds(agency, "", 100)).referral_ids) {
      lines.push_back(
          absl::StrCat("distribution ",
                       ValueOf(store.GetDistribution(id))->ShortDebugString()));
    }
  }
  EventFilter by_time;
  by_time.time_from = At(1800000090);
  by_time.time_to = At(1800000150);
  for (uint64_t sequence : ValueOf(store.QueryEvents(by_time, 0, 100))) {
    lines.push_back(absl::StrCat("in time ", sequence));
  }
  for (const DeadLetterRecord& letter :
       ValueOf(store.ListDeadLetters("", "", 100))) {
    lines.push_back(absl::StrCat("dead ", letter.agency_id, " ",
                                 letter.entry.ShortDebugString(), " ",
                                 absl::ToUnixSeconds(letter.dead_lettered_at)));
  }
  for (const Deadline& deadline :
       ValueOf(store.DeadlinesDue(absl::InfiniteFuture(), 100))) {
    lines.push_back(absl::StrCat("deadline ", static_cast<int>(deadline.kind),
                                 " ", absl::ToUnixSeconds(deadline.due), " ",
                                 deadline.referral_id, " ",
                                 deadline.item_number));
  }
  for (const auto& [key, value] :
       ValueOf(store.ReadCounters("", "\xff", 1000))) {
    lines.push_back(
        absl::StrCat("counter ", absl::CHexEscape(key), " ", value));
  }
  for (const auto& [key, value] : ValueOf(store.ReadWatchList("", "", 100))) {
    lines.push_back(absl::StrCat("watch ", key, " ", value));
  }
  for (const std::string& key : ValueOf(store.ScanReferralIndex("", "", 100))) {
    lines.push_back(absl::StrCat("index ", key));
  }
  const std::optional<std::string> certificate =
      ValueOf(store.GetSigningCertificate(std::string(32, '\x7f')));
  lines.push_back(absl::StrCat("certificate ", certificate.value_or("none")));
  EXPECT_TRUE(
      store
          .ApplyAndWait([&lines](Transaction& txn) -> absl::Status {
            for (int i = 0; i < 3; ++i) {
              SX_ASSIGN_OR_RETURN(
                  std::optional<v1::RequestRecord> request,
                  txn.GetRequest(kOffice, absl::StrCat("request-", i)));
              lines.push_back(absl::StrCat(
                  "request ", i, " ",
                  request.has_value() ? request->ShortDebugString() : "none"));
            }
            SX_ASSIGN_OR_RETURN(std::string generation, txn.IdGeneration());
            lines.push_back(absl::StrCat("generation ", generation));
            return absl::OkStatus();
          })
          .ok());
  return lines;
}

// The id the store gives the next referral.
std::string NextId(Store& store) {
  std::string id;
  EXPECT_TRUE(store
                  .ApplyAndWait([&id](Transaction& txn) -> absl::Status {
                    SX_ASSIGN_OR_RETURN(id, txn.NewReferralId());
                    return absl::OkStatus();
                  })
                  .ok());
  return id;
}

std::string Count(const DumpSummary& summary, absl::string_view kind) {
  for (const DumpKindCount& count : summary.counts) {
    if (count.kind == kind) return absl::StrCat(count.count);
  }
  return "0";
}

// A dump's trailer without the header's tally (which names the source).
std::string RecordsOf(const std::string& path) {
  auto reader = DumpFileReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return "";
  while (true) {
    absl::StatusOr<std::optional<v1::DumpRecord>> record = (*reader)->Next();
    EXPECT_TRUE(record.ok()) << record.status();
    if (!record.ok() || !record->has_value()) break;
  }
  v1::DumpTrailer trailer = (*reader)->tally().ToTrailer();
  trailer.mutable_kinds()->DeleteSubrange(0, 1);  // the header
  return trailer.ShortDebugString();
}

std::string TableRows(const std::string& conninfo) {
  absl::StatusOr<std::string> rows = testing::RunPsql(
      conninfo,
      "SELECT (SELECT count(*) FROM referrals) || ' ' || "
      "(SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM "
      "counters) || ' ' || (SELECT count(*) FROM merkle_nodes)");
  return rows.ok() ? *rows : std::string(rows.status().message());
}

class StoreDumpTest : public ::testing::Test {
 protected:
  std::string Path(absl::string_view name) const {
    return absl::StrCat(dir_.path(), "/", name);
  }

  // A RocksDB store at "source" holding every kind of record, closed.
  std::vector<std::string> MakeSource() {
    std::vector<std::string> seen;
    auto store = OpenRocksDbStore(RocksDbOptions(Path("source")));
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return seen;
    EXPECT_TRUE(Fill(**store).ok());
    return Observe(**store);
  }

  testing::TempDir dir_;
};

TEST_F(StoreDumpTest, RocksDbToPostgresAndBackKeepsEverything) {
  const std::vector<std::string> source = MakeSource();
  ASSERT_FALSE(source.empty());
  const std::string first_dump = Path("first.dump");
  absl::StatusOr<DumpSummary> exported =
      ExportRocksDbStore(RocksDbOptions(Path("source")), first_dump);
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->source_backend, "rocksdb");
  EXPECT_EQ(exported->checkpoint.event_count, 4u);
  EXPECT_EQ(Count(*exported, "referral"), "3");
  EXPECT_EQ(Count(*exported, "lead"), "3");
  EXPECT_EQ(Count(*exported, "party"), "6");
  EXPECT_EQ(Count(*exported, "request"), "3");
  EXPECT_EQ(Count(*exported, "event"), "4");
  EXPECT_EQ(Count(*exported, "inbox_sequence"), "3");
  EXPECT_EQ(Count(*exported, "inbox_entry"), "2");
  EXPECT_EQ(Count(*exported, "dead_letter"), "1");
  EXPECT_EQ(Count(*exported, "deadline"), "7");
  EXPECT_EQ(Count(*exported, "distribution"), "1");
  EXPECT_EQ(Count(*exported, "rectification_item"), "2");
  EXPECT_EQ(Count(*exported, "signing_certificate"), "1");
  EXPECT_EQ(Count(*exported, "settings"), "1");
  EXPECT_NE(Count(*exported, "counter"), "0");
  EXPECT_EQ(Count(*exported, "watch_entry"), "2");
  EXPECT_EQ(Count(*exported, "referral_index"), "3");
  struct stat file;
  ASSERT_EQ(stat(first_dump.c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600);

  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  absl::StatusOr<DumpSummary> imported =
      ImportIntoPostgresStore(PostgresOptions(conninfo), first_dump);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->checkpoint.root_hash, exported->checkpoint.root_hash);
  const std::string second_dump = Path("second.dump");
  {
    auto postgres = OpenPostgresStore(PostgresOptions(conninfo));
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    EXPECT_EQ(Observe(**postgres), source);
  }
  absl::StatusOr<DumpSummary> again =
      ExportPostgresStore(PostgresOptions(conninfo), second_dump);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->source_backend, "postgres");
  EXPECT_EQ(again->checkpoint.root_hash, exported->checkpoint.root_hash);
  // Record for record the same dump, whichever backend it was read from.
  EXPECT_EQ(RecordsOf(second_dump), RecordsOf(first_dump));

  absl::StatusOr<DumpSummary> back =
      ImportIntoRocksDbStore(RocksDbOptions(Path("back")), second_dump);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(std::filesystem::exists(Path("back.importing")));
  auto rocksdb = OpenRocksDbStore(RocksDbOptions(Path("back")));
  ASSERT_TRUE(rocksdb.ok()) << rocksdb.status();
  EXPECT_EQ(Observe(**rocksdb), source);
  // The id counter and the restore's generation came along: the next
  // referral's id is new.
  EXPECT_EQ(NextId(**rocksdb), "demo-r20261206230000123456-0000000004");
  auto postgres = OpenPostgresStore(PostgresOptions(conninfo));
  ASSERT_TRUE(postgres.ok()) << postgres.status();
  EXPECT_EQ(NextId(**postgres), "demo-r20261206230000123456-0000000004");
}

TEST_F(StoreDumpTest, ImportRefusesAStoreThatHoldsData) {
  ASSERT_FALSE(MakeSource().empty());
  const std::string dump = Path("hub.dump");
  ASSERT_TRUE(ExportRocksDbStore(RocksDbOptions(Path("source")), dump).ok());

  // Into the directory it came from: refused, untouched.
  const auto before = std::filesystem::last_write_time(Path("source"));
  absl::StatusOr<DumpSummary> into_rocksdb =
      ImportIntoRocksDbStore(RocksDbOptions(Path("source")), dump);
  EXPECT_EQ(into_rocksdb.status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(into_rocksdb.status().message(), "already holds data"))
      << into_rocksdb.status();
  EXPECT_EQ(std::filesystem::last_write_time(Path("source")), before);

  // Into a database twice: the second is refused, the first stays.
  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  ASSERT_TRUE(ImportIntoPostgresStore(PostgresOptions(conninfo), dump).ok());
  const std::string rows = TableRows(conninfo);
  absl::StatusOr<DumpSummary> again =
      ImportIntoPostgresStore(PostgresOptions(conninfo), dump);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(again.status().message(), "already holds hub data"))
      << again.status();
  EXPECT_EQ(TableRows(conninfo), rows);

  // A database that a hub (a store) serves from: its write lock is taken.
  const std::string served = testing::TestPostgres::Shared().NewDatabase();
  auto hub = OpenPostgresStore(PostgresOptions(served));
  ASSERT_TRUE(hub.ok()) << hub.status();
  absl::StatusOr<DumpSummary> while_serving =
      ImportIntoPostgresStore(PostgresOptions(served), dump);
  EXPECT_EQ(while_serving.status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(while_serving.status().message(), "write lock"))
      << while_serving.status();
}

TEST_F(StoreDumpTest, ExportRefusesARunningHubAndAnExistingFile) {
  ASSERT_FALSE(MakeSource().empty());
  {
    auto serving = OpenRocksDbStore(RocksDbOptions(Path("source")));
    ASSERT_TRUE(serving.ok());
    absl::StatusOr<DumpSummary> exported =
        ExportRocksDbStore(RocksDbOptions(Path("source")), Path("x.dump"));
    EXPECT_FALSE(exported.ok());
    EXPECT_TRUE(absl::StrContains(exported.status().message(), "Stop it"))
        << exported.status();
    EXPECT_FALSE(std::filesystem::exists(Path("x.dump")));
  }
  std::ofstream(Path("taken.dump")) << "not ours";
  absl::StatusOr<DumpSummary> over =
      ExportRocksDbStore(RocksDbOptions(Path("source")), Path("taken.dump"));
  EXPECT_EQ(over.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(std::filesystem::exists(Path("taken.dump.partial")));
}

// Whatever sits at the dump's temporary name is removed, never written
// through: a symlink planted there leaves its target as it was, and a
// leftover partial file of a wider mode does not lend the dump its mode.
TEST_F(StoreDumpTest, ExportNeverWritesThroughItsTemporaryName) {
  ASSERT_FALSE(MakeSource().empty());
  std::ofstream(Path("victim")) << "someone else's file";
  std::filesystem::create_symlink(Path("victim"), Path("planted.dump.partial"));
  absl::StatusOr<DumpSummary> exported = ExportRocksDbStore(
      RocksDbOptions(Path("source")), Path("planted.dump"));
  ASSERT_TRUE(exported.ok()) << exported.status();
  std::ifstream victim(Path("victim"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(victim),
                        std::istreambuf_iterator<char>()),
            "someone else's file");
  EXPECT_TRUE(std::filesystem::is_regular_file(
      std::filesystem::symlink_status(Path("planted.dump"))));
  EXPECT_FALSE(std::filesystem::exists(
      std::filesystem::symlink_status(Path("planted.dump.partial"))));

  std::ofstream(Path("wide.dump.partial")) << "a crashed attempt";
  std::filesystem::permissions(Path("wide.dump.partial"),
                               std::filesystem::perms(0644));
  ASSERT_TRUE(
      ExportRocksDbStore(RocksDbOptions(Path("source")), Path("wide.dump"))
          .ok());
  struct stat file;
  ASSERT_EQ(stat(Path("wide.dump").c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600);
}

// A file made at the dump's name after the writer looked is never
// replaced: the finished dump is not published over it.
TEST_F(StoreDumpTest, DumpIsNeverPublishedOverAFileMadeMeanwhile) {
  v1::DumpHeader header;
  header.set_format_version(kDumpFormatVersion);
  const std::string dump = Path("late.dump");
  auto writer = DumpFileWriter::Create(dump, header);
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::ofstream(dump) << "made meanwhile";
  const absl::Status finished = (*writer)->Finish();
  EXPECT_EQ(finished.code(), absl::StatusCode::kAlreadyExists) << finished;
  writer->reset();
  std::ifstream kept(dump);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept),
                        std::istreambuf_iterator<char>()),
            "made meanwhile");
  EXPECT_FALSE(std::filesystem::exists(Path("late.dump.partial")));
}

// A data_dir that holds no RocksDB database (a wrong path, empty or of
// something else) is not exported as an empty hub, nor made into one.
TEST_F(StoreDumpTest, ExportRefusesADirectoryWithoutHubData) {
  std::filesystem::create_directory(Path("empty"));
  std::filesystem::create_directory(Path("other"));
  std::ofstream(Path("other/notes.txt")) << "not a hub";
  for (const std::string& wrong : {Path("empty"), Path("other")}) {
    absl::StatusOr<DumpSummary> exported =
        ExportRocksDbStore(RocksDbOptions(wrong), Path("wrong.dump"));
    EXPECT_EQ(exported.status().code(), absl::StatusCode::kFailedPrecondition)
        << exported.status();
    EXPECT_TRUE(
        absl::StrContains(exported.status().message(), "holds no hub data"))
        << exported.status();
    EXPECT_FALSE(std::filesystem::exists(Path("wrong.dump")));
    EXPECT_FALSE(std::filesystem::exists(wrong + "/CURRENT"));
  }
  EXPECT_TRUE(std::filesystem::is_empty(Path("empty")));
}

// data_dir with a trailing separator: the staging directory is its
// sibling ("hub.importing"), not inside it, and the import lands at
// data_dir.
TEST_F(StoreDumpTest, ImportIntoADataDirWithATrailingSlash) {
  const std::vector<std::string> source = MakeSource();
  ASSERT_FALSE(source.empty());
  const std::string dump = Path("hub.dump");
  ASSERT_TRUE(ExportRocksDbStore(RocksDbOptions(Path("source")), dump).ok());
  for (const std::string& name : {"absent", "empty"}) {
    if (std::string(name) == "empty") {
      std::filesystem::create_directory(Path(name));
    }
    absl::StatusOr<DumpSummary> imported =
        ImportIntoRocksDbStore(RocksDbOptions(Path(name) + "/"), dump);
    ASSERT_TRUE(imported.ok()) << name << ": " << imported.status();
    EXPECT_FALSE(std::filesystem::exists(Path(name) + ".importing"));
    EXPECT_FALSE(std::filesystem::exists(Path(name) + "/.importing"));
    auto store = OpenRocksDbStore(RocksDbOptions(Path(name)));
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(Observe(**store), source);
  }
}

// What sits at the staging path is removed only if an earlier import left
// it (it holds the import's marker); anything else is refused, untouched.
TEST_F(StoreDumpTest, ImportRemovesOnlyAStagingDirectoryAnImportLeft) {
  ASSERT_FALSE(MakeSource().empty());
  const std::string dump = Path("hub.dump");
  ASSERT_TRUE(ExportRocksDbStore(RocksDbOptions(Path("source")), dump).ok());

  std::filesystem::create_directory(Path("target.importing"));
  std::ofstream(Path("target.importing/precious")) << "someone's files";
  absl::StatusOr<DumpSummary> refused =
      ImportIntoRocksDbStore(RocksDbOptions(Path("target")), dump);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "Move it away"))
      << refused.status();
  EXPECT_TRUE(std::filesystem::exists(Path("target.importing/precious")));
  EXPECT_FALSE(std::filesystem::exists(Path("target")));

  // As a crashed import leaves it: the marker first, then some of the data.
  std::filesystem::create_directory(Path("crashed.importing"));
  std::ofstream(Path("crashed.importing/SXHUB-IMPORT-STAGING"));
  std::ofstream(Path("crashed.importing/000004.log")) << "half a load";
  absl::StatusOr<DumpSummary> again =
      ImportIntoRocksDbStore(RocksDbOptions(Path("crashed")), dump);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(std::filesystem::exists(Path("crashed.importing")));
  EXPECT_FALSE(std::filesystem::exists(Path("crashed/SXHUB-IMPORT-STAGING")));
  EXPECT_FALSE(std::filesystem::exists(Path("crashed/000004.log")));
}

// A data_dir that cannot be looked at (here: a symlink loop on its path,
// ELOOP) is an error, not an absent directory to fill.
TEST_F(StoreDumpTest, ImportReportsADataDirItCannotInspect) {
  ASSERT_FALSE(MakeSource().empty());
  const std::string dump = Path("hub.dump");
  ASSERT_TRUE(ExportRocksDbStore(RocksDbOptions(Path("source")), dump).ok());
  std::filesystem::create_symlink(Path("loop"), Path("loop"));
  absl::StatusOr<DumpSummary> imported =
      ImportIntoRocksDbStore(RocksDbOptions(Path("loop/hub")), dump);
  EXPECT_EQ(imported.status().code(), absl::StatusCode::kUnavailable)
      << imported.status();
  EXPECT_TRUE(absl::StrContains(imported.status().message(),
                                "cannot inspect " + Path("loop/hub")))
      << imported.status();
}

// A conninfo naming a database no hub opened: said so, in the config's
// terms, not as PostgreSQL's missing relation, and without the conninfo.
TEST_F(StoreDumpTest, ExportOfADatabaseWithoutHubTablesNamesTheSetting) {
  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  absl::StatusOr<DumpSummary> exported =
      ExportPostgresStore(PostgresOptions(conninfo), Path("none.dump"));
  EXPECT_EQ(exported.status().code(), absl::StatusCode::kFailedPrecondition)
      << exported.status();
  EXPECT_TRUE(absl::StrContains(exported.status().message(),
                                "no hub tables in this database: check "
                                "storage.postgres.conninfo"))
      << exported.status();
  EXPECT_FALSE(absl::StrContains(exported.status().message(), conninfo))
      << exported.status();
  EXPECT_FALSE(std::filesystem::exists(Path("none.dump")));
}

// A database a hub serves from: what the hub wrote after the export's
// snapshot would be missing from the dump, so the export refuses, naming
// the hub; once the hub is gone it exports.
TEST_F(StoreDumpTest, ExportRefusesADatabaseAHubServes) {
  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  const std::string dump = Path("served.dump");
  {
    auto hub = OpenPostgresStore(PostgresOptions(conninfo));
    ASSERT_TRUE(hub.ok()) << hub.status();
    ASSERT_TRUE(Fill(**hub).ok());
    absl::StatusOr<DumpSummary> exported =
        ExportPostgresStore(PostgresOptions(conninfo), dump);
    EXPECT_EQ(exported.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StrContains(exported.status().message(), "write lock"))
        << exported.status();
    EXPECT_FALSE(std::filesystem::exists(dump));
  }
  absl::StatusOr<DumpSummary> exported =
      ExportPostgresStore(PostgresOptions(conninfo), dump);
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->checkpoint.event_count, 4u);
}

// A dump cut short, or damaged (a byte flipped), or of another hub, loads
// nowhere.
TEST_F(StoreDumpTest, ImportRefusesADamagedOrForeignDumpAndWritesNothing) {
  ASSERT_FALSE(MakeSource().empty());
  const std::string dump = Path("hub.dump");
  ASSERT_TRUE(ExportRocksDbStore(RocksDbOptions(Path("source")), dump).ok());
  std::ifstream in(dump, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  const std::string cut = Path("cut.dump");
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 40);
  std::string flipped_bytes = bytes;
  // Inside a lead's subject ("王五 1"): the record still parses.
  const size_t at = flipped_bytes.find("\xe4\xba\x94 1");
  ASSERT_NE(at, std::string::npos);
  flipped_bytes[at + 4] = '2';
  const std::string flipped = Path("flipped.dump");
  std::ofstream(flipped, std::ios::binary) << flipped_bytes;

  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  for (const std::string& damaged : {cut, flipped}) {
    absl::StatusOr<DumpSummary> into_rocksdb =
        ImportIntoRocksDbStore(RocksDbOptions(Path("target")), damaged);
    EXPECT_EQ(into_rocksdb.status().code(), absl::StatusCode::kDataLoss)
        << into_rocksdb.status();
    // The digests are unkeyed: they tell damage, not an edit on purpose.
    EXPECT_TRUE(absl::StrContains(into_rocksdb.status().message(),
                                  "cut short or damaged"))
        << into_rocksdb.status();
    EXPECT_FALSE(std::filesystem::exists(Path("target")));
    EXPECT_FALSE(std::filesystem::exists(Path("target.importing")));
    absl::StatusOr<DumpSummary> into_postgres =
        ImportIntoPostgresStore(PostgresOptions(conninfo), damaged);
    EXPECT_EQ(into_postgres.status().code(), absl::StatusCode::kDataLoss)
        << into_postgres.status();
    EXPECT_EQ(TableRows(conninfo), "0 0 0 0\n");
  }

  RocksDbStoreOptions other_hub = RocksDbOptions(Path("target"));
  other_hub.id_prefix = "other";
  absl::StatusOr<DumpSummary> foreign = ImportIntoRocksDbStore(other_hub, dump);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(foreign.status().message(), "hub_id"))
      << foreign.status();
  RocksDbStoreOptions other_hash = RocksDbOptions(Path("target"));
  other_hash.log_hash = "sm3";
  EXPECT_EQ(ImportIntoRocksDbStore(other_hash, dump).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(Path("target")));

  // The intact dump still loads.
  EXPECT_TRUE(
      ImportIntoRocksDbStore(RocksDbOptions(Path("target")), dump).ok());
}

// A COMMIT that fails on a live connection was rolled back; one during
// which the connection ended may have landed or not, and the import says
// so and how to tell, rather than "rolled back".
TEST_F(StoreDumpTest, ImportSaysWhenItsCommitsOutcomeIsUnknown) {
  ASSERT_FALSE(MakeSource().empty());
  const std::string dump = Path("hub.dump");
  ASSERT_TRUE(ExportRocksDbStore(RocksDbOptions(Path("source")), dump).ok());
  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  { ASSERT_TRUE(OpenPostgresStore(PostgresOptions(conninfo)).ok()); }
  // Deferred to COMMIT: first a refusal, then the session's own end.
  const auto at_commit = [&conninfo](absl::string_view action) {
    return testing::RunPsql(
        conninfo,
        absl::StrCat("DROP TRIGGER IF EXISTS at_commit ON events; "
                     "CREATE OR REPLACE FUNCTION at_commit() RETURNS trigger "
                     "LANGUAGE plpgsql AS $$ BEGIN ",
                     action,
                     "; RETURN NULL; END $$; CREATE CONSTRAINT TRIGGER "
                     "at_commit AFTER INSERT ON events DEFERRABLE INITIALLY "
                     "DEFERRED FOR EACH ROW EXECUTE FUNCTION at_commit()"));
  };
  const auto failed_import = [&conninfo, &dump]() -> std::string {
    absl::StatusOr<DumpSummary> imported =
        ImportIntoPostgresStore(PostgresOptions(conninfo), dump);
    EXPECT_FALSE(imported.ok());
    return std::string(imported.status().message());
  };
  ASSERT_TRUE(at_commit("RAISE EXCEPTION 'refused at commit'").ok());
  const std::string refused = failed_import();
  EXPECT_TRUE(absl::StrContains(refused, "rolled back")) << refused;
  EXPECT_EQ(TableRows(conninfo), "0 0 0 0\n");

  ASSERT_TRUE(at_commit("PERFORM pg_terminate_backend(pg_backend_pid())").ok());
  const std::string cut = failed_import();
  EXPECT_TRUE(absl::StrContains(cut, "is unknown")) << cut;
  EXPECT_TRUE(absl::StrContains(cut, "SELECT count(*) FROM events")) << cut;
  EXPECT_FALSE(absl::StrContains(cut, "rolled back")) << cut;
}

// An empty store (a hub that never took a call) moves too.
TEST_F(StoreDumpTest, EmptyStoreMoves) {
  { ASSERT_TRUE(OpenRocksDbStore(RocksDbOptions(Path("empty"))).ok()); }
  const std::string dump = Path("empty.dump");
  absl::StatusOr<DumpSummary> exported =
      ExportRocksDbStore(RocksDbOptions(Path("empty")), dump);
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->checkpoint.event_count, 0u);
  // A database a hub opened once, empty: it holds no data yet.
  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  { ASSERT_TRUE(OpenPostgresStore(PostgresOptions(conninfo)).ok()); }
  absl::StatusOr<DumpSummary> imported =
      ImportIntoPostgresStore(PostgresOptions(conninfo), dump);
  ASSERT_TRUE(imported.ok()) << imported.status();
  auto store = OpenPostgresStore(PostgresOptions(conninfo));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(ValueOf((*store)->EventCount()), 0u);
  EXPECT_EQ(NextId(**store), "demo-0000000001");
}

// Events dated before their predecessors, as releases before the clock
// clamp stored them, stay findable by time on either backend.
TEST_F(StoreDumpTest, EventsWhoseTimesWentBackStayFindableByTime) {
  const transparency::MerkleHasher hasher =
      *transparency::MerkleHasher::Create(transparency::HashAlgorithm::kSha256);
  EventLogRebuild log(hasher);
  std::vector<v1::DumpRecord> records(1);
  records[0].mutable_settings();
  std::string previous(kSha256Bytes, '\0');
  const int64_t times[] = {1800000100, 1800000050, 1800000200};
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    v1::Event event = EventOf("demo-0000000001", v1::EVENT_TYPE_REMINDED,
                              kOffice, times[sequence - 1]);
    event.set_sequence(sequence);
    event.set_previous_event_sha256(previous);
    const std::string bytes = event.SerializeAsString();
    previous = Sha256(bytes);
    ASSERT_TRUE(log.Add(sequence, bytes, {}).ok());
    v1::DumpRecord& record = records.emplace_back();
    record.mutable_event()->set_sequence(sequence);
    record.mutable_event()->set_bytes(bytes);
    record.mutable_event()->add_agency_ids(kOffice);
  }
  v1::DumpHeader header;
  header.set_format_version(kDumpFormatVersion);
  header.set_source_backend("rocksdb");
  header.set_id_prefix(kIdPrefix);
  header.set_log_hash("sha256");
  header.set_event_count(3);
  header.set_root_hash(*log.Root());
  const std::string dump = Path("old.dump");
  {
    auto writer = DumpFileWriter::Create(dump, header);
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (const v1::DumpRecord& record : records) {
      ASSERT_TRUE((*writer)->Add(record).ok());
    }
    ASSERT_TRUE((*writer)->Finish().ok());
  }
  EventFilter filter;
  filter.time_from = At(1800000040);
  filter.time_to = At(1800000150);
  const std::vector<uint64_t> both = {1, 2};

  ASSERT_TRUE(ImportIntoRocksDbStore(RocksDbOptions(Path("old")), dump).ok());
  auto rocksdb = OpenRocksDbStore(RocksDbOptions(Path("old")));
  ASSERT_TRUE(rocksdb.ok()) << rocksdb.status();
  EXPECT_EQ(ValueOf((*rocksdb)->QueryEvents(filter, 0, 10)), both);
  EXPECT_TRUE((*rocksdb)->VerifyEventChain().ok());

  const std::string conninfo = testing::TestPostgres::Shared().NewDatabase();
  ASSERT_TRUE(ImportIntoPostgresStore(PostgresOptions(conninfo), dump).ok());
  auto postgres = OpenPostgresStore(PostgresOptions(conninfo));
  ASSERT_TRUE(postgres.ok()) << postgres.status();
  EXPECT_EQ(ValueOf((*postgres)->QueryEvents(filter, 0, 10)), both);
  // The next event is not dated before the latest (200), on either.
  for (Store* store : {rocksdb->get(), postgres->get()}) {
    absl::StatusOr<v1::Event> appended;
    ASSERT_TRUE(store
                    ->ApplyAndWait([&appended](Transaction& txn) {
                      appended = txn.AppendEvent(
                          EventOf("demo-0000000001", v1::EVENT_TYPE_REMINDED,
                                  kOffice, 1800000060),
                          {kOffice});
                      return appended.status();
                    })
                    .ok());
    EXPECT_EQ(appended->time().seconds(), 1800000200);
    EXPECT_EQ(appended->sequence(), 4u);
  }
}

}  // namespace
}  // namespace sx::storage
