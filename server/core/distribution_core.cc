#include "sx/core/distribution_core.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/core/distribution_progress.h"
#include "server/core/rectification_ledger.h"
#include "server/core/referral_creation.h"
#include "server/core/referral_steps.h"
#include "server/core/request_records.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/request_validation.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr char kMethod[] = "SubmitDistribution";
constexpr uint32_t kDefaultPageSize = 20;
constexpr uint32_t kMaxPageSize = 100;

// Same wording for a distribution that does not exist and one the caller
// did not send, so ids reveal nothing.
absl::Status NotTheSendersOrMissing(absl::string_view agency_id,
                                    absl::string_view distribution_id) {
  return absl::PermissionDeniedError(absl::StrCat(
      "distribution ", distribution_id, " does not exist or agency \"",
      agency_id,
      "\" did not send it (sxctl distribution list lists those it sent)"));
}

absl::Status ValidateRecipients(const HubConfig& config, const Identity& caller,
                                const v1::SubmitDistributionRequest& request) {
  const auto& recipients = request.recipient_agency_ids();
  if (recipients.empty()) {
    return absl::InvalidArgumentError("recipient_agency_ids: at least one");
  }
  const uint32_t limit = config.limits().max_distribution_recipients();
  if (static_cast<uint32_t>(recipients.size()) > limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("recipient_agency_ids: ", recipients.size(),
                     " recipients exceed the limit of ", limit,
                     " (limits.max_distribution_recipients)"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < recipients.size(); ++i) {
    const std::string field = absl::StrCat("recipient_agency_ids[", i, "]");
    SX_RETURN_IF_ERROR(ValidateId(field, recipients[i]));
    if (!seen.insert(recipients[i]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", recipients[i], "\" is named twice"));
    }
    // One refused recipient refuses the whole call, and says which.
    absl::Status route =
        CheckRoute(config, caller.name, recipients[i], request.kind());
    if (!route.ok()) {
      return absl::Status(route.code(),
                          absl::StrCat(field, ": ", route.message(),
                                       "; nothing was sent to anyone"));
    }
  }
  return absl::OkStatus();
}

// The distribution with its progress, and its members if `with_members`.
v1::Distribution Assemble(const v1::StoredDistribution& stored,
                          std::vector<v1::Referral> referrals,
                          bool with_members) {
  v1::Distribution distribution;
  distribution.set_distribution_id(stored.distribution_id());
  distribution.set_sender_agency_id(stored.sender_agency_id());
  distribution.set_kind(stored.kind());
  *distribution.mutable_created_at() = stored.created_at();
  *distribution.mutable_progress() = ProgressOf(referrals);
  if (with_members) {
    for (v1::Referral& referral : referrals) {
      v1::DistributionMember& member = *distribution.add_members();
      member.set_recipient_agency_id(referral.recipient_agency_id());
      StripFeedbackAttachments(referral);
      *member.mutable_referral() = std::move(referral);
    }
  }
  return distribution;
}

}  // namespace

DistributionCore::DistributionCore(
    storage::Store& store, const Clock& clock,
    std::function<std::shared_ptr<const HubConfig>()> config)
    : store_(store), clock_(clock), config_(std::move(config)) {}

void DistributionCore::Submit(const Identity& caller,
                              v1::SubmitDistributionRequest request,
                              std::string request_fingerprint,
                              DistributionCallback done,
                              std::optional<SignedStep> signed_step) {
  const std::shared_ptr<const HubConfig> config = config_();
  absl::Status valid = [&]() -> absl::Status {
    SX_RETURN_IF_ERROR(ValidateId("request_id", request.request_id()));
    SX_RETURN_IF_ERROR(SealNewReferralContent(
        request.kind(), request.has_lead() ? request.mutable_lead() : nullptr,
        request.rectification_items(), config->limits()));
    return ValidateRecipients(*config, caller, request);
  }();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  auto shared_request =
      std::make_shared<v1::SubmitDistributionRequest>(std::move(request));
  const std::string lead_sha256 =
      Sha256(shared_request->lead().SerializeAsString());
  auto stored = std::make_shared<v1::StoredDistribution>();
  // The member referrals as the transaction left them: the reply is built
  // from these, with no read on the store's completion thread.
  auto referrals = std::make_shared<std::vector<v1::Referral>>();
  const absl::Time now = clock_.Now();
  store_.Apply(
      [=](storage::Transaction& txn) -> absl::Status {
        const std::string& request_id = shared_request->request_id();
        SX_ASSIGN_OR_RETURN(
            std::optional<v1::RequestRecord> record,
            FindRequest(txn, caller, kMethod, request_id, request_fingerprint));
        if (record.has_value()) {
          SX_ASSIGN_OR_RETURN(std::optional<v1::StoredDistribution> earlier,
                              txn.GetDistribution(record->referral_id()));
          if (!earlier.has_value()) {
            return absl::DataLossError(absl::StrCat("storage: distribution ",
                                                    record->referral_id(),
                                                    " of a request is gone"));
          }
          *stored = *std::move(earlier);
          for (const std::string& id : stored->referral_ids()) {
            SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                                txn.GetReferral(id));
            if (!referral.has_value()) {
              return absl::DataLossError(
                  absl::StrCat("storage: referral ", id, " of distribution ",
                               stored->distribution_id(), " is missing"));
            }
            referrals->push_back(*std::move(referral));
          }
          return absl::OkStatus();
        }
        SX_RETURN_IF_ERROR(CheckDueDatesAhead(
            "rectification_items", shared_request->rectification_items(), now));
        // From the referral ids' series: unique, and new after a restore.
        SX_ASSIGN_OR_RETURN(std::string distribution_id, txn.NewReferralId());
        stored->set_distribution_id(distribution_id);
        stored->set_sender_agency_id(caller.name);
        stored->set_kind(shared_request->kind());
        *stored->mutable_created_at() = ToTimestamp(now);
        for (const std::string& recipient :
             shared_request->recipient_agency_ids()) {
          NewReferralParams params;
          params.sender = caller.name;
          params.recipient = recipient;
          params.kind = shared_request->kind();
          params.request_id = request_id;
          params.lead_sha256 = lead_sha256;
          params.distribution_id = distribution_id;
          params.signed_step = signed_step;
          SX_ASSIGN_OR_RETURN(
              v1::Referral referral,
              CreateAndDeliver(txn, *config, params, shared_request->lead(),
                               shared_request->rectification_items(), now));
          stored->add_recipient_agency_ids(recipient);
          stored->add_referral_ids(referral.referral_id());
          referrals->push_back(std::move(referral));
        }
        SX_RETURN_IF_ERROR(txn.PutDistribution(*stored));
        return RememberRequest(txn, caller, kMethod, request_id,
                               request_fingerprint, distribution_id);
      },
      [stored, referrals, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        done(Assemble(*stored, std::move(*referrals), /*with_members=*/true));
      });
}

absl::StatusOr<v1::Distribution> DistributionCore::Read(
    const v1::StoredDistribution& stored, bool with_members) {
  std::vector<v1::Referral> referrals;
  referrals.reserve(stored.referral_ids_size());
  for (const std::string& id : stored.referral_ids()) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                        store_.GetReferral(id));
    if (!referral.has_value()) {
      return absl::DataLossError(
          absl::StrCat("storage: referral ", id, " of distribution ",
                       stored.distribution_id(), " is missing"));
    }
    referrals.push_back(*std::move(referral));
  }
  return Assemble(stored, std::move(referrals), with_members);
}

absl::StatusOr<v1::Distribution> DistributionCore::Get(
    const Identity& caller, absl::string_view distribution_id) {
  SX_RETURN_IF_ERROR(ValidateId("distribution_id", distribution_id));
  SX_ASSIGN_OR_RETURN(std::optional<v1::StoredDistribution> stored,
                      store_.GetDistribution(distribution_id));
  if (!stored.has_value() || stored->sender_agency_id() != caller.name) {
    return NotTheSendersOrMissing(caller.name, distribution_id);
  }
  return Read(*stored, /*with_members=*/true);
}

absl::StatusOr<v1::ListDistributionsResponse> DistributionCore::List(
    const Identity& caller, const v1::ListDistributionsRequest& request) {
  SX_ASSIGN_OR_RETURN(
      const size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  if (!request.page_token().empty()) {
    SX_RETURN_IF_ERROR(ValidateId("page_token", request.page_token()));
  }
  SX_ASSIGN_OR_RETURN(
      storage::ReferralIdPage ids,
      store_.ListDistributionIds(caller.name, request.page_token(), page_size));
  v1::ListDistributionsResponse response;
  for (const std::string& id : ids.referral_ids) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::StoredDistribution> stored,
                        store_.GetDistribution(id));
    if (!stored.has_value()) {
      return absl::DataLossError(
          absl::StrCat("storage: indexed distribution ", id, " is missing"));
    }
    SX_ASSIGN_OR_RETURN(*response.add_distributions(),
                        Read(*stored, /*with_members=*/false));
  }
  response.set_next_page_token(ids.next_before_id);
  return response;
}

}  // namespace sx::core
