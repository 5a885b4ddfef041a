#include "proto_convert.h"

#include "google/protobuf/timestamp.pb.h"

namespace sx::client::internal {
namespace {

// The SDK's enums list the contract's values in the contract's order, so a
// cast converts them; these guard that promise.
static_assert(static_cast<int>(ReferralState::kWithdrawn) ==
              v1::REFERRAL_STATE_WITHDRAWN);
static_assert(static_cast<int>(DispositionMethod::kTransfer) ==
              v1::DISPOSITION_METHOD_TRANSFER);
static_assert(static_cast<int>(EventType::kReminded) == v1::EVENT_TYPE_REMINDED);
static_assert(static_cast<int>(ReferralKind::kAuditFinding) ==
              v1::REFERRAL_KIND_AUDIT_FINDING);
static_assert(static_cast<int>(Sensitivity::kHighlySensitive) ==
              v1::SENSITIVITY_HIGHLY_SENSITIVE);
static_assert(static_cast<int>(Urgency::kFastTrack) == v1::URGENCY_FAST_TRACK);
static_assert(static_cast<int>(FeedbackKind::kFinal) == v1::FEEDBACK_KIND_FINAL);

template <typename To, typename From>
To Cast(From value) {
  return static_cast<To>(static_cast<int>(value));
}

absl::Time FromProto(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) {
    return absl::InfinitePast();
  }
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

v1::Attachment ToProto(const Attachment& attachment) {
  v1::Attachment proto;
  proto.set_name(attachment.name);
  proto.set_media_type(attachment.media_type);
  proto.set_content(attachment.content);
  proto.set_sha256_hex(attachment.sha256_hex);
  return proto;
}

Attachment FromProto(const v1::Attachment& proto) {
  return Attachment{proto.name(), proto.media_type(), proto.content(),
                    proto.sha256_hex(), proto.size_bytes()};
}

Lead FromProto(const v1::Lead& proto) {
  Lead lead;
  lead.subject = proto.subject();
  lead.subject_organization = proto.subject_organization();
  lead.subject_position = proto.subject_position();
  lead.category = proto.category();
  lead.summary = proto.summary();
  lead.source = proto.source();
  for (const auto& attachment : proto.attachments()) {
    lead.attachments.push_back(FromProto(attachment));
  }
  lead.sensitivity = Cast<Sensitivity>(proto.sensitivity());
  lead.urgency = Cast<Urgency>(proto.urgency());
  return lead;
}

Feedback FromProto(const v1::Feedback& proto) {
  Feedback feedback;
  feedback.kind = Cast<FeedbackKind>(proto.kind());
  feedback.text = proto.text();
  for (const auto& attachment : proto.attachments()) {
    feedback.attachments.push_back(FromProto(attachment));
  }
  feedback.sent_at = FromProto(proto.sent_at());
  return feedback;
}

Event FromProto(const v1::Event& proto) {
  Event event;
  event.sequence = proto.sequence();
  event.type = Cast<EventType>(proto.type());
  event.referral_id = proto.referral_id();
  event.actor = proto.actor();
  event.time = FromProto(proto.time());
  event.from_state = Cast<ReferralState>(proto.from_state());
  event.to_state = Cast<ReferralState>(proto.to_state());
  event.request_id = proto.request_id();
  event.disposition = Cast<DispositionMethod>(proto.disposition());
  event.reason = proto.reason();
  event.related_referral_id = proto.related_referral_id();
  return event;
}

}  // namespace

v1::Lead ToProto(const Lead& lead) {
  v1::Lead proto;
  proto.set_subject(lead.subject);
  proto.set_subject_organization(lead.subject_organization);
  proto.set_subject_position(lead.subject_position);
  proto.set_category(lead.category);
  proto.set_summary(lead.summary);
  proto.set_source(lead.source);
  for (const Attachment& attachment : lead.attachments) {
    *proto.add_attachments() = ToProto(attachment);
  }
  proto.set_sensitivity(Cast<v1::Sensitivity>(lead.sensitivity));
  proto.set_urgency(Cast<v1::Urgency>(lead.urgency));
  return proto;
}

v1::Feedback ToProto(const Feedback& feedback) {
  v1::Feedback proto;
  proto.set_kind(Cast<v1::FeedbackKind>(feedback.kind));
  proto.set_text(feedback.text);
  for (const Attachment& attachment : feedback.attachments) {
    *proto.add_attachments() = ToProto(attachment);
  }
  return proto;
}

v1::ListReferralsRequest ToProto(const ListQuery& query) {
  v1::ListReferralsRequest proto;
  proto.set_role(query.role == PartyRole::kSender ? v1::PARTY_ROLE_SENDER
                                                  : v1::PARTY_ROLE_RECIPIENT);
  for (ReferralState state : query.states) {
    proto.add_states(Cast<v1::ReferralState>(state));
  }
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

Referral FromProto(const v1::Referral& proto) {
  Referral referral;
  referral.referral_id = proto.referral_id();
  referral.kind = Cast<ReferralKind>(proto.kind());
  referral.sender_agency_id = proto.sender_agency_id();
  referral.recipient_agency_id = proto.recipient_agency_id();
  referral.state = Cast<ReferralState>(proto.state());
  referral.has_lead = proto.has_lead();
  if (proto.has_lead()) referral.lead = FromProto(proto.lead());
  referral.urgency = Cast<Urgency>(proto.urgency());
  referral.created_at = FromProto(proto.created_at());
  referral.updated_at = FromProto(proto.updated_at());
  referral.accept_due_at = FromProto(proto.accept_due_at());
  referral.feedback_due_at = FromProto(proto.feedback_due_at());
  referral.disposition = Cast<DispositionMethod>(proto.disposition());
  referral.parent_referral_id = proto.parent_referral_id();
  referral.child_referral_id = proto.child_referral_id();
  referral.observer_agency_ids.assign(proto.observer_agency_ids().begin(),
                                      proto.observer_agency_ids().end());
  referral.state_reason = proto.state_reason();
  for (const auto& feedback : proto.feedback()) {
    referral.feedback.push_back(FromProto(feedback));
  }
  for (const auto& reminder : proto.reminders()) {
    referral.reminders.push_back(Reminder{reminder.from_agency_id(),
                                          reminder.text(),
                                          FromProto(reminder.sent_at())});
  }
  referral.version = proto.version();
  return referral;
}

InboxEntry FromProto(const v1::InboxEntry& proto) {
  return InboxEntry{proto.sequence(), FromProto(proto.event()),
                    FromProto(proto.referral())};
}

ReferralPage FromProto(const v1::ListReferralsResponse& proto) {
  ReferralPage page;
  for (const auto& referral : proto.referrals()) {
    page.referrals.push_back(FromProto(referral));
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

}  // namespace sx::client::internal
