#include "storage/postgres_pending_writes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sx::storage {
namespace {


PgRow Setting(const std::string& key, const std::string& value) {
  return {key, value};
}

std::string ValueOf(const PgPendingWrites& writes, const std::string& key) {
  const PgPendingWrites::Entry* entry =
      writes.Find(PgTable::kHubSettings, {key});
  if (entry == nullptr) return "<not written>";
  if (entry->deleted) return "<deleted>";
  return std::get<std::string>(entry->row[1]);
}

std::vector<std::string> WhatOf(const std::vector<PgStatement>& statements) {
  std::vector<std::string> what;
  for (const PgStatement& statement : statements) {
    what.push_back(statement.what);
  }
  return what;
}

TEST(PgPendingWritesTest, TheLastWriteOfARowStands) {
  PgPendingWrites writes;
  writes.Put(PgTable::kHubSettings, Setting("counter", "1"));
  writes.Put(PgTable::kHubSettings, Setting("counter", "2"));
  EXPECT_EQ(ValueOf(writes, "counter"), "2");
  writes.Delete(PgTable::kHubSettings, {std::string("counter")});
  EXPECT_EQ(ValueOf(writes, "counter"), "<deleted>");
  writes.Put(PgTable::kHubSettings, Setting("counter", "3"));
  EXPECT_EQ(ValueOf(writes, "counter"), "3");
  EXPECT_EQ(ValueOf(writes, "other"), "<not written>");
}

TEST(PgPendingWritesTest, KeysOfSeveralColumnsDoNotRunTogether) {
  PgPendingWrites writes;
  writes.Put(PgTable::kRequests,
             {std::string("a"), std::string("bc"), std::string("first")});
  writes.Put(PgTable::kRequests,
             {std::string("ab"), std::string("c"), std::string("second")});
  EXPECT_EQ(writes.RowsOf(PgTable::kRequests), 2u);
  const PgPendingWrites::Entry* first =
      writes.Find(PgTable::kRequests, {std::string("a"), std::string("bc")});
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(std::get<std::string>(first->row[2]), "first");
}

TEST(PgPendingWritesTest, IntegerAndTextKeysAreTheirOwn) {
  PgPendingWrites writes;
  writes.Put(PgTable::kInboxEntries, {std::string("agency"), int64_t{1},
                                      int64_t{7}, std::string("entry")});
  EXPECT_NE(writes.Find(PgTable::kInboxEntries,
                        {std::string("agency"), int64_t{1}}),
            nullptr);
  EXPECT_EQ(writes.Find(PgTable::kInboxEntries,
                        {std::string("agency"), int64_t{2}}),
            nullptr);
  // A key's later columns are not part of it.
  EXPECT_NE(writes.Find(PgTable::kInboxEntries,
                        {std::string("agency"), int64_t{1}, int64_t{99}}),
            nullptr);
}

TEST(PgPendingWritesTest, AbsorbingALaterSetKeepsItsWritesAndAddsCounters) {
  PgPendingWrites group;
  group.Put(PgTable::kHubSettings, Setting("kept", "group"));
  group.Put(PgTable::kHubSettings, Setting("replaced", "group"));
  group.AddToCounters({{"depth", 2}});
  PgPendingWrites body;
  body.Put(PgTable::kHubSettings, Setting("replaced", "body"));
  body.Delete(PgTable::kHubSettings, {std::string("gone")});
  body.AddToCounters({{"depth", -1}, {"other", 5}});
  group.Absorb(std::move(body));
  EXPECT_EQ(ValueOf(group, "kept"), "group");
  EXPECT_EQ(ValueOf(group, "replaced"), "body");
  EXPECT_EQ(ValueOf(group, "gone"), "<deleted>");
  const std::vector<PgStatement> statements = group.Statements();
  EXPECT_EQ(WhatOf(statements),
            (std::vector<std::string>{"delete from hub_settings",
                                      "write hub_settings",
                                      "add to counters"}));
}

TEST(PgPendingWritesTest, NothingWrittenMakesNoStatement) {
  PgPendingWrites writes;
  EXPECT_TRUE(writes.empty());
  EXPECT_TRUE(writes.Statements().empty());
  writes.AddToCounters({{"depth", 1}});
  EXPECT_FALSE(writes.empty());
}

TEST(PgPendingWritesTest, EachTableIsOneDeleteAndOneInsertWhateverTheRows) {
  PgPendingWrites writes;
  for (int i = 0; i < 100; ++i) {
    writes.Put(PgTable::kEvents,
               {int64_t{i + 1}, std::string("r"), int64_t{1}, int64_t{0},
                int64_t{0}, std::string("bytes")});
  }
  const std::vector<PgStatement> statements = writes.Statements();
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].what, "write events");
  // Append-only: a second write of a sequence is an error, not an update.
  EXPECT_NE(statements[0].sql.find("unnest($1::bigint[]"), std::string::npos);
  EXPECT_EQ(statements[0].sql.find("ON CONFLICT"), std::string::npos);
}

TEST(PgPendingWritesTest, AbsorbingOneTableLeavesTheOthersAndTheCounters) {
  PgPendingWrites known;
  PgPendingWrites committed;
  committed.Put(PgTable::kHubSettings, Setting("counter", "9"));
  committed.Put(PgTable::kRequests,
                {std::string("caller"), std::string("id"), std::string("r")});
  committed.AddToCounters({{"depth", 1}});
  known.AbsorbTable(PgTable::kHubSettings, committed);
  EXPECT_EQ(ValueOf(known, "counter"), "9");
  EXPECT_EQ(known.RowsOf(PgTable::kRequests), 0u);
  EXPECT_EQ(WhatOf(known.Statements()),
            std::vector<std::string>{"write hub_settings"});
  known.ClearTable(PgTable::kHubSettings);
  EXPECT_TRUE(known.empty());
}

}  // namespace
}  // namespace sx::storage
