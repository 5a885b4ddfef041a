// The writes of a transaction body, or of a whole commit group, kept in
// memory until the group commits: the last value of each row written (or
// that it was deleted), and the sums added to counters. A body that fails
// is simply dropped; the group becomes a few multi-row statements sent in
// one round trip (PgConnection::RunTransaction).
//
// The writer also keeps one as a cache of rows it knows the committed
// value of (PostgresWriter): it is the only writer of the database.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "storage/postgres_connection.h"
#include "storage/postgres_tables.h"

namespace sx::storage {

// Not thread-safe.
class PgPendingWrites {
 public:
  struct Entry {
    bool deleted = false;
    // Every column; only the key's for a deleted row.
    PgRow row;
  };

  // What this set last wrote under the key of `key` (its first columns
  // are the key's; more are ignored), or nullptr if it did not write it.
  const Entry* Find(PgTable table, const PgRow& key) const;
  void Put(PgTable table, PgRow row);
  void Delete(PgTable table, PgRow key);
  void AddToCounters(const std::vector<std::pair<std::string, int64_t>>& deltas);

  // Takes `later`'s writes: where both wrote a row, `later`'s stands.
  void Absorb(PgPendingWrites&& later);
  // Takes `later`'s rows of `table` only (the counters are not taken).
  void AbsorbTable(PgTable table, const PgPendingWrites& later);
  size_t RowsOf(PgTable table) const;
  void ClearTable(PgTable table);
  bool empty() const;

  // The statements that write these changes: per table, one DELETE and one
  // INSERT of all its rows, and one for the counters.
  std::vector<PgStatement> Statements() const;

 private:
  using Rows = absl::btree_map<std::string, Entry>;

  std::array<Rows, kPgTableCount> tables_;
  std::map<std::string, int64_t> counter_deltas_;
};

}  // namespace sx::storage
