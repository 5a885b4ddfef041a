// The lead that the e2e tests of the gRPC contract submit, with content they
// then look for where it must not appear (admin replies, console pages).
#pragma once

#include <string>

#include "supervision/v1/exchange.pb.h"

namespace sx::testing {

inline ::supervision::v1::SubmitReferralRequest LeadSubmission(
    const std::string& request_id, const std::string& recipient,
    const std::string& subject, const std::string& summary) {
  ::supervision::v1::SubmitReferralRequest submit;
  submit.set_request_id(request_id);
  submit.set_recipient_agency_id(recipient);
  submit.set_kind(::supervision::v1::REFERRAL_KIND_LEAD);
  ::supervision::v1::Lead& lead = *submit.mutable_lead();
  lead.set_subject(subject);
  lead.set_category("进一步了解关注类");
  lead.set_summary(summary);
  lead.set_source("巡察");
  lead.set_sensitivity(::supervision::v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(::supervision::v1::URGENCY_FAST_TRACK);
  return submit;
}

}  // namespace sx::testing
