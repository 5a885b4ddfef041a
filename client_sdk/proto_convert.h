// Conversions between the SDK's value types and the generated contract types.
// Private to the SDK: public headers never mention generated code.
#pragma once

#include "supervision/v1/exchange.pb.h"
#include "sx/client/types.h"

namespace sx::client::internal {

namespace v1 = ::supervision::v1;

v1::Lead ToProto(const Lead& lead);
v1::Feedback ToProto(const Feedback& feedback);
v1::ListReferralsRequest ToProto(const ListQuery& query);

Referral FromProto(const v1::Referral& referral);
InboxEntry FromProto(const v1::InboxEntry& entry);
ReferralPage FromProto(const v1::ListReferralsResponse& page);

}  // namespace sx::client::internal
