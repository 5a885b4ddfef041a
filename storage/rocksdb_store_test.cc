// What the RocksDB store does beyond the Store contract: its checkpoints and
// backup markers, its write-ahead log after a crash or corruption, the event
// chain check against records altered behind its back, and data directories
// of earlier releases. The contract itself, for every backend, is tested in
// store_conformance_test.cc.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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
