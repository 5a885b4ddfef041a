#include "sx/storage/postgres_store.h"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/damage_record.h"
#include "storage/keys.h"
#include "storage/postgres_derived_rebuild.h"
#include "storage/postgres_reader_pool.h"
#include "storage/postgres_records.h"
#include "storage/postgres_schema.h"
#include "storage/postgres_write_lock.h"
#include "storage/postgres_writer.h"
#include "storage/queue_count_keys.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

// Events read per round trip when the whole chain is verified.
constexpr int64_t kEventsPerPage = 1000;

int64_t Limit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, std::numeric_limits<int32_t>::max()));
}

// How often a standby tries the write lock: the longest a takeover waits
// after the active hub's session is gone.
constexpr absl::Duration kWriteLockPollInterval = absl::Milliseconds(250);

// Shown in pg_stat_activity (and so in WriteLockHolder): which hub, where.
std::string ApplicationName(const PostgresStoreOptions& options) {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat("sxhub ", options.id_prefix, " on ", host, " pid ",
                      getpid());
}

class PostgresStore final : public Store {
 public:
  PostgresStore(const PostgresStoreOptions& options, std::string id_prefix,
                transparency::MerkleHasher hasher,
                std::shared_ptr<DamageRecord> damage,
                std::unique_ptr<PgConnection> locked_writer_connection)
      : options_(options),
        hasher_(std::move(hasher)),
        damage_(std::move(damage)),
        readers_(options.conninfo, options.connect_timeout,
                 ApplicationName(options), options.reader_connections),
        writer_(std::make_unique<PostgresWriter>(
            options_, std::move(id_prefix), ApplicationName(options_),
            hasher_, damage_, std::move(locked_writer_connection))) {}

  ~PostgresStore() override { writer_.reset(); }

  void Apply(TransactionBody body, DurableCallback done) override {
    if (damage_->damaged()) {
      done(absl::FailedPreconditionError(absl::StrCat(
          "storage is damaged and refuses writes until the database is "
          "repaired: ",
          damage_->Current().message())));
      return;
    }
    writer_->Apply(std::move(body), std::move(done));
  }

  absl::StatusOr<std::optional<v1::Referral>> GetReferral(
      absl::string_view referral_id) override {
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> bytes,
        ReadOne("read referral",
                "SELECT record FROM referrals WHERE referral_id = $1",
                PgParams().Text(referral_id)));
    if (!bytes.has_value()) return std::nullopt;
    return Observed(ParseRecord<v1::Referral>(*bytes, "referral"));
  }

  absl::StatusOr<v1::Lead> GetLead(absl::string_view referral_id) override {
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> bytes,
        ReadOne("read lead", "SELECT record FROM leads WHERE referral_id = $1",
                PgParams().Text(referral_id)));
    if (!bytes.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("storage: referral ", referral_id, " has no lead"));
    }
    return Observed(ParseRecord<v1::Lead>(*bytes, "lead"));
  }

  absl::StatusOr<ReferralIdPage> ListReferralIds(absl::string_view agency_id,
                                                 Side side,
                                                 absl::string_view before_id,
                                                 size_t limit) override {
    PgParams params;
    params.Text(agency_id).Text(side == Side::kSender ? "S" : "R");
    std::string sql =
        "SELECT referral_id FROM referral_parties WHERE agency_id = $1 AND "
        "side = $2";
    if (!before_id.empty()) {
      params.Text(before_id);
      absl::StrAppend(&sql, " AND referral_id < $3");
    }
    return ReadIdPage("list referrals", sql, params, limit);
  }

  absl::StatusOr<std::vector<v1::InboxEntry>> ReadInbox(
      absl::string_view agency_id, uint64_t after_sequence,
      size_t limit) override {
    return ReadRecords<v1::InboxEntry>(
        "read inbox",
        "SELECT entry FROM inbox_entries WHERE agency_id = $1 AND "
        "sequence > $2::numeric ORDER BY sequence LIMIT $3::bigint",
        PgParams().Text(agency_id).Text(absl::StrCat(after_sequence)).Int(
            Limit(limit)),
        "inbox entry");
  }

  absl::StatusOr<std::vector<v1::Event>> ReadEvents(uint64_t from_sequence,
                                                    size_t limit) override {
    return ReadRecords<v1::Event>(
        "read events",
        "SELECT bytes FROM events WHERE sequence >= $1::numeric "
        "ORDER BY sequence LIMIT $2::bigint",
        PgParams().Text(absl::StrCat(from_sequence)).Int(Limit(limit)),
        "event");
  }

  absl::StatusOr<std::vector<uint64_t>> QueryEvents(const EventFilter& filter,
                                                    uint64_t after_sequence,
                                                    size_t limit) override {
    // Only the conditions the filter sets, so that the planner picks the
    // index that serves them (a generic "$1 = '' OR ..." defeats it).
    PgParams params;
    int next = 1;
    auto param = [&next] { return absl::StrCat("$", next++); };
    std::string sql;
    std::string in = "e";
    if (!filter.agency_id.empty()) {
      in = "a";
      params.Text(filter.agency_id);
      sql = absl::StrCat(
          "SELECT a.sequence FROM event_agencies a JOIN events e ON "
          "e.sequence = a.sequence WHERE a.agency_id = ",
          param());
    } else {
      sql = "SELECT e.sequence FROM events e WHERE true";
    }
    params.Text(absl::StrCat(after_sequence));
    absl::StrAppend(&sql, " AND ", in, ".sequence > ", param(), "::numeric");
    if (!filter.referral_id.empty()) {
      params.Text(filter.referral_id);
      absl::StrAppend(&sql, " AND e.referral_id = ", param());
    }
    if (filter.type != 0) {
      params.Int(filter.type);
      absl::StrAppend(&sql, " AND ", in, ".type = ", param(), "::integer");
    }
    if (filter.time_from != absl::InfinitePast()) {
      params.Int(absl::ToUnixNanos(filter.time_from));
      absl::StrAppend(&sql, " AND e.time_nanos >= ", param(), "::bigint");
    }
    if (filter.time_to != absl::InfiniteFuture()) {
      params.Int(absl::ToUnixNanos(filter.time_to));
      absl::StrAppend(&sql, " AND e.time_nanos <= ", param(), "::bigint");
    }
    params.Int(Limit(limit));
    absl::StrAppend(&sql, " ORDER BY ", in, ".sequence LIMIT ", param(),
                    "::bigint");
    return readers_.Read<std::vector<uint64_t>>(
        [&](PgConnection& connection) -> absl::StatusOr<std::vector<uint64_t>> {
          SX_ASSIGN_OR_RETURN(PgResult result,
                              connection.Run("query events", sql, params));
          std::vector<uint64_t> sequences;
          for (int row = 0; row < result.rows(); ++row) {
            sequences.push_back(static_cast<uint64_t>(result.Int(row, 0)));
          }
          return sequences;
        });
  }

  absl::StatusOr<std::string> ReadEventBytes(uint64_t sequence) override {
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> bytes,
        ReadOne("read event", "SELECT bytes FROM events WHERE sequence = $1",
                PgParams().Int(static_cast<int64_t>(sequence))));
    if (!bytes.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("storage: there is no event ", sequence));
    }
    return *bytes;
  }

  absl::StatusOr<std::optional<std::string>> GetSigningCertificate(
      absl::string_view sha256) override {
    return ReadOne("read signing certificate",
                   "SELECT der FROM signing_certificates WHERE sha256 = $1",
                   PgParams().Text(absl::BytesToHexString(sha256)));
  }

  absl::StatusOr<uint64_t> EventCount() override {
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> count,
        ReadOne("read event count",
                "SELECT sequence::text FROM event_chain_head", PgParams()));
    uint64_t value = 0;
    if (count.has_value() && !absl::SimpleAtoi(*count, &value)) {
      return absl::DataLossError("storage: event chain head is malformed");
    }
    return value;
  }

  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override {
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> hash,
        ReadOne("read transparency log node",
                "SELECT hash FROM merkle_nodes WHERE level = $1::smallint AND "
                "position = $2::bigint",
                PgParams()
                    .Int(static_cast<int64_t>(level))
                    .Int(static_cast<int64_t>(index))));
    if (!hash.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "storage: transparency log node (", level, ", ", index,
          ") is not stored"));
    }
    return *hash;
  }

  absl::StatusOr<std::vector<v1::RectificationItem>> ListRectificationItems(
      absl::string_view referral_id, uint32_t after_number,
      size_t limit) override {
    return ReadRecords<v1::RectificationItem>(
        "read rectification items",
        "SELECT record FROM rectification_items WHERE referral_id = $1 AND "
        "number > $2::bigint ORDER BY number LIMIT $3::bigint",
        PgParams().Text(referral_id).Int(after_number).Int(Limit(limit)),
        "rectification item");
  }

  absl::StatusOr<std::optional<v1::StoredDistribution>> GetDistribution(
      absl::string_view distribution_id) override {
    SX_ASSIGN_OR_RETURN(
        std::optional<std::string> bytes,
        ReadOne("read distribution",
                "SELECT record FROM distributions WHERE distribution_id = $1",
                PgParams().Text(distribution_id)));
    if (!bytes.has_value()) return std::nullopt;
    return Observed(
        ParseRecord<v1::StoredDistribution>(*bytes, "distribution"));
  }

  absl::StatusOr<ReferralIdPage> ListDistributionIds(
      absl::string_view sender_agency_id, absl::string_view before_id,
      size_t limit) override {
    PgParams params;
    params.Text(sender_agency_id);
    std::string sql =
        "SELECT distribution_id FROM distributions WHERE sender_agency_id = $1";
    if (!before_id.empty()) {
      params.Text(before_id);
      absl::StrAppend(&sql, " AND distribution_id < $2");
    }
    return ReadIdPage("list distributions", sql, params, limit);
  }

  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ReadCounters(
      absl::string_view from_key, absl::string_view to_key,
      size_t limit) override {
    using Counters = std::vector<std::pair<std::string, int64_t>>;
    return readers_.Read<Counters>(
        [&](PgConnection& connection) -> absl::StatusOr<Counters> {
          SX_ASSIGN_OR_RETURN(
              PgResult result,
              connection.Run("read counters",
                             "SELECT key, value FROM counters WHERE key >= $1 "
                             "AND key < $2 ORDER BY key LIMIT $3::bigint",
                             PgParams().Bytes(from_key).Bytes(to_key).Int(
                                 Limit(limit))));
          Counters counters;
          for (int row = 0; row < result.rows(); ++row) {
            counters.emplace_back(result.Bytes(row, 0), result.Int(row, 1));
          }
          return counters;
        });
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ReadWatchList(absl::string_view prefix, absl::string_view after_key,
                size_t limit) override {
    SX_RETURN_IF_ERROR(CheckDerived("the watch list"));
    using Entries = std::vector<std::pair<std::string, std::string>>;
    return readers_.Read<Entries>(
        [&](PgConnection& connection) -> absl::StatusOr<Entries> {
          SX_ASSIGN_OR_RETURN(
              PgResult result,
              connection.Run(
                  "read watch list",
                  "SELECT key, value FROM watch_list WHERE key >= $1 AND "
                  "key > $2 ORDER BY key LIMIT $3::bigint",
                  PgParams().Bytes(prefix).Bytes(after_key).Int(Limit(limit))));
          Entries entries;
          for (int row = 0; row < result.rows(); ++row) {
            std::string key = result.Bytes(row, 0);
            if (!absl::StartsWith(key, prefix)) break;
            entries.emplace_back(std::move(key), result.Bytes(row, 1));
          }
          return entries;
        });
  }

  absl::StatusOr<std::vector<std::string>> ScanReferralIndex(
      absl::string_view prefix, absl::string_view before_key,
      size_t limit) override {
    SX_RETURN_IF_ERROR(CheckDerived("the referral index"));
    // From the last key under the prefix (index keys never hold "\xff"),
    // or from just below before_key.
    const std::string end =
        before_key.empty() || !absl::StartsWith(before_key, prefix)
            ? absl::StrCat(prefix, "\xff")
            : std::string(before_key);
    using Keys = std::vector<std::string>;
    return readers_.Read<Keys>(
        [&](PgConnection& connection) -> absl::StatusOr<Keys> {
          SX_ASSIGN_OR_RETURN(
              PgResult result,
              connection.Run("read referral index",
                             "SELECT key FROM referral_index WHERE key >= $1 "
                             "AND key < $2 ORDER BY key DESC LIMIT $3::bigint",
                             PgParams().Bytes(prefix).Bytes(end).Int(
                                 Limit(limit))));
          Keys keys;
          for (int row = 0; row < result.rows(); ++row) {
            keys.push_back(result.Bytes(row, 0));
          }
          return keys;
        });
  }

  absl::StatusOr<std::vector<Deadline>> DeadlinesDue(absl::Time now,
                                                     size_t limit) override {
    const std::string end = keys::EncodeUint64(
        static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixSeconds(now))) +
        1);
    return readers_.Read<std::vector<Deadline>>(
        [&](PgConnection& connection) -> absl::StatusOr<std::vector<Deadline>> {
          SX_ASSIGN_OR_RETURN(
              PgResult result,
              connection.Run("read deadlines",
                             "SELECT sort_key FROM deadlines WHERE sort_key < "
                             "$1 ORDER BY sort_key LIMIT $2::bigint",
                             PgParams().Bytes(end).Int(Limit(limit))));
          std::vector<Deadline> due;
          for (int row = 0; row < result.rows(); ++row) {
            Deadline deadline;
            if (!keys::ParseDeadlineKey(result.Bytes(row, 0), &deadline)) {
              return damage_->Observe(
                  absl::DataLossError("storage: malformed deadline key"));
            }
            due.push_back(std::move(deadline));
          }
          return due;
        });
  }

  absl::StatusOr<ReferralIdPage> ScanReferralIds(absl::string_view before_id,
                                                 size_t limit) override {
    PgParams params;
    std::string sql = "SELECT referral_id FROM referrals WHERE true";
    if (!before_id.empty()) {
      params.Text(before_id);
      absl::StrAppend(&sql, " AND referral_id < $1");
    }
    return ReadIdPage("scan referrals", sql, params, limit);
  }

  absl::StatusOr<InboxSummary> SummarizeInbox(
      absl::string_view agency_id) override {
    // Counted as entries come and go: a summary costs the same whatever
    // the backlog. The oldest entry is the first by sequence.
    return readers_.Read<InboxSummary>(
        [&](PgConnection& connection) -> absl::StatusOr<InboxSummary> {
          SX_ASSIGN_OR_RETURN(
              PgResult result,
              connection.Run(
                  "summarize inbox",
                  "SELECT (SELECT value FROM counters WHERE key = $2), "
                  "(SELECT value FROM counters WHERE key = $3), "
                  "(SELECT last_sequence FROM inbox_sequences WHERE "
                  "agency_id = $1), (SELECT entry FROM inbox_entries WHERE "
                  "agency_id = $1 ORDER BY sequence LIMIT 1)",
                  PgParams()
                      .Text(agency_id)
                      .Bytes(InboxDepthKey(agency_id))
                      .Bytes(DeadLetterCountKey(agency_id))));
          InboxSummary summary;
          if (!result.IsNull(0, 0)) {
            summary.depth = static_cast<uint64_t>(result.Int(0, 0));
          }
          if (!result.IsNull(0, 1)) {
            summary.dead_letters = static_cast<uint64_t>(result.Int(0, 1));
          }
          if (!result.IsNull(0, 2)) {
            summary.last_sequence = static_cast<uint64_t>(result.Int(0, 2));
          }
          v1::InboxEntry oldest;
          if (!result.IsNull(0, 3) &&
              oldest.ParseFromString(result.Bytes(0, 3))) {
            summary.oldest =
                absl::FromUnixSeconds(oldest.event().time().seconds()) +
                absl::Nanoseconds(oldest.event().time().nanos());
          }
          return summary;
        });
  }

  absl::StatusOr<std::vector<DeadLetterRecord>> ListDeadLetters(
      absl::string_view agency_id, absl::string_view after_key,
      size_t limit) override {
    // The position is the RocksDB store's key, <agency> \0 <be64 sequence>,
    // so that a page boundary means the same on both backends.
    std::string after_agency;
    uint64_t after_sequence = 0;
    if (!after_key.empty()) {
      const size_t zero = after_key.find('\0');
      if (zero == absl::string_view::npos ||
          !keys::DecodeUint64(after_key.substr(zero + 1), &after_sequence)) {
        return absl::InvalidArgumentError(
            "storage: malformed dead letter position");
      }
      after_agency = std::string(after_key.substr(0, zero));
    }
    PgParams params;
    params.Text(after_agency).Text(absl::StrCat(after_sequence));
    std::string sql =
        "SELECT agency_id, sequence, record FROM dead_letters WHERE "
        "(agency_id, sequence) > ($1, $2::numeric)";
    if (after_key.empty()) {
      sql = "SELECT agency_id, sequence, record FROM dead_letters WHERE "
            "(agency_id, sequence) >= ($1, $2::numeric)";
    }
    if (!agency_id.empty()) {
      params.Text(agency_id);
      absl::StrAppend(&sql, " AND agency_id = $3");
    }
    params.Int(Limit(limit));
    absl::StrAppend(&sql, " ORDER BY agency_id, sequence LIMIT $",
                    agency_id.empty() ? 3 : 4, "::bigint");
    using Letters = std::vector<DeadLetterRecord>;
    return readers_.Read<Letters>(
        [&](PgConnection& connection) -> absl::StatusOr<Letters> {
          SX_ASSIGN_OR_RETURN(
              PgResult result,
              connection.Run("list dead letters", sql, params));
          Letters letters;
          for (int row = 0; row < result.rows(); ++row) {
            SX_ASSIGN_OR_RETURN(
                v1::StoredDeadLetter letter,
                Observed(ParseRecord<v1::StoredDeadLetter>(
                    result.Bytes(row, 2), "dead letter")));
            letters.push_back(RecordOf(
                letter, keys::DeadLetterKey(
                            result.Bytes(row, 0),
                            static_cast<uint64_t>(result.Int(row, 1)))));
          }
          return letters;
        });
  }

  absl::Status VerifyEventChain() override {
    using EventRows = std::vector<std::pair<uint64_t, std::string>>;
    std::string previous_digest(kSha256Bytes, '\0');
    uint64_t expected = 1;
    for (;;) {
      SX_ASSIGN_OR_RETURN(
          EventRows page,
          readers_.Read<EventRows>(
              [&](PgConnection& connection) -> absl::StatusOr<EventRows> {
                SX_ASSIGN_OR_RETURN(
                    PgResult result,
                    connection.Run(
                        "verify event chain",
                        "SELECT sequence, bytes FROM events WHERE sequence "
                        ">= $1::bigint ORDER BY sequence LIMIT $2::bigint",
                        PgParams()
                            .Int(static_cast<int64_t>(expected))
                            .Int(kEventsPerPage)));
                EventRows rows;
                for (int row = 0; row < result.rows(); ++row) {
                  rows.emplace_back(static_cast<uint64_t>(result.Int(row, 0)),
                                    result.Bytes(row, 1));
                }
                return rows;
              }));
      for (const auto& [sequence, bytes] : page) {
        v1::Event event;
        if (!event.ParseFromString(bytes)) {
          return damage_->Observe(absl::DataLossError(absl::StrCat(
              "audit chain: event ", expected, " is unreadable")));
        }
        if (sequence != expected || event.sequence() != expected) {
          return absl::DataLossError(absl::StrCat(
              "audit chain: expected event ", expected, ", found ", sequence,
              " (events missing or reordered)"));
        }
        if (event.previous_event_sha256() != previous_digest) {
          return absl::DataLossError(absl::StrCat(
              "audit chain: event ", expected,
              " does not follow the one before (altered or removed event)"));
        }
        previous_digest = Sha256(bytes);
        ++expected;
      }
      if (static_cast<int64_t>(page.size()) < kEventsPerPage) break;
    }
    // A gap after the last event read (rows deleted at the end) shows as a
    // head beyond the chain.
    SX_ASSIGN_OR_RETURN(uint64_t count, EventCount());
    if (count != expected - 1) {
      return absl::DataLossError(absl::StrCat(
          "audit chain: the head says ", count, " events, the chain holds ",
          expected - 1, " (events missing at the end)"));
    }
    return absl::OkStatus();
  }

  absl::Status Health() override { return damage_->Current(); }

  absl::StatusOr<ScrubReport> Scrub(uint64_t,
                                    const std::function<bool()>&) override {
    return absl::FailedPreconditionError(
        "storage: the PostgreSQL backend has no scrub of its own: create the "
        "cluster with data checksums (initdb --data-checksums) and run "
        "pg_amcheck on a schedule (see deploy/README.md)");
  }

  absl::Status CreateCheckpoint(const std::string&) override {
    return absl::FailedPreconditionError(
        "storage: the hub's data is in PostgreSQL; back it up with the "
        "database's tools (pg_basebackup with WAL archiving, or pg_dump), "
        "not with a hub checkpoint (see deploy/README.md)");
  }

  absl::Status RewriteAllFiles() override {
    return absl::FailedPreconditionError(
        "storage: on PostgreSQL, old row versions stay in the table files "
        "until VACUUM FULL rewrites them, and in WAL archives and base "
        "backups until those expire: run VACUUM FULL on the hub's tables in "
        "a maintenance window (it locks each table while it runs)");
  }

  void SetWriteObserver(
      std::function<void(const CommitReport&)> observer) override {
    writer_->SetWriteObserver(std::move(observer));
  }

  void SetInboxListener(
      std::function<void(const std::vector<std::string>&)> listener) override {
    writer_->SetInboxListener(std::move(listener));
  }

 private:
  absl::Status CheckDerived(absl::string_view what) const {
    if (options_.referral_deriver.derive) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("storage: ", what,
                     " is not kept by a store opened without the hub's deriver "
                     "(PostgresStoreOptions::referral_deriver)"));
  }

  template <typename T>
  absl::StatusOr<T> Observed(absl::StatusOr<T> result) const {
    damage_->Observe(result.status());
    return result;
  }

  absl::StatusOr<std::optional<std::string>> ReadOne(absl::string_view what,
                                                     const std::string& sql,
                                                     const PgParams& params) {
    return readers_.Read<std::optional<std::string>>(
        [&](PgConnection& connection) {
          return connection.ReadOne(what, sql, params);
        });
  }

  template <typename Message>
  absl::StatusOr<std::vector<Message>> ReadRecords(absl::string_view what,
                                                   const std::string& sql,
                                                   const PgParams& params,
                                                   absl::string_view record) {
    return readers_.Read<std::vector<Message>>(
        [&](PgConnection& connection)
            -> absl::StatusOr<std::vector<Message>> {
          SX_ASSIGN_OR_RETURN(PgResult result,
                              connection.Run(what, sql, params));
          std::vector<Message> messages;
          for (int row = 0; row < result.rows(); ++row) {
            SX_ASSIGN_OR_RETURN(
                Message message,
                Observed(ParseRecord<Message>(result.Bytes(row, 0), record)));
            messages.push_back(std::move(message));
          }
          return messages;
        });
  }

  // Newest first: one more row than the page, to know whether there is a
  // next page.
  absl::StatusOr<ReferralIdPage> ReadIdPage(absl::string_view what,
                                            std::string sql, PgParams params,
                                            size_t limit) {
    params.Int(Limit(limit) + 1);
    // The id column is the first selected: order by it.
    absl::StrAppend(&sql, " ORDER BY 1 DESC LIMIT $",
                    ParamCountOf(sql) + 1, "::bigint");
    return readers_.Read<ReferralIdPage>(
        [&](PgConnection& connection) -> absl::StatusOr<ReferralIdPage> {
          SX_ASSIGN_OR_RETURN(PgResult result,
                              connection.Run(what, sql, params));
          ReferralIdPage page;
          for (int row = 0; row < result.rows(); ++row) {
            if (page.referral_ids.size() == limit) {
              page.next_before_id = page.referral_ids.back();
              break;
            }
            page.referral_ids.push_back(result.Bytes(row, 0));
          }
          return page;
        });
  }

  // The highest $N in `sql`.
  static int ParamCountOf(const std::string& sql) {
    int highest = 0;
    for (size_t at = sql.find('$'); at != std::string::npos;
         at = sql.find('$', at + 1)) {
      int number = 0;
      for (size_t i = at + 1; i < sql.size() && absl::ascii_isdigit(sql[i]);
           ++i) {
        number = number * 10 + (sql[i] - '0');
      }
      highest = std::max(highest, number);
    }
    return highest;
  }

  const PostgresStoreOptions options_;
  const transparency::MerkleHasher hasher_;
  const std::shared_ptr<DamageRecord> damage_;
  PgReaderPool readers_;
  // Last member: its threads start after everything above is initialized.
  std::unique_ptr<PostgresWriter> writer_;
};

absl::StatusOr<std::optional<std::string>> ReadSetting(
    PgConnection& connection, absl::string_view key) {
  SX_ASSIGN_OR_RETURN(
      PgResult result,
      connection.Run("read hub setting",
                     "SELECT value FROM hub_settings WHERE key = $1",
                     PgParams().Text(key)));
  if (result.rows() == 0) return std::nullopt;
  return result.Bytes(0, 0);
}

// The log's hash is chosen when the database is created; a different one
// later would make every stored node hash meaningless.
absl::StatusOr<transparency::MerkleHasher> OpenLogHasher(
    PgConnection& connection, const std::string& wanted) {
  SX_RETURN_IF_ERROR(
      connection
          .Run("write log hash",
               "INSERT INTO hub_settings (key, value) VALUES ($1, $2) "
               "ON CONFLICT (key) DO NOTHING",
               PgParams().Text(keys::kLogHashKey).Bytes(wanted))
          .status());
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      ReadSetting(connection, keys::kLogHashKey));
  if (stored != wanted) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage: the transparency log of this database uses ",
                     stored.value_or("?"), " but the config asks for ", wanted,
                     "; the log hash cannot change for an existing database"));
  }
  SX_ASSIGN_OR_RETURN(transparency::HashAlgorithm algorithm,
                      transparency::ParseHashAlgorithm(wanted));
  return transparency::MerkleHasher::Create(algorithm);
}

struct Prepared {
  transparency::MerkleHasher hasher;
  std::string id_prefix;
};

absl::StatusOr<Prepared> Prepare(PgConnection& connection,
                                 const PostgresStoreOptions& options) {
  SX_RETURN_IF_ERROR(MigrateSchema(connection));
  SX_ASSIGN_OR_RETURN(transparency::MerkleHasher hasher,
                      OpenLogHasher(connection, options.log_hash));
  SX_RETURN_IF_ERROR(RederiveIfStale(connection, options.referral_deriver));
  // After a recorded restore, ids carry the generation (as in RocksDB).
  SX_ASSIGN_OR_RETURN(std::optional<std::string> generation,
                      ReadSetting(connection, keys::kIdGenerationKey));
  std::string id_prefix = options.id_prefix;
  if (generation.has_value()) absl::StrAppend(&id_prefix, "-", *generation);
  return Prepared{std::move(hasher), std::move(id_prefix)};
}

// Until this session holds the write lock: a standby hub waits here.
absl::Status AwaitWriteLock(PgConnection& connection,
                            const PostgresStoreOptions& options) {
  absl::Time next_report = absl::InfinitePast();
  for (;;) {
    SX_ASSIGN_OR_RETURN(bool held, TryWriteLock(connection));
    if (held) return absl::OkStatus();
    if (options.keep_waiting_for_write_lock &&
        !options.keep_waiting_for_write_lock()) {
      return absl::CancelledError(
          "storage: stopped while waiting for the database's write lock");
    }
    if (options.on_waiting_for_write_lock && absl::Now() >= next_report) {
      options.on_waiting_for_write_lock(WriteLockHolder(connection));
      next_report = absl::Now() + options.report_waiting_every;
    }
    absl::SleepFor(kWriteLockPollInterval);
  }
}

}  // namespace

absl::Status CheckPostgresDatabase(const std::string& conninfo,
                                   absl::Duration connect_timeout) {
  SX_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                      PgConnection::Connect(conninfo, connect_timeout));
  return CheckSchemaNotNewer(*connection);
}

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(
    const PostgresStoreOptions& options) {
  if (options.conninfo.empty()) {
    return absl::InvalidArgumentError(
        "storage: no PostgreSQL connection string given");
  }
  if (options.synchronous_commit != "on" &&
      options.synchronous_commit != "remote_apply") {
    return absl::InvalidArgumentError(absl::StrCat(
        "storage: synchronous_commit \"", options.synchronous_commit,
        "\" could acknowledge a write a crash loses: use \"on\" or "
        "\"remote_apply\""));
  }
  SX_ASSIGN_OR_RETURN(
      std::unique_ptr<PgConnection> connection,
      PgConnection::Connect(options.conninfo, options.connect_timeout,
                            ApplicationName(options)));
  SX_RETURN_IF_ERROR(connection
                         ->Run("lock for opening",
                               "SELECT pg_advisory_lock($1::bigint)",
                               PgParams().Int(kOpenLockKey))
                         .status());
  absl::StatusOr<Prepared> prepared = Prepare(*connection, options);
  const absl::Status unlocked =
      connection
          ->Run("unlock after opening", "SELECT pg_advisory_unlock($1::bigint)",
                PgParams().Int(kOpenLockKey))
          .status();
  if (!prepared.ok()) return prepared.status();
  SX_RETURN_IF_ERROR(unlocked);
  SX_RETURN_IF_ERROR(AwaitWriteLock(*connection, options));
  auto damage = std::make_shared<DamageRecord>(options.on_damage);
  return std::unique_ptr<Store>(new PostgresStore(
      options, std::move(prepared->id_prefix), std::move(prepared->hasher),
      std::move(damage), std::move(connection)));
}

}  // namespace sx::storage
