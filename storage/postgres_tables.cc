#include "storage/postgres_tables.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace sx::storage {
namespace {

using T = PgType;

const std::array<PgTableSpec, kPgTableCount>& Specs() {
  // In PgTable's order.
  static const auto* const specs = new std::array<PgTableSpec, kPgTableCount>{{
      {"hub_settings", {{"key", T::kText}, {"value", T::kBytes}}, 1,
       PgOnConflict::kUpdate},
      {"referrals",
       {{"referral_id", T::kText},
        {"sender_agency_id", T::kText},
        {"recipient_agency_id", T::kText},
        {"state", T::kInt},
        {"record", T::kBytes}},
       1,
       PgOnConflict::kUpdate},
      {"leads", {{"referral_id", T::kText}, {"record", T::kBytes}}, 1,
       PgOnConflict::kUpdate},
      // The parties as first written: a rerouted referral stays listed
      // for its first recipient too.
      {"referral_parties",
       {{"agency_id", T::kText}, {"side", T::kText}, {"referral_id", T::kText}},
       3,
       PgOnConflict::kIgnore},
      {"requests",
       {{"caller", T::kText}, {"request_id", T::kText}, {"record", T::kBytes}},
       2,
       PgOnConflict::kUpdate},
      {"events",
       {{"sequence", T::kInt},
        {"referral_id", T::kText},
        {"type", T::kInt},
        {"occurred_at", T::kInt, "to_timestamp($v / 1e9)", nullptr},
        {"time_nanos", T::kInt},
        {"bytes", T::kBytes}},
       1,
       PgOnConflict::kFail},
      {"event_agencies",
       {{"agency_id", T::kText}, {"sequence", T::kInt}, {"type", T::kInt}},
       2,
       PgOnConflict::kIgnore},
      {"event_chain_head",
       {{"only_row", T::kInt, "($v = 1)", "$v::integer::bigint"},
        {"sequence", T::kInt},
        {"sha256", T::kBytes},
        {"time_nanos", T::kInt}},
       1,
       PgOnConflict::kUpdate},
      {"merkle_nodes",
       {{"level", T::kInt}, {"position", T::kInt}, {"hash", T::kBytes}},
       2,
       PgOnConflict::kFail},
      {"inbox_sequences",
       {{"agency_id", T::kText}, {"last_sequence", T::kInt}},
       1,
       PgOnConflict::kUpdate},
      {"inbox_entries",
       {{"agency_id", T::kText},
        {"sequence", T::kInt},
        {"event_sequence", T::kInt},
        {"entry", T::kBytes}},
       2,
       PgOnConflict::kUpdate},
      {"dead_letters",
       {{"agency_id", T::kText},
        {"sequence", T::kInt},
        {"dead_lettered_at", T::kInt, "to_timestamp($v)",
         "extract(epoch FROM $v)::bigint"},
        {"record", T::kBytes}},
       2,
       PgOnConflict::kUpdate},
      // sort_key is the RocksDB store's key (due seconds first), so both
      // backends hand out deadlines in the same order; it names the rest.
      {"deadlines",
       {{"sort_key", T::kBytes},
        {"kind", T::kText},
        {"due", T::kInt, "to_timestamp($v)", "extract(epoch FROM $v)::bigint"},
        {"referral_id", T::kText},
        {"item_number", T::kInt}},
       1,
       PgOnConflict::kIgnore},
      {"distributions",
       {{"distribution_id", T::kText},
        {"sender_agency_id", T::kText},
        {"record", T::kBytes}},
       1,
       PgOnConflict::kUpdate},
      {"rectification_items",
       {{"referral_id", T::kText}, {"number", T::kInt}, {"record", T::kBytes}},
       2,
       PgOnConflict::kUpdate},
      {"watch_list", {{"key", T::kBytes}, {"value", T::kBytes}}, 1,
       PgOnConflict::kUpdate},
      {"referral_index", {{"key", T::kBytes}}, 1, PgOnConflict::kIgnore},
      // Kept by the SHA-256 of the DER itself: a key has one value.
      {"signing_certificates", {{"sha256", T::kText}, {"der", T::kBytes}}, 1,
       PgOnConflict::kIgnore},
  }};
  return *specs;
}

const char* ArrayType(PgType type) {
  switch (type) {
    case T::kText:
      return "text[]";
    case T::kBytes:
      return "bytea[]";
    case T::kInt:
      return "bigint[]";
  }
  return "";
}

const char* ScalarType(PgType type) {
  switch (type) {
    case T::kText:
      return "text";
    case T::kBytes:
      return "bytea";
    case T::kInt:
      return "bigint";
  }
  return "";
}

std::string Converted(const char* conversion, const std::string& value) {
  if (conversion == nullptr) return value;
  return absl::StrReplaceAll(conversion, {{"$v", value}});
}

// "unnest($1::text[], $2::bigint[]) AS v(a, b)" for the first `count`
// columns.
std::string Unnest(const PgTableSpec& spec, size_t count) {
  std::vector<std::string> arrays;
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i) {
    arrays.push_back(absl::StrCat("$", i + 1, "::", ArrayType(spec.columns[i].type)));
    names.push_back(spec.columns[i].name);
  }
  return absl::StrCat("unnest(", absl::StrJoin(arrays, ", "), ") AS v(",
                      absl::StrJoin(names, ", "), ")");
}

std::string MakeUpsertSql(const PgTableSpec& spec) {
  std::vector<std::string> names;
  std::vector<std::string> values;
  std::vector<std::string> updates;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const PgColumn& column = spec.columns[i];
    names.push_back(column.name);
    values.push_back(
        Converted(column.to_column, absl::StrCat("v.", column.name)));
    if (i >= spec.key_columns) {
      updates.push_back(
          absl::StrCat(column.name, " = EXCLUDED.", column.name));
    }
  }
  std::string sql = absl::StrCat(
      "INSERT INTO ", spec.name, " (", absl::StrJoin(names, ", "), ") SELECT ",
      absl::StrJoin(values, ", "), " FROM ", Unnest(spec, spec.columns.size()));
  const std::vector<std::string> keys(names.begin(),
                                      names.begin() + spec.key_columns);
  switch (spec.on_conflict) {
    case PgOnConflict::kUpdate:
      if (updates.empty()) return absl::StrCat(sql, " ON CONFLICT DO NOTHING");
      return absl::StrCat(sql, " ON CONFLICT (", absl::StrJoin(keys, ", "),
                          ") DO UPDATE SET ", absl::StrJoin(updates, ", "));
    case PgOnConflict::kIgnore:
      return absl::StrCat(sql, " ON CONFLICT DO NOTHING");
    case PgOnConflict::kFail:
      return sql;
  }
  return sql;
}

std::string MakeDeleteSql(const PgTableSpec& spec) {
  std::vector<std::string> matches;
  for (size_t i = 0; i < spec.key_columns; ++i) {
    const PgColumn& column = spec.columns[i];
    matches.push_back(
        absl::StrCat("t.", column.name, " = ",
                     Converted(column.to_column,
                               absl::StrCat("v.", column.name))));
  }
  return absl::StrCat("DELETE FROM ", spec.name, " AS t USING ",
                      Unnest(spec, spec.key_columns), " WHERE ",
                      absl::StrJoin(matches, " AND "));
}

std::string MakeSelectSql(const PgTableSpec& spec) {
  std::vector<std::string> values;
  std::vector<std::string> matches;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const PgColumn& column = spec.columns[i];
    if (i >= spec.key_columns) {
      values.push_back(Converted(column.from_column, column.name));
      continue;
    }
    matches.push_back(absl::StrCat(
        column.name, " = ",
        Converted(column.to_column,
                  absl::StrCat("$", i + 1, "::", ScalarType(column.type)))));
  }
  return absl::StrCat("SELECT ", absl::StrJoin(values, ", "), " FROM ",
                      spec.name, " WHERE ", absl::StrJoin(matches, " AND "));
}

struct Statements {
  std::string upsert;
  std::string remove;
  std::string select;
};

// Made once: the writer asks for them with every row it reads or writes.
const Statements& StatementsOf(PgTable table) {
  static const auto* const statements = [] {
    auto* made = new std::array<Statements, kPgTableCount>;
    for (int table = 0; table < kPgTableCount; ++table) {
      const PgTableSpec& spec = Specs()[table];
      (*made)[table] = {MakeUpsertSql(spec), MakeDeleteSql(spec),
                        MakeSelectSql(spec)};
    }
    return made;
  }();
  return (*statements)[static_cast<int>(table)];
}

}  // namespace

const PgTableSpec& SpecOf(PgTable table) {
  return Specs()[static_cast<int>(table)];
}

const std::string& UpsertSql(PgTable table) {
  return StatementsOf(table).upsert;
}

const std::string& DeleteSql(PgTable table) {
  return StatementsOf(table).remove;
}

const std::string& SelectSql(PgTable table) {
  return StatementsOf(table).select;
}

PgParams ArraysOf(PgTable table, size_t columns,
                  const std::vector<const PgRow*>& rows) {
  const PgTableSpec& spec = SpecOf(table);
  PgParams params;
  std::vector<const PgField*> values;
  for (size_t column = 0; column < columns; ++column) {
    values.clear();
    for (const PgRow* row : rows) values.push_back(&(*row)[column]);
    params.Array(spec.columns[column].type, values);
  }
  return params;
}

}  // namespace sx::storage
