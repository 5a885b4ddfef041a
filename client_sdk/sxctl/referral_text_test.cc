#include "client_sdk/sxctl/referral_text.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "client_sdk/sxctl/referral_test_fixtures.h"
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

const absl::Time kNow = absl::FromUnixSeconds(1764556200);

// The value of the first "label  value" line for `label` (indented or not),
// or "(absent)".
std::string Field(const std::string& text, absl::string_view label) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, label) || !absl::StartsWith(line, "  ")) {
      continue;
    }
    return std::string(absl::StripAsciiWhitespace(line));
  }
  return "(absent)";
}

// The lines of `text` after the line `heading`, up to the next blank line.
std::vector<std::string> Section(const std::string& text,
                                 absl::string_view heading) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  std::vector<std::string> section;
  bool in = false;
  for (const std::string& line : lines) {
    if (in && line.empty()) break;
    if (in) section.push_back(line);
    if (line == heading) in = true;
  }
  return section;
}

TEST(ReferralTextTest, KeptPendingShowsItsReviewDatePauseAndEveryDecision) {
  const std::string text = ReferralText(KeptPendingReferral(), nullptr, kNow);
  EXPECT_EQ(Field(text, "state"), "kept_pending");
  // The day as it was typed (sxctl dispose --review-date 2026-06-30).
  absl::Time typed;
  ASSERT_TRUE(ParseDeadline("2026-06-30", &typed));
  EXPECT_EQ(KeptPendingReferral().review_at, typed);
  EXPECT_EQ(Field(text, "review date"), "2026-06-30") << text;
  EXPECT_EQ(Field(text, "paused since"), "2025-11-27T00:00:00Z") << text;
  // The clock is paused: a passed deadline is not overdue while kept pending.
  EXPECT_EQ(Field(text, "feedback due"), "2025-11-26T00:00:00Z") << text;

  const std::vector<std::string> table = Section(text, "Dispositions");
  ASSERT_EQ(table.size(), 3u) << text;
  for (const char* column : {"RECORDED", "METHOD", "HANDLER", "APPROVER",
                             "APPROVAL REF", "REVIEW DATE", "REASON"}) {
    EXPECT_TRUE(absl::StrContains(table[0], column)) << column;
  }
  // Oldest first.
  EXPECT_TRUE(absl::StartsWith(table[1],
                               "  2025-11-26T00:00:00Z  "
                               "preliminary_verification  张明"))
      << table[1];
  EXPECT_TRUE(absl::StartsWith(table[2],
                               "  2025-11-27T00:00:00Z  "
                               "kept_pending"))
      << table[2];
  for (const char* cell :
       {"李华", "组务会纪要第12期", "2026-06-30", "关键证人暂无法联系"}) {
    EXPECT_TRUE(absl::StrContains(table[2], cell)) << cell;
    EXPECT_FALSE(absl::StrContains(table[1], cell)) << cell;
  }

  // None of it for a referral that has none of it.
  const std::string plain = ReferralText(SentAgain(), nullptr, kNow);
  EXPECT_FALSE(absl::StrContains(plain, "Dispositions")) << plain;
  EXPECT_EQ(Field(plain, "review date"), "(absent)");
  EXPECT_EQ(Field(plain, "paused since"), "(absent)");
  EXPECT_FALSE(absl::StrContains(plain, "delegated")) << plain;
}

// 交办: the parent lists its children; a child says it was delegated.
TEST(ReferralTextTest, DelegationShowsChildrenParentAndCitedChildren) {
  client::Referral parent = SentAgain();
  parent.state = client::ReferralState::kFeedbackSent;
  parent.delegated_referral_ids = {"demo-0000000014", "demo-0000000015"};
  client::Feedback feedback;
  feedback.kind = client::FeedbackKind::kFinal;
  feedback.text = "经驻局纪检监察组核实，第2项问题属实";
  feedback.cites_referral_ids = {"demo-0000000014", "demo-0000000015"};
  parent.feedback.push_back(feedback);
  const std::string text = ReferralText(parent, nullptr, kNow);
  EXPECT_EQ(Field(text, "delegated to"), "demo-0000000014, demo-0000000015")
      << text;
  EXPECT_EQ(Field(text, "delegated"), "(absent)") << "not itself delegated";
  EXPECT_EQ(Field(text, "child"), "(absent)") << "not a 转办";
  EXPECT_EQ(Field(text, "cites"), "demo-0000000014, demo-0000000015") << text;

  client::Referral child = SentAgain();
  child.referral_id = "demo-0000000015";
  child.parent_referral_id = "demo-0000000009";
  child.delegated = true;
  const std::string child_text = ReferralText(child, nullptr, kNow);
  EXPECT_EQ(Field(child_text, "parent"), "demo-0000000009");
  EXPECT_TRUE(absl::StartsWith(Field(child_text, "delegated"), "yes"))
      << child_text;

  // What `delegate` prints: the parent, then the child it just made.
  const std::string delegated = DelegatedText(parent, kNow);
  EXPECT_TRUE(absl::StartsWith(delegated, text));
  EXPECT_EQ(delegated.substr(text.size()),
            "\nnew child referral demo-0000000015\n");
  EXPECT_EQ(DelegatedText(child, kNow), child_text) << "no child to name";
}

}  // namespace
}  // namespace sx::sxctl
