// A Transaction over a RocksDB WriteBatchWithIndex: writes go to the batch,
// reads see the database plus the batch. Counters (referral ids, inbox
// sequences, the event chain head) live in the batch too, so rolling back a
// failed transaction to its save point undoes everything it did.
#pragma once

#include <string>
#include <vector>

#include "column_families.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "sx/storage/store.h"

namespace sx::storage {

// Not thread-safe: used by the store's writer thread for one body at a time.
class RocksDbTransaction final : public Transaction {
 public:
  RocksDbTransaction(rocksdb::DB& db, const ColumnFamilies& cfs,
                     rocksdb::WriteBatchWithIndex& batch,
                     absl::string_view id_prefix);

  absl::StatusOr<std::optional<v1::Referral>> GetReferral(
      absl::string_view referral_id) override;
  absl::StatusOr<v1::Lead> GetLead(absl::string_view referral_id) override;
  absl::StatusOr<std::string> NewReferralId() override;
  absl::Status CreateReferral(const v1::Referral& referral,
                              const v1::Lead& lead) override;
  absl::Status UpdateReferral(const v1::Referral& referral) override;
  absl::StatusOr<std::optional<v1::RequestRecord>> GetRequest(
      absl::string_view caller, absl::string_view request_id) override;
  absl::Status PutRequest(absl::string_view caller, absl::string_view request_id,
                          const v1::RequestRecord& record) override;
  absl::StatusOr<v1::Event> AppendEvent(v1::Event event) override;
  absl::StatusOr<uint64_t> AppendInbox(absl::string_view agency_id,
                                       const v1::Event& event) override;
  absl::StatusOr<std::optional<v1::InboxEntry>> TakeInboxEntry(
      absl::string_view agency_id, uint64_t sequence) override;

  // Agencies whose inbox this transaction appended to.
  const std::vector<std::string>& grown_inboxes() const {
    return grown_inboxes_;
  }

 private:
  // Reads `key` from the batch, else the database; nullopt if absent.
  absl::StatusOr<std::optional<std::string>> Read(
      rocksdb::ColumnFamilyHandle* cf, absl::string_view key);
  absl::Status Write(rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                     absl::string_view value);
  // Increments the counter stored at `key` in the meta family.
  absl::StatusOr<uint64_t> NextCounterValue(absl::string_view key);

  rocksdb::DB& db_;
  const ColumnFamilies& cfs_;
  rocksdb::WriteBatchWithIndex& batch_;
  const std::string id_prefix_;
  std::vector<std::string> grown_inboxes_;
};

}  // namespace sx::storage
