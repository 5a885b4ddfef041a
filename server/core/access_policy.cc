#include "sx/core/access_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

bool IsObserver(absl::string_view agency_id, const v1::Referral& referral) {
  const auto& observers = referral.observer_agency_ids();
  return std::find(observers.begin(), observers.end(), agency_id) !=
         observers.end();
}

}  // namespace

absl::Status CheckServiceAccess(const Identity& caller, Service service) {
  const Identity::Kind required =
      service == Service::kExchange ? Identity::Kind::kAgency
      : service == Service::kAdmin  ? Identity::Kind::kAdmin
                                    : Identity::Kind::kAuditor;
  if (caller.kind == required) return absl::OkStatus();
  static constexpr absl::string_view kServiceNames[] = {
      "the exchange service is for agency certificates",
      "the admin service is for administrator certificates",
      "the audit service is for auditor certificates"};
  return absl::PermissionDeniedError(
      absl::StrCat(kServiceNames[static_cast<int>(service)], "; \"",
                   caller.name, "\" holds another role"));
}

Party PartyOf(const HubConfig& config, absl::string_view agency_id,
              const v1::Referral& referral) {
  if (agency_id == referral.sender_agency_id()) return Party::kSender;
  if (agency_id == referral.recipient_agency_id()) return Party::kRecipient;
  const v1::Agency* agency = config.FindAgency(agency_id);
  if (agency != nullptr && agency->supervisor()) return Party::kSupervisor;
  if (IsObserver(agency_id, referral)) return Party::kObserver;
  return Party::kStranger;
}

absl::Status NotAPartyOrMissing(absl::string_view agency_id,
                                absl::string_view referral_id) {
  return absl::PermissionDeniedError(
      absl::StrCat("referral ", referral_id, " does not exist or agency \"",
                   agency_id, "\" is not a party to it"));
}

absl::Status CheckCanRead(const HubConfig& config, absl::string_view agency_id,
                          const v1::Referral& referral) {
  // Supervisors may remind, but reading a lead needs a part in the matter.
  const Party party = PartyOf(config, agency_id, referral);
  if (party == Party::kSender || party == Party::kRecipient ||
      IsObserver(agency_id, referral)) {
    return absl::OkStatus();
  }
  return NotAPartyOrMissing(agency_id, referral.referral_id());
}

absl::StatusOr<Step> AuthorizeStep(const HubConfig& config,
                                   absl::string_view agency_id,
                                   const v1::Referral& referral,
                                   Action action) {
  const Party party = PartyOf(config, agency_id, referral);
  if (party == Party::kStranger) {
    return NotAPartyOrMissing(agency_id, referral.referral_id());
  }
  return DecideStep(referral.state(), action, party);
}

absl::Status CheckRoute(const HubConfig& config, absl::string_view sender_id,
                        absl::string_view recipient_id, v1::ReferralKind kind) {
  const v1::Agency* sender = config.FindAgency(sender_id);
  if (sender == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat("agency \"", sender_id, "\" is no longer configured"));
  }
  const v1::Agency* recipient = config.FindAgency(recipient_id);
  if (recipient == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no agency \"", recipient_id, "\" is configured"));
  }
  if (sender_id == recipient_id) {
    return absl::InvalidArgumentError(
        "recipient_agency_id: an agency cannot refer to itself");
  }
  if (!config.RouteAllowed(sender->type(), recipient->type(), kind)) {
    return absl::PermissionDeniedError(
        absl::StrCat("no route allows ", sender->type(), " to send ",
                     v1::ReferralKind_Name(kind), " to ", recipient->type(),
                     " (ask the hub administrator to add one to the config)"));
  }
  return absl::OkStatus();
}

}  // namespace sx::core
