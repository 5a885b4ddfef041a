// InKeyOrder: the sorted batch leaves a database exactly as the original
// does — writes of one key keep their order, merges included — and a batch
// with anything else in it is left alone.
#include "storage/batch_order.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/merge_operator.h"
#include "storage/counter_merge.h"
#include "storage/keys.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {
namespace {

// The (family, key) of each entry, in batch order.
class KeyRecorder final : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice&) override {
    return Record(family, key);
  }
  rocksdb::Status DeleteCF(uint32_t family,
                           const rocksdb::Slice& key) override {
    return Record(family, key);
  }
  rocksdb::Status MergeCF(uint32_t family, const rocksdb::Slice& key,
                          const rocksdb::Slice&) override {
    return Record(family, key);
  }
  std::vector<std::pair<uint32_t, std::string>> keys;

 private:
  rocksdb::Status Record(uint32_t family, const rocksdb::Slice& key) {
    keys.emplace_back(family, key.ToString());
    return rocksdb::Status::OK();
  }
};

// Two families, one with the hub's counter merge operator.
class BatchOrderTest : public ::testing::Test {
 protected:
  std::unique_ptr<rocksdb::DB> Open(const std::string& name,
                                    ColumnFamilies& families) {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    rocksdb::ColumnFamilyOptions counters;
    counters.merge_operator = NewCounterMergeOperator();
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"counters", counters}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(options), dir_.Sub(name),
                                  descriptors, &handles, &raw)
                    .ok());
    families.meta = handles[0];
    families.counters = handles[1];
    // Every other family of the struct: the two, so All() holds no null.
    for (rocksdb::ColumnFamilyHandle** other :
         {&families.referrals, &families.leads, &families.party_index,
          &families.inbox, &families.requests, &families.events,
          &families.event_index, &families.merkle, &families.deadlines,
          &families.dead_letters, &families.rectification_items,
          &families.distributions, &families.watch_list,
          &families.referral_index}) {
      *other = handles[0];
    }
    owned_[raw] = handles;
    return std::unique_ptr<rocksdb::DB>(raw);
  }

  // Everything in both families, by family and key.
  std::map<std::string, std::string> Contents(rocksdb::DB& db,
                                              const ColumnFamilies& families) {
    std::map<std::string, std::string> contents;
    for (rocksdb::ColumnFamilyHandle* family :
         {families.meta, families.counters}) {
      std::unique_ptr<rocksdb::Iterator> it(
          db.NewIterator(rocksdb::ReadOptions(), family));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        contents[family->GetName() + "/" + it->key().ToString()] =
            it->value().ToString();
      }
    }
    return contents;
  }

  void Close(std::unique_ptr<rocksdb::DB>& db) {
    for (rocksdb::ColumnFamilyHandle* handle : owned_[db.get()]) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    owned_.erase(db.get());
    db.reset();
  }

  sx::testing::TempDir dir_;
  std::map<rocksdb::DB*, std::vector<rocksdb::ColumnFamilyHandle*>> owned_;
};

TEST_F(BatchOrderTest, TheSortedBatchLeavesTheSameDatabase) {
  ColumnFamilies plain_families;
  ColumnFamilies sorted_families;
  std::unique_ptr<rocksdb::DB> plain = Open("plain", plain_families);
  std::unique_ptr<rocksdb::DB> sorted = Open("sorted", sorted_families);
  // The same writes, by handle of each database.
  auto write = [](rocksdb::WriteBatch& batch, const ColumnFamilies& f) {
    ASSERT_TRUE(batch.Put(f.meta, "zebra", "1").ok());
    ASSERT_TRUE(batch.Put(f.meta, "apple", "first").ok());
    ASSERT_TRUE(batch.Merge(f.counters, "g/b", keys::EncodeUint64(2)).ok());
    ASSERT_TRUE(batch.Delete(f.meta, "apple").ok());
    ASSERT_TRUE(batch.Put(f.meta, "mango", "x").ok());
    ASSERT_TRUE(batch.Merge(f.counters, "g/a", keys::EncodeUint64(1)).ok());
    ASSERT_TRUE(batch.Put(f.meta, "apple", "last").ok());
    ASSERT_TRUE(batch.Delete(f.meta, "mango").ok());
    ASSERT_TRUE(batch.Merge(f.counters, "g/b", keys::EncodeUint64(5)).ok());
  };
  rocksdb::WriteBatch plain_batch;
  write(plain_batch, plain_families);
  rocksdb::WriteBatch original;
  write(original, sorted_families);
  std::optional<rocksdb::WriteBatch> in_order =
      InKeyOrder(original, sorted_families);
  ASSERT_TRUE(in_order.has_value());
  EXPECT_EQ(in_order->Count(), original.Count());
  KeyRecorder recorded;
  ASSERT_TRUE(in_order->Iterate(&recorded).ok());
  EXPECT_TRUE(std::is_sorted(recorded.keys.begin(), recorded.keys.end()));
  EXPECT_EQ(recorded.keys.front().second, "apple");
  ASSERT_TRUE(plain->Write(rocksdb::WriteOptions(), &plain_batch).ok());
  ASSERT_TRUE(sorted->Write(rocksdb::WriteOptions(), &*in_order).ok());

  const std::map<std::string, std::string> expected =
      Contents(*plain, plain_families);
  EXPECT_EQ(expected.at("default/apple"), "last");
  EXPECT_EQ(expected.count("default/mango"), 0u);
  EXPECT_EQ(expected.at("counters/g/b"), keys::EncodeUint64(7));
  EXPECT_EQ(Contents(*sorted, sorted_families), expected);
  Close(sorted);
  Close(plain);
}

TEST_F(BatchOrderTest, ABatchWithOtherEntriesIsLeftAsItIs) {
  ColumnFamilies families;
  std::unique_ptr<rocksdb::DB> db = Open("other", families);
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(families.meta, "b", "1").ok());
  ASSERT_TRUE(batch.DeleteRange(families.meta, "a", "c").ok());
  EXPECT_FALSE(InKeyOrder(batch, families).has_value());
  rocksdb::WriteBatch with_log_data;
  ASSERT_TRUE(with_log_data.Put(families.meta, "b", "1").ok());
  ASSERT_TRUE(with_log_data.PutLogData("note").ok());
  EXPECT_FALSE(InKeyOrder(with_log_data, families).has_value());
  Close(db);
}

}  // namespace
}  // namespace sx::storage
