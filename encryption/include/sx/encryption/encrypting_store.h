// Encryption at rest over any Store: the content fields of leads, referrals
// and rectification items are encrypted (envelope encryption, see
// content_encryption.h) before they reach the store below and decrypted on
// the way back, so that the data directory, its write-ahead log and every
// backup hold them only encrypted. Which fields are content, and which stay
// readable for routing, indexes, statistics and the audit chain, is listed
// in encryption/content_fields.h.
//
//   SX_ASSIGN_OR_RETURN(auto store, OpenRocksDbStore(options));
//   SX_ASSIGN_OR_RETURN(auto keys, KeyRing::LoadFile(config.key_file()));
//   SX_ASSIGN_OR_RETURN(auto encrypting, EncryptingStore::Wrap(
//       std::move(store), std::move(keys), config.cipher(),
//       config.key_file()));
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "supervision/v1/config.pb.h"
#include "sx/encryption/key_ring.h"
#include "sx/encryption/key_use_counts.h"
#include "sx/storage/store.h"

namespace sx::encryption {

class RecordEncryption;

// What one RewrapDataKeys call did.
struct RewrapReport {
  uint32_t referrals = 0;  // referrals looked at
  uint32_t records = 0;    // records written again
  // Pass back as `before_id` for the next call; empty once every referral
  // has been looked at.
  std::string next_before_id;
};

// Thread-safe, as every Store.
class EncryptingStore final : public storage::Store {
 public:
  // FAILED_PRECONDITION if `inner` holds records encrypted under a key that
  // `keys` lacks (CheckRingCoversKeyUse).
  static absl::StatusOr<std::unique_ptr<EncryptingStore>> Wrap(
      std::unique_ptr<storage::Store> inner, KeyRing keys,
      ::supervision::v1::AtRestEncryption::Cipher cipher, std::string key_file);
  ~EncryptingStore() override;

  // Takes a new key ring (a reloaded key file) for every later transaction
  // and read. Refused (the running keys stay) with FAILED_PRECONDITION if
  // it lacks a key that records are encrypted under, or the current key,
  // which transactions in flight may be using. Waits for a commit: not for
  // a gRPC callback thread.
  absl::Status ReplaceKeys(KeyRing keys);
  // The running key ring and the cipher of new writes.
  std::shared_ptr<const KeyRing> Keys();
  ::supervision::v1::AtRestEncryption::Cipher cipher() const { return cipher_; }
  // Records per key-encryption key fingerprint.
  absl::StatusOr<KeyUse> KeyUseCounts() { return ReadKeyUse(*inner_); }
  // Writes again, in one transaction, the records of at most `limit`
  // referrals below `before_id` (newest first; empty: from the newest)
  // whose data keys another key wraps (only the data key is wrapped anew)
  // or whose content is in plain text (then encrypted), so that they are
  // all under the current key; fewer referrals once about 64 MiB are
  // written. One pass over every referral (following next_before_id)
  // leaves nothing under older keys. `done` runs once it is durable, as
  // for Apply. The call that ends a pass (next_before_id empty) then has
  // the files rewritten in the background (RewriteAllFiles), because until
  // then the records' old forms (plain text, or data keys wrapped by the
  // old key) stay on disk; destruction waits for it.
  void RewrapDataKeys(absl::string_view before_id, size_t limit,
                      std::function<void(absl::StatusOr<RewrapReport>)> done);
  // Told (on the rewriting thread) how each rewrite of the files after a
  // pass ended, and how long it took. Set once, before RewrapDataKeys.
  void SetFilesRewrittenListener(
      std::function<void(const absl::Status&, absl::Duration)> listener) {
    files_rewritten_ = std::move(listener);
  }

  void Apply(storage::TransactionBody body,
             storage::DurableCallback done) override;
  absl::StatusOr<std::optional<::supervision::v1::Referral>> GetReferral(
      absl::string_view referral_id) override;
  absl::StatusOr<::supervision::v1::Lead> GetLead(
      absl::string_view referral_id) override;
  absl::StatusOr<std::vector<::supervision::v1::RectificationItem>>
  ListRectificationItems(absl::string_view referral_id, uint32_t after_number,
                         size_t limit) override;

  // The rest hold no content and pass through.
  absl::StatusOr<storage::ReferralIdPage> ListReferralIds(
      absl::string_view agency_id, storage::Side side,
      absl::string_view before_id, size_t limit) override {
    return inner_->ListReferralIds(agency_id, side, before_id, limit);
  }
  absl::StatusOr<std::vector<::supervision::v1::InboxEntry>> ReadInbox(
      absl::string_view agency_id, uint64_t after_sequence,
      size_t limit) override {
    return inner_->ReadInbox(agency_id, after_sequence, limit);
  }
  absl::StatusOr<std::vector<::supervision::v1::Event>> ReadEvents(
      uint64_t from_sequence, size_t limit) override {
    return inner_->ReadEvents(from_sequence, limit);
  }
  absl::StatusOr<std::vector<uint64_t>> QueryEvents(
      const storage::EventFilter& filter, uint64_t after_sequence,
      size_t limit) override {
    return inner_->QueryEvents(filter, after_sequence, limit);
  }
  absl::StatusOr<std::string> ReadEventBytes(uint64_t sequence) override {
    return inner_->ReadEventBytes(sequence);
  }
  absl::StatusOr<std::optional<std::string>> GetSigningCertificate(
      absl::string_view sha256) override {
    return inner_->GetSigningCertificate(sha256);
  }
  absl::StatusOr<uint64_t> EventCount() override {
    return inner_->EventCount();
  }
  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override {
    return inner_->PerfectSubtreeHash(level, index);
  }
  absl::StatusOr<std::optional<::supervision::v1::StoredDistribution>>
  GetDistribution(absl::string_view distribution_id) override {
    return inner_->GetDistribution(distribution_id);
  }
  absl::StatusOr<storage::ReferralIdPage> ListDistributionIds(
      absl::string_view sender_agency_id, absl::string_view before_id,
      size_t limit) override {
    return inner_->ListDistributionIds(sender_agency_id, before_id, limit);
  }
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ReadCounters(
      absl::string_view from_key, absl::string_view to_key,
      size_t limit) override {
    return inner_->ReadCounters(from_key, to_key, limit);
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ReadWatchList(absl::string_view prefix, absl::string_view after_key,
                size_t limit) override {
    return inner_->ReadWatchList(prefix, after_key, limit);
  }
  absl::StatusOr<std::vector<std::string>> ScanReferralIndex(
      absl::string_view prefix, absl::string_view before_key,
      size_t limit) override {
    return inner_->ScanReferralIndex(prefix, before_key, limit);
  }
  absl::StatusOr<std::vector<storage::Deadline>> DeadlinesDue(
      absl::Time now, size_t limit) override {
    return inner_->DeadlinesDue(now, limit);
  }
  absl::StatusOr<storage::ReferralIdPage> ScanReferralIds(
      absl::string_view before_id, size_t limit) override {
    return inner_->ScanReferralIds(before_id, limit);
  }
  absl::StatusOr<storage::InboxSummary> SummarizeInbox(
      absl::string_view agency_id) override {
    return inner_->SummarizeInbox(agency_id);
  }
  absl::StatusOr<std::vector<storage::DeadLetterRecord>> ListDeadLetters(
      absl::string_view agency_id, absl::string_view after_key,
      size_t limit) override {
    return inner_->ListDeadLetters(agency_id, after_key, limit);
  }
  absl::Status VerifyEventChain() override {
    return inner_->VerifyEventChain();
  }
  absl::Status Health() override { return inner_->Health(); }
  absl::StatusOr<storage::ScrubReport> Scrub(
      uint64_t bytes_per_second,
      const std::function<bool()>& keep_going) override {
    return inner_->Scrub(bytes_per_second, keep_going);
  }
  absl::Status CreateCheckpoint(const std::string& directory) override {
    return inner_->CreateCheckpoint(directory);
  }
  absl::Status RewriteAllFiles() override { return inner_->RewriteAllFiles(); }
  void SetWriteObserver(
      std::function<void(const storage::CommitReport&)> observer) override {
    inner_->SetWriteObserver(std::move(observer));
  }
  void SetInboxListener(
      std::function<void(const std::vector<std::string>&)> listener) override {
    inner_->SetInboxListener(std::move(listener));
  }

 private:
  EncryptingStore(std::unique_ptr<storage::Store> inner, KeyRing keys,
                  ::supervision::v1::AtRestEncryption::Cipher cipher,
                  std::string key_file);

  // The keys and cipher for one transaction or read.
  std::shared_ptr<const RecordEncryption> Encryption();
  std::string CurrentKeyFingerprint();
  // Starts RewriteAllFiles on rewriter_, or, if one runs, has it run once
  // more when it ends (the pass that just ended wrote after it started).
  void RewriteFilesInBackground();

  const std::unique_ptr<storage::Store> inner_;
  const ::supervision::v1::AtRestEncryption::Cipher cipher_;
  const std::string key_file_;
  absl::Mutex mutex_;
  std::shared_ptr<const RecordEncryption> encryption_ ABSL_GUARDED_BY(mutex_);
  std::function<void(const absl::Status&, absl::Duration)> files_rewritten_;
  absl::Mutex rewrite_mutex_;
  std::thread rewriter_ ABSL_GUARDED_BY(rewrite_mutex_);
  bool rewriting_ ABSL_GUARDED_BY(rewrite_mutex_) = false;
  bool rewrite_again_ ABSL_GUARDED_BY(rewrite_mutex_) = false;
};

}  // namespace sx::encryption
