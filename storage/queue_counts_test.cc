// Inbox depth and dead letters are counted once when a data directory
// written without the counts is opened. That the counts follow every change,
// for every backend, is tested in store_conformance_test.cc.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/counter_merge.h"
#include "storage/keys.h"
#include "sx/base/status_macros.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {

namespace v1 = ::supervision::v1;
namespace {

class QueueCountsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    auto store = OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Apply(const TransactionBody& body) {
    const absl::Status status = store_->ApplyAndWait(body);
    ASSERT_TRUE(status.ok()) << status;
  }

  // Depth and dead letters as summarized, and as counted entry by entry.
  void ExpectCounts(const std::string& agency, uint64_t depth, uint64_t dead) {
    auto summary = store_->SummarizeInbox(agency);
    ASSERT_TRUE(summary.ok()) << summary.status();
    EXPECT_EQ(summary->depth, depth);
    EXPECT_EQ(summary->dead_letters, dead);
    auto entries = store_->ReadInbox(agency, 0, 1000);
    ASSERT_TRUE(entries.ok());
    EXPECT_EQ(entries->size(), depth);
    auto letters = store_->ListDeadLetters(agency, "", 1000);
    ASSERT_TRUE(letters.ok());
    EXPECT_EQ(letters->size(), dead);
  }

  sx::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(QueueCountsTest, ADirectoryWithoutCountsIsCountedOnceAtOpen) {
  const std::string agency = "inspection-office";
  Apply([&](Transaction& txn) -> absl::Status {
    v1::Event event;
    for (int i = 0; i < 3; ++i) {
      SX_RETURN_IF_ERROR(txn.AppendInbox(agency, event).status());
    }
    SX_ASSIGN_OR_RETURN(std::optional<v1::InboxEntry> entry,
                        txn.TakeInboxEntry(agency, 1));
    return txn.PutDeadLetter(agency, *entry, absl::Now());
  });
  store_.reset();
  {
    // As the release before the counts left it: no counts, no record.
    rocksdb::DB* raw = nullptr;
    rocksdb::DBOptions db_options;
    db_options.wal_recovery_mode =
        rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir_.Sub("db"), &names)
                    .ok());
    for (const std::string& name : names) {
      rocksdb::ColumnFamilyOptions family;
      if (name == keys::kCounters) {
        family.merge_operator = NewCounterMergeOperator();
      }
      families.emplace_back(name, family);
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(
        rocksdb::DB::Open(db_options, dir_.Sub("db"), families, &handles, &raw)
            .ok());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == keys::kCounters) {
        ASSERT_TRUE(
            raw->DeleteRange(rocksdb::WriteOptions(), handles[i], "q/", "q0")
                .ok());
      }
      if (names[i] == rocksdb::kDefaultColumnFamilyName) {
        ASSERT_TRUE(raw->Delete(rocksdb::WriteOptions(), handles[i],
                                "meta/queues_counted")
                        .ok());
      }
    }
    for (auto* handle : handles) raw->DestroyColumnFamilyHandle(handle);
    delete raw;
  }
  Open();
  ExpectCounts(agency, 2, 1);
}

}  // namespace
}  // namespace sx::storage
