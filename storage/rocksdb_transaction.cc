#include "storage/rocksdb_transaction.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/derived_changes.h"
#include "storage/event_time.h"
#include "storage/keys.h"
#include "storage/merkle_append.h"
#include "storage/queue_counts.h"
#include "storage/rocksdb_status.h"
#include "storage/stored_records.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"

namespace sx::storage {

namespace v1 = ::supervision::v1;

RocksDbTransaction::RocksDbTransaction(rocksdb::DB& db,
                                       const ColumnFamilies& cfs,
                                       GroupBatch& batch,
                                       absl::string_view id_prefix,
                                       const transparency::MerkleHasher& hasher,
                                       const ReferralDeriver& deriver)
    : db_(db),
      cfs_(cfs),
      batch_(batch),
      id_prefix_(id_prefix),
      hasher_(hasher),
      deriver_(deriver) {}

absl::StatusOr<std::optional<std::string>> RocksDbTransaction::Read(
    rocksdb::ColumnFamilyHandle* cf, absl::string_view key) {
  return batch_.Get(db_, cf, key);
}

absl::Status RocksDbTransaction::Write(rocksdb::ColumnFamilyHandle* cf,
                                       absl::string_view key,
                                       absl::string_view value) {
  return batch_.Put(cf, key, value);
}

absl::StatusOr<uint64_t> RocksDbTransaction::NextCounterValue(
    absl::string_view key) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored, Read(cfs_.meta, key));
  uint64_t value = 0;
  if (stored.has_value() && !keys::DecodeUint64(*stored, &value)) {
    return absl::DataLossError(
        absl::StrCat("storage: counter ", key, " is malformed"));
  }
  ++value;
  SX_RETURN_IF_ERROR(Write(cfs_.meta, key, keys::EncodeUint64(value)));
  return value;
}

absl::StatusOr<std::optional<v1::Referral>> RocksDbTransaction::GetReferral(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Read(cfs_.referrals, referral_id));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::Referral referral,
                      ParseRecord<v1::Referral>(*bytes, "referral"));
  return referral;
}

absl::StatusOr<v1::Lead> RocksDbTransaction::GetLead(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Read(cfs_.leads, referral_id));
  if (!bytes.has_value()) {
    return absl::DataLossError(
        absl::StrCat("storage: lead of referral ", referral_id, " is missing"));
  }
  return ParseRecord<v1::Lead>(*bytes, "lead");
}

absl::StatusOr<std::string> RocksDbTransaction::NewReferralId() {
  SX_ASSIGN_OR_RETURN(uint64_t number,
                      NextCounterValue(keys::kReferralCounterKey));
  return absl::StrFormat("%s-%010d", id_prefix_, number);
}

absl::Status RocksDbTransaction::SetIdGeneration(absl::string_view generation) {
  return Write(cfs_.meta, keys::kIdGenerationKey, generation);
}

absl::Status RocksDbTransaction::PutSigningCertificate(absl::string_view sha256,
                                                       absl::string_view der) {
  const std::string key = keys::SigningCertificateKey(sha256);
  // Nearly every signed step names a certificate already kept: a point read
  // spares writing its bytes again.
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored, Read(cfs_.meta, key));
  if (stored.has_value() && *stored == der) return absl::OkStatus();
  return Write(cfs_.meta, key, der);
}

absl::StatusOr<std::string> RocksDbTransaction::IdGeneration() {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      Read(cfs_.meta, keys::kIdGenerationKey));
  return stored.value_or("");
}

absl::Status RocksDbTransaction::AdvanceInboxSequence(
    absl::string_view agency_id, uint64_t next_sequence) {
  const std::string key = keys::InboxCounterKey(agency_id);
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored, Read(cfs_.meta, key));
  uint64_t last = 0;
  if (stored.has_value() && !keys::DecodeUint64(*stored, &last)) {
    return absl::DataLossError(
        absl::StrCat("storage: counter ", key, " is malformed"));
  }
  if (next_sequence == 0 || last >= next_sequence - 1) return absl::OkStatus();
  return Write(cfs_.meta, key, keys::EncodeUint64(next_sequence - 1));
}

absl::Status RocksDbTransaction::CreateReferral(const v1::Referral& referral,
                                                const v1::Lead& lead) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  const std::string& id = referral.referral_id();
  SX_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      Read(cfs_.referrals, id));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("storage: referral ", id, " already exists"));
  }
  SX_RETURN_IF_ERROR(Write(cfs_.referrals, id, referral.SerializeAsString()));
  SX_RETURN_IF_ERROR(Write(cfs_.leads, id, lead.SerializeAsString()));
  SX_RETURN_IF_ERROR(KeepDerivedEntries(nullptr, referral));
  SX_RETURN_IF_ERROR(Write(
      cfs_.party_index,
      keys::PartyIndexKey(referral.sender_agency_id(), Side::kSender, id), ""));
  return Write(
      cfs_.party_index,
      keys::PartyIndexKey(referral.recipient_agency_id(), Side::kRecipient, id),
      "");
}

absl::Status RocksDbTransaction::UpdateReferral(const v1::Referral& referral) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  SX_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      Read(cfs_.referrals, referral.referral_id()));
  if (!existing.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "storage: referral ", referral.referral_id(), " does not exist"));
  }
  SX_RETURN_IF_ERROR(Write(cfs_.referrals, referral.referral_id(),
                           referral.SerializeAsString()));
  if (!deriver_.derive) return KeepDerivedEntries(nullptr, referral);
  SX_ASSIGN_OR_RETURN(v1::Referral before,
                      ParseRecord<v1::Referral>(*existing, "referral"));
  return KeepDerivedEntries(&before, referral);
}

absl::Status RocksDbTransaction::ReplaceLead(absl::string_view referral_id,
                                             const v1::Lead& lead) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      Read(cfs_.leads, referral_id));
  if (!existing.has_value()) {
    return absl::NotFoundError(absl::StrCat("storage: referral ", referral_id,
                                            " has no lead to replace"));
  }
  return Write(cfs_.leads, referral_id, lead.SerializeAsString());
}

absl::Status RocksDbTransaction::KeepDerivedEntries(const v1::Referral* before,
                                                    const v1::Referral& after) {
  if (!deriver_.derive) {
    // The entries no longer match the referrals: the next store opened with
    // a deriver derives them all again.
    return Delete(cfs_.meta, keys::kDerivedVersionKey);
  }
  const DerivedChanges changes = DiffDerivedEntries(deriver_, before, after);
  SX_RETURN_IF_ERROR(AddToCounters(changes.counter_deltas));
  for (const std::string& key : changes.unwatched) {
    SX_RETURN_IF_ERROR(Delete(cfs_.watch_list, key));
  }
  for (const auto& [key, value] : changes.watched) {
    SX_RETURN_IF_ERROR(Write(cfs_.watch_list, key, value));
  }
  for (const std::string& key : changes.unindexed) {
    SX_RETURN_IF_ERROR(Delete(cfs_.referral_index, key));
  }
  for (const std::string& key : changes.indexed) {
    SX_RETURN_IF_ERROR(Write(cfs_.referral_index, key, ""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::RequestRecord>> RocksDbTransaction::GetRequest(
    absl::string_view caller, absl::string_view request_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      Read(cfs_.requests, keys::RequestKey(caller, request_id)));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::RequestRecord record,
                      ParseRecord<v1::RequestRecord>(*bytes, "request record"));
  return record;
}

absl::Status RocksDbTransaction::PutRequest(absl::string_view caller,
                                            absl::string_view request_id,
                                            const v1::RequestRecord& record) {
  return Write(cfs_.requests, keys::RequestKey(caller, request_id),
               record.SerializeAsString());
}

absl::Status RocksDbTransaction::Delete(rocksdb::ColumnFamilyHandle* cf,
                                        absl::string_view key) {
  return batch_.Delete(cf, key);
}

absl::Status RocksDbTransaction::AppendLeaf(uint64_t leaf_index,
                                            absl::string_view leaf_bytes) {
  return AppendMerkleLeaf(
      hasher_, leaf_index, leaf_bytes,
      [this](uint64_t level, uint64_t index) {
        return Read(cfs_.merkle, keys::MerkleNodeKey(level, index));
      },
      [this](uint64_t level, uint64_t index, absl::string_view hash) {
        return Write(cfs_.merkle, keys::MerkleNodeKey(level, index), hash);
      });
}

absl::StatusOr<v1::Event> RocksDbTransaction::AppendEvent(
    v1::Event event, const std::vector<std::string>& agencies) {
  SX_ASSIGN_OR_RETURN(const EventHead last, ReadEventHead());
  event.set_sequence(last.sequence + 1);
  event.set_previous_event_sha256(last.digest);
  // Event times never go back (a clock stepped back records the last time
  // again), so that a time range is a sequence range for every index.
  absl::Time time = EventTime(event);
  if (time < last.time) {
    time = last.time;
    SetEventTime(time, event);
  }
  const std::string bytes = event.SerializeAsString();
  const std::string sequence = keys::EncodeUint64(event.sequence());
  SX_RETURN_IF_ERROR(Write(cfs_.events, sequence, bytes));
  SX_RETURN_IF_ERROR(
      Write(cfs_.meta, keys::kEventHeadKey,
            absl::StrCat(sequence, Sha256(bytes),
                         keys::EncodeUint64(static_cast<uint64_t>(
                             std::max<int64_t>(0, absl::ToUnixNanos(time)))))));
  SX_RETURN_IF_ERROR(AppendLeaf(event.sequence() - 1, bytes));

  const uint64_t type = static_cast<uint64_t>(event.type());
  SX_RETURN_IF_ERROR(
      Write(cfs_.event_index,
            absl::StrCat(keys::EventIndexPrefix(keys::EventIndex::kByReferral,
                                                event.referral_id()),
                         sequence),
            ""));
  SX_RETURN_IF_ERROR(
      Write(cfs_.event_index,
            absl::StrCat(keys::EventTypeIndexPrefix(type), sequence), ""));
  SX_RETURN_IF_ERROR(Write(
      cfs_.event_index, absl::StrCat(keys::EventTimeKey(time), sequence), ""));
  // By agency and type only: an agency's events are its stretches of every
  // type together (storage/event_query.cc), so one key per agency serves
  // both kinds of query.
  for (const std::string& agency : agencies) {
    SX_RETURN_IF_ERROR(Write(
        cfs_.event_index,
        absl::StrCat(keys::EventAgencyTypeIndexPrefix(agency, type), sequence),
        ""));
  }
  return event;
}

absl::StatusOr<RocksDbTransaction::EventHead>
RocksDbTransaction::ReadEventHead() {
  EventHead head;
  head.digest.assign(kSha256Bytes, '\0');
  SX_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      Read(cfs_.meta, keys::kEventHeadKey));
  if (!stored.has_value()) return head;
  const absl::string_view view(*stored);
  uint64_t nanos = 0;
  const bool with_time = view.size() == 8 + kSha256Bytes + 8;
  if ((view.size() != 8 + kSha256Bytes && !with_time) ||
      !keys::DecodeUint64(view.substr(0, 8), &head.sequence) ||
      (with_time &&
       !keys::DecodeUint64(view.substr(8 + kSha256Bytes), &nanos))) {
    return absl::DataLossError("storage: event chain head is malformed");
  }
  head.digest = std::string(view.substr(8, kSha256Bytes));
  if (with_time) {
    head.time = absl::FromUnixNanos(static_cast<int64_t>(nanos));
    return head;
  }
  // A head from before times were kept in it: the last event has the time.
  SX_ASSIGN_OR_RETURN(std::optional<std::string> last_bytes,
                      Read(cfs_.events, keys::EncodeUint64(head.sequence)));
  v1::Event last;
  if (!last_bytes.has_value() || !last.ParseFromString(*last_bytes)) {
    return absl::DataLossError(
        absl::StrCat("storage: event ", head.sequence, " is unreadable"));
  }
  head.time = EventTime(last);
  return head;
}

absl::StatusOr<uint64_t> RocksDbTransaction::AppendInbox(
    absl::string_view agency_id, const v1::Event& event) {
  SX_ASSIGN_OR_RETURN(uint64_t sequence,
                      NextCounterValue(keys::InboxCounterKey(agency_id)));
  v1::InboxEntry entry;
  entry.set_sequence(sequence);
  *entry.mutable_event() = event;
  SX_RETURN_IF_ERROR(Write(cfs_.inbox, keys::InboxKey(agency_id, sequence),
                           entry.SerializeAsString()));
  SX_RETURN_IF_ERROR(AddToCounters({{InboxDepthKey(agency_id), 1}}));
  grown_inboxes_.emplace_back(agency_id);
  return sequence;
}

absl::StatusOr<std::optional<v1::InboxEntry>>
RocksDbTransaction::TakeInboxEntry(absl::string_view agency_id,
                                   uint64_t sequence) {
  const std::string key = keys::InboxKey(agency_id, sequence);
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes, Read(cfs_.inbox, key));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::InboxEntry entry,
                      ParseRecord<v1::InboxEntry>(*bytes, "inbox entry"));
  SX_RETURN_IF_ERROR(Delete(cfs_.inbox, key));
  SX_RETURN_IF_ERROR(AddToCounters({{InboxDepthKey(agency_id), -1}}));
  return entry;
}

absl::Status RocksDbTransaction::RestoreInboxEntry(
    absl::string_view agency_id, const v1::InboxEntry& entry) {
  const std::string key = keys::InboxKey(agency_id, entry.sequence());
  SX_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      Read(cfs_.inbox, key));
  if (!existing.has_value()) {
    SX_RETURN_IF_ERROR(AddToCounters({{InboxDepthKey(agency_id), 1}}));
  }
  return Write(cfs_.inbox, key, entry.SerializeAsString());
}

absl::Status RocksDbTransaction::PutDeadLetter(absl::string_view agency_id,
                                               const v1::InboxEntry& entry,
                                               absl::Time when) {
  const v1::StoredDeadLetter letter = DeadLetterOf(agency_id, entry, when);
  const std::string key = keys::DeadLetterKey(agency_id, entry.sequence());
  SX_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      Read(cfs_.dead_letters, key));
  if (!existing.has_value()) {
    SX_RETURN_IF_ERROR(AddToCounters({{DeadLetterCountKey(agency_id), 1}}));
  }
  return Write(cfs_.dead_letters, key, letter.SerializeAsString());
}

absl::StatusOr<std::optional<v1::InboxEntry>>
RocksDbTransaction::TakeDeadLetter(absl::string_view agency_id,
                                   uint64_t sequence) {
  const std::string key = keys::DeadLetterKey(agency_id, sequence);
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Read(cfs_.dead_letters, key));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::StoredDeadLetter letter,
                      ParseRecord<v1::StoredDeadLetter>(*bytes, "dead letter"));
  SX_RETURN_IF_ERROR(Delete(cfs_.dead_letters, key));
  SX_RETURN_IF_ERROR(AddToCounters({{DeadLetterCountKey(agency_id), -1}}));
  return EntryOf(letter);
}

absl::Status RocksDbTransaction::PutDeadline(DeadlineKind kind, absl::Time due,
                                             absl::string_view referral_id) {
  return Write(cfs_.deadlines, keys::DeadlineKey(kind, due, referral_id), "");
}

absl::Status RocksDbTransaction::DeleteDeadline(DeadlineKind kind,
                                                absl::Time due,
                                                absl::string_view referral_id) {
  return Delete(cfs_.deadlines, keys::DeadlineKey(kind, due, referral_id));
}

absl::Status RocksDbTransaction::PutItemDeadline(absl::Time due,
                                                 absl::string_view referral_id,
                                                 uint32_t item_number) {
  return Write(cfs_.deadlines,
               keys::DeadlineKey(DeadlineKind::kRectificationItem, due,
                                 referral_id, item_number),
               "");
}

absl::Status RocksDbTransaction::DeleteItemDeadline(
    absl::Time due, absl::string_view referral_id, uint32_t item_number) {
  return Delete(cfs_.deadlines,
                keys::DeadlineKey(DeadlineKind::kRectificationItem, due,
                                  referral_id, item_number));
}

absl::Status RocksDbTransaction::PutDistribution(
    const v1::StoredDistribution& distribution) {
  SX_RETURN_IF_ERROR(Write(
      cfs_.distributions, keys::DistributionKey(distribution.distribution_id()),
      distribution.SerializeAsString()));
  return Write(cfs_.distributions,
               keys::DistributionSenderKey(distribution.sender_agency_id(),
                                           distribution.distribution_id()),
               "");
}

absl::StatusOr<std::optional<v1::StoredDistribution>>
RocksDbTransaction::GetDistribution(absl::string_view distribution_id) {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      Read(cfs_.distributions, keys::DistributionKey(distribution_id)));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(v1::StoredDistribution distribution,
                      ParseRecord<v1::StoredDistribution>(*bytes, "distribution"));
  return distribution;
}

absl::Status RocksDbTransaction::AddToCounters(
    const std::vector<std::pair<std::string, int64_t>>& deltas) {
  for (const auto& [key, delta] : deltas) {
    SX_RETURN_IF_ERROR(batch_.Merge(
        cfs_.counters, key, keys::EncodeUint64(static_cast<uint64_t>(delta))));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::RectificationItem>>
RocksDbTransaction::GetRectificationItem(absl::string_view referral_id,
                                         uint32_t number) {
  SX_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      Read(cfs_.rectification_items,
                           keys::RectificationItemKey(referral_id, number)));
  if (!bytes.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(
      v1::RectificationItem item,
      ParseRecord<v1::RectificationItem>(*bytes, "rectification item"));
  return item;
}

absl::Status RocksDbTransaction::PutRectificationItem(
    absl::string_view referral_id, const v1::RectificationItem& item) {
  return Write(cfs_.rectification_items,
               keys::RectificationItemKey(referral_id, item.number()),
               item.SerializeAsString());
}

}  // namespace sx::storage
