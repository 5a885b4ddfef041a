// A Transaction that encrypts the content of the leads, referrals and
// rectification items it writes and decrypts what it reads, over the
// transaction of the store below. Everything else passes through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "encryption/record_encryption.h"
#include "sx/encryption/key_use_counts.h"
#include "sx/storage/store.h"

namespace sx::encryption {

// Not thread-safe, like every Transaction; lives for one body.
class EncryptingTransaction final : public storage::Transaction {
 public:
  EncryptingTransaction(storage::Transaction& inner,
                        const RecordEncryption& encryption)
      : inner_(inner), encryption_(encryption) {}

  // Adds the transaction's changes to the per-key record counts. Call once
  // the body succeeded, before the transaction commits.
  absl::Status CountKeyUse();

  // What RewrapRecordsOf wrote.
  struct Rewritten {
    uint32_t records = 0;
    uint64_t bytes = 0;  // their stored size
  };
  // Writes the referral's records (the referral, its lead, its
  // rectification items) again where another key than the current one
  // wraps their data key (only the data key is wrapped anew: the content
  // is not decrypted), or their content is in plain text (then it is
  // encrypted).
  absl::StatusOr<Rewritten> RewrapRecordsOf(absl::string_view referral_id);

  absl::StatusOr<std::optional<::supervision::v1::Referral>> GetReferral(
      absl::string_view referral_id) override;
  absl::StatusOr<::supervision::v1::Lead> GetLead(
      absl::string_view referral_id) override;
  absl::Status CreateReferral(const ::supervision::v1::Referral& referral,
                              const ::supervision::v1::Lead& lead) override;
  absl::Status UpdateReferral(
      const ::supervision::v1::Referral& referral) override;
  absl::Status ReplaceLead(absl::string_view referral_id,
                           const ::supervision::v1::Lead& lead) override;
  absl::StatusOr<std::optional<::supervision::v1::RectificationItem>>
  GetRectificationItem(absl::string_view referral_id, uint32_t number) override;
  absl::Status PutRectificationItem(
      absl::string_view referral_id,
      const ::supervision::v1::RectificationItem& item) override;

  // The rest hold no content and pass through.
  absl::StatusOr<std::string> NewReferralId() override {
    return inner_.NewReferralId();
  }
  absl::Status SetIdGeneration(absl::string_view generation) override {
    return inner_.SetIdGeneration(generation);
  }
  absl::StatusOr<std::string> IdGeneration() override {
    return inner_.IdGeneration();
  }
  absl::Status AdvanceInboxSequence(absl::string_view agency_id,
                                    uint64_t next_sequence) override {
    return inner_.AdvanceInboxSequence(agency_id, next_sequence);
  }
  absl::StatusOr<std::optional<::supervision::v1::RequestRecord>> GetRequest(
      absl::string_view caller, absl::string_view request_id) override {
    return inner_.GetRequest(caller, request_id);
  }
  absl::Status PutSigningCertificate(absl::string_view sha256,
                                     absl::string_view der) override {
    return inner_.PutSigningCertificate(sha256, der);
  }
  absl::Status PutRequest(
      absl::string_view caller, absl::string_view request_id,
      const ::supervision::v1::RequestRecord& record) override {
    return inner_.PutRequest(caller, request_id, record);
  }
  absl::StatusOr<::supervision::v1::Event> AppendEvent(
      ::supervision::v1::Event event,
      const std::vector<std::string>& agencies) override {
    return inner_.AppendEvent(std::move(event), agencies);
  }
  absl::StatusOr<uint64_t> AppendInbox(
      absl::string_view agency_id,
      const ::supervision::v1::Event& event) override {
    return inner_.AppendInbox(agency_id, event);
  }
  absl::StatusOr<std::optional<::supervision::v1::InboxEntry>> TakeInboxEntry(
      absl::string_view agency_id, uint64_t sequence) override {
    return inner_.TakeInboxEntry(agency_id, sequence);
  }
  absl::Status RestoreInboxEntry(
      absl::string_view agency_id,
      const ::supervision::v1::InboxEntry& entry) override {
    return inner_.RestoreInboxEntry(agency_id, entry);
  }
  absl::Status PutDeadLetter(absl::string_view agency_id,
                             const ::supervision::v1::InboxEntry& entry,
                             absl::Time when) override {
    return inner_.PutDeadLetter(agency_id, entry, when);
  }
  absl::StatusOr<std::optional<::supervision::v1::InboxEntry>> TakeDeadLetter(
      absl::string_view agency_id, uint64_t sequence) override {
    return inner_.TakeDeadLetter(agency_id, sequence);
  }
  absl::Status PutDeadline(storage::DeadlineKind kind, absl::Time due,
                           absl::string_view referral_id) override {
    return inner_.PutDeadline(kind, due, referral_id);
  }
  absl::Status DeleteDeadline(storage::DeadlineKind kind, absl::Time due,
                              absl::string_view referral_id) override {
    return inner_.DeleteDeadline(kind, due, referral_id);
  }
  absl::Status PutItemDeadline(absl::Time due, absl::string_view referral_id,
                               uint32_t item_number) override {
    return inner_.PutItemDeadline(due, referral_id, item_number);
  }
  absl::Status DeleteItemDeadline(absl::Time due, absl::string_view referral_id,
                                  uint32_t item_number) override {
    return inner_.DeleteItemDeadline(due, referral_id, item_number);
  }
  absl::Status PutDistribution(
      const ::supervision::v1::StoredDistribution& distribution) override {
    return inner_.PutDistribution(distribution);
  }
  absl::StatusOr<std::optional<::supervision::v1::StoredDistribution>>
  GetDistribution(absl::string_view distribution_id) override {
    return inner_.GetDistribution(distribution_id);
  }
  absl::Status AddToCounters(
      const std::vector<std::pair<std::string, int64_t>>& deltas) override {
    return inner_.AddToCounters(deltas);
  }

 private:
  // What this transaction knows of a record's stored form.
  struct Known {
    // nullopt: stored without encrypted content.
    std::optional<SealedContent> sealed;
  };

  // One record for RewrapRecordsOf: `read` gives its stored form (nullopt
  // if there is none), `write` stores it again.
  template <typename Record, typename ReadStored, typename WriteStored>
  absl::Status RewrapStored(const std::string& binding, ReadStored read,
                            WriteStored write, Rewritten& rewritten);

  // The stored form of the record under `binding` as this transaction
  // last read or wrote it, reading it from the store below if it has not.
  template <typename Record, typename ReadStored>
  absl::StatusOr<std::optional<SealedContent>> Previous(
      const std::string& binding, ReadStored read_stored);
  // Encrypts `record` for `binding`; Remember it once written.
  template <typename Record>
  absl::StatusOr<StoredForm<Record>> Encrypt(
      Record record, const std::string& binding,
      const std::optional<SealedContent>& previous) const;
  // After a write: what is now stored under `binding`, and the change of
  // key for the counts.
  void Remember(const std::string& binding,
                const std::optional<SealedContent>& previous,
                std::optional<SealedContent> now);
  template <typename Record>
  absl::StatusOr<Record> Decrypt(Record stored, const std::string& binding);
  // The lead as stored below, for Previous and RewrapStored.
  absl::StatusOr<std::optional<::supervision::v1::Lead>> StoredLead(
      absl::string_view referral_id);

  storage::Transaction& inner_;
  const RecordEncryption& encryption_;
  absl::flat_hash_map<std::string, Known> known_;
  KeyUseDeltas key_use_;
};

}  // namespace sx::encryption
