#include "proto_convert.h"

#include "gtest/gtest.h"

namespace sx::client::internal {
namespace {

TEST(ProtoConvertTest, LeadKeepsEveryField) {
  Lead lead;
  lead.subject = "县土地储备中心";
  lead.subject_organization = "县自然资源局";
  lead.subject_position = "主任";
  lead.category = "进一步了解关注类";
  lead.summary = "通过个人账户收取土地出让金";
  lead.source = "巡察个别谈话";
  lead.attachments.push_back({"记录.csv", "text/csv", "a,b\n", "", 0});
  lead.sensitivity = Sensitivity::kHighlySensitive;
  lead.urgency = Urgency::kFastTrack;

  v1::Referral proto;
  proto.set_referral_id("demo-0000000001");
  proto.set_state(v1::REFERRAL_STATE_DISPOSING);
  proto.set_disposition(v1::DISPOSITION_METHOD_CASE_FILED);
  *proto.mutable_lead() = ToProto(lead);
  proto.mutable_created_at()->set_seconds(1764115200);
  v1::Feedback* feedback = proto.add_feedback();
  feedback->set_kind(v1::FEEDBACK_KIND_INTERIM);
  feedback->set_text("已派员提前介入");

  Referral back = FromProto(proto);
  EXPECT_TRUE(back.has_lead);
  EXPECT_EQ(back.lead.subject, lead.subject);
  EXPECT_EQ(back.lead.subject_position, "主任");
  EXPECT_EQ(back.lead.summary, lead.summary);
  ASSERT_EQ(back.lead.attachments.size(), 1u);
  EXPECT_EQ(back.lead.attachments[0].content, "a,b\n");
  EXPECT_EQ(back.lead.sensitivity, Sensitivity::kHighlySensitive);
  EXPECT_EQ(back.lead.urgency, Urgency::kFastTrack);
  EXPECT_EQ(back.state, ReferralState::kDisposing);
  EXPECT_EQ(back.disposition, DispositionMethod::kCaseFiled);
  EXPECT_EQ(back.created_at, absl::FromUnixSeconds(1764115200));
  EXPECT_EQ(back.updated_at, absl::InfinitePast()) << "unset stays unset";
  ASSERT_EQ(back.feedback.size(), 1u);
  EXPECT_EQ(back.feedback[0].kind, FeedbackKind::kInterim);
}

TEST(ProtoConvertTest, ReferralWithoutLeadSaysSo) {
  v1::Referral proto;
  proto.set_referral_id("demo-0000000002");
  EXPECT_FALSE(FromProto(proto).has_lead);
}

TEST(ProtoConvertTest, ListQueryMapsRoles) {
  ListQuery query;
  query.role = PartyRole::kSender;
  query.states = {ReferralState::kClosed};
  query.page_size = 10;
  v1::ListReferralsRequest proto = ToProto(query);
  EXPECT_EQ(proto.role(), v1::PARTY_ROLE_SENDER);
  ASSERT_EQ(proto.states_size(), 1);
  EXPECT_EQ(proto.states(0), v1::REFERRAL_STATE_CLOSED);
  query.role = PartyRole::kRecipient;
  EXPECT_EQ(ToProto(query).role(), v1::PARTY_ROLE_RECIPIENT);
}

}  // namespace
}  // namespace sx::client::internal
