// The event indexes of the RocksDB store when a data directory of an earlier
// release is opened: rebuilt at open from what that release wrote. What the
// audit queries answer, for every backend, is tested in
// store_conformance_test.cc.
#include "storage/event_query.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/counter_merge.h"
#include "storage/keys.h"
#include "sx/base/status_macros.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

using Sequences = std::vector<uint64_t>;

constexpr int kSubmitted = v1::EVENT_TYPE_SUBMITTED;
constexpr int kAccepted = v1::EVENT_TYPE_ACCEPTED;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

class EventQueryTest : public ::testing::Test {
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

  // Appends one event and returns it as stored.
  v1::Event Append(const std::string& referral_id, int type, absl::Time time,
                   const std::vector<std::string>& agencies) {
    v1::Event stored;
    absl::Status status = store_->ApplyAndWait([&](Transaction& txn) {
      v1::Event event;
      event.set_referral_id(referral_id);
      event.set_type(static_cast<v1::EventType>(type));
      event.mutable_time()->set_seconds(absl::ToUnixSeconds(time));
      SX_ASSIGN_OR_RETURN(stored, txn.AppendEvent(event, agencies));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return stored;
  }

  Sequences Query(const EventFilter& filter, uint64_t after = 0,
                  size_t limit = 100) {
    auto sequences = store_->QueryEvents(filter, after, limit);
    EXPECT_TRUE(sequences.ok()) << sequences.status();
    return sequences.ok() ? *sequences : Sequences{};
  }

  // Opens the database behind the store's back (the store closed).
  std::unique_ptr<rocksdb::DB> OpenRaw(
      std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
    store_.reset();
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir_.Sub("db"), &names)
                    .ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      rocksdb::ColumnFamilyOptions options;
      if (name == keys::kCounters) {
        options.merge_operator = NewCounterMergeOperator();
      }
      descriptors.emplace_back(name, options);
    }
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.Sub("db"),
                                  descriptors, &handles, &raw)
                    .ok());
    return std::unique_ptr<rocksdb::DB>(raw);
  }

  sx::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

EventFilter Agency(const std::string& agency_id, int type = 0) {
  EventFilter filter;
  filter.agency_id = agency_id;
  filter.type = type;
  return filter;
}

EventFilter Between(absl::Time from, absl::Time to, int type = 0) {
  EventFilter filter;
  filter.time_from = from;
  filter.time_to = to;
  filter.type = type;
  return filter;
}

// What the release before this one wrote: agency entries instead of
// agency-and-type entries, no rule recorded, a head without the time, and (its
// clock stepped back) an event whose time is before its predecessor's. Made
// from a current directory by taking those away and rewriting one event's time.
TEST_F(EventQueryTest, ADirectoryOfTheReleaseBeforeIsIndexedAtOpen) {
  Append("r1", kSubmitted, At(10), {"a", "b"});  // 1
  Append("r1", kAccepted, At(20), {"b", "a"});   // 2
  Append("r2", kSubmitted, At(30), {"a", "c"});  // 3
  {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::unique_ptr<rocksdb::DB> db = OpenRaw(handles);
    ASSERT_NE(db, nullptr);
    auto family = [&](const std::string& name) {
      for (rocksdb::ColumnFamilyHandle* handle : handles) {
        if (handle->GetName() == name) return handle;
      }
      return handles[0];
    };
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), family(keys::kEventIndex)));
    // The older release's agency entries: 'A' <agency> \0 <seq>, where
    // this one writes 'G' <agency> \0 <type> <seq>.
    for (it->Seek("G"); it->Valid() && it->key().starts_with("G"); it->Next()) {
      const std::string key = it->key().ToString();
      const std::string agency = key.substr(1, key.find('\0') - 1);
      ASSERT_TRUE(batch
                      .Put(family(keys::kEventIndex),
                           "A" + agency + std::string(1, '\0') +
                               key.substr(key.size() - 8),
                           "")
                      .ok());
      ASSERT_TRUE(batch.Delete(family(keys::kEventIndex), it->key()).ok());
    }
    it.reset();
    ASSERT_TRUE(batch.Delete(handles[0], keys::kEventIndexRuleKey).ok());
    std::string head;
    ASSERT_TRUE(
        db->Get(rocksdb::ReadOptions(), handles[0], keys::kEventHeadKey, &head)
            .ok());
    ASSERT_TRUE(
        batch.Put(handles[0], keys::kEventHeadKey, head.substr(0, 40)).ok());
    v1::Event third;
    std::string bytes;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), family(keys::kEvents),
                        keys::EncodeUint64(3), &bytes)
                    .ok());
    ASSERT_TRUE(third.ParseFromString(bytes));
    third.mutable_time()->set_seconds(5);
    ASSERT_TRUE(batch
                    .Put(family(keys::kEvents), keys::EncodeUint64(3),
                         third.SerializeAsString())
                    .ok());
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
  }
  Open();
  EXPECT_EQ(Query(Agency("a", kSubmitted)), (Sequences{1, 3}));
  EXPECT_EQ(Query(Agency("c", kSubmitted)), (Sequences{3}));
  // Times went back once in this history: each event's own time decides.
  EXPECT_EQ(Query(Between(At(0), At(7))), (Sequences{3}));
  EXPECT_EQ(Query(Between(At(10), At(20))), (Sequences{1, 2}));
  // New events follow the old head's last event (time 5, stored as is).
  const v1::Event next = Append("r2", kAccepted, At(1), {"c", "a"});
  EXPECT_EQ(next.sequence(), 4u);
  EXPECT_EQ(next.time().seconds(), 5);
  EXPECT_EQ(Query(Agency("a", kAccepted)), (Sequences{2, 4}));
  Open();
  EXPECT_EQ(Query(Agency("c")), (Sequences{3, 4}));
  // No agency entry is left behind.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::unique_ptr<rocksdb::DB> db = OpenRaw(handles);
  ASSERT_NE(db, nullptr);
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    if (handle->GetName() == keys::kEventIndex) {
      std::unique_ptr<rocksdb::Iterator> it(
          db->NewIterator(rocksdb::ReadOptions(), handle));
      it->Seek("A");
      EXPECT_TRUE(!it->Valid() || !it->key().starts_with("A"));
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
}

}  // namespace
}  // namespace sx::storage
