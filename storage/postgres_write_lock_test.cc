// Hubs sharing one PostgreSQL database take turns at writing: a store opens
// only once it holds the database's write lock, a standby takes over when
// the active store's session is gone, the event chain goes on as one
// history, and a store whose lock was taken while it was disconnected never
// writes again.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store.h"
#include "tests/support/test_postgres.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

// One event on `referral_id`; its sequence, or 0 if the write failed.
absl::StatusOr<uint64_t> AppendOneEvent(Store& store,
                                        const std::string& referral_id) {
  uint64_t sequence = 0;
  SX_RETURN_IF_ERROR(store.ApplyAndWait([&](Transaction& txn) -> absl::Status {
    v1::Event event;
    event.set_type(v1::EVENT_TYPE_SUBMITTED);
    event.set_referral_id(referral_id);
    SX_ASSIGN_OR_RETURN(v1::Event stored, txn.AppendEvent(event, {"a"}));
    sequence = stored.sequence();
    return absl::OkStatus();
  }));
  return sequence;
}

class PostgresWriteLockTest : public ::testing::Test {
 protected:
  PostgresStoreOptions Options(const std::string& id_prefix) {
    PostgresStoreOptions options;
    options.conninfo = conninfo_;
    options.id_prefix = id_prefix;
    options.report_waiting_every = absl::Milliseconds(100);
    return options;
  }

  // Opens a store on another thread; `opened` is notified once it is.
  std::thread OpenLater(PostgresStoreOptions options,
                        std::unique_ptr<Store>& store,
                        absl::Notification& opened) {
    return std::thread([options, &store, &opened] {
      absl::StatusOr<std::unique_ptr<Store>> result =
          OpenPostgresStore(options);
      EXPECT_TRUE(result.ok()) << result.status();
      if (result.ok()) store = *std::move(result);
      opened.Notify();
    });
  }

  // Ends the session that holds the write lock, as a dropped network
  // connection or a killed backend would.
  void TerminateTheWriteLockHolder() {
    absl::StatusOr<std::string> terminated = sx::testing::RunPsql(
        conninfo_,
        "SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE "
        "l.locktype = 'advisory' AND l.granted AND l.objid::bigint = "
        "x'73786877'::bigint");
    ASSERT_TRUE(terminated.ok()) << terminated.status();
    ASSERT_TRUE(absl::StrContains(*terminated, "t")) << *terminated;
  }

  const std::string conninfo_ =
      sx::testing::TestPostgres::Shared().NewDatabase();
};

TEST_F(PostgresWriteLockTest, AStandbyWaitsAndCarriesTheChainOnAfterTakeover) {
  absl::StatusOr<std::unique_ptr<Store>> active =
      OpenPostgresStore(Options("a"));
  ASSERT_TRUE(active.ok()) << active.status();
  ASSERT_EQ(AppendOneEvent(**active, "a-1").value_or(0), 1u);

  absl::Mutex mu;
  std::string holder_seen;
  PostgresStoreOptions standby_options = Options("b");
  standby_options.on_waiting_for_write_lock = [&](const std::string& holder) {
    absl::MutexLock lock(&mu);
    holder_seen = holder;
  };
  std::unique_ptr<Store> standby;
  absl::Notification standby_opened;
  std::thread opening = OpenLater(standby_options, standby, standby_opened);

  // The standby says whom it waits for, and keeps waiting while the active
  // store goes on writing.
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::string* seen) { return !seen->empty(); }, &holder_seen),
        absl::Seconds(20)));
    EXPECT_TRUE(absl::StrContains(holder_seen, "sxhub a on ")) << holder_seen;
  }
  EXPECT_EQ(AppendOneEvent(**active, "a-2").value_or(0), 2u);
  EXPECT_FALSE(standby_opened.HasBeenNotified());

  active->reset();  // the active hub is gone: its session with it
  ASSERT_TRUE(standby_opened.WaitForNotificationWithTimeout(absl::Seconds(20)));
  opening.join();
  ASSERT_NE(standby, nullptr);
  // One history: the next sequence, chained to the active store's last.
  EXPECT_EQ(AppendOneEvent(*standby, "b-1").value_or(0), 3u);
  absl::StatusOr<std::string> second = standby->ReadEventBytes(2);
  ASSERT_TRUE(second.ok()) << second.status();
  absl::StatusOr<std::vector<v1::Event>> third = standby->ReadEvents(3, 1);
  ASSERT_TRUE(third.ok() && third->size() == 1u);
  EXPECT_EQ((*third)[0].previous_event_sha256(), Sha256(*second));
  EXPECT_TRUE(standby->VerifyEventChain().ok());
}

TEST_F(PostgresWriteLockTest, AStoreWhoseLockWasTakenNeverWritesAgain) {
  std::atomic<int> lost{0};
  PostgresStoreOptions active_options = Options("a");
  active_options.on_write_lock_lost = [&lost](const absl::Status&) {
    ++lost;
  };
  absl::StatusOr<std::unique_ptr<Store>> active =
      OpenPostgresStore(active_options);
  ASSERT_TRUE(active.ok()) << active.status();
  ASSERT_EQ(AppendOneEvent(**active, "a-1").value_or(0), 1u);

  std::unique_ptr<Store> standby;
  absl::Notification standby_opened;
  std::thread opening = OpenLater(Options("b"), standby, standby_opened);
  ASSERT_NO_FATAL_FAILURE(TerminateTheWriteLockHolder());
  ASSERT_TRUE(standby_opened.WaitForNotificationWithTimeout(absl::Seconds(20)));
  opening.join();
  ASSERT_NE(standby, nullptr);

  // The first write finds the connection gone (UNAVAILABLE); the next
  // connects again, finds the lock taken, and gives up for good.
  for (int attempt = 0; attempt < 20 && lost.load() == 0; ++attempt) {
    const absl::StatusOr<uint64_t> refused = AppendOneEvent(**active, "a-x");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable)
        << refused.status();
    absl::SleepFor(absl::Milliseconds(300));  // past the reconnect pause
  }
  EXPECT_EQ(lost.load(), 1);
  standby.reset();  // even with the lock free again
  const absl::StatusOr<uint64_t> still_refused =
      AppendOneEvent(**active, "a-y");
  EXPECT_EQ(still_refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(still_refused.status().message(),
                                "another hub took the database's write lock"))
      << still_refused.status();
  EXPECT_EQ(lost.load(), 1);

  // Nothing the refused store tried was written.
  absl::StatusOr<std::unique_ptr<Store>> reader =
      OpenPostgresStore(Options("c"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->EventCount().value_or(0), 1u);
}

}  // namespace
}  // namespace sx::storage
