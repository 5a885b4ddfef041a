#include "sx/encryption/encrypting_store.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "encryption/encrypting_transaction.h"
#include "encryption/record_encryption.h"
#include "sx/base/status_macros.h"

namespace sx::encryption {

namespace v1 = ::supervision::v1;
namespace {

// What one RewrapDataKeys transaction writes at most (it may exceed it by
// one referral's records).
constexpr uint64_t kMaxRewrapBytes = 64ull << 20;

}  // namespace

absl::StatusOr<std::unique_ptr<EncryptingStore>> EncryptingStore::Wrap(
    std::unique_ptr<storage::Store> inner, KeyRing keys,
    v1::AtRestEncryption::Cipher cipher, std::string key_file) {
  SX_ASSIGN_OR_RETURN(KeyUse use, ReadKeyUse(*inner));
  SX_RETURN_IF_ERROR(CheckRingCoversKeyUse(use, keys, key_file));
  return std::unique_ptr<EncryptingStore>(new EncryptingStore(
      std::move(inner), std::move(keys), cipher, std::move(key_file)));
}

EncryptingStore::EncryptingStore(std::unique_ptr<storage::Store> inner,
                                 KeyRing keys,
                                 v1::AtRestEncryption::Cipher cipher,
                                 std::string key_file)
    : inner_(std::move(inner)),
      cipher_(cipher),
      key_file_(std::move(key_file)),
      encryption_(std::make_shared<const RecordEncryption>(
          std::make_shared<const KeyRing>(std::move(keys)), cipher)) {}

EncryptingStore::~EncryptingStore() {
  // The rewriting thread uses inner_, which goes after this body.
  std::thread rewriter;
  {
    absl::MutexLock lock(&rewrite_mutex_);
    rewrite_again_ = false;
    rewriter = std::move(rewriter_);
  }
  if (rewriter.joinable()) rewriter.join();
}

void EncryptingStore::RewriteFilesInBackground() {
  absl::MutexLock lock(&rewrite_mutex_);
  if (rewriting_) {
    rewrite_again_ = true;
    return;
  }
  rewriting_ = true;
  // A thread that ran before has ended (it cleared rewriting_ last).
  if (rewriter_.joinable()) rewriter_.join();
  rewriter_ = std::thread([this] {
    for (;;) {
      const absl::Time start = absl::Now();
      const absl::Status rewritten = inner_->RewriteAllFiles();
      if (files_rewritten_) files_rewritten_(rewritten, absl::Now() - start);
      absl::MutexLock lock(&rewrite_mutex_);
      if (!rewrite_again_) {
        rewriting_ = false;
        return;
      }
      rewrite_again_ = false;
    }
  });
}

std::shared_ptr<const RecordEncryption> EncryptingStore::Encryption() {
  absl::MutexLock lock(&mutex_);
  return encryption_;
}

std::shared_ptr<const KeyRing> EncryptingStore::Keys() {
  return Encryption()->shared_keys();
}

std::string EncryptingStore::CurrentKeyFingerprint() {
  return Encryption()->keys().current().fingerprint;
}

absl::Status EncryptingStore::ReplaceKeys(KeyRing keys) {
  const std::string running = CurrentKeyFingerprint();
  if (keys.Find(running) == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the new key file ", key_file_, " lacks the key in use (", running,
        "): put a new key first and keep the old one below it until "
        "`sxctl admin rewrap-keys` has moved every record off it"));
  }
  // Every transaction that ran under earlier keys is durable, and so
  // counted, once an empty one queued now is: the counts below then cover
  // every record an older key wrapped. (Transactions running from now on
  // use the running current key, which the new ring holds.)
  SX_RETURN_IF_ERROR(inner_->ApplyAndWait(
      [](storage::Transaction&) { return absl::OkStatus(); }));
  SX_ASSIGN_OR_RETURN(KeyUse use, ReadKeyUse(*inner_));
  SX_RETURN_IF_ERROR(CheckRingCoversKeyUse(use, keys, key_file_));
  auto next = std::make_shared<const RecordEncryption>(
      std::make_shared<const KeyRing>(std::move(keys)), cipher_);
  absl::MutexLock lock(&mutex_);
  encryption_ = std::move(next);
  return absl::OkStatus();
}

void EncryptingStore::Apply(storage::TransactionBody body,
                            storage::DurableCallback done) {
  inner_->Apply(
      [this,
       body = std::move(body)](storage::Transaction& txn) -> absl::Status {
        // The keys as the body runs (on the writer thread, in commit order),
        // not as it was queued: see ReplaceKeys.
        const std::shared_ptr<const RecordEncryption> encryption = Encryption();
        EncryptingTransaction encrypting(txn, *encryption);
        SX_RETURN_IF_ERROR(body(encrypting));
        return encrypting.CountKeyUse();
      },
      std::move(done));
}

void EncryptingStore::RewrapDataKeys(
    absl::string_view before_id, size_t limit,
    std::function<void(absl::StatusOr<RewrapReport>)> done) {
  absl::StatusOr<storage::ReferralIdPage> page =
      inner_->ScanReferralIds(before_id, limit);
  if (!page.ok()) {
    done(page.status());
    return;
  }
  auto report = std::make_shared<RewrapReport>();
  report->next_before_id = page->next_before_id;
  inner_->Apply(
      [this, ids = std::move(page->referral_ids),
       report](storage::Transaction& txn) -> absl::Status {
        const std::shared_ptr<const RecordEncryption> encryption = Encryption();
        EncryptingTransaction encrypting(txn, *encryption);
        uint64_t bytes = 0;
        for (const std::string& id : ids) {
          // One transaction is one write batch in memory: a page of large
          // leads ends early, and the next call goes on from there.
          if (bytes >= kMaxRewrapBytes) {
            report->next_before_id = ids[report->referrals - 1];
            break;
          }
          SX_ASSIGN_OR_RETURN(EncryptingTransaction::Rewritten written,
                              encrypting.RewrapRecordsOf(id));
          ++report->referrals;
          report->records += written.records;
          bytes += written.bytes;
        }
        return encrypting.CountKeyUse();
      },
      [this, report, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        if (report->next_before_id.empty()) RewriteFilesInBackground();
        done(*report);
      });
}

absl::StatusOr<std::optional<v1::Referral>> EncryptingStore::GetReferral(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> stored,
                      inner_->GetReferral(referral_id));
  if (!stored.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(
      OpenedForm<v1::Referral> opened,
      Encryption()->Decrypt(*std::move(stored), ReferralBinding(referral_id)));
  return std::move(opened.record);
}

absl::StatusOr<v1::Lead> EncryptingStore::GetLead(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(v1::Lead stored, inner_->GetLead(referral_id));
  SX_ASSIGN_OR_RETURN(
      OpenedForm<v1::Lead> opened,
      Encryption()->Decrypt(std::move(stored), LeadBinding(referral_id)));
  return std::move(opened.record);
}

absl::StatusOr<std::vector<v1::RectificationItem>>
EncryptingStore::ListRectificationItems(absl::string_view referral_id,
                                        uint32_t after_number, size_t limit) {
  SX_ASSIGN_OR_RETURN(
      std::vector<v1::RectificationItem> items,
      inner_->ListRectificationItems(referral_id, after_number, limit));
  const std::shared_ptr<const RecordEncryption> encryption = Encryption();
  for (v1::RectificationItem& item : items) {
    const uint32_t number = item.number();
    SX_ASSIGN_OR_RETURN(
        OpenedForm<v1::RectificationItem> opened,
        encryption->Decrypt(std::move(item), ItemBinding(referral_id, number)));
    item = std::move(opened.record);
  }
  return items;
}

}  // namespace sx::encryption
