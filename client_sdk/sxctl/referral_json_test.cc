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

// 预警: the level by its SDK name beside the overdue flags (as for an
// administrator's transfer), the warnings still to come, null once given.
TEST(ReferralJsonTest, WarningLevelAndWarningsToComeAreWritten) {
  std::string text = CompactJson(WarnedReferral());
  EXPECT_TRUE(absl::StrContains(text,
                                "\"feedback_overdue\":false,"
                                "\"warning_level\":\"blue\","
                                "\"disposition\":\"preliminary_verification\""))
      << text;
  EXPECT_TRUE(absl::StrContains(text,
                                "\"blue_warning_at\":null,"
                                "\"yellow_warning_at\":"
                                "\"2025-12-29T16:00:00Z\""))
      << text;

  const std::string plain = CompactJson(client::Referral{});
  EXPECT_TRUE(absl::StrContains(plain, "\"warning_level\":\"none\"")) << plain;
  EXPECT_TRUE(absl::StrContains(
      plain, "\"blue_warning_at\":null,\"yellow_warning_at\":null"))
      << plain;
}

// A deadline warning in the inbox: the event says its level, and so does the
// referral as it is now, with no warning left to come.
TEST(ReferralJsonTest, EventsCarryTheirWarningLevel) {
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteInboxEntryJson(YellowWarningEntry(), json);
  const std::string text = json.text();
  EXPECT_TRUE(absl::StrContains(text, "\"type\":\"deadline_warning\"")) << text;
  EXPECT_TRUE(
      absl::StrContains(text,
                        "\"item_numbers\":[],\"warning_level\":\"yellow\","
                        "\"supervision_level\":\"unspecified\"}"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"feedback_overdue\":false,\"warning_level\":\"yellow\""))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"blue_warning_at\":null,\"yellow_warning_at\":null"))
      << "none left to come: " << text;

  JsonWriter plain(JsonWriter::Style::kCompact);
  WriteEventJson(client::Event{}, plain);
  EXPECT_TRUE(absl::EndsWith(plain.text(),
                             "\"warning_level\":\"none\","
                             "\"supervision_level\":\"unspecified\"}"))
      << plain.text();
}

// 督办 escalated to 挂牌督办 on a delegated child: the highest level beside
// the warnings, each reminder's own level, and what the child was asked to
// do; a referral never reminded nor delegated has neither.
TEST(ReferralJsonTest, SupervisionLevelsAndDelegationInstructionsAreWritten) {
  const std::string text = CompactJson(ListedDelegatedReferral());
  EXPECT_TRUE(absl::StrContains(text,
                                "\"yellow_warning_at\":null,"
                                "\"supervision_level\":\"listed\","))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"delegated_referral_ids\":[],\"delegation_instructions\":"
      "\"请对第2项问题开展初步核实并于20日内报告\""))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "\"reminders\":[{\"from_agency_id\":\"discipline-commission\","
      "\"text\":\"请于3日内反馈初核进展\","
      "\"sent_at\":\"2025-12-18T00:00:00Z\",\"level\":\"urge\"},"
      "{\"from_agency_id\":\"discipline-commission\","
      "\"text\":\"请于12月25日前报送核查结果\","
      "\"sent_at\":\"2025-12-19T00:00:00Z\",\"level\":\"supervise\"},"
      "{\"from_agency_id\":\"discipline-commission\","
      "\"text\":\"列入挂牌督办，每周报告进展\","
      "\"sent_at\":\"2025-12-20T00:00:00Z\",\"level\":\"listed\"}]"))
      << text;

  const std::string plain = CompactJson(client::Referral{});
  EXPECT_TRUE(absl::StrContains(plain, "\"supervision_level\":\"unspecified\""))
      << plain;
  EXPECT_TRUE(absl::StrContains(plain, "\"delegation_instructions\":\"\""))
      << plain;
  EXPECT_TRUE(absl::StrContains(plain, "\"reminders\":[]")) << plain;

  // The REMINDED event says how hard it pressed.
  client::Event event;
  event.type = client::EventType::kReminded;
  event.supervision_level = client::SupervisionLevel::kSupervise;
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteEventJson(event, json);
  EXPECT_TRUE(absl::EndsWith(json.text(),
                             "\"warning_level\":\"none\","
                             "\"supervision_level\":\"supervise\"}"))
      << json.text();
}

}  // namespace
}  // namespace sx::sxctl
