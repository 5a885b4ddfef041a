#include "storage/postgres_transaction.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/derived_changes.h"
#include "storage/event_time.h"
#include "storage/keys.h"
#include "storage/merkle_append.h"
#include "storage/postgres_records.h"
#include "storage/queue_count_keys.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"

namespace sx::storage {

namespace v1 = ::supervision::v1;

namespace {

// "($1, $2::bigint), ($3, $4::bigint)" for 2 rows of {"", "::bigint"}:
// the VALUES of a multi-row INSERT, one round trip for many rows.
std::string ValueRows(size_t rows, const std::vector<std::string>& casts) {
  std::string text;
  int parameter = 1;
  for (size_t row = 0; row < rows; ++row) {
    absl::StrAppend(&text, row == 0 ? "(" : ", (");
    for (size_t column = 0; column < casts.size(); ++column) {
      absl::StrAppend(&text, column == 0 ? "" : ", ", "$", parameter++,
                      casts[column]);
    }
    absl::StrAppend(&text, ")");
  }
  return text;
}

}  // namespace

PostgresTransaction::PostgresTransaction(
    PgConnection& connection, absl::string_view id_prefix,
    const transparency::MerkleHasher& hasher, const ReferralDeriver& deriver)
    : connection_(connection),
      id_prefix_(id_prefix),
      hasher_(hasher),
      deriver_(deriver) {}

absl::StatusOr<std::optional<std::string>> PostgresTransaction::ReadOne(
    absl::string_view what, const std::string& sql, const PgParams& params) {
  SX_ASSIGN_OR_RETURN(PgResult result, connection_.Run(what, sql, params));
  if (result.rows() == 0) return std::nullopt;
  return result.Bytes(0, 0);
}

absl::Status PostgresTransaction::Write(absl::string_view what,
                                        const std::string& sql,
                                        const PgParams& params) {
  return connection_.Run(what, sql, params).status();
}

absl::StatusOr<std::optional<std::string>> PostgresTransaction::ReadSetting(
    absl::string_view key) {
  return ReadOne("read hub setting",
                 "SELECT value FROM hub_settings WHERE key = $1",
                 PgParams().Text(key));
}

absl::Status PostgresTransaction::WriteSetting(absl::string_view key,
                                               absl::string_view value) {
  return Write("write hub setting",
               "INSERT INTO hub_settings (key, value) VALUES ($1, $2) "
               "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
               PgParams().Text(key).Bytes(value));
}

absl::StatusOr<std::optional<v1::Referral>> PostgresTransaction::GetReferral(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      ReadOne("read referral",
              "SELECT record FROM referrals WHERE referral_id = $1",
              PgParams().Text(referral_id)));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::Referral>(*bytes, "referral");
}

absl::StatusOr<v1::Lead> PostgresTransaction::GetLead(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      ReadOne("read lead",
                              "SELECT record FROM leads WHERE referral_id = $1",
                              PgParams().Text(referral_id)));
  if (!bytes.has_value()) {
    return absl::DataLossError(
        absl::StrCat("storage: lead of referral ", referral_id, " is missing"));
  }
  return ParseRecord<v1::Lead>(*bytes, "lead");
}

absl::StatusOr<std::string> PostgresTransaction::NewReferralId() {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      ReadSetting(keys::kReferralCounterKey));
  uint64_t number = 0;
  if (stored.has_value() && !keys::DecodeUint64(*stored, &number)) {
    return absl::DataLossError("storage: the referral counter is malformed");
  }
  ++number;
  SX_RETURN_IF_ERROR(
      WriteSetting(keys::kReferralCounterKey, keys::EncodeUint64(number)));
  return absl::StrFormat("%s-%010d", id_prefix_, number);
}

absl::Status PostgresTransaction::SetIdGeneration(
    absl::string_view generation) {
  return WriteSetting(keys::kIdGenerationKey, generation);
}

absl::StatusOr<std::string> PostgresTransaction::IdGeneration() {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      ReadSetting(keys::kIdGenerationKey));
  return stored.value_or("");
}

absl::Status PostgresTransaction::AdvanceInboxSequence(
    absl::string_view agency_id, uint64_t next_sequence) {
  if (next_sequence == 0) return absl::OkStatus();
  return Write("advance inbox sequence",
               "INSERT INTO inbox_sequences (agency_id, last_sequence) "
               "VALUES ($1, $2::bigint) ON CONFLICT (agency_id) DO UPDATE "
               "SET last_sequence = greatest(inbox_sequences.last_sequence, "
               "EXCLUDED.last_sequence)",
               PgParams().Text(agency_id).Int(
                   static_cast<int64_t>(next_sequence - 1)));
}

absl::Status PostgresTransaction::CreateReferral(const v1::Referral& referral,
                                                 const v1::Lead& lead) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  const std::string& id = referral.referral_id();
  // ON CONFLICT DO NOTHING, not a unique violation: an error would abort
  // the whole group's transaction, and the body may well handle this one.
  SX_ASSIGN_OR_RETURN(
      PgResult inserted,
      connection_.Run(
          "create referral",
          "INSERT INTO referrals (referral_id, sender_agency_id, "
          "recipient_agency_id, state, record) VALUES ($1, $2, $3, "
          "$4::integer, $5) ON CONFLICT (referral_id) DO NOTHING "
          "RETURNING 1",
          PgParams()
              .Text(id)
              .Text(referral.sender_agency_id())
              .Text(referral.recipient_agency_id())
              .Int(referral.state())
              .Bytes(referral.SerializeAsString())));
  if (inserted.rows() == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("storage: referral ", id, " already exists"));
  }
  SX_RETURN_IF_ERROR(Write(
      "store lead",
      "INSERT INTO leads (referral_id, record) VALUES ($1, $2) "
      "ON CONFLICT (referral_id) DO UPDATE SET record = EXCLUDED.record",
      PgParams().Text(id).Bytes(lead.SerializeAsString())));
  SX_RETURN_IF_ERROR(KeepDerivedEntries(nullptr, referral));
  return Write(
      "index referral by party",
      "INSERT INTO referral_parties (agency_id, side, referral_id) "
      "VALUES ($1, 'S', $3), ($2, 'R', $3) ON CONFLICT DO NOTHING",
      PgParams()
          .Text(referral.sender_agency_id())
          .Text(referral.recipient_agency_id())
          .Text(id));
}

absl::Status PostgresTransaction::UpdateReferral(const v1::Referral& referral) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  // The record as it was, for the derived entries: the same statement
  // returns it (a self-join on the old row version).
  SX_ASSIGN_OR_RETURN(
      PgResult updated,
      connection_.Run(
          "update referral",
          "UPDATE referrals AS r SET state = $2::integer, record = $3 "
          "FROM referrals AS old WHERE r.referral_id = $1 AND "
          "old.referral_id = r.referral_id RETURNING old.record",
          PgParams()
              .Text(referral.referral_id())
              .Int(referral.state())
              .Bytes(referral.SerializeAsString())));
  if (updated.rows() == 0) {
    return absl::NotFoundError(absl::StrCat(
        "storage: referral ", referral.referral_id(), " does not exist"));
  }
  if (!deriver_.derive) return KeepDerivedEntries(nullptr, referral);
  SX_ASSIGN_OR_RETURN(
      v1::Referral before,
      ParseRecord<v1::Referral>(updated.Bytes(0, 0), "referral"));
  return KeepDerivedEntries(&before, referral);
}

absl::Status PostgresTransaction::ReplaceLead(absl::string_view referral_id,
                                              const v1::Lead& lead) {
  SX_ASSIGN_OR_RETURN(
      PgResult updated,
      connection_.Run("replace lead",
                      "UPDATE leads SET record = $2 WHERE referral_id = $1 "
                      "RETURNING 1",
                      PgParams().Text(referral_id).Bytes(
                          lead.SerializeAsString())));
  if (updated.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("storage: referral ", referral_id,
                                            " has no lead to replace"));
  }
  return absl::OkStatus();
}

absl::Status PostgresTransaction::KeepDerivedEntries(
    const v1::Referral* before, const v1::Referral& after) {
  if (!deriver_.derive) {
    // The entries no longer match the referrals: the next store opened with
    // a deriver derives them all again.
    return Write("mark derived entries stale",
                 "DELETE FROM hub_settings WHERE key = $1",
                 PgParams().Text(keys::kDerivedVersionKey));
  }
  const DerivedChanges changes = DiffDerivedEntries(deriver_, before, after);
  SX_RETURN_IF_ERROR(AddToCounters(changes.counter_deltas));
  for (const std::string& key : changes.unwatched) {
    SX_RETURN_IF_ERROR(Write("unwatch", "DELETE FROM watch_list WHERE key = $1",
                             PgParams().Bytes(key)));
  }
  for (const auto& [key, value] : changes.watched) {
    SX_RETURN_IF_ERROR(
        Write("watch",
              "INSERT INTO watch_list (key, value) VALUES ($1, $2) "
              "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
              PgParams().Bytes(key).Bytes(value)));
  }
  for (const std::string& key : changes.unindexed) {
    SX_RETURN_IF_ERROR(Write("unindex",
                             "DELETE FROM referral_index WHERE key = $1",
                             PgParams().Bytes(key)));
  }
  for (const std::string& key : changes.indexed) {
    SX_RETURN_IF_ERROR(Write("index",
                             "INSERT INTO referral_index (key) VALUES ($1) "
                             "ON CONFLICT DO NOTHING",
                             PgParams().Bytes(key)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::RequestRecord>>
PostgresTransaction::GetRequest(absl::string_view caller,
                                absl::string_view request_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      ReadOne("read request record",
              "SELECT record FROM requests WHERE caller = $1 AND "
              "request_id = $2",
              PgParams().Text(caller).Text(request_id)));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::RequestRecord>(*bytes, "request record");
}

absl::Status PostgresTransaction::PutRequest(absl::string_view caller,
                                             absl::string_view request_id,
                                             const v1::RequestRecord& record) {
  return Write("store request record",
               "INSERT INTO requests (caller, request_id, record) "
               "VALUES ($1, $2, $3) ON CONFLICT (caller, request_id) "
               "DO UPDATE SET record = EXCLUDED.record",
               PgParams().Text(caller).Text(request_id).Bytes(
                   record.SerializeAsString()));
}

absl::Status PostgresTransaction::PutSigningCertificate(
    absl::string_view sha256, absl::string_view der) {
  // Nearly every signed step names a certificate already kept.
  return Write("keep signing certificate",
               "INSERT INTO signing_certificates (sha256, der) "
               "VALUES ($1, $2) ON CONFLICT (sha256) DO UPDATE "
               "SET der = EXCLUDED.der "
               "WHERE signing_certificates.der IS DISTINCT FROM EXCLUDED.der",
               PgParams().Text(absl::BytesToHexString(sha256)).Bytes(der));
}

absl::StatusOr<v1::Event> PostgresTransaction::AppendEvent(
    v1::Event event, const std::vector<std::string>& agencies) {
  SX_ASSIGN_OR_RETURN(
      PgResult head,
      connection_.Run("read event chain head",
                      "SELECT sequence, sha256, time_nanos "
                      "FROM event_chain_head"));
  uint64_t last_sequence = 0;
  std::string last_digest(kSha256Bytes, '\0');
  absl::Time last_time = absl::UnixEpoch();
  if (head.rows() == 1) {
    last_sequence = static_cast<uint64_t>(head.Int(0, 0));
    last_digest = head.Bytes(0, 1);
    last_time = absl::FromUnixNanos(head.Int(0, 2));
  }
  event.set_sequence(last_sequence + 1);
  event.set_previous_event_sha256(last_digest);
  // Event times never go back (a clock stepped back records the last time
  // again), so that a time range is a sequence range.
  absl::Time time = EventTime(event);
  if (time < last_time) {
    time = last_time;
    SetEventTime(time, event);
  }
  const int64_t nanos = std::max<int64_t>(0, absl::ToUnixNanos(time));
  const std::string bytes = event.SerializeAsString();
  const auto sequence = static_cast<int64_t>(event.sequence());
  SX_RETURN_IF_ERROR(Write(
      "append event",
      "INSERT INTO events (sequence, referral_id, type, occurred_at, "
      "time_nanos, bytes) VALUES ($1::bigint, $2, $3::integer, "
      "to_timestamp($4::bigint / 1e9), $4::bigint, $5)",
      PgParams()
          .Int(sequence)
          .Text(event.referral_id())
          .Int(event.type())
          .Int(nanos)
          .Bytes(bytes)));
  SX_RETURN_IF_ERROR(Write(
      "move event chain head",
      "INSERT INTO event_chain_head (only_row, sequence, sha256, time_nanos) "
      "VALUES (true, $1::bigint, $2, $3::bigint) ON CONFLICT (only_row) DO "
      "UPDATE SET sequence = EXCLUDED.sequence, sha256 = EXCLUDED.sha256, "
      "time_nanos = EXCLUDED.time_nanos",
      PgParams().Int(sequence).Bytes(Sha256(bytes)).Int(nanos)));
  SX_RETURN_IF_ERROR(AppendMerkleLeaf(
      hasher_, event.sequence() - 1, bytes,
      [this](uint64_t level, uint64_t index) {
        return ReadOne("read transparency log node",
                       "SELECT hash FROM merkle_nodes WHERE level = "
                       "$1::smallint AND position = $2::bigint",
                       PgParams()
                           .Int(static_cast<int64_t>(level))
                           .Int(static_cast<int64_t>(index)));
      },
      [this](uint64_t level, uint64_t index, absl::string_view hash) {
        return Write("write transparency log node",
                     "INSERT INTO merkle_nodes (level, position, hash) "
                     "VALUES ($1::smallint, $2::bigint, $3)",
                     PgParams()
                         .Int(static_cast<int64_t>(level))
                         .Int(static_cast<int64_t>(index))
                         .Bytes(hash));
      }));
  if (!agencies.empty()) {
    PgParams params;
    for (const std::string& agency : agencies) {
      params.Text(agency).Int(sequence).Int(event.type());
    }
    SX_RETURN_IF_ERROR(Write(
        "index event by agency",
        absl::StrCat("INSERT INTO event_agencies (agency_id, sequence, type) "
                     "VALUES ",
                     ValueRows(agencies.size(), {"", "::bigint", "::integer"}),
                     " ON CONFLICT DO NOTHING"),
        params));
  }
  return event;
}

absl::StatusOr<uint64_t> PostgresTransaction::AppendInbox(
    absl::string_view agency_id, const v1::Event& event) {
  SX_ASSIGN_OR_RETURN(
      PgResult next,
      connection_.Run("advance inbox sequence",
                      "INSERT INTO inbox_sequences (agency_id, last_sequence) "
                      "VALUES ($1, 1) ON CONFLICT (agency_id) DO UPDATE SET "
                      "last_sequence = inbox_sequences.last_sequence + 1 "
                      "RETURNING last_sequence",
                      PgParams().Text(agency_id)));
  const auto sequence = static_cast<uint64_t>(next.Int(0, 0));
  v1::InboxEntry entry;
  entry.set_sequence(sequence);
  *entry.mutable_event() = event;
  SX_RETURN_IF_ERROR(Write(
      "append inbox entry",
      "INSERT INTO inbox_entries (agency_id, sequence, event_sequence, entry) "
      "VALUES ($1, $2::bigint, $3::bigint, $4)",
      PgParams()
          .Text(agency_id)
          .Int(static_cast<int64_t>(sequence))
          .Int(static_cast<int64_t>(event.sequence()))
          .Bytes(entry.SerializeAsString())));
  SX_RETURN_IF_ERROR(AddToCounters({{InboxDepthKey(agency_id), 1}}));
  grown_inboxes_.emplace_back(agency_id);
  return sequence;
}

absl::StatusOr<std::optional<v1::InboxEntry>>
PostgresTransaction::TakeInboxEntry(absl::string_view agency_id,
                                    uint64_t sequence) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      ReadOne("take inbox entry",
              "DELETE FROM inbox_entries WHERE agency_id = $1 AND "
              "sequence = $2::bigint RETURNING entry",
              PgParams().Text(agency_id).Int(static_cast<int64_t>(sequence))));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::InboxEntry entry,
                      ParseRecord<v1::InboxEntry>(*bytes, "inbox entry"));
  SX_RETURN_IF_ERROR(AddToCounters({{InboxDepthKey(agency_id), -1}}));
  return entry;
}

absl::Status PostgresTransaction::RestoreInboxEntry(
    absl::string_view agency_id, const v1::InboxEntry& entry) {
  // xmax = 0 only for a row this statement inserted (not one it updated).
  SX_ASSIGN_OR_RETURN(
      PgResult restored,
      connection_.Run(
          "restore inbox entry",
          "INSERT INTO inbox_entries (agency_id, sequence, event_sequence, "
          "entry) VALUES ($1, $2::bigint, $3::bigint, $4) ON CONFLICT "
          "(agency_id, sequence) DO UPDATE SET entry = EXCLUDED.entry "
          "RETURNING (xmax = 0)",
          PgParams()
              .Text(agency_id)
              .Int(static_cast<int64_t>(entry.sequence()))
              .Int(static_cast<int64_t>(entry.event().sequence()))
              .Bytes(entry.SerializeAsString())));
  if (restored.rows() == 1 && restored.Int(0, 0) != 0) {
    return AddToCounters({{InboxDepthKey(agency_id), 1}});
  }
  return absl::OkStatus();
}

absl::Status PostgresTransaction::PutDeadLetter(absl::string_view agency_id,
                                                const v1::InboxEntry& entry,
                                                absl::Time when) {
  const v1::StoredDeadLetter letter = DeadLetterOf(agency_id, entry, when);
  SX_ASSIGN_OR_RETURN(
      PgResult stored,
      connection_.Run(
          "store dead letter",
          "INSERT INTO dead_letters (agency_id, sequence, dead_lettered_at, "
          "record) VALUES ($1, $2::bigint, to_timestamp($3::bigint), $4) "
          "ON CONFLICT (agency_id, sequence) DO UPDATE SET "
          "dead_lettered_at = EXCLUDED.dead_lettered_at, "
          "record = EXCLUDED.record RETURNING (xmax = 0)",
          PgParams()
              .Text(agency_id)
              .Int(static_cast<int64_t>(entry.sequence()))
              .Int(absl::ToUnixSeconds(when))
              .Bytes(letter.SerializeAsString())));
  if (stored.rows() == 1 && stored.Int(0, 0) != 0) {
    return AddToCounters({{DeadLetterCountKey(agency_id), 1}});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::InboxEntry>>
PostgresTransaction::TakeDeadLetter(absl::string_view agency_id,
                                    uint64_t sequence) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      ReadOne("take dead letter",
              "DELETE FROM dead_letters WHERE agency_id = $1 AND "
              "sequence = $2::bigint RETURNING record",
              PgParams().Text(agency_id).Int(static_cast<int64_t>(sequence))));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::StoredDeadLetter letter,
                      ParseRecord<v1::StoredDeadLetter>(*bytes, "dead letter"));
  SX_RETURN_IF_ERROR(AddToCounters({{DeadLetterCountKey(agency_id), -1}}));
  return EntryOf(letter);
}

absl::Status PostgresTransaction::WriteDeadline(DeadlineKind kind,
                                                absl::Time due,
                                                absl::string_view referral_id,
                                                uint32_t item_number) {
  // sort_key is the RocksDB store's key: due seconds first, so both
  // backends hand out deadlines in the same order.
  return Write(
      "store deadline",
      "INSERT INTO deadlines (sort_key, kind, due, referral_id, item_number) "
      "VALUES ($1, $2, to_timestamp($3::bigint), $4, $5::bigint) "
      "ON CONFLICT (sort_key) DO NOTHING",
      PgParams()
          .Bytes(keys::DeadlineKey(kind, due, referral_id, item_number))
          .Text(DeadlineKindName(kind))
          .Int(std::max<int64_t>(0, absl::ToUnixSeconds(due)))
          .Text(referral_id)
          .Int(item_number));
}

absl::Status PostgresTransaction::DeleteDeadlineKey(
    DeadlineKind kind, absl::Time due, absl::string_view referral_id,
    uint32_t item_number) {
  return Write("delete deadline", "DELETE FROM deadlines WHERE sort_key = $1",
               PgParams().Bytes(
                   keys::DeadlineKey(kind, due, referral_id, item_number)));
}

absl::Status PostgresTransaction::PutDeadline(DeadlineKind kind, absl::Time due,
                                              absl::string_view referral_id) {
  return WriteDeadline(kind, due, referral_id, 0);
}

absl::Status PostgresTransaction::DeleteDeadline(
    DeadlineKind kind, absl::Time due, absl::string_view referral_id) {
  return DeleteDeadlineKey(kind, due, referral_id, 0);
}

absl::Status PostgresTransaction::PutItemDeadline(absl::Time due,
                                                  absl::string_view referral_id,
                                                  uint32_t item_number) {
  return WriteDeadline(DeadlineKind::kRectificationItem, due, referral_id,
                       item_number);
}

absl::Status PostgresTransaction::DeleteItemDeadline(
    absl::Time due, absl::string_view referral_id, uint32_t item_number) {
  return DeleteDeadlineKey(DeadlineKind::kRectificationItem, due, referral_id,
                           item_number);
}

absl::Status PostgresTransaction::PutDistribution(
    const v1::StoredDistribution& distribution) {
  return Write("store distribution",
               "INSERT INTO distributions (distribution_id, sender_agency_id, "
               "record) VALUES ($1, $2, $3) ON CONFLICT (distribution_id) DO "
               "UPDATE SET sender_agency_id = EXCLUDED.sender_agency_id, "
               "record = EXCLUDED.record",
               PgParams()
                   .Text(distribution.distribution_id())
                   .Text(distribution.sender_agency_id())
                   .Bytes(distribution.SerializeAsString()));
}

absl::StatusOr<std::optional<v1::StoredDistribution>>
PostgresTransaction::GetDistribution(absl::string_view distribution_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      ReadOne("read distribution",
              "SELECT record FROM distributions WHERE distribution_id = $1",
              PgParams().Text(distribution_id)));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::StoredDistribution>(*bytes, "distribution");
}

absl::Status PostgresTransaction::AddToCounters(
    const std::vector<std::pair<std::string, int64_t>>& deltas) {
  if (deltas.empty()) return absl::OkStatus();
  // One statement for all: a key twice would be an error in one INSERT ...
  // ON CONFLICT DO UPDATE, so the deltas of a key are added up first.
  std::map<std::string, int64_t> sums;
  for (const auto& [key, delta] : deltas) sums[key] += delta;
  PgParams params;
  for (const auto& [key, sum] : sums) params.Bytes(key).Int(sum);
  return Write("add to counters",
               absl::StrCat("INSERT INTO counters (key, value) VALUES ",
                            ValueRows(sums.size(), {"", "::bigint"}),
                            " ON CONFLICT (key) DO UPDATE SET "
                            "value = counters.value + EXCLUDED.value"),
               params);
}

absl::StatusOr<std::optional<v1::RectificationItem>>
PostgresTransaction::GetRectificationItem(absl::string_view referral_id,
                                          uint32_t number) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      ReadOne("read rectification item",
              "SELECT record FROM rectification_items WHERE referral_id = $1 "
              "AND number = $2::bigint",
              PgParams().Text(referral_id).Int(number)));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::RectificationItem>(*bytes, "rectification item");
}

absl::Status PostgresTransaction::PutRectificationItem(
    absl::string_view referral_id, const v1::RectificationItem& item) {
  return Write("store rectification item",
               "INSERT INTO rectification_items (referral_id, number, record) "
               "VALUES ($1, $2::bigint, $3) ON CONFLICT (referral_id, number) "
               "DO UPDATE SET record = EXCLUDED.record",
               PgParams().Text(referral_id).Int(item.number()).Bytes(
                   item.SerializeAsString()));
}

}  // namespace sx::storage
