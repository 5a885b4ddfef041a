#include "client_sdk/sxctl/distribution_text.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// Case 10 of docs/CASES.md: problem lists to 19 supervision units.
client::DistributionProgress NineteenUnits() {
  client::DistributionProgress progress;
  progress.recipients = 19;
  progress.delivered = 19;
  progress.accepted = 12;
  progress.fed_back = 7;
  progress.overdue = 2;
  return progress;
}

TEST(DistributionTextTest, ProgressLineCountsOfTheRecipients) {
  EXPECT_EQ(DistributionProgressLine(NineteenUnits()),
            "delivered 19/19, signed for 12/19, fed back 7/19, closed 0/19, "
            "overdue 2, ended otherwise 0");
}

TEST(DistributionTextTest, OneRowPerRecipientWithItsReferral) {
  client::Distribution distribution;
  distribution.distribution_id = "demo-0000000040";
  distribution.sender_agency_id = "inspection-office";
  distribution.kind = client::ReferralKind::kProblemList;
  distribution.created_at = absl::FromUnixSeconds(1764115200);
  distribution.progress = NineteenUnits();
  client::DistributionMember commission;
  commission.recipient_agency_id = "discipline-commission";
  commission.referral.referral_id = "demo-0000000041";
  commission.referral.state = client::ReferralState::kAccepted;
  commission.referral.feedback_overdue = true;
  client::DistributionMember organization;
  organization.recipient_agency_id = "organization-department";
  organization.referral.referral_id = "demo-0000000042";
  organization.referral.state = client::ReferralState::kDelivered;
  organization.referral.accept_overdue = true;
  organization.referral.feedback_overdue = true;
  distribution.members = {commission, organization};

  const std::string text = DistributionText(distribution);
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_GE(lines.size(), 9u) << text;
  EXPECT_EQ(lines[0], "distribution  demo-0000000040");
  EXPECT_EQ(lines[1], "kind          problem_list");
  EXPECT_EQ(lines[4],
            "progress      delivered 19/19, signed for 12/19, fed back 7/19, "
            "closed 0/19, overdue 2, ended otherwise 0");
  EXPECT_EQ(lines[6].substr(0, 41),
            "RECIPIENT                REFERRAL        ");
  EXPECT_EQ(lines[7].find("discipline-commission    demo-0000000041  "
                          "accepted   feedback"),
            0u)
      << text;
  EXPECT_EQ(lines[8].find("organization-department  demo-0000000042  "
                          "delivered  accept, feedback"),
            0u)
      << text;
}

TEST(DistributionTextTest, ListingShowsEachDistributionsCounts) {
  client::Distribution distribution;
  distribution.distribution_id = "demo-0000000040";
  distribution.kind = client::ReferralKind::kLead;
  distribution.progress = NineteenUnits();
  const std::vector<std::string> lines =
      absl::StrSplit(DistributionTableText({distribution}), '\n');
  ASSERT_GE(lines.size(), 2u);
  const std::vector<std::string> cells =
      absl::StrSplit(lines[1], ' ', absl::SkipEmpty());
  EXPECT_EQ(cells, (std::vector<std::string>{"demo-0000000040", "lead", "19",
                                             "19", "12", "7", "0", "2", "0"}));
}

}  // namespace
}  // namespace sx::sxctl
