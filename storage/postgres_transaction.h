// A Transaction on the PostgreSQL writer connection, inside the database
// transaction of the commit group: reads see what the group's earlier
// bodies wrote; the writer rolls a failed body back to its savepoint.
#pragma once

#include <string>
#include <vector>

#include "storage/postgres_connection.h"
#include "sx/storage/store.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::storage {

// Not thread-safe: used by the store's writer thread for one body at a time.
class PostgresTransaction final : public Transaction {
 public:
  PostgresTransaction(PgConnection& connection, absl::string_view id_prefix,
                      const transparency::MerkleHasher& hasher,
                      const ReferralDeriver& deriver);

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
  // One row's bytes from a single-column query, or nullopt.
  absl::StatusOr<std::optional<std::string>> ReadOne(absl::string_view what,
                                                     const std::string& sql,
                                                     const PgParams& params);
  absl::Status Write(absl::string_view what, const std::string& sql,
                     const PgParams& params);
  absl::StatusOr<std::optional<std::string>> ReadSetting(absl::string_view key);
  absl::Status WriteSetting(absl::string_view key, absl::string_view value);
  absl::Status KeepDerivedEntries(const ::supervision::v1::Referral* before,
                                  const ::supervision::v1::Referral& after);
  absl::Status WriteDeadline(DeadlineKind kind, absl::Time due,
                             absl::string_view referral_id,
                             uint32_t item_number);
  absl::Status DeleteDeadlineKey(DeadlineKind kind, absl::Time due,
                                 absl::string_view referral_id,
                                 uint32_t item_number);

  PgConnection& connection_;
  const std::string id_prefix_;
  const transparency::MerkleHasher& hasher_;
  const ReferralDeriver& deriver_;
  std::vector<std::string> grown_inboxes_;
};

}  // namespace sx::storage
