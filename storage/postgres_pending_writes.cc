#include "storage/postgres_pending_writes.h"

#include "absl/strings/str_cat.h"

namespace sx::storage {
namespace {

// The map key of a row: its key columns, each framed so that no two keys
// run together ("a" + "bc" is not "ab" + "c").
std::string MapKey(const PgTableSpec& spec, const PgRow& row) {
  std::string key;
  for (size_t i = 0; i < spec.key_columns; ++i) {
    if (const auto* text = std::get_if<std::string>(&row[i])) {
      absl::StrAppend(&key, text->size(), ":", *text, ";");
    } else {
      absl::StrAppend(&key, std::get<int64_t>(row[i]), ";");
    }
  }
  return key;
}

}  // namespace

const PgPendingWrites::Entry* PgPendingWrites::Find(PgTable table,
                                                    const PgRow& key) const {
  const Rows& rows = tables_[static_cast<int>(table)];
  const auto found = rows.find(MapKey(SpecOf(table), key));
  return found == rows.end() ? nullptr : &found->second;
}

void PgPendingWrites::Put(PgTable table, PgRow row) {
  std::string key = MapKey(SpecOf(table), row);
  tables_[static_cast<int>(table)][std::move(key)] = {false, std::move(row)};
}

void PgPendingWrites::Delete(PgTable table, PgRow key) {
  const PgTableSpec& spec = SpecOf(table);
  key.resize(spec.key_columns);
  std::string map_key = MapKey(spec, key);
  tables_[static_cast<int>(table)][std::move(map_key)] = {true, std::move(key)};
}

void PgPendingWrites::AddToCounters(
    const std::vector<std::pair<std::string, int64_t>>& deltas) {
  for (const auto& [key, delta] : deltas) counter_deltas_[key] += delta;
}

void PgPendingWrites::Absorb(PgPendingWrites&& later) {
  for (int table = 0; table < kPgTableCount; ++table) {
    Rows& rows = tables_[table];
    if (rows.empty()) {
      rows = std::move(later.tables_[table]);
      continue;
    }
    for (auto& [key, entry] : later.tables_[table]) {
      rows[key] = std::move(entry);
    }
  }
  for (const auto& [key, delta] : later.counter_deltas_) {
    counter_deltas_[key] += delta;
  }
}

void PgPendingWrites::AbsorbTable(PgTable table, const PgPendingWrites& later) {
  for (const auto& [key, entry] : later.tables_[static_cast<int>(table)]) {
    tables_[static_cast<int>(table)][key] = entry;
  }
}

size_t PgPendingWrites::RowsOf(PgTable table) const {
  return tables_[static_cast<int>(table)].size();
}

void PgPendingWrites::ClearTable(PgTable table) {
  tables_[static_cast<int>(table)].clear();
}

bool PgPendingWrites::empty() const {
  for (const Rows& rows : tables_) {
    if (!rows.empty()) return false;
  }
  return counter_deltas_.empty();
}

std::vector<PgStatement> PgPendingWrites::Statements() const {
  std::vector<PgStatement> statements;
  for (int table = 0; table < kPgTableCount; ++table) {
    const auto kind = static_cast<PgTable>(table);
    const PgTableSpec& spec = SpecOf(kind);
    std::vector<const PgRow*> deleted;
    std::vector<const PgRow*> written;
    for (const auto& [key, entry] : tables_[table]) {
      (entry.deleted ? deleted : written).push_back(&entry.row);
    }
    // Each key is in one of the two: the order between them is free.
    if (!deleted.empty()) {
      statements.push_back({absl::StrCat("delete from ", spec.name),
                            DeleteSql(kind),
                            ArraysOf(kind, spec.key_columns, deleted)});
    }
    if (!written.empty()) {
      statements.push_back({absl::StrCat("write ", spec.name), UpsertSql(kind),
                            ArraysOf(kind, spec.columns.size(), written)});
    }
  }
  std::vector<PgField> keys;
  std::vector<PgField> sums;
  for (const auto& [key, sum] : counter_deltas_) {
    keys.emplace_back(key);
    sums.emplace_back(sum);
  }
  if (!keys.empty()) {
    std::vector<const PgField*> key_values;
    std::vector<const PgField*> sum_values;
    for (size_t i = 0; i < keys.size(); ++i) {
      key_values.push_back(&keys[i]);
      sum_values.push_back(&sums[i]);
    }
    PgParams params;
    params.Array(PgType::kBytes, key_values).Array(PgType::kInt, sum_values);
    statements.push_back(
        {"add to counters",
         "INSERT INTO counters (key, value) SELECT * FROM "
         "unnest($1::bytea[], $2::bigint[]) ON CONFLICT (key) DO UPDATE "
         "SET value = counters.value + EXCLUDED.value",
         std::move(params)});
  }
  return statements;
}

}  // namespace sx::storage
