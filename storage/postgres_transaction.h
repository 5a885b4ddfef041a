// A Transaction of the PostgreSQL store's commit group: its writes are kept
// in memory (PgPendingWrites) until the group commits; its reads see its
// own writes, then the group's earlier bodies', then the database's.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "storage/postgres_connection.h"
#include "storage/postgres_pending_writes.h"
#include "storage/postgres_tables.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

// Not thread-safe: used by the store's writer thread for one body at a time.
class PostgresTransaction final : public Transaction {
 public:
  // Writes go to `writes`. Reads look in `writes`, then `group` (what the
  // group's earlier bodies wrote), then `known` (rows whose committed value
  // the writer knows), then the database; what they read of the tables
  // that KeepsKnown is added to `known`.
  PostgresTransaction(PgConnection& connection, PgPendingWrites& writes,
                      const PgPendingWrites& group, PgPendingWrites& known,
                      absl::string_view id_prefix,
                      const transparency::MerkleHasher& hasher,
                      const ReferralDeriver& deriver);

  // The tables whose rows the writer keeps knowing between groups: few
  // rows, read by nearly every transaction.
  static bool KeepsKnown(PgTable table);

  absl::StatusOr<std::optional<::supervision::v1::Referral>> GetReferral(
      absl::string_view referral_id) override;
  absl::StatusOr<::supervision::v1::Lead> GetLead(
      absl::string_view referral_id) override;
  absl::StatusOr<std::string> NewReferralId() override;
  absl::Status SetIdGeneration(absl::string_view generation) override;
  absl::StatusOr<std::string> IdGeneration() override;
  absl::Status AdvanceInboxSequence(absl::string_view agency_id,
                                    uint64_t next_sequence) override;
  absl::Status CreateReferral(const ::supervision::v1::Referral& referral,
                              const ::supervision::v1::Lead& lead) override;
  absl::Status UpdateReferral(
      const ::supervision::v1::Referral& referral) override;
  absl::Status ReplaceLead(absl::string_view referral_id,
                           const ::supervision::v1::Lead& lead) override;
  absl::StatusOr<std::optional<::supervision::v1::RequestRecord>> GetRequest(
      absl::string_view caller, absl::string_view request_id) override;
  absl::Status PutRequest(
      absl::string_view caller, absl::string_view request_id,
      const ::supervision::v1::RequestRecord& record) override;
  absl::Status PutSigningCertificate(absl::string_view sha256,
                                     absl::string_view der) override;
  absl::StatusOr<::supervision::v1::Event> AppendEvent(
      ::supervision::v1::Event event,
      const std::vector<std::string>& agencies) override;
  absl::StatusOr<uint64_t> AppendInbox(
      absl::string_view agency_id,
      const ::supervision::v1::Event& event) override;
  absl::StatusOr<std::optional<::supervision::v1::InboxEntry>> TakeInboxEntry(
      absl::string_view agency_id, uint64_t sequence) override;
  absl::Status RestoreInboxEntry(
      absl::string_view agency_id,
      const ::supervision::v1::InboxEntry& entry) override;
  absl::Status PutDeadLetter(absl::string_view agency_id,
                             const ::supervision::v1::InboxEntry& entry,
                             absl::Time when) override;
  absl::StatusOr<std::optional<::supervision::v1::InboxEntry>> TakeDeadLetter(
      absl::string_view agency_id, uint64_t sequence) override;
  absl::Status PutDeadline(DeadlineKind kind, absl::Time due,
                           absl::string_view referral_id) override;
  absl::Status DeleteDeadline(DeadlineKind kind, absl::Time due,
                              absl::string_view referral_id) override;
  absl::Status PutItemDeadline(absl::Time due, absl::string_view referral_id,
                               uint32_t item_number) override;
  absl::Status DeleteItemDeadline(absl::Time due, absl::string_view referral_id,
                                  uint32_t item_number) override;
  absl::Status PutDistribution(
      const ::supervision::v1::StoredDistribution& distribution) override;
  absl::StatusOr<std::optional<::supervision::v1::StoredDistribution>>
  GetDistribution(absl::string_view distribution_id) override;
  absl::Status AddToCounters(
      const std::vector<std::pair<std::string, int64_t>>& deltas) override;
  absl::StatusOr<std::optional<::supervision::v1::RectificationItem>>
  GetRectificationItem(absl::string_view referral_id, uint32_t number) override;
  absl::Status PutRectificationItem(
      absl::string_view referral_id,
      const ::supervision::v1::RectificationItem& item) override;

  // Agencies whose inbox this transaction appended to.
  const std::vector<std::string>& grown_inboxes() const {
    return grown_inboxes_;
  }

 private:
  // The row of `table` under `key` (its key columns), or nullopt.
  absl::StatusOr<std::optional<PgRow>> Row(PgTable table, PgRow key);
  // Column `column` of that row, or nullopt if there is none.
  absl::StatusOr<std::optional<std::string>> Column(PgTable table, PgRow key,
                                                    size_t column);
  absl::StatusOr<std::optional<std::string>> ReadSetting(absl::string_view key);
  void WriteSetting(absl::string_view key, absl::string_view value);
  absl::Status KeepDerivedEntries(const ::supervision::v1::Referral* before,
                                  const ::supervision::v1::Referral& after);
  void WriteDeadline(DeadlineKind kind, absl::Time due,
                     absl::string_view referral_id, uint32_t item_number);
  void DeleteDeadlineKey(DeadlineKind kind, absl::Time due,
                         absl::string_view referral_id, uint32_t item_number);

  PgConnection& connection_;
  PgPendingWrites& writes_;
  const PgPendingWrites& group_;
  PgPendingWrites& known_;
  const std::string id_prefix_;
  const transparency::MerkleHasher& hasher_;
  const ReferralDeriver& deriver_;
  std::vector<std::string> grown_inboxes_;
  // The referral ids NewReferralId handed out.
  absl::flat_hash_set<std::string> minted_ids_;
};

}  // namespace sx::storage
