#include "client_sdk/sxctl/referral_text.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// The land reserve lead of case 1 of docs/CASES.md, sent again after the
// commission returned the first referral (退回后重新移送).
client::Referral SentAgain() {
  client::Referral referral;
  referral.referral_id = "demo-0000000009";
  referral.kind = client::ReferralKind::kLead;
  referral.sender_agency_id = "inspection-office";
  referral.recipient_agency_id = "discipline-commission";
  referral.state = client::ReferralState::kSubmitted;
  referral.resubmission_of = "demo-0000000007";
  referral.version = 1;
  return referral;
}

TEST(ReferralTextTest, AResubmissionNamesTheReturnedReferral) {
  const std::string text =
      ReferralText(SentAgain(), nullptr, absl::FromUnixSeconds(1764115200));
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  bool found = false;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, "resubmission of")) {
      EXPECT_EQ(line, "resubmission of  demo-0000000007");
      found = true;
    }
  }
  EXPECT_TRUE(found) << text;

  client::Referral fresh = SentAgain();
  fresh.resubmission_of.clear();
  const std::string fresh_text =
      ReferralText(fresh, nullptr, absl::FromUnixSeconds(1764115200));
  EXPECT_FALSE(absl::StrContains(fresh_text, "resubmission")) << fresh_text;
}

}  // namespace
}  // namespace sx::sxctl
