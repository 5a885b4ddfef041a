#include "storage/postgres_schema.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Identifiers are compared byte by byte (COLLATE "C"), as RocksDB orders
// its keys, so that "newest first" and every page boundary mean the same
// on both backends. Records are the protobuf bytes the RocksDB store keeps;
// the columns beside them are for finding rows and for a DBA's reports.
// Never edit a migration that has shipped: add the next one.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "referrals, leads, events, inboxes and their indexes", R"sql(
CREATE TABLE hub_settings (
  key text COLLATE "C" PRIMARY KEY,
  value bytea NOT NULL);
COMMENT ON TABLE hub_settings IS
  'Settings fixed for the life of the database (log_hash), the referral id counter and generation, the derived-entries version';

CREATE TABLE referrals (
  referral_id text COLLATE "C" PRIMARY KEY,
  sender_agency_id text COLLATE "C" NOT NULL,
  recipient_agency_id text COLLATE "C" NOT NULL,
  state integer NOT NULL,
  record bytea NOT NULL);
COMMENT ON TABLE referrals IS
  'One row per referral (移送): parties and state (supervision.v1.ReferralState) beside the record (supervision.v1.Referral, without its lead)';

CREATE TABLE leads (
  referral_id text COLLATE "C" PRIMARY KEY,
  record bytea NOT NULL);
COMMENT ON TABLE leads IS
  'The lead (问题线索) of each referral, supervision.v1.Lead; encrypted when the hub encrypts at rest';

CREATE TABLE referral_parties (
  agency_id text COLLATE "C" NOT NULL,
  side char(1) NOT NULL CHECK (side IN ('S', 'R')),
  referral_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (agency_id, side, referral_id));
COMMENT ON TABLE referral_parties IS
  'Each referral under its sender (S) and first recipient (R), for their lists';

CREATE TABLE requests (
  caller text COLLATE "C" NOT NULL,
  request_id text COLLATE "C" NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (caller, request_id));
COMMENT ON TABLE requests IS
  'What each completed call did, by its caller and request id: a retry gets the same answer';

CREATE TABLE events (
  sequence bigint PRIMARY KEY,
  referral_id text COLLATE "C" NOT NULL,
  type integer NOT NULL,
  occurred_at timestamptz NOT NULL,
  time_nanos bigint NOT NULL,
  bytes bytea NOT NULL);
CREATE INDEX events_by_referral ON events (referral_id, sequence);
CREATE INDEX events_by_type ON events (type, sequence);
CREATE INDEX events_by_time ON events (time_nanos, sequence);
COMMENT ON TABLE events IS
  'The append-only event chain (supervision.v1.Event): each event holds the SHA-256 of the one before; never updated or deleted';

CREATE TABLE event_agencies (
  agency_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  type integer NOT NULL,
  PRIMARY KEY (agency_id, sequence));
CREATE INDEX event_agencies_by_type ON event_agencies (agency_id, type, sequence);
COMMENT ON TABLE event_agencies IS 'The agencies each event concerns';

CREATE TABLE event_chain_head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  sequence bigint NOT NULL,
  sha256 bytea NOT NULL,
  time_nanos bigint NOT NULL);
COMMENT ON TABLE event_chain_head IS
  'The last event: its sequence, the SHA-256 of its bytes and its time';

CREATE TABLE merkle_nodes (
  level smallint NOT NULL,
  position bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (level, position));
COMMENT ON TABLE merkle_nodes IS
  'The transparency log (RFC 6962) over the events: the hash of every perfect subtree';

CREATE TABLE inbox_sequences (
  agency_id text COLLATE "C" PRIMARY KEY,
  last_sequence bigint NOT NULL);
CREATE TABLE inbox_entries (
  agency_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  event_sequence bigint NOT NULL,
  entry bytea NOT NULL,
  PRIMARY KEY (agency_id, sequence));
COMMENT ON TABLE inbox_entries IS
  'Unacknowledged deliveries (supervision.v1.InboxEntry); a row goes when its agency acknowledges it';

CREATE TABLE dead_letters (
  agency_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  dead_lettered_at timestamptz NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (agency_id, sequence));
COMMENT ON TABLE dead_letters IS
  'Inbox entries set aside after too many deliveries, until an administrator redrives them';

CREATE TABLE deadlines (
  sort_key bytea PRIMARY KEY,
  kind text NOT NULL,
  due timestamptz NOT NULL,
  referral_id text COLLATE "C" NOT NULL,
  item_number bigint NOT NULL);
COMMENT ON TABLE deadlines IS
  'Which referral owes which step by when (sort_key orders them by due time)';

CREATE TABLE distributions (
  distribution_id text COLLATE "C" PRIMARY KEY,
  sender_agency_id text COLLATE "C" NOT NULL,
  record bytea NOT NULL);
CREATE INDEX distributions_by_sender ON distributions (sender_agency_id, distribution_id);
COMMENT ON TABLE distributions IS 'Notices to many units (通报, 分送)';

CREATE TABLE rectification_items (
  referral_id text COLLATE "C" NOT NULL,
  number bigint NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (referral_id, number));
COMMENT ON TABLE rectification_items IS 'Items of each rectification (整改) ledger';

CREATE TABLE counters (
  key bytea PRIMARY KEY,
  value bigint NOT NULL);
COMMENT ON TABLE counters IS
  'Figures kept as changes are written (statistics, open counts, inbox depths)';

CREATE TABLE watch_list (
  key bytea PRIMARY KEY,
  value bytea NOT NULL);
CREATE TABLE referral_index (
  key bytea PRIMARY KEY);
COMMENT ON TABLE watch_list IS 'Open matters a supervisor follows (derived from referrals)';
COMMENT ON TABLE referral_index IS 'Referrals by what they are now, e.g. state (derived)';

CREATE TABLE signing_certificates (
  sha256 text PRIMARY KEY,
  der bytea NOT NULL);
COMMENT ON TABLE signing_certificates IS
  'Agencies'' signing certificates, by the hex SHA-256 their step signatures name';
)sql"},
  };
  return kMigrations;
}

absl::StatusOr<int> CurrentVersion(PgConnection& connection) {
  SX_ASSIGN_OR_RETURN(
      PgResult result,
      connection.Run("read schema version",
                     "SELECT coalesce(max(version), 0)::bigint "
                     "FROM schema_migrations"));
  return static_cast<int>(result.Int(0, 0));
}

absl::Status Migrate(PgConnection& connection) {
  SX_RETURN_IF_ERROR(connection.Exec(
      "create schema_migrations",
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY,"
      " description text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())"));
  SX_ASSIGN_OR_RETURN(int current, CurrentVersion(connection));
  if (current > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage: the database's schema is version ", current,
        ", newer than this release's (", LatestSchemaVersion(),
        "): it was written by a later release of the hub. Run that release "
        "(a downgrade would write what the newer schema does not expect)"));
  }
  for (const Migration& migration : Migrations()) {
    if (migration.version <= current) continue;
    SX_RETURN_IF_ERROR(connection.Exec(
        "begin migration", "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    absl::Status applied = connection.Exec(
        absl::StrCat("schema migration ", migration.version), migration.sql);
    if (applied.ok()) {
      applied = connection
                    .Run("record migration",
                         "INSERT INTO schema_migrations (version, description) "
                         "VALUES ($1::integer, $2)",
                         PgParams()
                             .Int(migration.version)
                             .Text(migration.description))
                    .status();
    }
    if (applied.ok()) applied = connection.Exec("commit migration", "COMMIT");
    if (!applied.ok()) {
      connection.Exec("roll back migration", "ROLLBACK").IgnoreError();
      return applied;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

absl::Status MigrateSchema(PgConnection& connection) {
  return Migrate(connection);
}

absl::Status CheckSchemaNotNewer(PgConnection& connection) {
  SX_ASSIGN_OR_RETURN(
      PgResult exists,
      connection.Run("look for schema_migrations",
                     "SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (exists.Int(0, 0) == 0) return absl::OkStatus();  // a new database
  SX_ASSIGN_OR_RETURN(int current, CurrentVersion(connection));
  if (current > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database's schema is version ", current,
        ", newer than this release's (", LatestSchemaVersion(),
        "): it was written by a later release of the hub"));
  }
  return absl::OkStatus();
}

}  // namespace sx::storage
