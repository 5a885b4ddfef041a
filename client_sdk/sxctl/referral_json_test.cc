#include "client_sdk/sxctl/referral_json.h"

#include <string>

#include "absl/strings/match.h"
#include "client_sdk/sxctl/json_writer.h"
#include "client_sdk/sxctl/referral_test_fixtures.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

std::string CompactJson(const client::Referral& referral) {
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteReferralJson(referral, nullptr, json);
  return json.text();
}

// 退回后重新移送: the new referral names the returned one; a referral of its
// own says so with null.
TEST(ReferralJsonTest, ResubmissionOfIsTheReturnedReferralOrNull) {
  client::Referral referral;
  referral.referral_id = "demo-0000000009";
  referral.resubmission_of = "demo-0000000007";
  std::string text = CompactJson(referral);
  EXPECT_TRUE(
      absl::StrContains(text, "\"resubmission_of\":\"demo-0000000007\""))
      << text;

  referral.resubmission_of.clear();
  text = CompactJson(referral);
  EXPECT_TRUE(absl::StrContains(text, "\"resubmission_of\":null")) << text;
}

// 暂存待查 after 初步核实: every decision with who handled and approved it,
// the review date and since when the clock is paused; unset times are null.
TEST(ReferralJsonTest, DispositionsReviewAndPauseAreWrittenInFull) {
  const std::string text = CompactJson(KeptPendingReferral());
  EXPECT_TRUE(absl::StrContains(text, "\"state\":\"kept_pending\"")) << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"dispositions\":[{\"method\":\"preliminary_verification\","
      "\"handler\":\"张明\",\"approver\":\"\",\"approval_reference\":\"\","
      "\"reason\":\"\",\"recorded_at\":\"2025-11-26T00:00:00Z\","
      "\"review_at\":null},{\"method\":\"kept_pending\",\"handler\":\"张明\","
      "\"approver\":\"李华\",\"approval_reference\":\"组务会纪要第12期\","
      "\"reason\":\"关键证人暂无法联系\",\"recorded_at\":"
      "\"2025-11-27T00:00:00Z\",\"review_at\":\"2026-06-30T16:00:00Z\"}]"))
      << text;
  EXPECT_TRUE(absl::StrContains(text,
                                "\"review_at\":\"2026-06-30T16:00:00Z\","
                                "\"paused_at\":\"2025-11-27T00:00:00Z\""))
      << text;

  const std::string plain = CompactJson(client::Referral{});
  EXPECT_TRUE(absl::StrContains(plain, "\"review_at\":null,\"paused_at\":null"))
      << plain;
  EXPECT_TRUE(absl::StrContains(plain, "\"dispositions\":[]")) << plain;
}

// 交办: the parent's children in order, a child's flag, and final feedback's
// cited children.
TEST(ReferralJsonTest, DelegationLinksAndCitesAreWritten) {
  client::Referral parent;
  parent.referral_id = "demo-0000000012";
  parent.delegated_referral_ids = {"demo-0000000014", "demo-0000000015"};
  client::Feedback feedback;
  feedback.kind = client::FeedbackKind::kFinal;
  feedback.cites_referral_ids = {"demo-0000000015"};
  parent.feedback.push_back(feedback);
  client::Feedback interim;
  interim.kind = client::FeedbackKind::kInterim;
  parent.feedback.push_back(interim);
  std::string text = CompactJson(parent);
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"delegated\":false,\"delegated_referral_ids\":[\"demo-0000000014\","
      "\"demo-0000000015\"]"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"outcome\":null,\"cites_referral_ids\":[\"demo-0000000015\"]}"))
      << text;
  EXPECT_TRUE(
      absl::StrContains(text, "\"outcome\":null,\"cites_referral_ids\":[]}"))
      << text;

  client::Referral child;
  child.referral_id = "demo-0000000015";
  child.parent_referral_id = "demo-0000000012";
  child.delegated = true;
  text = CompactJson(child);
  EXPECT_TRUE(absl::StrContains(
      text, "\"delegated\":true,\"delegated_referral_ids\":[]"))
      << text;
  EXPECT_TRUE(
      absl::StrContains(text, "\"parent_referral_id\":\"demo-0000000012\""))
      << text;
}

}  // namespace
}  // namespace sx::sxctl
