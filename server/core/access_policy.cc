#include "sx/core/access_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

bool IsObserver(absl::string_view agency_id, const v1::Referral& referral) {
  const auto& observers = referral.observer_agency_ids();
  return std::find(observers.begin(), observers.end(), agency_id) !=
         observers.end();
}

// The kind of identity as its certificate's URI names it
// (spiffe://<trust-domain>/<kind>/<name>, see hub_config.cc).
absl::string_view KindName(Identity::Kind kind) {
  switch (kind) {
    case Identity::Kind::kAgency:
      return "agency";
    case Identity::Kind::kAdmin:
      return "admin";
    case Identity::Kind::kAuditor:
      return "auditor";
  }
  return "unknown";
}

// The caller as its certificate names it: admin "ops" for
// spiffe://<trust-domain>/admin/ops (whose dev-PKI files are admin-ops.*),
// agency "audit-bureau" for .../agency/audit-bureau.
std::string CertificateName(const Identity& identity) {
  return absl::StrCat(KindName(identity.kind), " \"", identity.name, "\"");
}

// "lead", "problem_list": a kind as sxctl prints it and takes it (--kind).
std::string KindOfReferral(v1::ReferralKind kind) {
  absl::string_view name = v1::ReferralKind_Name(kind);
  if (name.empty()) return absl::StrCat(static_cast<int>(kind));
  absl::ConsumePrefix(&name, "REFERRAL_KIND_");
  return absl::AsciiStrToLower(name);
}

}  // namespace

absl::Status CheckServiceAccess(const Identity& caller, Service service) {
  // Answers only about the caller and the hub, so no kind is kept out.
  if (service == Service::kHubInfo) return absl::OkStatus();
  // Figures only, and the core narrows an agency to its own.
  if (service == Service::kStatistics) return absl::OkStatus();
  const Identity::Kind required =
      service == Service::kExchange ? Identity::Kind::kAgency
      : service == Service::kAdmin  ? Identity::Kind::kAdmin
                                    : Identity::Kind::kAuditor;
  if (caller.kind == required) return absl::OkStatus();
  static constexpr absl::string_view kServiceNames[] = {"exchange", "admin",
                                                        "audit"};
  // Every kind name starts with a vowel: "an agency's", "an admin's".
  return absl::PermissionDeniedError(absl::StrCat(
      "the ", kServiceNames[static_cast<int>(service)], " service is for ",
      KindName(required), " certificates, and the caller's certificate names ",
      CertificateName(caller), "; call it with an ", KindName(required),
      "'s certificate"));
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
  // Word for word the same for both, whatever the id: see the header.
  return absl::PermissionDeniedError(absl::StrCat(
      "referral ", referral_id, " does not exist or ",
      CertificateName(
          Identity{Identity::Kind::kAgency, std::string(agency_id)}),
      " is not a party to it (sxctl list --role sent or --role received "
      "lists the referrals it sent or received)"));
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

absl::Status CheckCanReadSupervisionLedger(const HubConfig& config,
                                           const Identity& caller) {
  const v1::Agency* agency =
      caller.is_agency() ? config.FindAgency(caller.name) : nullptr;
  if (agency != nullptr && agency->supervisor()) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "the supervision ledger (督办台账) is for supervising agencies (config "
      "`supervisor: true`), and the caller's certificate names ",
      CertificateName(caller)));
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
        absl::StrCat("agency \"", sender_id,
                     "\" is no longer configured on this hub (a config "
                     "reload removed it)"));
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
    return absl::PermissionDeniedError(absl::StrCat(
        "no route lets an agency of type ", sender->type(),
        " send a referral of kind ", KindOfReferral(kind), " to \"",
        recipient_id, "\", of type ", recipient->type(),
        " (the hub administrator can add one to the config's routes)"));
  }
  return absl::OkStatus();
}

}  // namespace sx::core
