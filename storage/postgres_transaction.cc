#include "storage/postgres_transaction.h"

#include <algorithm>
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

// The one row of event_chain_head.
const PgRow kChainHeadKey = {int64_t{1}};

const std::string& StringAt(const PgRow& row, size_t column) {
  return std::get<std::string>(row[column]);
}

int64_t IntAt(const PgRow& row, size_t column) {
  return std::get<int64_t>(row[column]);
}

int64_t Signed(uint64_t value) { return static_cast<int64_t>(value); }

}  // namespace

PostgresTransaction::PostgresTransaction(
    PgConnection& connection, PgPendingWrites& writes,
    const PgPendingWrites& group, PgPendingWrites& known,
    absl::string_view id_prefix, const transparency::MerkleHasher& hasher,
    const ReferralDeriver& deriver)
    : connection_(connection),
      writes_(writes),
      group_(group),
      known_(known),
      id_prefix_(id_prefix),
      hasher_(hasher),
      deriver_(deriver) {}

bool PostgresTransaction::KeepsKnown(PgTable table) {
  return table == PgTable::kHubSettings || table == PgTable::kEventChainHead ||
         table == PgTable::kMerkleNodes || table == PgTable::kInboxSequences;
}

absl::StatusOr<std::optional<PgRow>> PostgresTransaction::Row(PgTable table,
                                                              PgRow key) {
  const PgPendingWrites* const layers[] = {&writes_, &group_, &known_};
  for (const PgPendingWrites* layer : layers) {
    if (const PgPendingWrites::Entry* entry = layer->Find(table, key)) {
      if (entry->deleted) return std::nullopt;
      return entry->row;
    }
  }
  const PgTableSpec& spec = SpecOf(table);
  key.resize(spec.key_columns);
  PgParams params;
  for (size_t i = 0; i < spec.key_columns; ++i) {
    params.Field(spec.columns[i].type, key[i]);
  }
  SX_ASSIGN_OR_RETURN(
      PgResult result,
      connection_.Run(absl::StrCat("read ", spec.name), SelectSql(table),
                      params));
  std::optional<PgRow> row;
  if (result.rows() > 0) {
    row = key;
    for (size_t i = spec.key_columns; i < spec.columns.size(); ++i) {
      const int column = static_cast<int>(i - spec.key_columns);
      if (spec.columns[i].type == PgType::kInt) {
        row->emplace_back(result.Int(0, column));
      } else {
        row->emplace_back(result.Bytes(0, column));
      }
    }
  }
  if (KeepsKnown(table)) {
    if (row.has_value()) {
      known_.Put(table, *row);
    } else {
      known_.Delete(table, std::move(key));
    }
  }
  return row;
}

absl::StatusOr<std::optional<std::string>> PostgresTransaction::Column(
    PgTable table, PgRow key, size_t column) {
  SX_ASSIGN_OR_RETURN(std::optional<PgRow> row, Row(table, std::move(key)));
  if (!row.has_value()) return std::nullopt;
  return StringAt(*row, column);
}

absl::StatusOr<std::optional<std::string>> PostgresTransaction::ReadSetting(
    absl::string_view key) {
  return Column(PgTable::kHubSettings, {std::string(key)}, 1);
}

void PostgresTransaction::WriteSetting(absl::string_view key,
                                       absl::string_view value) {
  writes_.Put(PgTable::kHubSettings, {std::string(key), std::string(value)});
}

absl::StatusOr<std::optional<v1::Referral>> PostgresTransaction::GetReferral(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      Column(PgTable::kReferrals, {std::string(referral_id)}, 4));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::Referral>(*bytes, "referral");
}

absl::StatusOr<v1::Lead> PostgresTransaction::GetLead(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Column(PgTable::kLeads, {std::string(referral_id)}, 1));
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
  WriteSetting(keys::kReferralCounterKey, keys::EncodeUint64(number));
  std::string id = absl::StrFormat("%s-%010d", id_prefix_, number);
  minted_ids_.insert(id);
  return id;
}

absl::Status PostgresTransaction::SetIdGeneration(
    absl::string_view generation) {
  WriteSetting(keys::kIdGenerationKey, generation);
  return absl::OkStatus();
}

absl::StatusOr<std::string> PostgresTransaction::IdGeneration() {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      ReadSetting(keys::kIdGenerationKey));
  return stored.value_or("");
}

absl::Status PostgresTransaction::AdvanceInboxSequence(
    absl::string_view agency_id, uint64_t next_sequence) {
  if (next_sequence == 0) return absl::OkStatus();
  SX_ASSIGN_OR_RETURN(std::optional<PgRow> row,
                      Row(PgTable::kInboxSequences, {std::string(agency_id)}));
  const int64_t last = Signed(next_sequence - 1);
  if (row.has_value() && IntAt(*row, 1) >= last) return absl::OkStatus();
  writes_.Put(PgTable::kInboxSequences, {std::string(agency_id), last});
  return absl::OkStatus();
}

absl::Status PostgresTransaction::CreateReferral(const v1::Referral& referral,
                                                 const v1::Lead& lead) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  const std::string& id = referral.referral_id();
  // An id this transaction took from the counter was never used before
  // (the counter only grows): only this group's own writes could hold it,
  // and the database need not be asked, which saves a round trip on
  // every submission.
  bool exists = writes_.Find(PgTable::kReferrals, {id}) != nullptr ||
                group_.Find(PgTable::kReferrals, {id}) != nullptr;
  if (!exists && !minted_ids_.contains(id)) {
    SX_ASSIGN_OR_RETURN(std::optional<PgRow> existing,
                        Row(PgTable::kReferrals, {id}));
    exists = existing.has_value();
  }
  if (exists) {
    return absl::AlreadyExistsError(
        absl::StrCat("storage: referral ", id, " already exists"));
  }
  writes_.Put(PgTable::kReferrals,
              {id, referral.sender_agency_id(), referral.recipient_agency_id(),
               int64_t{referral.state()}, referral.SerializeAsString()});
  writes_.Put(PgTable::kLeads, {id, lead.SerializeAsString()});
  SX_RETURN_IF_ERROR(KeepDerivedEntries(nullptr, referral));
  writes_.Put(PgTable::kReferralParties,
              {referral.sender_agency_id(), std::string("S"), id});
  writes_.Put(PgTable::kReferralParties,
              {referral.recipient_agency_id(), std::string("R"), id});
  return absl::OkStatus();
}

absl::Status PostgresTransaction::UpdateReferral(const v1::Referral& referral) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> before,
                      GetReferral(referral.referral_id()));
  if (!before.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "storage: referral ", referral.referral_id(), " does not exist"));
  }
  writes_.Put(PgTable::kReferrals,
              {referral.referral_id(), referral.sender_agency_id(),
               referral.recipient_agency_id(), int64_t{referral.state()},
               referral.SerializeAsString()});
  if (!deriver_.derive) return KeepDerivedEntries(nullptr, referral);
  return KeepDerivedEntries(&*before, referral);
}

absl::Status PostgresTransaction::ReplaceLead(absl::string_view referral_id,
                                              const v1::Lead& lead) {
  SX_ASSIGN_OR_RETURN(std::optional<PgRow> existing,
                      Row(PgTable::kLeads, {std::string(referral_id)}));
  if (!existing.has_value()) {
    return absl::NotFoundError(absl::StrCat("storage: referral ", referral_id,
                                            " has no lead to replace"));
  }
  writes_.Put(PgTable::kLeads,
              {std::string(referral_id), lead.SerializeAsString()});
  return absl::OkStatus();
}

absl::Status PostgresTransaction::KeepDerivedEntries(
    const v1::Referral* before, const v1::Referral& after) {
  if (!deriver_.derive) {
    // The entries no longer match the referrals: the next store opened with
    // a deriver derives them all again.
    writes_.Delete(PgTable::kHubSettings,
                   {std::string(keys::kDerivedVersionKey)});
    return absl::OkStatus();
  }
  const DerivedChanges changes = DiffDerivedEntries(deriver_, before, after);
  writes_.AddToCounters(changes.counter_deltas);
  for (const std::string& key : changes.unwatched) {
    writes_.Delete(PgTable::kWatchList, {key});
  }
  for (const auto& [key, value] : changes.watched) {
    writes_.Put(PgTable::kWatchList, {key, value});
  }
  for (const std::string& key : changes.unindexed) {
    writes_.Delete(PgTable::kReferralIndex, {key});
  }
  for (const std::string& key : changes.indexed) {
    writes_.Put(PgTable::kReferralIndex, {key});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::RequestRecord>>
PostgresTransaction::GetRequest(absl::string_view caller,
                                absl::string_view request_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      Column(PgTable::kRequests,
             {std::string(caller), std::string(request_id)}, 2));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::RequestRecord>(*bytes, "request record");
}

absl::Status PostgresTransaction::PutRequest(absl::string_view caller,
                                             absl::string_view request_id,
                                             const v1::RequestRecord& record) {
  writes_.Put(PgTable::kRequests, {std::string(caller), std::string(request_id),
                                   record.SerializeAsString()});
  return absl::OkStatus();
}

absl::Status PostgresTransaction::PutSigningCertificate(
    absl::string_view sha256, absl::string_view der) {
  writes_.Put(PgTable::kSigningCertificates,
              {absl::BytesToHexString(sha256), std::string(der)});
  return absl::OkStatus();
}

absl::StatusOr<v1::Event> PostgresTransaction::AppendEvent(
    v1::Event event, const std::vector<std::string>& agencies) {
  SX_ASSIGN_OR_RETURN(std::optional<PgRow> head,
                      Row(PgTable::kEventChainHead, kChainHeadKey));
  uint64_t last_sequence = 0;
  std::string last_digest(kSha256Bytes, '\0');
  absl::Time last_time = absl::UnixEpoch();
  if (head.has_value()) {
    last_sequence = static_cast<uint64_t>(IntAt(*head, 1));
    last_digest = StringAt(*head, 2);
    last_time = absl::FromUnixNanos(IntAt(*head, 3));
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
  std::string bytes = event.SerializeAsString();
  const int64_t sequence = Signed(event.sequence());
  writes_.Put(PgTable::kEventChainHead,
              {int64_t{1}, sequence, Sha256(bytes), nanos});
  SX_RETURN_IF_ERROR(AppendMerkleLeaf(
      hasher_, event.sequence() - 1, bytes,
      [this](uint64_t level, uint64_t index) {
        return Column(PgTable::kMerkleNodes, {Signed(level), Signed(index)},
                      2);
      },
      [this](uint64_t level, uint64_t index, absl::string_view hash) {
        writes_.Put(PgTable::kMerkleNodes,
                    {Signed(level), Signed(index), std::string(hash)});
        return absl::OkStatus();
      }));
  writes_.Put(PgTable::kEvents,
              {sequence, event.referral_id(), int64_t{event.type()}, nanos,
               nanos, std::move(bytes)});
  for (const std::string& agency : agencies) {
    writes_.Put(PgTable::kEventAgencies,
                {agency, sequence, int64_t{event.type()}});
  }
  return event;
}

absl::StatusOr<uint64_t> PostgresTransaction::AppendInbox(
    absl::string_view agency_id, const v1::Event& event) {
  SX_ASSIGN_OR_RETURN(std::optional<PgRow> last,
                      Row(PgTable::kInboxSequences, {std::string(agency_id)}));
  const int64_t sequence = last.has_value() ? IntAt(*last, 1) + 1 : 1;
  writes_.Put(PgTable::kInboxSequences, {std::string(agency_id), sequence});
  v1::InboxEntry entry;
  entry.set_sequence(static_cast<uint64_t>(sequence));
  *entry.mutable_event() = event;
  writes_.Put(PgTable::kInboxEntries,
              {std::string(agency_id), sequence, Signed(event.sequence()),
               entry.SerializeAsString()});
  writes_.AddToCounters({{InboxDepthKey(agency_id), 1}});
  grown_inboxes_.emplace_back(agency_id);
  return static_cast<uint64_t>(sequence);
}

absl::StatusOr<std::optional<v1::InboxEntry>>
PostgresTransaction::TakeInboxEntry(absl::string_view agency_id,
                                    uint64_t sequence) {
  const PgRow key = {std::string(agency_id), Signed(sequence)};
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Column(PgTable::kInboxEntries, key, 3));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::InboxEntry entry,
                      ParseRecord<v1::InboxEntry>(*bytes, "inbox entry"));
  writes_.Delete(PgTable::kInboxEntries, key);
  writes_.AddToCounters({{InboxDepthKey(agency_id), -1}});
  return entry;
}

absl::Status PostgresTransaction::RestoreInboxEntry(
    absl::string_view agency_id, const v1::InboxEntry& entry) {
  const int64_t sequence = Signed(entry.sequence());
  SX_ASSIGN_OR_RETURN(
      std::optional<PgRow> existing,
      Row(PgTable::kInboxEntries, {std::string(agency_id), sequence}));
  writes_.Put(PgTable::kInboxEntries,
              {std::string(agency_id), sequence,
               Signed(entry.event().sequence()), entry.SerializeAsString()});
  if (!existing.has_value()) {
    writes_.AddToCounters({{InboxDepthKey(agency_id), 1}});
  }
  return absl::OkStatus();
}

absl::Status PostgresTransaction::PutDeadLetter(absl::string_view agency_id,
                                                const v1::InboxEntry& entry,
                                                absl::Time when) {
  const v1::StoredDeadLetter letter = DeadLetterOf(agency_id, entry, when);
  const int64_t sequence = Signed(entry.sequence());
  SX_ASSIGN_OR_RETURN(
      std::optional<PgRow> existing,
      Row(PgTable::kDeadLetters, {std::string(agency_id), sequence}));
  writes_.Put(PgTable::kDeadLetters,
              {std::string(agency_id), sequence, absl::ToUnixSeconds(when),
               letter.SerializeAsString()});
  if (!existing.has_value()) {
    writes_.AddToCounters({{DeadLetterCountKey(agency_id), 1}});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::InboxEntry>>
PostgresTransaction::TakeDeadLetter(absl::string_view agency_id,
                                    uint64_t sequence) {
  const PgRow key = {std::string(agency_id), Signed(sequence)};
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Column(PgTable::kDeadLetters, key, 3));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::StoredDeadLetter letter,
                      ParseRecord<v1::StoredDeadLetter>(*bytes, "dead letter"));
  writes_.Delete(PgTable::kDeadLetters, key);
  writes_.AddToCounters({{DeadLetterCountKey(agency_id), -1}});
  return EntryOf(letter);
}

void PostgresTransaction::WriteDeadline(DeadlineKind kind, absl::Time due,
                                        absl::string_view referral_id,
                                        uint32_t item_number) {
  writes_.Put(PgTable::kDeadlines,
              {keys::DeadlineKey(kind, due, referral_id, item_number),
               std::string(DeadlineKindName(kind)),
               std::max<int64_t>(0, absl::ToUnixSeconds(due)),
               std::string(referral_id), int64_t{item_number}});
}

void PostgresTransaction::DeleteDeadlineKey(DeadlineKind kind, absl::Time due,
                                            absl::string_view referral_id,
                                            uint32_t item_number) {
  writes_.Delete(PgTable::kDeadlines,
                 {keys::DeadlineKey(kind, due, referral_id, item_number)});
}

absl::Status PostgresTransaction::PutDeadline(DeadlineKind kind, absl::Time due,
                                              absl::string_view referral_id) {
  WriteDeadline(kind, due, referral_id, 0);
  return absl::OkStatus();
}

absl::Status PostgresTransaction::DeleteDeadline(
    DeadlineKind kind, absl::Time due, absl::string_view referral_id) {
  DeleteDeadlineKey(kind, due, referral_id, 0);
  return absl::OkStatus();
}

absl::Status PostgresTransaction::PutItemDeadline(absl::Time due,
                                                  absl::string_view referral_id,
                                                  uint32_t item_number) {
  WriteDeadline(DeadlineKind::kRectificationItem, due, referral_id,
                item_number);
  return absl::OkStatus();
}

absl::Status PostgresTransaction::DeleteItemDeadline(
    absl::Time due, absl::string_view referral_id, uint32_t item_number) {
  DeleteDeadlineKey(DeadlineKind::kRectificationItem, due, referral_id,
                    item_number);
  return absl::OkStatus();
}

absl::Status PostgresTransaction::PutDistribution(
    const v1::StoredDistribution& distribution) {
  writes_.Put(PgTable::kDistributions,
              {distribution.distribution_id(), distribution.sender_agency_id(),
               distribution.SerializeAsString()});
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::StoredDistribution>>
PostgresTransaction::GetDistribution(absl::string_view distribution_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      Column(PgTable::kDistributions, {std::string(distribution_id)}, 2));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::StoredDistribution>(*bytes, "distribution");
}

absl::Status PostgresTransaction::AddToCounters(
    const std::vector<std::pair<std::string, int64_t>>& deltas) {
  writes_.AddToCounters(deltas);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::RectificationItem>>
PostgresTransaction::GetRectificationItem(absl::string_view referral_id,
                                          uint32_t number) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Column(PgTable::kRectificationItems,
                             {std::string(referral_id), int64_t{number}}, 2));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRecord<v1::RectificationItem>(*bytes, "rectification item");
}

absl::Status PostgresTransaction::PutRectificationItem(
    absl::string_view referral_id, const v1::RectificationItem& item) {
  writes_.Put(PgTable::kRectificationItems,
              {std::string(referral_id), int64_t{item.number()},
               item.SerializeAsString()});
  return absl::OkStatus();
}

}  // namespace sx::storage
