// The PostgreSQL side of store_dump.h: the hub's tables read as dump
// records inside one transaction (REPEATABLE READ: one snapshot), and dump
// records written into empty tables in one transaction, with the columns
// the store keeps beside each record, the event agencies and the log's
// nodes as PostgresTransaction writes them.
#include "sx/storage/postgres_dump.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/dump_transfer.h"
#include "storage/event_time.h"
#include "storage/keys.h"
#include "storage/postgres_connection.h"
#include "storage/postgres_pending_writes.h"
#include "storage/postgres_records.h"
#include "storage/postgres_schema.h"
#include "storage/postgres_tables.h"
#include "storage/postgres_write_lock.h"
#include "supervision/v1/records.pb.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kBackend[] = "postgres";
// Rows per FETCH, and at most per INSERT.
constexpr int kRowsPerPage = 1000;
// An INSERT is sent once its parameters hold this many bytes.
constexpr size_t kBytesPerInsert = 8 << 20;

// Every table of the schema this release knows, but the migrations' own.
// A table beyond these was made by a later release: its rows could not be
// dumped, so the export refuses.
constexpr const char* kHubTables[] = {"hub_settings",
                                      "referrals",
                                      "leads",
                                      "referral_parties",
                                      "requests",
                                      "events",
                                      "event_agencies",
                                      "event_chain_head",
                                      "merkle_nodes",
                                      "inbox_sequences",
                                      "inbox_entries",
                                      "dead_letters",
                                      "deadlines",
                                      "distributions",
                                      "rectification_items",
                                      "counters",
                                      "watch_list",
                                      "referral_index",
                                      "signing_certificates"};

// The settings a new database gets from the first hub that opens it,
// before it holds any data.
bool IsOpeningSetting(absl::string_view key) {
  return key == keys::kLogHashKey || key == keys::kDerivedVersionKey;
}

// A query's rows a page at a time, through a cursor of the connection's
// open transaction.
class PgCursor {
 public:
  PgCursor(PgConnection& connection, std::string name)
      : connection_(connection), name_(std::move(name)) {}

  absl::Status Open(const std::string& sql) {
    return connection_.Exec(
        "open a cursor for the dump",
        absl::StrCat("DECLARE ", name_, " NO SCROLL CURSOR FOR ", sql));
  }
  // The next page; fewer than kRowsPerPage rows at the end.
  absl::StatusOr<PgResult> Fetch() {
    return connection_.Run(
        "read for the dump",
        absl::StrCat("FETCH FORWARD ", kRowsPerPage, " FROM ", name_));
  }
  absl::Status Close() {
    return connection_.Exec("close a cursor of the dump",
                            absl::StrCat("CLOSE ", name_));
  }

 private:
  PgConnection& connection_;
  const std::string name_;
};

using VisitRow = std::function<absl::Status(const PgResult&, int row)>;

// Every row of `sql`, in its order.
absl::Status ScanRows(PgConnection& connection, const std::string& sql,
                      const VisitRow& visit) {
  PgCursor cursor(connection, "sx_dump_rows");
  SX_RETURN_IF_ERROR(cursor.Open(sql));
  for (;;) {
    SX_ASSIGN_OR_RETURN(PgResult page, cursor.Fetch());
    for (int row = 0; row < page.rows(); ++row) {
      SX_RETURN_IF_ERROR(visit(page, row));
    }
    if (page.rows() < kRowsPerPage) break;
  }
  return cursor.Close();
}

absl::StatusOr<std::optional<std::string>> ReadValue(PgConnection& connection,
                                                     absl::string_view what,
                                                     const std::string& sql,
                                                     const PgParams& params) {
  SX_ASSIGN_OR_RETURN(PgResult result, connection.Run(what, sql, params));
  if (result.rows() == 0 || result.IsNull(0, 0)) return std::nullopt;
  return result.Bytes(0, 0);
}

// FAILED_PRECONDITION unless the database has this release's schema and
// no table this release does not know.
absl::Status CheckSchemaIsThisRelease(PgConnection& connection) {
  // A conninfo naming the wrong database: no hub ever opened it.
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> migrations,
      connection.ReadOne("look for the hub's tables",
                         "SELECT to_regclass('schema_migrations')::text",
                         PgParams()));
  if (!migrations.has_value()) {
    // Never the conninfo itself: it may hold a password.
    return absl::FailedPreconditionError(
        "storage: no hub tables in this database: check "
        "storage.postgres.conninfo");
  }
  SX_ASSIGN_OR_RETURN(
      PgResult version,
      connection.Run("read schema version",
                     "SELECT coalesce(max(version), 0)::bigint FROM "
                     "schema_migrations"));
  if (version.Int(0, 0) != LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage: the database's schema is version ", version.Int(0, 0),
        ", this release's is ", LatestSchemaVersion(),
        ": dump it with the release whose schema it has (or start this "
        "release's hub on it once, which migrates it)"));
  }
  std::vector<std::string> unknown;
  SX_RETURN_IF_ERROR(ScanRows(
      connection,
      "SELECT table_name::text FROM information_schema.tables WHERE "
      "table_schema = current_schema() AND table_type = 'BASE TABLE' "
      "ORDER BY 1",
      [&unknown](const PgResult& result, int row) {
        const std::string table = result.Bytes(row, 0);
        if (table != "schema_migrations" &&
            std::find(std::begin(kHubTables), std::end(kHubTables), table) ==
                std::end(kHubTables)) {
          unknown.push_back(table);
        }
        return absl::OkStatus();
      }));
  if (!unknown.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage: the database has tables this release does not know (",
        absl::StrJoin(unknown, ", "),
        "), so it cannot dump them faithfully: dump it with the release "
        "that made them"));
  }
  return absl::OkStatus();
}

// Reads the tables inside the connection's open transaction.
class PostgresDumpSource final : public DumpSource {
 public:
  explicit PostgresDumpSource(PgConnection& connection)
      : connection_(connection) {}

  std::string backend() const override { return kBackend; }

  absl::StatusOr<StoredLog> Log() override {
    StoredLog log;
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> hash,
        ReadValue(connection_, "read the log hash",
                  "SELECT value FROM hub_settings WHERE key = $1",
                  PgParams().Text(keys::kLogHashKey)));
    if (!hash.has_value()) {
      return absl::DataLossError("storage: the log hash is not recorded");
    }
    log.log_hash = *hash;
    SX_ASSIGN_OR_RETURN(
        PgResult head,
        connection_.Run("read event chain head",
                        "SELECT sequence FROM event_chain_head"));
    if (head.rows() == 1) {
      log.checkpoint.event_count = static_cast<uint64_t>(head.Int(0, 0));
    }
    SX_ASSIGN_OR_RETURN(
        log.checkpoint.root_hash,
        StoredRoot(log.log_hash, log.checkpoint.event_count,
                   [this](uint64_t level, uint64_t index) {
                     return ReadValue(
                         connection_, "read transparency log node",
                         "SELECT hash FROM merkle_nodes WHERE level = "
                         "$1::smallint AND position = $2::bigint",
                         PgParams()
                             .Int(static_cast<int64_t>(level))
                             .Int(static_cast<int64_t>(index)));
                   }));
    return log;
  }

  absl::Status Read(DumpKind kind, const EmitRecord& emit) override {
    switch (kind) {
      case DumpKind::kSettings:
        return ReadSettings(emit);
      case DumpKind::kSigningCertificates:
        return Scan(
            "SELECT sha256, der FROM signing_certificates ORDER BY "
            "sha256 COLLATE \"C\"",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              v1::DumpedSigningCertificate& certificate =
                  *record.mutable_signing_certificate();
              certificate.set_sha256(absl::HexStringToBytes(r.Bytes(row, 0)));
              certificate.set_der(r.Bytes(row, 1));
              return emit(record);
            });
      case DumpKind::kReferrals:
        return Scan(
            "SELECT referral_id, record FROM referrals ORDER BY "
            "referral_id",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              record.mutable_referral()->set_referral_id(r.Bytes(row, 0));
              record.mutable_referral()->set_record(r.Bytes(row, 1));
              return emit(record);
            });
      case DumpKind::kLeads:
        return Scan(
            "SELECT referral_id, record FROM leads ORDER BY "
            "referral_id",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              record.mutable_lead()->set_referral_id(r.Bytes(row, 0));
              record.mutable_lead()->set_record(r.Bytes(row, 1));
              return emit(record);
            });
      case DumpKind::kParties:
        return Scan(
            "SELECT agency_id, side::text, referral_id FROM "
            "referral_parties ORDER BY agency_id, side::text COLLATE "
            "\"C\", referral_id",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              v1::DumpedParty& party = *record.mutable_party();
              party.set_agency_id(r.Bytes(row, 0));
              party.set_side(r.Bytes(row, 1) == "S"
                                 ? v1::DumpedParty::SIDE_SENDER
                                 : v1::DumpedParty::SIDE_RECIPIENT);
              party.set_referral_id(r.Bytes(row, 2));
              return emit(record);
            });
      case DumpKind::kRequests:
        return Scan(
            "SELECT caller, request_id, record FROM requests ORDER BY "
            "caller, request_id",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              v1::DumpedRequest& request = *record.mutable_request();
              request.set_caller(r.Bytes(row, 0));
              request.set_request_id(r.Bytes(row, 1));
              request.set_record(r.Bytes(row, 2));
              return emit(record);
            });
      case DumpKind::kEvents:
        return ReadEvents(emit);
      case DumpKind::kInboxSequences:
        return Scan(
            "SELECT agency_id, last_sequence FROM inbox_sequences "
            "ORDER BY agency_id",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              record.mutable_inbox_sequence()->set_agency_id(r.Bytes(row, 0));
              record.mutable_inbox_sequence()->set_last_sequence(
                  static_cast<uint64_t>(r.Int(row, 1)));
              return emit(record);
            });
      case DumpKind::kInboxEntries:
        return Scan(
            "SELECT agency_id, sequence, entry FROM inbox_entries "
            "ORDER BY agency_id, sequence",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              v1::DumpedInboxEntry& entry = *record.mutable_inbox_entry();
              entry.set_agency_id(r.Bytes(row, 0));
              entry.set_sequence(static_cast<uint64_t>(r.Int(row, 1)));
              entry.set_entry(r.Bytes(row, 2));
              return emit(record);
            });
      case DumpKind::kDeadLetters:
        return Scan(
            "SELECT agency_id, sequence, record FROM dead_letters "
            "ORDER BY agency_id, sequence",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              v1::DumpedDeadLetter& letter = *record.mutable_dead_letter();
              letter.set_agency_id(r.Bytes(row, 0));
              letter.set_sequence(static_cast<uint64_t>(r.Int(row, 1)));
              letter.set_record(r.Bytes(row, 2));
              return emit(record);
            });
      case DumpKind::kDeadlines:
        return Scan("SELECT sort_key FROM deadlines ORDER BY sort_key",
                    [&](const PgResult& r, int row) -> absl::Status {
                      SX_ASSIGN_OR_RETURN(v1::DumpRecord record,
                                          DeadlineRecord(r.Bytes(row, 0)));
                      return emit(record);
                    });
      case DumpKind::kDistributions:
        return Scan(
            "SELECT distribution_id, record FROM distributions "
            "ORDER BY distribution_id",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              record.mutable_distribution()->set_distribution_id(
                  r.Bytes(row, 0));
              record.mutable_distribution()->set_record(r.Bytes(row, 1));
              return emit(record);
            });
      case DumpKind::kRectificationItems:
        return Scan(
            "SELECT referral_id, number, record FROM "
            "rectification_items ORDER BY referral_id, number",
            [&](const PgResult& r, int row) {
              v1::DumpRecord record;
              v1::DumpedRectificationItem& item =
                  *record.mutable_rectification_item();
              item.set_referral_id(r.Bytes(row, 0));
              item.set_number(static_cast<uint32_t>(r.Int(row, 1)));
              item.set_record(r.Bytes(row, 2));
              return emit(record);
            });
      case DumpKind::kCounters:
        return Scan("SELECT key, value FROM counters ORDER BY key",
                    [&](const PgResult& r, int row) {
                      v1::DumpRecord record;
                      record.mutable_counter()->set_key(r.Bytes(row, 0));
                      record.mutable_counter()->set_value(r.Int(row, 1));
                      return emit(record);
                    });
      case DumpKind::kWatchList:
        return Scan("SELECT key, value FROM watch_list ORDER BY key",
                    [&](const PgResult& r, int row) {
                      v1::DumpRecord record;
                      record.mutable_watch_entry()->set_key(r.Bytes(row, 0));
                      record.mutable_watch_entry()->set_value(r.Bytes(row, 1));
                      return emit(record);
                    });
      case DumpKind::kReferralIndex:
        return Scan("SELECT key FROM referral_index ORDER BY key",
                    [&](const PgResult& r, int row) {
                      v1::DumpRecord record;
                      record.mutable_referral_index()->set_key(r.Bytes(row, 0));
                      return emit(record);
                    });
    }
    return absl::InternalError("dump: unknown kind");
  }

 private:
  absl::Status Scan(const std::string& sql, const VisitRow& visit) {
    return ScanRows(connection_, sql, visit);
  }

  absl::Status ReadSettings(const EmitRecord& emit) {
    v1::DumpRecord record;
    SX_RETURN_IF_ERROR(Scan(
        "SELECT key, value FROM hub_settings ORDER BY key COLLATE \"C\"",
        [&](const PgResult& r, int row) -> absl::Status {
          const std::string key = r.Bytes(row, 0);
          SX_ASSIGN_OR_RETURN(
              bool dumped,
              AddSetting(key, r.Bytes(row, 1), *record.mutable_settings()));
          if (dumped || key == keys::kLogHashKey) return absl::OkStatus();
          return UnknownSetting(key);
        }));
    return emit(record);
  }

  // Events with their agencies: two cursors, both in sequence order,
  // walked side by side.
  absl::Status ReadEvents(const EmitRecord& emit) {
    PgCursor agencies(connection_, "sx_dump_agencies");
    SX_RETURN_IF_ERROR(agencies.Open(
        "SELECT sequence, agency_id FROM event_agencies ORDER BY sequence, "
        "agency_id"));
    std::deque<std::pair<uint64_t, std::string>> pending;
    bool agencies_done = false;
    SX_RETURN_IF_ERROR(
        Scan("SELECT sequence, bytes FROM events ORDER BY sequence",
             [&](const PgResult& r, int row) -> absl::Status {
               const auto sequence = static_cast<uint64_t>(r.Int(row, 0));
               v1::DumpRecord record;
               v1::DumpedEvent& event = *record.mutable_event();
               event.set_sequence(sequence);
               event.set_bytes(r.Bytes(row, 1));
               for (;;) {
                 if (pending.empty() && !agencies_done) {
                   SX_ASSIGN_OR_RETURN(PgResult page, agencies.Fetch());
                   for (int i = 0; i < page.rows(); ++i) {
                     pending.emplace_back(static_cast<uint64_t>(page.Int(i, 0)),
                                          page.Bytes(i, 1));
                   }
                   agencies_done = page.rows() < kRowsPerPage;
                 }
                 if (pending.empty() || pending.front().first > sequence) break;
                 if (pending.front().first == sequence) {
                   event.add_agency_ids(std::move(pending.front().second));
                 }
                 pending.pop_front();
               }
               return emit(record);
             }));
    return agencies.Close();
  }

  PgConnection& connection_;
};

// Rows of one table, sent as the store's writer sends them (UpsertSql: one
// array per column, postgres_tables.h) once enough rows or bytes wait, so
// that a table's columns are described in one place. Not thread-safe.
class TableLoader {
 public:
  TableLoader(PgConnection& connection, PgTable table)
      : connection_(connection), table_(table) {}

  absl::Status Add(PgRow row) {
    for (const PgField& field : row) {
      if (const auto* bytes = std::get_if<std::string>(&field)) {
        bytes_ += bytes->size();
      }
    }
    rows_.push_back(std::move(row));
    if (rows_.size() >= static_cast<size_t>(kRowsPerPage) ||
        bytes_ >= kBytesPerInsert) {
      return Flush();
    }
    return absl::OkStatus();
  }

  absl::Status Flush() {
    if (rows_.empty()) return absl::OkStatus();
    std::vector<const PgRow*> rows;
    rows.reserve(rows_.size());
    for (const PgRow& row : rows_) rows.push_back(&row);
    const PgTableSpec& spec = SpecOf(table_);
    SX_RETURN_IF_ERROR(
        connection_
            .Run(absl::StrCat("load ", spec.name), UpsertSql(table_),
                 ArraysOf(table_, spec.columns.size(), rows))
            .status());
    rows_.clear();
    bytes_ = 0;
    return absl::OkStatus();
  }

 private:
  PgConnection& connection_;
  const PgTable table_;
  std::vector<PgRow> rows_;
  size_t bytes_ = 0;
};

// Writes into the empty tables, inside the connection's open transaction.
class PostgresDumpTarget final : public DumpTarget {
 public:
  explicit PostgresDumpTarget(PgConnection& connection)
      : connection_(connection) {
    for (int table = 0; table < kPgTableCount; ++table) {
      loaders_.emplace_back(connection, static_cast<PgTable>(table));
    }
  }

  absl::Status Write(const v1::DumpRecord& record) override {
    switch (record.kind_case()) {
      case v1::DumpRecord::kSettings:
        return WriteSettings(record.settings());
      case v1::DumpRecord::kSigningCertificate: {
        const v1::DumpedSigningCertificate& certificate =
            record.signing_certificate();
        return Load(PgTable::kSigningCertificates,
                    {absl::BytesToHexString(certificate.sha256()),
                     certificate.der()});
      }
      case v1::DumpRecord::kReferral: {
        SX_ASSIGN_OR_RETURN(
            v1::Referral referral,
            ParseRecord<v1::Referral>(record.referral().record(), "referral"));
        return Load(PgTable::kReferrals,
                    {record.referral().referral_id(),
                     referral.sender_agency_id(),
                     referral.recipient_agency_id(),
                     int64_t{referral.state()}, record.referral().record()});
      }
      case v1::DumpRecord::kLead:
        return Load(PgTable::kLeads,
                    {record.lead().referral_id(), record.lead().record()});
      case v1::DumpRecord::kParty: {
        const v1::DumpedParty& party = record.party();
        if (party.side() == v1::DumpedParty::SIDE_UNSPECIFIED) {
          return absl::DataLossError("dump: a party without a side");
        }
        return Load(
            PgTable::kReferralParties,
            {party.agency_id(),
             std::string(party.side() == v1::DumpedParty::SIDE_SENDER ? "S"
                                                                      : "R"),
             party.referral_id()});
      }
      case v1::DumpRecord::kRequest:
        return Load(PgTable::kRequests,
                    {record.request().caller(), record.request().request_id(),
                     record.request().record()});
      case v1::DumpRecord::kEvent:
        return WriteEvent(record.event());
      case v1::DumpRecord::kInboxSequence:
        return Load(PgTable::kInboxSequences,
                    {record.inbox_sequence().agency_id(),
                     static_cast<int64_t>(
                         record.inbox_sequence().last_sequence())});
      case v1::DumpRecord::kInboxEntry: {
        const v1::DumpedInboxEntry& dumped = record.inbox_entry();
        SX_ASSIGN_OR_RETURN(
            v1::InboxEntry entry,
            ParseRecord<v1::InboxEntry>(dumped.entry(), "inbox entry"));
        return Load(PgTable::kInboxEntries,
                    {dumped.agency_id(), static_cast<int64_t>(dumped.sequence()),
                     static_cast<int64_t>(entry.event().sequence()),
                     dumped.entry()});
      }
      case v1::DumpRecord::kDeadLetter: {
        const v1::DumpedDeadLetter& dumped = record.dead_letter();
        SX_ASSIGN_OR_RETURN(
            v1::StoredDeadLetter letter,
            ParseRecord<v1::StoredDeadLetter>(dumped.record(), "dead letter"));
        return Load(PgTable::kDeadLetters,
                    {dumped.agency_id(), static_cast<int64_t>(dumped.sequence()),
                     int64_t{letter.dead_lettered_at().seconds()},
                     dumped.record()});
      }
      case v1::DumpRecord::kDeadline:
        return WriteDeadline(record.deadline());
      case v1::DumpRecord::kDistribution: {
        const v1::DumpedDistribution& dumped = record.distribution();
        SX_ASSIGN_OR_RETURN(v1::StoredDistribution distribution,
                            ParseRecord<v1::StoredDistribution>(
                                dumped.record(), "distribution"));
        return Load(PgTable::kDistributions,
                    {dumped.distribution_id(), distribution.sender_agency_id(),
                     dumped.record()});
      }
      case v1::DumpRecord::kRectificationItem: {
        const v1::DumpedRectificationItem& item = record.rectification_item();
        return Load(PgTable::kRectificationItems,
                    {item.referral_id(), int64_t{item.number()},
                     item.record()});
      }
      case v1::DumpRecord::kCounter:
        // Summed into the empty table, as the writer adds to counters.
        counters_.AddToCounters(
            {{record.counter().key(), record.counter().value()}});
        if (++counter_rows_ >= kRowsPerPage) return FlushCounters();
        return absl::OkStatus();
      case v1::DumpRecord::kWatchEntry:
        return Load(PgTable::kWatchList, {record.watch_entry().key(),
                                          record.watch_entry().value()});
      case v1::DumpRecord::kReferralIndex:
        return Load(PgTable::kReferralIndex, {record.referral_index().key()});
      default:
        return absl::InternalError("dump: a record of no kind to load");
    }
  }

  absl::Status WriteLogNode(uint64_t level, uint64_t index,
                            absl::string_view hash) override {
    return Load(PgTable::kMerkleNodes,
                {static_cast<int64_t>(level), static_cast<int64_t>(index),
                 std::string(hash)});
  }

  absl::Status Finish(const EventLogHead& head) override {
    if (head.sequence != 0) {
      SX_RETURN_IF_ERROR(Load(PgTable::kEventChainHead,
                              {int64_t{1}, static_cast<int64_t>(head.sequence),
                               head.sha256, absl::ToUnixNanos(head.time)}));
    }
    for (TableLoader& loader : loaders_) SX_RETURN_IF_ERROR(loader.Flush());
    return FlushCounters();
  }

 private:
  absl::Status Load(PgTable table, PgRow row) {
    return loaders_[static_cast<int>(table)].Add(std::move(row));
  }

  absl::Status FlushCounters() {
    for (const PgStatement& statement : counters_.Statements()) {
      SX_RETURN_IF_ERROR(
          connection_.Run(statement.what, statement.sql, statement.params)
              .status());
    }
    counters_ = PgPendingWrites();
    counter_rows_ = 0;
    return absl::OkStatus();
  }

  // Exactly the dump's settings: one it lacks is removed (a hub that opened
  // the empty database may have recorded one).
  absl::Status WriteSettings(const v1::DumpedSettings& settings) {
    PgPendingWrites writes;
    for (const auto& [key, value] : SettingsToLoad(settings)) {
      if (value.has_value()) {
        writes.Put(PgTable::kHubSettings, {key, *value});
      } else {
        writes.Delete(PgTable::kHubSettings, {key});
      }
    }
    for (const PgStatement& statement : writes.Statements()) {
      SX_RETURN_IF_ERROR(
          connection_.Run(statement.what, statement.sql, statement.params)
              .status());
    }
    return absl::OkStatus();
  }

  // As PostgresTransaction::AppendEvent writes it.
  absl::Status WriteEvent(const v1::DumpedEvent& dumped) {
    SX_ASSIGN_OR_RETURN(v1::Event event,
                        ParseRecord<v1::Event>(dumped.bytes(), "event"));
    const auto sequence = static_cast<int64_t>(dumped.sequence());
    const int64_t nanos =
        std::max<int64_t>(0, absl::ToUnixNanos(EventTime(event)));
    SX_RETURN_IF_ERROR(Load(PgTable::kEvents,
                            {sequence, event.referral_id(),
                             int64_t{event.type()}, nanos, nanos,
                             dumped.bytes()}));
    for (const std::string& agency : dumped.agency_ids()) {
      SX_RETURN_IF_ERROR(Load(PgTable::kEventAgencies,
                              {agency, sequence, int64_t{event.type()}}));
    }
    return absl::OkStatus();
  }

  // As PostgresTransaction::WriteDeadline writes it.
  absl::Status WriteDeadline(const v1::DumpedDeadline& dumped) {
    SX_ASSIGN_OR_RETURN(Deadline deadline, DeadlineOf(dumped));
    return Load(PgTable::kDeadlines,
                {keys::DeadlineKey(deadline.kind, deadline.due,
                                   deadline.referral_id, deadline.item_number),
                 std::string(DeadlineKindName(deadline.kind)),
                 std::max<int64_t>(0, dumped.due()), deadline.referral_id,
                 int64_t{deadline.item_number}});
  }

  PgConnection& connection_;
  // By PgTable.
  std::vector<TableLoader> loaders_;
  PgPendingWrites counters_;
  int counter_rows_ = 0;
};

// OK if the database holds no hub data: no schema yet, or empty tables with
// at most the settings a hub records when it opens an empty database (a
// log hash that must be `log_hash`).
absl::Status CheckHoldsNoHubData(PgConnection& connection,
                                 absl::string_view log_hash) {
  SX_ASSIGN_OR_RETURN(
      PgResult exists,
      connection.Run("look for the hub's schema",
                     "SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (exists.Int(0, 0) == 0) return absl::OkStatus();
  SX_RETURN_IF_ERROR(CheckSchemaNotNewer(connection));
  std::vector<std::string> checks;
  for (const char* table : kHubTables) {
    if (absl::string_view(table) == "hub_settings") continue;
    checks.push_back(absl::StrCat(
        "(SELECT '", table, "' WHERE EXISTS (SELECT 1 FROM ", table, "))"));
  }
  // Small answers: at most one row per table, a few settings.
  SX_ASSIGN_OR_RETURN(PgResult tables,
                      connection.Run("look for hub data",
                                     absl::StrJoin(checks, " UNION ALL ")));
  std::vector<std::string> holding;
  for (int row = 0; row < tables.rows(); ++row) {
    holding.push_back(tables.Bytes(row, 0));
  }
  SX_ASSIGN_OR_RETURN(PgResult settings,
                      connection.Run("look for hub settings",
                                     "SELECT key, value FROM hub_settings"));
  for (int row = 0; row < settings.rows(); ++row) {
    const std::string key = settings.Bytes(row, 0);
    if (!IsOpeningSetting(key) ||
        (key == keys::kLogHashKey && settings.Bytes(row, 1) != log_hash)) {
      holding.push_back(absl::StrCat("hub_settings (", key, ")"));
    }
  }
  if (!holding.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database already holds hub data (in ",
        absl::StrJoin(holding, ", "),
        "): an import only fills a database without any. Import into a new "
        "database (createdb), or drop this one's tables if its data is not "
        "needed. Nothing was changed"));
  }
  return absl::OkStatus();
}

// Takes the database's write lock for this session (until it ends, with the
// connection), or says which hub holds it: no hub may write while the
// export reads or the import fills the database.
absl::Status TakeWriteLockFor(PgConnection& connection,
                              absl::string_view action) {
  SX_ASSIGN_OR_RETURN(bool locked, TryWriteLock(connection));
  if (locked) return absl::OkStatus();
  const std::string holder = WriteLockHolder(connection);
  return absl::FailedPreconditionError(absl::StrCat(
      "a hub holds this database's write lock (",
      holder.empty() ? "another session" : holder,
      "): stop every hub that uses the database, then ", action,
      ". Nothing was changed"));
}

// The import's steps between BEGIN and COMMIT.
absl::StatusOr<DumpSummary> LoadInTransaction(PgConnection& connection,
                                              DumpFileReader& reader,
                                              absl::string_view log_hash) {
  SX_RETURN_IF_ERROR(CheckHoldsNoHubData(connection, log_hash));
  SX_RETURN_IF_ERROR(
      connection
          .Run("load the log hash",
               "INSERT INTO hub_settings (key, value) VALUES ($1, $2) ON "
               "CONFLICT (key) DO NOTHING",
               PgParams().Text(keys::kLogHashKey).Bytes(log_hash))
          .status());
  PostgresDumpTarget target(connection);
  SX_RETURN_IF_ERROR(LoadAllRecords(reader, target));
  PostgresDumpSource loaded(connection);
  return VerifyLoaded(loaded, reader);
}

}  // namespace

absl::StatusOr<DumpSummary> ExportPostgresStore(
    const PostgresStoreOptions& options, const std::string& file) {
  SX_ASSIGN_OR_RETURN(
      std::unique_ptr<PgConnection> connection,
      PgConnection::Connect(options.conninfo, options.connect_timeout,
                            absl::StrCat("sxhub export ", options.id_prefix)));
  // A hub serving from the database would go on writing after the
  // snapshot, and the dump would silently miss what it wrote; holding the
  // write lock (until the connection closes, with the export) keeps every
  // hub out.
  SX_RETURN_IF_ERROR(TakeWriteLockFor(*connection, "export"));
  SX_RETURN_IF_ERROR(connection->Exec(
      "begin the export", "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  const auto in_snapshot = [&]() -> absl::StatusOr<DumpSummary> {
    SX_RETURN_IF_ERROR(CheckSchemaIsThisRelease(*connection));
    PostgresDumpSource source(*connection);
    return WriteDump(source, options.id_prefix, file);
  };
  absl::StatusOr<DumpSummary> summary = in_snapshot();
  // Read only: nothing to commit.
  connection->Exec("end the export", "ROLLBACK").IgnoreError();
  return summary;
}

absl::StatusOr<DumpSummary> ImportIntoPostgresStore(
    const PostgresStoreOptions& options, const std::string& file) {
  if (options.conninfo.empty()) {
    return absl::InvalidArgumentError(
        "storage: no PostgreSQL connection string given");
  }
  SX_ASSIGN_OR_RETURN(
      std::unique_ptr<DumpFileReader> reader,
      OpenDumpForImport(file, options.id_prefix, options.log_hash));
  SX_ASSIGN_OR_RETURN(
      std::unique_ptr<PgConnection> connection,
      PgConnection::Connect(options.conninfo, options.connect_timeout,
                            absl::StrCat("sxhub import ", options.id_prefix)));
  // No hub may write meanwhile, nor open (and migrate) the database: both
  // locks are this session's until it ends, with the connection.
  SX_RETURN_IF_ERROR(TakeWriteLockFor(*connection, "import"));
  SX_RETURN_IF_ERROR(connection
                         ->Run("lock for opening",
                               "SELECT pg_advisory_lock($1::bigint)",
                               PgParams().Int(kOpenLockKey))
                         .status());
  SX_RETURN_IF_ERROR(CheckHoldsNoHubData(*connection, options.log_hash));
  SX_RETURN_IF_ERROR(MigrateSchema(*connection));
  SX_RETURN_IF_ERROR(connection->Exec("begin the import",
                                      "BEGIN ISOLATION LEVEL REPEATABLE READ"));
  absl::StatusOr<DumpSummary> summary =
      LoadInTransaction(*connection, *reader, options.log_hash);
  if (summary.ok()) {
    const absl::Status committed =
        connection->Exec("commit the import", "COMMIT");
    if (!committed.ok() && !connection->usable()) {
      // The server may have committed before the connection ended: only
      // the database can tell.
      return absl::Status(
          committed.code(),
          absl::StrCat(
              committed.message(),
              ". The connection ended during COMMIT: whether the import was "
              "kept is unknown. Run the import again: it refuses if the data "
              "landed (\"already holds hub data\"), or check with "
              "`SELECT count(*) FROM events` (the dump's checkpoint has ",
              reader->header().event_count(), " events)"));
    }
    if (!committed.ok()) summary = committed;
  } else {
    connection->Exec("roll back the import", "ROLLBACK").IgnoreError();
  }
  if (!summary.ok()) {
    return absl::Status(
        summary.status().code(),
        absl::StrCat(summary.status().message(),
                     ". The import was rolled back: the database holds no hub "
                     "data (at most the hub's empty tables)"));
  }
  return summary;
}

}  // namespace sx::storage
