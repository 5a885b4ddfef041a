#include "storage/group_batch.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {
namespace {

class GroupBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("db"), &raw).ok());
    db_.reset(raw);
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "stored", "in the db").ok());
  }

  std::optional<std::string> Get(GroupBatch& batch, const std::string& key) {
    auto value = batch.Get(*db_, db_->DefaultColumnFamily(), key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : std::nullopt;
  }

  rocksdb::ColumnFamilyHandle* cf() { return db_->DefaultColumnFamily(); }

  sx::testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

TEST_F(GroupBatchTest, ReadsSeeTheGroupsLatestWriteOverTheDatabase) {
  GroupBatch batch;
  EXPECT_EQ(Get(batch, "stored"), "in the db");
  EXPECT_EQ(Get(batch, "new"), std::nullopt);
  ASSERT_TRUE(batch.Put(cf(), "new", "one").ok());
  ASSERT_TRUE(batch.Put(cf(), "new", "two").ok());
  ASSERT_TRUE(batch.Delete(cf(), "stored").ok());
  EXPECT_EQ(Get(batch, "new"), "two");
  EXPECT_EQ(Get(batch, "stored"), std::nullopt) << "deleted in the group";

  ASSERT_TRUE(db_->Write(rocksdb::WriteOptions(), &batch.write_batch()).ok());
  std::string value;
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "new", &value).ok());
  EXPECT_EQ(value, "two");
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "stored", &value).IsNotFound());
}

TEST_F(GroupBatchTest, RollbackUndoesOnlyTheWritesSinceTheSavePoint) {
  GroupBatch batch;
  batch.SetSavePoint();
  ASSERT_TRUE(batch.Put(cf(), "kept", "first body").ok());
  ASSERT_TRUE(batch.Put(cf(), "shared", "first body").ok());
  ASSERT_TRUE(batch.PopSavePoint().ok());
  const uint32_t kept_count = batch.write_batch().Count();

  batch.SetSavePoint();
  ASSERT_TRUE(batch.Put(cf(), "shared", "failed body").ok());
  ASSERT_TRUE(batch.Put(cf(), "shared", "failed body again").ok());
  ASSERT_TRUE(batch.Put(cf(), "fresh", "failed body").ok());
  ASSERT_TRUE(batch.Delete(cf(), "stored").ok());
  ASSERT_TRUE(batch.RollbackToSavePoint().ok());

  EXPECT_EQ(batch.write_batch().Count(), kept_count);
  EXPECT_EQ(Get(batch, "kept"), "first body");
  EXPECT_EQ(Get(batch, "shared"), "first body");
  EXPECT_EQ(Get(batch, "fresh"), std::nullopt);
  EXPECT_EQ(Get(batch, "stored"), "in the db");

  ASSERT_TRUE(db_->Write(rocksdb::WriteOptions(), &batch.write_batch()).ok());
  std::string value;
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "shared", &value).ok());
  EXPECT_EQ(value, "first body");
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "fresh", &value).IsNotFound());
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "stored", &value).ok());
}

TEST_F(GroupBatchTest, KeysOfDifferentColumnFamiliesDoNotMix) {
  rocksdb::ColumnFamilyHandle* other = nullptr;
  ASSERT_TRUE(
      db_->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "other", &other)
          .ok());
  {
    GroupBatch batch;
    ASSERT_TRUE(batch.Put(other, "stored", "in other").ok());
    EXPECT_EQ(Get(batch, "stored"), "in the db");
    auto in_other = batch.Get(*db_, other, "stored");
    ASSERT_TRUE(in_other.ok());
    EXPECT_EQ(*in_other, "in other");
  }
  ASSERT_TRUE(db_->DestroyColumnFamilyHandle(other).ok());
}

}  // namespace
}  // namespace sx::storage
