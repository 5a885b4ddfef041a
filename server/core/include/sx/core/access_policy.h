// Authorization, in one place: which identities may use which service, how
// an agency relates to a referral, who may read it, who may take each step
// (through the state machine's table) and which routes are open.
// Every check returns PERMISSION_DENIED with a message naming what is missing.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/core/referral_state_machine.h"

namespace sx::core {

enum class Service { kExchange, kAdmin, kAudit, kHubInfo, kStatistics };

// Agencies use the exchange; admins the admin service; auditors the audit
// service. Nobody uses another's. Hub info (WhoAmI) is for any configured
// identity: it is how each checks its own setup. Statistics too: they are
// figures without contents, and the core narrows an agency to its own.
absl::Status CheckServiceAccess(const Identity& caller, Service service);

// How `agency_id` relates to `referral`.
Party PartyOf(const HubConfig& config, absl::string_view agency_id,
              const ::supervision::v1::Referral& referral);

// The one answer for "no such referral" and "not your referral", so that an
// agency cannot learn which referral ids exist (they are sequential).
absl::Status NotAPartyOrMissing(absl::string_view agency_id,
                                absl::string_view referral_id);

// Sender, recipient and observers may read a referral with its lead.
absl::Status CheckCanRead(const HubConfig& config, absl::string_view agency_id,
                          const ::supervision::v1::Referral& referral);

// Only a supervising agency (config `supervisor: true`) reads the
// supervision ledger (督办台账) across units.
absl::Status CheckCanReadSupervisionLedger(const HubConfig& config,
                                           const Identity& caller);

// The step the agency may take, per the state machine; see DecideStep. An
// agency with no relation to the referral gets NotAPartyOrMissing.
absl::StatusOr<Step> AuthorizeStep(const HubConfig& config,
                                   absl::string_view agency_id,
                                   const ::supervision::v1::Referral& referral,
                                   Action action);

// Whether `sender_id` may send `kind` to `recipient_id`: NOT_FOUND for an
// unknown recipient, INVALID_ARGUMENT for sending to oneself,
// PERMISSION_DENIED if the route between their types is not configured.
absl::Status CheckRoute(const HubConfig& config, absl::string_view sender_id,
                        absl::string_view recipient_id,
                        ::supervision::v1::ReferralKind kind);

}  // namespace sx::core
