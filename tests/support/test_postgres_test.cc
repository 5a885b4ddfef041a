// TestPostgres starts a real server with the settings tests rely on, gives
// each test a database of its own, and survives a kill with what was
// committed.
#include "tests/support/test_postgres.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/support/read_file.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {
namespace {

std::string Query(const std::string& conninfo, const std::string& sql) {
  absl::StatusOr<std::string> rows = RunPsql(conninfo, sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
  return rows.ok() ? *rows : "";
}

TEST(TestPostgresTest, SharedServerIsOneServerForTheProcess) {
  TestPostgres& server = TestPostgres::Shared();
  EXPECT_EQ(&server, &TestPostgres::Shared());
  EXPECT_GT(server.port(), 0);
  const std::string conninfo = server.ConnInfo("postgres");
  EXPECT_EQ(Query(conninfo, "SHOW fsync"), "off\n");
  EXPECT_EQ(Query(conninfo, "SHOW full_page_writes"), "off\n");
  // Left alone: the store sets its own.
  EXPECT_EQ(Query(conninfo, "SHOW synchronous_commit"), "on\n");
  EXPECT_EQ(Query(conninfo, "SHOW data_checksums"), "on\n");
  EXPECT_EQ(Query(conninfo, "SHOW max_connections"), "200\n");
  EXPECT_EQ(Query(conninfo, "SHOW listen_addresses"), "127.0.0.1\n");
  EXPECT_EQ(Query(conninfo, "SHOW server_encoding"), "UTF8\n");
  EXPECT_TRUE(absl::StartsWith(Query(conninfo, "SHOW server_version"), "15"));
}

TEST(TestPostgresTest, NewDatabasesAreEmptyAndApart) {
  TestPostgres& server = TestPostgres::Shared();
  const std::string first = server.NewDatabase();
  const std::string second = server.NewDatabase();
  ASSERT_NE(first, second);
  EXPECT_TRUE(absl::StartsWith(
      first, absl::StrCat("host=127.0.0.1 port=", server.port(), " dbname=")))
      << first;
  EXPECT_TRUE(absl::EndsWith(first, " user=sxtest connect_timeout=5")) << first;
  EXPECT_EQ(Query(first, "SELECT 1"), "1\n");
  EXPECT_EQ(Query(second, "SELECT 1"), "1\n");

  Query(first, "CREATE TABLE mine (id int); INSERT INTO mine VALUES (7)");
  EXPECT_EQ(Query(first, "SELECT id FROM mine"), "7\n");
  EXPECT_EQ(Query(second,
                  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
            "0\n");
  EXPECT_FALSE(RunPsql(second, "SELECT id FROM mine").ok());
}

TEST(TestPostgresTest, ErrorsAreReported) {
  const std::string conninfo = TestPostgres::Shared().NewDatabase();
  absl::StatusOr<std::string> bad = RunPsql(conninfo, "SELECT nonsense(");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "syntax error"))
      << bad.status();
}

TEST(TestPostgresTest, KilledServerRestartsWithWhatWasCommitted) {
  TestPostgresOptions options;
  options.fsync = true;
  std::unique_ptr<TestPostgres> server = TestPostgres::Start(options);
  ASSERT_NE(server->port(), TestPostgres::Shared().port());
  const std::string conninfo = server->NewDatabase();
  EXPECT_EQ(Query(conninfo, "SHOW fsync"), "on\n");
  Query(conninfo,
        "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)");
  const int port = server->port();

  server->Kill();
  absl::StatusOr<std::string> while_down = RunPsql(conninfo, "SELECT 1");
  ASSERT_FALSE(while_down.ok());
  EXPECT_EQ(while_down.status().code(), absl::StatusCode::kUnavailable)
      << while_down.status();

  server->Restart();
  EXPECT_EQ(server->port(), port);
  EXPECT_EQ(Query(conninfo, "SELECT 1"), "1\n");
  EXPECT_EQ(Query(conninfo, "SELECT sum(id) FROM kept"), "3\n");
  // And once more: recovery after recovery.
  server->Kill();
  server->Restart();
  EXPECT_EQ(Query(conninfo, "SELECT count(*) FROM kept"), "2\n");
}

// A failover by hand: the primary killed, its synchronous standby
// promoted, and a new standby of that one on the dead primary's port.
TEST(TestPostgresTest, SynchronousStandbyTakesOverWhenPromoted) {
  std::unique_ptr<TestPostgres> primary =
      TestPostgres::StartPrimary(TestPostgresOptions());
  EXPECT_EQ(
      Query(primary->ConnInfo("postgres"), "SHOW synchronous_standby_names"),
      "*\n");
  // Commits wait for a standby: the database comes once there is one.
  std::unique_ptr<TestPostgres> standby =
      TestPostgres::StartStandbyOf(*primary, TestPostgresOptions());
  // One database at two ports: the primary's now, the standby's next, and
  // then the first port's again (a new standby in the dead primary's place).
  const std::string at_first_port = primary->NewDatabase();
  Query(at_first_port, "CREATE TABLE kept (id int)");
  EXPECT_EQ(Query(primary->ConnInfo("postgres"),
                  "SELECT state, sync_state FROM pg_stat_replication"),
            "streaming|sync\n");
  // remote_apply: the commit returns once the standby shows it.
  Query(at_first_port,
        "SET synchronous_commit = remote_apply; INSERT INTO kept VALUES (1)");
  const std::string at_second_port = absl::StrReplaceAll(
      at_first_port, {{absl::StrCat("port=", primary->port()),
                       absl::StrCat("port=", standby->port())}});
  ASSERT_NE(at_second_port, at_first_port);
  EXPECT_EQ(Query(at_second_port, "SELECT pg_is_in_recovery()"), "t\n");
  EXPECT_EQ(Query(at_second_port, "SELECT sum(id) FROM kept"), "1\n");
  absl::StatusOr<std::string> refused =
      RunPsql(at_second_port, "INSERT INTO kept VALUES (5)");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "read-only"))
      << refused.status();
  // Acknowledged on the primary: so on the standby too, applied or not.
  Query(at_first_port, "INSERT INTO kept VALUES (2)");

  const int dead_port = primary->port();
  primary->Kill();
  primary.reset();
  standby->Promote();
  EXPECT_EQ(Query(at_second_port, "SELECT pg_is_in_recovery()"), "f\n");
  EXPECT_EQ(Query(at_second_port, "SELECT sum(id) FROM kept"), "3\n");
  // Its commits wait for a synchronous standby of its own: this one, in
  // the old primary's place.
  TestPostgresOptions in_its_place;
  in_its_place.port = dead_port;
  std::unique_ptr<TestPostgres> next =
      TestPostgres::StartStandbyOf(*standby, in_its_place);
  EXPECT_EQ(next->port(), dead_port);
  Query(at_second_port,
        "SET synchronous_commit = remote_apply; INSERT INTO kept VALUES (4)");
  EXPECT_EQ(Query(at_first_port, "SELECT pg_is_in_recovery()"), "t\n");
  EXPECT_EQ(Query(at_first_port, "SELECT sum(id) FROM kept"), "7\n");
}

TEST(TestPostgresTest, DestructorRemovesTheDirectory) {
  std::string directory;
  {
    std::unique_ptr<TestPostgres> server =
        TestPostgres::Start(TestPostgresOptions());
    directory = server->directory();
    EXPECT_TRUE(std::filesystem::exists(directory + "/data/PG_VERSION"));
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
}

// A test binary that dies without running destructors leaves no server
// running and no directory behind: the watchdog cleans up.
TEST(TestPostgresTest, ServerOfAnAbortedProcessIsStoppedAndRemoved) {
  TempDir scratch;
  const std::string told = scratch.Sub("server");
  EXPECT_DEATH(
      {
        std::unique_ptr<TestPostgres> server =
            TestPostgres::Start(TestPostgresOptions());
        std::ofstream(told) << server->directory() << " " << server->port();
        std::abort();
      },
      "");
  std::string directory;
  int port = 0;
  std::ifstream(told) >> directory >> port;
  ASSERT_FALSE(directory.empty());
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::filesystem::exists(directory) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
  absl::StatusOr<std::string> after =
      RunPsql(absl::StrCat("host=127.0.0.1 port=", port,
                           " dbname=postgres user=sxtest connect_timeout=5"),
              "SELECT 1");
  EXPECT_FALSE(after.ok());
}

}  // namespace
}  // namespace sx::testing
