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
  known_[binding] = Known{std::move(opened.sealed)};
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
absl::StatusOr<StoredForm<Record>> EncryptingTransaction::Encrypt(
    Record record, const std::string& binding,
    const std::optional<SealedContent>& previous) const {
  return encryption_.Encrypt(std::move(record), binding, previous);
}

void EncryptingTransaction::Remember(
    const std::string& binding, const std::optional<SealedContent>& previous,
    std::optional<SealedContent> now) {
  key_use_.Moved(FingerprintOf(previous), FingerprintOf(now));
  known_[binding] = Known{std::move(now)};
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
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  const std::string& id = referral.referral_id();
  const std::string referral_binding = ReferralBinding(id);
  const std::string lead_binding = LeadBinding(id);
  SX_ASSIGN_OR_RETURN(StoredForm<v1::Referral> stored_referral,
                      Encrypt(referral, referral_binding, std::nullopt));
  SX_ASSIGN_OR_RETURN(StoredForm<v1::Lead> stored_lead,
                      Encrypt(lead, lead_binding, std::nullopt));
  SX_RETURN_IF_ERROR(
      inner_.CreateReferral(stored_referral.stored, stored_lead.stored));
  Remember(referral_binding, std::nullopt, std::move(stored_referral.sealed));
  Remember(lead_binding, std::nullopt, std::move(stored_lead.sealed));
  return absl::OkStatus();
}

absl::Status EncryptingTransaction::UpdateReferral(
    const v1::Referral& referral) {
  if (referral.has_lead()) {
    return absl::InternalError(
        "storage: referral record must not embed its lead");
  }
  const std::string& id = referral.referral_id();
  const std::string binding = ReferralBinding(id);
  SX_ASSIGN_OR_RETURN(
      std::optional<SealedContent> previous,
      Previous<v1::Referral>(binding, [&] { return inner_.GetReferral(id); }));
  SX_ASSIGN_OR_RETURN(StoredForm<v1::Referral> stored,
                      Encrypt(referral, binding, previous));
  SX_RETURN_IF_ERROR(inner_.UpdateReferral(stored.stored));
  Remember(binding, previous, std::move(stored.sealed));
  return absl::OkStatus();
}

absl::Status EncryptingTransaction::ReplaceLead(absl::string_view referral_id,
                                                const v1::Lead& lead) {
  const std::string binding = LeadBinding(referral_id);
  SX_ASSIGN_OR_RETURN(
      std::optional<SealedContent> previous,
      Previous<v1::Lead>(binding, [&] { return StoredLead(referral_id); }));
  SX_ASSIGN_OR_RETURN(StoredForm<v1::Lead> stored,
                      Encrypt(lead, binding, previous));
  SX_RETURN_IF_ERROR(inner_.ReplaceLead(referral_id, stored.stored));
  Remember(binding, previous, std::move(stored.sealed));
  return absl::OkStatus();
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
  SX_ASSIGN_OR_RETURN(StoredForm<v1::RectificationItem> stored,
                      Encrypt(item, binding, previous));
  SX_RETURN_IF_ERROR(inner_.PutRectificationItem(referral_id, stored.stored));
  Remember(binding, previous, std::move(stored.sealed));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Lead>> EncryptingTransaction::StoredLead(
    absl::string_view referral_id) {
  SX_ASSIGN_OR_RETURN(v1::Lead lead, inner_.GetLead(referral_id));
  return lead;
}

template <typename Record, typename ReadStored, typename WriteStored>
absl::Status EncryptingTransaction::RewrapStored(const std::string& binding,
                                                 ReadStored read,
                                                 WriteStored write,
                                                 Rewritten& rewritten) {
  SX_ASSIGN_OR_RETURN(std::optional<Record> stored, read());
  if (!stored.has_value()) return absl::OkStatus();
  SX_ASSIGN_OR_RETURN(std::optional<v1::EncryptedContent> sealed,
                      FindEncryptedContent(*stored));
  std::optional<SealedContent> previous;
  std::optional<SealedContent> now;
  if (sealed.has_value()) {
    if (sealed->key_fingerprint() == encryption_.keys().current().fingerprint) {
      return absl::OkStatus();
    }
    // Only the data key changes hands; the content stays as it is.
    previous = SealedContent{{}, *sealed};
    now = SealedContent{{}, {}};
    SX_ASSIGN_OR_RETURN(now->sealed,
                        RewrapDataKey(encryption_.keys(), *sealed));
    SetEncryptedContent(now->sealed, *stored);
  } else {
    // Plain text from before encryption was on: encrypt it.
    Record copy = *stored;
    if (TakeContent(copy).ByteSizeLong() == 0) return absl::OkStatus();
    SX_ASSIGN_OR_RETURN(StoredForm<Record> encrypted,
                        Encrypt(*std::move(stored), binding, std::nullopt));
    stored = std::move(encrypted.stored);
    now = std::move(encrypted.sealed);
  }
  SX_RETURN_IF_ERROR(write(*stored));
  Remember(binding, previous, std::move(now));
  ++rewritten.records;
  rewritten.bytes += stored->ByteSizeLong();
  return absl::OkStatus();
}

absl::StatusOr<EncryptingTransaction::Rewritten>
EncryptingTransaction::RewrapRecordsOf(absl::string_view referral_id) {
  Rewritten rewritten;
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      inner_.GetReferral(referral_id));
  if (!referral.has_value()) return rewritten;
  const uint32_t items = referral->rectification().total();
  SX_RETURN_IF_ERROR(RewrapStored<v1::Referral>(
      ReferralBinding(referral_id),
      [&]() -> absl::StatusOr<std::optional<v1::Referral>> { return referral; },
      [&](const v1::Referral& stored) { return inner_.UpdateReferral(stored); },
      rewritten));
  SX_RETURN_IF_ERROR(RewrapStored<v1::Lead>(
      LeadBinding(referral_id), [&] { return StoredLead(referral_id); },
      [&](const v1::Lead& stored) {
        return inner_.ReplaceLead(referral_id, stored);
      },
      rewritten));
  for (uint32_t number = 1; number <= items; ++number) {
    SX_RETURN_IF_ERROR(RewrapStored<v1::RectificationItem>(
        ItemBinding(referral_id, number),
        [&] { return inner_.GetRectificationItem(referral_id, number); },
        [&](const v1::RectificationItem& stored) {
          return inner_.PutRectificationItem(referral_id, stored);
        },
        rewritten));
  }
  return rewritten;
}

}  // namespace sx::encryption
