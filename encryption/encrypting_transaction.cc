#include "encryption/encrypting_transaction.h"

#include "sx/base/status_macros.h"

namespace sx::encryption {

namespace v1 = ::supervision::v1;
namespace {

std::optional<std::string> FingerprintOf(
    const std::optional<SealedContent>& sealed) {
  if (!sealed.has_value()) return std::nullopt;
  return sealed->sealed.key_fingerprint();
}

}  // namespace

template <typename Record>
absl::StatusOr<Record> EncryptingTransaction::Decrypt(
    Record stored, const std::string& binding) {
  SX_ASSIGN_OR_RETURN(OpenedForm<Record> opened,
                      encryption_.Decrypt(std::move(stored), binding));
  Known known{std::move(opened.sealed), false};
  if (!known.sealed.has_value()) {
    Record copy = opened.record;
    known.plain_content = TakeContent(copy).ByteSizeLong() > 0;
  }
  known_[binding] = std::move(known);
  return std::move(opened.record);
}

template <typename Record, typename ReadStored>
absl::StatusOr<std::optional<SealedContent>> EncryptingTransaction::Previous(
    const std::string& binding, ReadStored read_stored) {
  auto known = known_.find(binding);
  if (known != known_.end()) return known->second.sealed;
  // Written without being read first: its key (if any) is needed for the
  // counts. The content stays unknown, so it is encrypted anew.
  SX_ASSIGN_OR_RETURN(std::optional<Record> stored, read_stored());
  if (!stored.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(std::optional<v1::EncryptedContent> sealed,
                      FindEncryptedContent(*stored));
  if (!sealed.has_value()) return std::nullopt;
  return SealedContent{{}, *std::move(sealed)};
}

template <typename Record>
absl::StatusOr<Record> EncryptingTransaction::Encrypt(
    Record record, const std::string& binding,
    const std::optional<SealedContent>& previous) {
  SX_ASSIGN_OR_RETURN(
      StoredForm<Record> stored,
      encryption_.Encrypt(std::move(record), binding, previous));
  key_use_.Moved(FingerprintOf(previous), FingerprintOf(stored.sealed));
  known_[binding] = Known{std::move(stored.sealed), false};
  return std::move(stored.stored);
}

absl::Status EncryptingTransaction::CountKeyUse() {
  std::vector<std::pair<std::string, int64_t>> deltas = key_use_.Take();
  if (deltas.empty()) return absl::OkStatus();
  return inner_.AddToCounters(deltas);
}

absl::StatusOr<std::optional<v1::Referral>> EncryptingTransaction::GetReferral(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> stored,
                      inner_.GetReferral(referral_id));
  if (!stored.has_value()) return std::nullopt;
  return Decrypt(*std::move(stored), ReferralBinding(referral_id));
}

absl::StatusOr<v1::Lead> EncryptingTransaction::GetLead(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(v1::Lead stored, inner_.GetLead(referral_id));
  return Decrypt(std::move(stored), LeadBinding(referral_id));
}

absl::Status EncryptingTransaction::CreateReferral(const v1::Referral& referral,
                                                   const v1::Lead& lead) {
  const std::string& id = referral.referral_id();
  SX_ASSIGN_OR_RETURN(v1::Referral stored_referral,
                      Encrypt(referral, ReferralBinding(id), std::nullopt));
  SX_ASSIGN_OR_RETURN(v1::Lead stored_lead,
                      Encrypt(lead, LeadBinding(id), std::nullopt));
  return inner_.CreateReferral(stored_referral, stored_lead);
}

absl::Status EncryptingTransaction::UpdateReferral(
    const v1::Referral& referral) {
  const std::string& id = referral.referral_id();
  const std::string binding = ReferralBinding(id);
  SX_ASSIGN_OR_RETURN(
      std::optional<SealedContent> previous,
      Previous<v1::Referral>(binding, [&] { return inner_.GetReferral(id); }));
  SX_ASSIGN_OR_RETURN(v1::Referral stored,
                      Encrypt(referral, binding, previous));
  return inner_.UpdateReferral(stored);
}

absl::Status EncryptingTransaction::ReplaceLead(absl::string_view referral_id,
                                                const v1::Lead& lead) {
  const std::string binding = LeadBinding(referral_id);
  SX_ASSIGN_OR_RETURN(
      std::optional<SealedContent> previous,
      Previous<v1::Lead>(binding,
                         [&]() -> absl::StatusOr<std::optional<v1::Lead>> {
                           return inner_.GetLead(referral_id);
                         }));
  SX_ASSIGN_OR_RETURN(v1::Lead stored, Encrypt(lead, binding, previous));
  return inner_.ReplaceLead(referral_id, stored);
}

absl::StatusOr<std::optional<v1::RectificationItem>>
EncryptingTransaction::GetRectificationItem(absl::string_view referral_id,
                                            uint32_t number) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::RectificationItem> stored,
                      inner_.GetRectificationItem(referral_id, number));
  if (!stored.has_value()) return std::nullopt;
  return Decrypt(*std::move(stored), ItemBinding(referral_id, number));
}

absl::Status EncryptingTransaction::PutRectificationItem(
    absl::string_view referral_id, const v1::RectificationItem& item) {
  const std::string binding = ItemBinding(referral_id, item.number());
  SX_ASSIGN_OR_RETURN(std::optional<SealedContent> previous,
                      Previous<v1::RectificationItem>(binding, [&] {
                        return inner_.GetRectificationItem(referral_id,
                                                           item.number());
                      }));
  SX_ASSIGN_OR_RETURN(v1::RectificationItem stored,
                      Encrypt(item, binding, previous));
  return inner_.PutRectificationItem(referral_id, stored);
}

bool EncryptingTransaction::NeedsRewrap(const std::string& binding) const {
  auto known = known_.find(binding);
  if (known == known_.end()) return false;
  if (!known->second.sealed.has_value()) return known->second.plain_content;
  return known->second.sealed->sealed.key_fingerprint() !=
         encryption_.keys().current().fingerprint;
}

absl::StatusOr<uint32_t> EncryptingTransaction::RewrapRecordsOf(
    absl::string_view referral_id) {
  uint32_t written = 0;
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      GetReferral(referral_id));
  if (!referral.has_value()) return written;
  if (NeedsRewrap(ReferralBinding(referral_id))) {
    SX_RETURN_IF_ERROR(UpdateReferral(*referral));
    ++written;
  }
  SX_ASSIGN_OR_RETURN(v1::Lead lead, GetLead(referral_id));
  if (NeedsRewrap(LeadBinding(referral_id))) {
    SX_RETURN_IF_ERROR(ReplaceLead(referral_id, lead));
    ++written;
  }
  for (uint32_t number = 1; number <= referral->rectification().total();
       ++number) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::RectificationItem> item,
                        GetRectificationItem(referral_id, number));
    if (item.has_value() && NeedsRewrap(ItemBinding(referral_id, number))) {
      SX_RETURN_IF_ERROR(PutRectificationItem(referral_id, *item));
      ++written;
    }
  }
  return written;
}

}  // namespace sx::encryption
