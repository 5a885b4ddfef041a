#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/counter_merge.h"
#include "storage/keys.h"
#include "sx/base/status_macros.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {

namespace v1 = ::supervision::v1;
namespace {

// For tests that open the database behind the store's back: the counters
// family's writes are merges, which RocksDB cannot replay from the log
// without the store's merge operator.
rocksdb::ColumnFamilyOptions RawFamilyOptions(const std::string& name) {
  rocksdb::ColumnFamilyOptions options;
  if (name == keys::kCounters)
    options.merge_operator = NewCounterMergeOperator();
  return options;
}

class RocksDbStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    options.id_prefix = "test";
    auto store = OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // Submits a referral from `sender` to `recipient` the way the domain core
  // does: record, lead, event and inbox entry in one transaction.
  std::string Submit(const std::string& sender, const std::string& recipient) {
    std::string id;
    absl::Status status = store_->ApplyAndWait([&](Transaction& txn) {
      SX_ASSIGN_OR_RETURN(id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(id);
      referral.set_sender_agency_id(sender);
      referral.set_recipient_agency_id(recipient);
      referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
      v1::Lead lead;
      lead.set_summary("土地储备中心通过个人账户收取土地出让金");
      SX_RETURN_IF_ERROR(txn.CreateReferral(referral, lead));
      v1::Event event;
      event.set_type(v1::EVENT_TYPE_SUBMITTED);
      event.set_referral_id(id);
      SX_ASSIGN_OR_RETURN(v1::Event stored,
                          txn.AppendEvent(event, {sender, recipient}));
      return txn.AppendInbox(recipient, stored).status();
    });
    EXPECT_TRUE(status.ok()) << status;
    return id;
  }

  sx::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RocksDbStoreTest, CommittedReferralSurvivesReopen) {
  const std::string id = Submit("inspection-office", "discipline-commission");
  EXPECT_EQ(id, "test-0000000001");
  Open();
  auto referral = store_->GetReferral(id);
  ASSERT_TRUE(referral.ok()) << referral.status();
  ASSERT_TRUE(referral->has_value());
  EXPECT_EQ((*referral)->state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_FALSE((*referral)->has_lead());
  auto lead = store_->GetLead(id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->summary(), "土地储备中心通过个人账户收取土地出让金");
  EXPECT_EQ(Submit("a", "b"), "test-0000000002");
}

TEST_F(RocksDbStoreTest, FailedBodyLeavesNoTrace) {
  absl::Status status = store_->ApplyAndWait([](Transaction& txn) {
    SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
    v1::Referral referral;
    referral.set_referral_id(id);
    referral.set_sender_agency_id("a");
    referral.set_recipient_agency_id("b");
    SX_RETURN_IF_ERROR(txn.CreateReferral(referral, v1::Lead()));
    SX_RETURN_IF_ERROR(txn.AppendEvent(v1::Event(), {}).status());
    SX_RETURN_IF_ERROR(txn.AppendInbox("b", v1::Event()).status());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  auto referral = store_->GetReferral("test-0000000001");
  ASSERT_TRUE(referral.ok());
  EXPECT_FALSE(referral->has_value());
  EXPECT_TRUE(store_->ReadInbox("b", 0, 10)->empty());
  EXPECT_TRUE(store_->ReadEvents(1, 10)->empty());
  // Counters rolled back too: the next id and sequences start at 1.
  EXPECT_EQ(Submit("a", "b"), "test-0000000001");
  EXPECT_EQ(store_->ReadInbox("b", 0, 10)->front().sequence(), 1u);
  EXPECT_EQ(store_->ReadEvents(1, 10)->front().sequence(), 1u);
}

TEST_F(RocksDbStoreTest, LaterTransactionSeesEarlierUncommittedWrites) {
  // Queue many transactions without waiting, so that several land in one
  // group: each must still see the previous one's update.
  const std::string id = Submit("a", "b");
  constexpr int kSteps = 200;
  absl::Mutex mu;
  int finished = 0;
  std::vector<absl::Status> results(kSteps);
  for (int i = 0; i < kSteps; ++i) {
    store_->Apply(
        [&id, i](Transaction& txn) -> absl::Status {
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                              txn.GetReferral(id));
          if (referral->version() != i) {
            return absl::InternalError(
                absl::StrCat("saw version ", referral->version()));
          }
          referral->set_version(i + 1);
          return txn.UpdateReferral(*referral);
        },
        [&, i](absl::Status status) {
          absl::MutexLock lock(&mu);
          results[i] = status;
          ++finished;
        });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* count) { return *count == kSteps; }, &finished));
  }
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ((*store_->GetReferral(id))->version(), kSteps);
}

TEST_F(RocksDbStoreTest, ConcurrentWritersKeepChainAndInboxesGapless) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Submit("sender", absl::StrCat("recipient-", t % 2));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(store_->VerifyEventChain().ok());
  EXPECT_EQ(store_->ReadEvents(1, 10000)->size(), kThreads * kPerThread);
  for (const char* recipient : {"recipient-0", "recipient-1"}) {
    auto entries = store_->ReadInbox(recipient, 0, 10000);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), kThreads * kPerThread / 2);
    for (size_t i = 0; i < entries->size(); ++i) {
      EXPECT_EQ((*entries)[i].sequence(), i + 1);
    }
  }
}

TEST_F(RocksDbStoreTest, WriteObserverAccountsForEveryDurableTransaction) {
  absl::Mutex mu;
  size_t fsyncs = 0;
  size_t reported = 0;
  bool consistent = true;
  store_->SetWriteObserver([&](const CommitReport& report) {
    absl::MutexLock lock(&mu);
    ++fsyncs;
    reported += report.committed.size();
    consistent = consistent && report.queued.size() == report.committed.size();
    for (size_t i = 0; i < report.committed.size(); ++i) {
      // Waiting for the writer is part of the commit, and the commit
      // includes the fsync that made it durable.
      consistent = consistent && report.queued[i] >= absl::ZeroDuration() &&
                   report.committed[i] >= report.queued[i] &&
                   report.committed[i] >= report.fsync_time;
    }
  });
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < kPerThread; ++i) {
        Submit("sender", "recipient");
        // Bodies that fail write nothing and are not reported as made
        // durable, even in a group with others that are.
        EXPECT_FALSE(store_
                         ->ApplyAndWait([](Transaction& txn) {
                           EXPECT_TRUE(txn.NewReferralId().ok());
                           return absl::InternalError("body fails");
                         })
                         .ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(reported, static_cast<size_t>(kThreads * kPerThread));
  EXPECT_GE(fsyncs, 1u);
  EXPECT_LE(fsyncs, reported);
  EXPECT_TRUE(consistent);
}

TEST_F(RocksDbStoreTest, InboxSequencesNeverRepeatAfterAckAndRestart) {
  Submit("a", "b");
  Submit("a", "b");
  ASSERT_TRUE(store_
                  ->ApplyAndWait([](Transaction& txn) -> absl::Status {
                    for (uint64_t seq : {1, 2}) {
                      SX_ASSIGN_OR_RETURN(auto entry,
                                          txn.TakeInboxEntry("b", seq));
                      if (!entry.has_value())
                        return absl::InternalError("gone");
                    }
                    // Taking again finds nothing.
                    SX_ASSIGN_OR_RETURN(auto again, txn.TakeInboxEntry("b", 1));
                    return again.has_value() ? absl::InternalError("twice")
                                             : absl::OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(store_->ReadInbox("b", 0, 10)->empty());
  Open();
  Submit("a", "b");
  auto entries = store_->ReadInbox("b", 0, 10);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().sequence(), 3u);
  EXPECT_TRUE(store_->ReadInbox("b", 3, 10)->empty());
}

TEST_F(RocksDbStoreTest, ListsNewestFirstWithPaging) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Submit("a", "b"));
  Submit("c", "b");  // someone else's sent referral

  auto first = store_->ListReferralIds("a", Side::kSender, "", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->referral_ids, (std::vector<std::string>{ids[4], ids[3]}));
  auto second =
      store_->ListReferralIds("a", Side::kSender, first->next_before_id, 2);
  EXPECT_EQ(second->referral_ids, (std::vector<std::string>{ids[2], ids[1]}));
  auto third =
      store_->ListReferralIds("a", Side::kSender, second->next_before_id, 2);
  EXPECT_EQ(third->referral_ids, (std::vector<std::string>{ids[0]}));
  EXPECT_TRUE(third->next_before_id.empty());

  EXPECT_EQ(store_->ListReferralIds("b", Side::kRecipient, "", 100)
                ->referral_ids.size(),
            6u);
  EXPECT_TRUE(store_->ListReferralIds("b", Side::kSender, "", 100)
                  ->referral_ids.empty());
}

TEST_F(RocksDbStoreTest, CheckpointOpensAsACompleteCopy) {
  const std::string id = Submit("a", "b");
  ASSERT_TRUE(store_->CreateCheckpoint(dir_.Sub("backup")).ok());
  Submit("a", "b");  // after the checkpoint: not in it
  EXPECT_FALSE(store_->CreateCheckpoint(dir_.Sub("backup")).ok())
      << "an existing directory is never overwritten";

  RocksDbStoreOptions options;
  options.path = dir_.Sub("backup");
  options.id_prefix = "test";
  // A backup is marked: it opens only to have its restore recorded.
  auto refused = OpenRocksDbStore(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(refused.status().message(), "--confirm-restore"))
      << refused.status();
  options.confirming_restore = true;
  auto restored = OpenRocksDbStore(options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE((*(*restored)->GetReferral(id)).has_value());
  EXPECT_EQ((*restored)->ReadInbox("b", 0, 10)->size(), 1u);
  EXPECT_TRUE((*restored)->VerifyEventChain().ok());
}

TEST_F(RocksDbStoreTest, AnIdGenerationPrefixesNewIdsThatSortLater) {
  const std::string before = Submit("a", "b");
  ASSERT_TRUE(store_
                  ->ApplyAndWait([](Transaction& txn) {
                    return txn.SetIdGeneration("r20261206230000123456");
                  })
                  .ok());
  Open();  // the generation is read when the store opens
  const std::string after = Submit("a", "b");
  EXPECT_EQ(before, "test-0000000001");
  EXPECT_EQ(after, "test-r20261206230000123456-0000000002");
  // Newest first stays true across generations.
  EXPECT_LT(before, after);
}

TEST_F(RocksDbStoreTest, InboxSequencesMoveOnButNeverBack) {
  Submit("a", "b");  // b's inbox: sequence 1
  ASSERT_TRUE(store_
                  ->ApplyAndWait([](Transaction& txn) -> absl::Status {
                    SX_RETURN_IF_ERROR(txn.AdvanceInboxSequence("b", 1000));
                    // Lower than where it is: no change.
                    return txn.AdvanceInboxSequence("b", 10);
                  })
                  .ok());
  Submit("a", "b");
  auto entries = store_->ReadInbox("b", 0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].sequence(), 1u);
  EXPECT_EQ((*entries)[1].sequence(), 1000u);
}

TEST_F(RocksDbStoreTest, BackupMarkerRoundTripsAndIsRemoved) {
  ASSERT_TRUE(store_->CreateCheckpoint(dir_.Sub("backup")).ok());
  auto marker = ReadBackupMarker(dir_.Sub("backup"));
  ASSERT_TRUE(marker.ok()) << marker.status();
  ASSERT_TRUE(marker->has_value());
  EXPECT_EQ((*marker)->token.size(), 32u);
  EXPECT_LT(absl::Now() - (*marker)->written, absl::Minutes(1));
  ASSERT_TRUE(RemoveBackupMarker(dir_.Sub("backup")).ok());
  EXPECT_FALSE(ReadBackupMarker(dir_.Sub("backup"))->has_value());
  // A damaged mark is not taken for no mark.
  std::ofstream(dir_.Sub("backup/SXHUB-BACKUP")) << "garbage\n";
  EXPECT_EQ(ReadBackupMarker(dir_.Sub("backup")).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(RocksDbStoreTest, RequestRecordsAreScopedToTheCaller) {
  ASSERT_TRUE(store_
                  ->ApplyAndWait([](Transaction& txn) {
                    v1::RequestRecord record;
                    record.set_method("SubmitReferral");
                    record.set_referral_id("test-0000000007");
                    return txn.PutRequest("a", "req-1", record);
                  })
                  .ok());
  Open();
  ASSERT_TRUE(
      store_
          ->ApplyAndWait([](Transaction& txn) -> absl::Status {
            SX_ASSIGN_OR_RETURN(auto mine, txn.GetRequest("a", "req-1"));
            SX_ASSIGN_OR_RETURN(auto other, txn.GetRequest("b", "req-1"));
            if (!mine.has_value() || mine->referral_id() != "test-0000000007") {
              return absl::InternalError("record lost");
            }
            return other.has_value() ? absl::InternalError("leaked")
                                     : absl::OkStatus();
          })
          .ok());
}

TEST_F(RocksDbStoreTest, InboxListenerHearsOfEachGrownInboxAfterCommit) {
  absl::Mutex mu;
  std::vector<std::string> heard;
  store_->SetInboxListener([&](const std::vector<std::string>& agencies) {
    absl::MutexLock lock(&mu);
    heard.insert(heard.end(), agencies.begin(), agencies.end());
  });
  const std::string id = Submit("a", "b");
  // Visible by the time the listener ran.
  EXPECT_EQ(store_->ReadInbox("b", 0, 10)->size(), 1u);
  absl::MutexLock lock(&mu);
  EXPECT_EQ(heard, std::vector<std::string>{"b"});
}

// Rewrites one stored event's bytes behind the store's back.
void TamperWithEvent(const std::string& path, uint64_t sequence,
                     const std::function<void(std::string&)>& edit) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<std::string> names;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  for (const std::string& name : names) {
    descriptors.emplace_back(name, RawFamilyOptions(name));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &db)
          .ok());
  rocksdb::ColumnFamilyHandle* events = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == keys::kEvents) events = handles[i];
  }
  std::string value;
  const std::string key = keys::EncodeUint64(sequence);
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, key, &value).ok());
  edit(value);
  if (value.empty()) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), events, key).ok());
  } else {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, key, value).ok());
  }
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

TEST_F(RocksDbStoreTest, EventChainDetectsAlteredAndRemovedEvents) {
  for (int i = 0; i < 3; ++i) Submit("a", "b");
  ASSERT_TRUE(store_->VerifyEventChain().ok());
  store_.reset();

  TamperWithEvent(dir_.Sub("db"), 2, [](std::string& bytes) {
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(bytes));
    event.set_actor("someone-else");
    bytes = event.SerializeAsString();
  });
  Open();
  absl::Status altered = store_->VerifyEventChain();
  EXPECT_EQ(altered.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(altered.message().find("event 3"), std::string::npos) << altered;
  store_.reset();

  TamperWithEvent(dir_.Sub("db"), 2, [](std::string& bytes) { bytes.clear(); });
  Open();
  absl::Status removed = store_->VerifyEventChain();
  EXPECT_EQ(removed.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(removed.message().find("missing"), std::string::npos) << removed;
}

TEST_F(RocksDbStoreTest, EventChainDetectsReorderedEvents) {
  for (int i = 0; i < 4; ++i) Submit("a", "b");
  const std::string second = *store_->ReadEventBytes(2);
  const std::string third = *store_->ReadEventBytes(3);
  store_.reset();
  TamperWithEvent(dir_.Sub("db"), 2,
                  [&](std::string& bytes) { bytes = third; });
  TamperWithEvent(dir_.Sub("db"), 3,
                  [&](std::string& bytes) { bytes = second; });
  Open();
  absl::Status reordered = store_->VerifyEventChain();
  EXPECT_EQ(reordered.code(), absl::StatusCode::kDataLoss) << reordered;
}

TEST_F(RocksDbStoreTest, TransparencyLogNodesAreStoredAsEventsAppend) {
  for (int i = 0; i < 4; ++i) Submit("a", "b");
  EXPECT_EQ(*store_->EventCount(), 4u);
  // Four leaves complete the perfect subtrees (1,0), (1,1) and (2,0).
  for (auto [level, index] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {0, 3}, {1, 0}, {1, 1}, {2, 0}}) {
    auto hash = store_->PerfectSubtreeHash(level, index);
    ASSERT_TRUE(hash.ok()) << level << "," << index << ": " << hash.status();
    EXPECT_EQ(hash->size(), 32u);
  }
  EXPECT_FALSE(store_->PerfectSubtreeHash(3, 0).ok()) << "not complete yet";
}

TEST_F(RocksDbStoreTest, TheLogHashCannotChangeForAnExistingDatabase) {
  Submit("a", "b");
  store_.reset();
  RocksDbStoreOptions options;
  options.path = dir_.Sub("db");
  options.log_hash = "sm3";
  auto reopened = OpenRocksDbStore(options);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition)
      << reopened.status();
}

std::string OnlyWalFile(const std::string& path) {
  std::string found;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0) {
      found = entry.path().string();
    }
  }
  return found;
}

TEST_F(RocksDbStoreTest, CorruptionInTheMiddleOfTheWalRefusesToOpen) {
  for (int i = 0; i < 50; ++i) Submit("a", "b");
  store_.reset();
  const std::string wal = OnlyWalFile(dir_.Sub("db"));
  ASSERT_FALSE(wal.empty());
  {
    std::fstream file(wal, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(
        static_cast<std::streamoff>(std::filesystem::file_size(wal) / 2));
    file.write("\x55\xAA\x55\xAA\x55\xAA\x55\xAA", 8);
  }
  RocksDbStoreOptions options;
  options.path = dir_.Sub("db");
  auto reopened = OpenRocksDbStore(options);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(reopened.status().message().find("will not start"),
            std::string::npos)
      << reopened.status();
}

TEST_F(RocksDbStoreTest, TornWalTailOpensWithEverythingBeforeIt) {
  for (int i = 0; i < 50; ++i) Submit("a", "b");
  store_.reset();
  const std::string wal = OnlyWalFile(dir_.Sub("db"));
  ASSERT_FALSE(wal.empty());
  // A crash in the middle of writing the last record: cut it short.
  std::filesystem::resize_file(wal, std::filesystem::file_size(wal) - 10);
  Open();
  EXPECT_EQ(store_->ReadInbox("b", 0, 100)->size(), 49u);
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

}  // namespace
}  // namespace sx::storage

namespace sx::storage {
namespace {

TEST_F(RocksDbStoreTest, NothingComesAfterTheLastSequence) {
  Submit("a", "b");
  EXPECT_TRUE(store_->ReadInbox("b", std::numeric_limits<uint64_t>::max(), 10)
                  ->empty());
  EventFilter filter;
  filter.referral_id = "test-0000000001";
  EXPECT_TRUE(
      store_->QueryEvents(filter, std::numeric_limits<uint64_t>::max(), 10)
          ->empty());
}

// A data directory of the release before rectification ledgers,
// distributions and statistics has none of their column families. Made
// here by dropping them from a current one: every record the older release
// wrote is written the same way today. Opening it adds the families, empty,
// and everything old and new works, across a reopen.
TEST_F(RocksDbStoreTest, ADataDirectoryOfTheReleaseBeforeLedgersOpensAndGrows) {
  const std::string id = Submit("inspection-office", "organization-dept");
  store_.reset();
  {
    const std::vector<std::string> added = {
        keys::kRectificationItems, keys::kDistributions, keys::kCounters};
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir_.Sub("db"), &names)
                    .ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      descriptors.emplace_back(name, RawFamilyOptions(name));
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.Sub("db"),
                                  descriptors, &handles, &raw)
                    .ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      if (std::find(added.begin(), added.end(), handle->GetName()) !=
          added.end()) {
        ASSERT_TRUE(db->DropColumnFamily(handle).ok());
      }
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    names.clear();
    db.reset();
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir_.Sub("db"), &names)
                    .ok());
    for (const std::string& name : added) {
      ASSERT_EQ(std::find(names.begin(), names.end(), name), names.end());
    }
  }

  Open();
  auto referral = store_->GetReferral(id);
  ASSERT_TRUE(referral.ok()) << referral.status();
  ASSERT_TRUE(referral->has_value());
  absl::Status status = store_->ApplyAndWait([&](Transaction& txn) {
    v1::RectificationItem item;
    item.set_number(1);
    item.set_problem("干部选拔任用程序不规范");
    SX_RETURN_IF_ERROR(txn.PutRectificationItem(id, item));
    v1::StoredDistribution distribution;
    distribution.set_distribution_id("test-0000000099");
    distribution.set_sender_agency_id("inspection-office");
    distribution.add_referral_ids(id);
    SX_RETURN_IF_ERROR(txn.PutDistribution(distribution));
    return txn.AddToCounters({{"figure", 2}, {"figure", 3}});
  });
  ASSERT_TRUE(status.ok()) << status;
  Open();
  auto items = store_->ListRectificationItems(id, 0, 10);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 1u);
  auto distribution = store_->GetDistribution("test-0000000099");
  ASSERT_TRUE(distribution.ok() && distribution->has_value());
  auto counters = store_->ReadCounters("", "\xff", 10);
  ASSERT_TRUE(counters.ok()) << counters.status();
  ASSERT_EQ(counters->size(), 1u);
  EXPECT_EQ((*counters)[0].second, 5);
  EXPECT_EQ(Submit("a", "b"), "test-0000000002");
}

}  // namespace
}  // namespace sx::storage
