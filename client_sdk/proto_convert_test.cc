#include "client_sdk/proto_convert.h"

#include "gtest/gtest.h"

namespace sx::client::internal {
namespace {

namespace v1 = ::supervision::v1;

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

TEST(ProtoConvertTest, InboxEntryCarriesAttemptsOverdueFlagsAndDigests) {
  v1::InboxEntry proto;
  proto.set_sequence(7);
  proto.set_delivery_attempts(3);
  proto.mutable_event()->set_type(v1::EVENT_TYPE_OVERDUE);
  proto.mutable_event()->set_previous_event_sha256(std::string(32, '\x01'));
  proto.mutable_referral()->set_feedback_overdue(true);
  InboxEntry entry = FromProto(proto);
  EXPECT_EQ(entry.delivery_attempts, 3u);
  EXPECT_EQ(entry.event.type, EventType::kOverdue);
  EXPECT_EQ(ToString(entry.event.type), "overdue");
  EXPECT_EQ(entry.event.previous_event_sha256, std::string(32, '\x01'));
  EXPECT_FALSE(entry.referral.accept_overdue);
  EXPECT_TRUE(entry.referral.feedback_overdue);
}

TEST(ProtoConvertTest, QueryBoundsAreSetOnlyWhenFinite) {
  TransferQuery transfers;
  transfers.states = {ReferralState::kAccepted};
  transfers.overdue_only = true;
  v1::ListTransfersRequest request = ToProto(transfers);
  EXPECT_FALSE(request.has_created_after());
  EXPECT_FALSE(request.has_created_before());
  EXPECT_TRUE(request.overdue_only());
  transfers.created_after = absl::FromUnixMillis(1764115200250);
  request = ToProto(transfers);
  EXPECT_EQ(request.created_after().seconds(), 1764115200);
  EXPECT_EQ(request.created_after().nanos(), 250000000);

  EventQuery events;
  events.type = EventType::kOverdue;
  events.time_to = absl::FromUnixSeconds(5);
  v1::QueryEventsRequest query = ToProto(events);
  EXPECT_EQ(query.type(), v1::EVENT_TYPE_OVERDUE);
  EXPECT_FALSE(query.has_time_from());
  EXPECT_EQ(query.time_to().seconds(), 5);
}

TEST(ProtoConvertTest, CheckpointSignatureIsDecodedOrRefused) {
  v1::SignedCheckpoint proto;
  proto.set_text("sxhub-checkpoint/v1\n");
  proto.set_signature_base64("AAEC");
  proto.set_tree_size(3);
  absl::StatusOr<SignedCheckpoint> checkpoint = FromProto(proto);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->signature, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(checkpoint->tree_size, 3u);
  proto.set_signature_base64("not base64!");
  EXPECT_EQ(FromProto(proto).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ProtoConvertTest, WhoAmIKeepsTheCallerAndTheHubClock) {
  v1::WhoAmIResponse proto;
  v1::CallerIdentity* caller = proto.mutable_caller();
  caller->set_kind(v1::IDENTITY_KIND_AGENCY);
  caller->set_name("discipline-commission");
  caller->set_certificate_uri(
      "spiffe://supervision.example/agency/discipline-commission");
  caller->set_agency_type("discipline_commission");
  caller->set_display_name("市纪委监委");
  caller->set_supervisor(true);
  proto.set_hub_id("demo");
  proto.set_hub_version("1.2.3");
  proto.mutable_hub_time()->set_seconds(1764115200);
  proto.mutable_hub_time()->set_nanos(500000000);

  const WhoAmIAnswer answer = FromProto(proto);
  EXPECT_EQ(answer.caller.kind, IdentityKind::kAgency);
  EXPECT_EQ(answer.caller.name, "discipline-commission");
  EXPECT_EQ(answer.caller.certificate_uri,
            "spiffe://supervision.example/agency/discipline-commission");
  EXPECT_EQ(answer.caller.agency_type, "discipline_commission");
  EXPECT_EQ(answer.caller.display_name, "市纪委监委");
  EXPECT_TRUE(answer.caller.supervisor);
  EXPECT_EQ(answer.hub_id, "demo");
  EXPECT_EQ(answer.hub_version, "1.2.3");
  EXPECT_EQ(answer.hub_time,
            absl::FromUnixSeconds(1764115200) + absl::Milliseconds(500));

  proto.mutable_caller()->set_kind(v1::IDENTITY_KIND_AUDITOR);
  EXPECT_EQ(FromProto(proto).caller.kind, IdentityKind::kAuditor);
}

}  // namespace
}  // namespace sx::client::internal
