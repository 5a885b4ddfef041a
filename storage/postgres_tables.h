// The tables the PostgreSQL store writes, described once: their columns,
// keys and what a second write of a key does, and from that the three
// statements the writer needs of each (postgres_schema.cc creates them).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "storage/postgres_connection.h"

namespace sx::storage {

enum class PgTable {
  kHubSettings,
  kReferrals,
  kLeads,
  kReferralParties,
  kRequests,
  kEvents,
  kEventAgencies,
  kEventChainHead,
  kMerkleNodes,
  kInboxSequences,
  kInboxEntries,
  kDeadLetters,
  kDeadlines,
  kDistributions,
  kRectificationItems,
  kWatchList,
  kReferralIndex,
  kSigningCertificates,
};
inline constexpr int kPgTableCount = 18;

// A row as sent: one value per column, in the table's column order.
using PgRow = std::vector<PgField>;

struct PgColumn {
  const char* name;
  PgType type;
  // Where the column's type is not the type sent (a time sent as Unix
  // seconds): SQL that turns the value sent, written `$v`, into the
  // column's, and SQL that turns the column, `$v`, back.
  const char* to_column = nullptr;
  const char* from_column = nullptr;
};

// What writing a key that is already stored does.
enum class PgOnConflict {
  kUpdate,  // the row is replaced
  kIgnore,  // the stored row stays: the key says all there is
  kFail,    // a bug: the statement fails (an append-only table)
};

struct PgTableSpec {
  const char* name;
  std::vector<PgColumn> columns;  // the key's first
  size_t key_columns;
  PgOnConflict on_conflict;
};

const PgTableSpec& SpecOf(PgTable table);

// Writes every row of the array parameters, one array per column.
const std::string& UpsertSql(PgTable table);
// Deletes the rows whose keys are in the array parameters, one per key
// column.
const std::string& DeleteSql(PgTable table);
// The columns after the key of the row whose key is $1, $2, ...
const std::string& SelectSql(PgTable table);

// The array parameters of UpsertSql (`columns` = every column) or
// DeleteSql (`columns` = the key's) for `rows`: one array per column.
PgParams ArraysOf(PgTable table, size_t columns,
                  const std::vector<const PgRow*>& rows);

}  // namespace sx::storage
