#include "sx/core/encryption_admin.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"
#include "sx/core/request_validation.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr uint32_t kDefaultReferralsPerRewrap = 200;
constexpr uint32_t kMaxReferralsPerRewrap = 1000;

const char* CipherName(v1::AtRestEncryption::Cipher cipher) {
  return cipher == v1::AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3
             ? "SM4-CTR+HMAC-SM3"
             : "AES-256-GCM";
}

}  // namespace

absl::StatusOr<v1::EncryptionStatus> EncryptionStatusOf(
    encryption::EncryptingStore& store) {
  const std::shared_ptr<const encryption::KeyRing> keys = store.Keys();
  SX_ASSIGN_OR_RETURN(encryption::KeyUse use, store.KeyUseCounts());
  v1::EncryptionStatus status;
  status.set_cipher(CipherName(store.cipher()));
  for (const encryption::KeyEncryptionKey& key : keys->keys()) {
    v1::KeyUse& entry = *status.add_keys();
    entry.set_name(key.name);
    entry.set_fingerprint(key.fingerprint);
    auto counted = use.find(key.fingerprint);
    entry.set_records(counted == use.end() ? 0 : counted->second);
    entry.set_current(&key == &keys->current());
  }
  return status;
}

void RewrapDataKeysPage(
    encryption::EncryptingStore& store,
    const v1::RewrapDataKeysRequest& request,
    std::function<void(absl::StatusOr<v1::RewrapDataKeysResponse>)> done) {
  if (request.max_referrals() > kMaxReferralsPerRewrap) {
    done(absl::InvalidArgumentError(
        absl::StrCat("max_referrals: at most ", kMaxReferralsPerRewrap)));
    return;
  }
  if (!request.page_token().empty()) {
    absl::Status valid = ValidateId("page_token", request.page_token());
    if (!valid.ok()) {
      done(valid);
      return;
    }
  }
  const uint32_t limit = request.max_referrals() == 0
                             ? kDefaultReferralsPerRewrap
                             : request.max_referrals();
  store.RewrapDataKeys(request.page_token(), limit,
                       [done = std::move(done)](
                           absl::StatusOr<encryption::RewrapReport> report) {
                         if (!report.ok()) {
                           done(report.status());
                           return;
                         }
                         v1::RewrapDataKeysResponse response;
                         response.set_referrals(report->referrals);
                         response.set_records(report->records);
                         response.set_next_page_token(report->next_before_id);
                         done(response);
                       });
}

}  // namespace sx::core
