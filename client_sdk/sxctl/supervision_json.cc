#include "client_sdk/sxctl/supervision_json.h"

#include "client_sdk/sxctl/admin_json.h"
#include "client_sdk/sxctl/referral_json.h"

namespace sx::sxctl {
namespace {

void WriteSupervisedReferral(const client::SupervisedReferral& referral,
                             JsonWriter& json) {
  json.BeginObject();
  json.Key("transfer");
  WriteTransferSummaryJson(referral.transfer, json);
  json.Key("subject").String(referral.subject);
  json.Key("subject_organization").String(referral.subject_organization);
  json.Key("last_reminded_at");
  WriteTimeJson(referral.last_reminded_at, json);
  json.Key("last_reminded_by").String(referral.last_reminded_by);
  json.EndObject();
}

}  // namespace

void WriteSupervisionLedgerPageJson(const client::SupervisionLedgerPage& page,
                                    JsonWriter& json) {
  WritePageJson("referrals", page.referrals, page.next_page_token,
                &WriteSupervisedReferral, json);
}

}  // namespace sx::sxctl
