// The lead the SDK-level e2e and fault tests send: a 巡察 finding on land
// transfer fees, to `recipient`, under `subject` (the tests tell referrals
// apart by it).
#pragma once

#include <string>

#include "sx/client/types.h"

namespace sx::testing {

inline client::NewReferral LeadTo(const std::string& recipient,
                                  const std::string& subject) {
  client::NewReferral referral;
  referral.recipient_agency_id = recipient;
  referral.kind = client::ReferralKind::kLead;
  referral.lead.subject = subject;
  referral.lead.subject_organization = "县自然资源局";
  referral.lead.category = "进一步了解关注类";
  referral.lead.summary = "巡察发现土地出让金未及时缴入国库";
  referral.lead.source = "巡察个别谈话";
  referral.lead.sensitivity = client::Sensitivity::kSensitive;
  referral.lead.urgency = client::Urgency::kNormal;
  return referral;
}

}  // namespace sx::testing
