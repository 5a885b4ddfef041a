// Value types of the supervision exchange SDK: what agencies send and receive.
// They mirror proto/supervision/v1/referral.proto field by field, without
// exposing generated code, so that agency programs depend only on this SDK.
//
//   sx::client::Lead lead;
//   lead.subject = "县土地储备中心";
//   lead.category = "进一步了解关注类";
//   lead.summary = "通过个人账户收取土地出让金";
//   lead.source = "巡察个别谈话";
//   lead.sensitivity = sx::client::Sensitivity::kSensitive;
//   lead.urgency = sx::client::Urgency::kFastTrack;
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sx/client/export.h"

namespace sx::client {

enum class ReferralKind { kUnspecified, kLead, kProblemList, kAuditFinding };

enum class ReferralState {
  kUnspecified,
  kSubmitted,     // 已移送
  kDelivered,     // 已送达
  kAccepted,      // 已签收
  kDisposing,     // 处置中
  kFeedbackSent,  // 已反馈
  kClosed,        // 已销号
  kReturned,      // 已退回
  kRerouted,      // 已转办
  kWithdrawn,     // 已撤回
};

enum class DispositionMethod {
  kUnspecified,
  kTalkOrInquiry,            // 谈话函询
  kPreliminaryVerification,  // 初步核实
  kKeptPending,              // 暂存待查
  kClosedWithoutAction,      // 予以了结
  kCaseFiled,                // 立案审查调查
  kTransfer,                 // 转办 (recorded by Reroute)
};

enum class Sensitivity {
  kUnspecified,
  kOrdinary,
  kSensitive,
  kHighlySensitive
};

enum class Urgency { kUnspecified, kNormal, kFastTrack };

enum class FeedbackKind { kUnspecified, kInterim, kFinal };

enum class EventType {
  kUnspecified,
  kSubmitted,
  kDelivered,
  kAccepted,
  kReturned,
  kRerouted,
  kDispositionRecorded,
  kInterimFeedback,
  kFinalFeedback,
  kClosed,
  kWithdrawn,
  kReminded,
  kOverdue,  // the hub flagged a missed accept or feedback deadline
  // The hub's data was restored from a backup: the events after
  // sequence - 1 were lost and later events took their sequences again.
  kLogRestored,
};

// Which side of referrals to list.
enum class PartyRole { kSender, kRecipient };

// What a client certificate names: an agency, an administrator or an
// auditor (see WhoAmI in hub_info_client.h).
enum class IdentityKind { kUnspecified, kAgency, kAdmin, kAuditor };

// Stable lower-case names ("submitted", "fast_track",
// "preliminary_verification") for output and command lines, and the way back.
// Parse* return false for an unknown name.
SX_CLIENT_EXPORT std::string ToString(ReferralKind value);
SX_CLIENT_EXPORT std::string ToString(ReferralState value);
SX_CLIENT_EXPORT std::string ToString(DispositionMethod value);
SX_CLIENT_EXPORT std::string ToString(Sensitivity value);
SX_CLIENT_EXPORT std::string ToString(Urgency value);
SX_CLIENT_EXPORT std::string ToString(FeedbackKind value);
SX_CLIENT_EXPORT std::string ToString(EventType value);
SX_CLIENT_EXPORT std::string ToString(IdentityKind value);
SX_CLIENT_EXPORT bool ParseReferralKind(absl::string_view name,
                                        ReferralKind* value);
SX_CLIENT_EXPORT bool ParseReferralState(absl::string_view name,
                                         ReferralState* value);
SX_CLIENT_EXPORT bool ParseDispositionMethod(absl::string_view name,
                                             DispositionMethod* value);
SX_CLIENT_EXPORT bool ParseSensitivity(absl::string_view name,
                                       Sensitivity* value);
SX_CLIENT_EXPORT bool ParseUrgency(absl::string_view name, Urgency* value);
SX_CLIENT_EXPORT bool ParseFeedbackKind(absl::string_view name,
                                        FeedbackKind* value);
SX_CLIENT_EXPORT bool ParseEventType(absl::string_view name, EventType* value);
SX_CLIENT_EXPORT bool ParseIdentityKind(absl::string_view name,
                                        IdentityKind* value);

// A file with its SHA-256 digest (lower-case hex). Leave sha256_hex empty to
// let the hub compute it, or fill it to have the hub check it.
struct Attachment {
  std::string name;
  std::string media_type;
  std::string content;  // empty in replies unless content was asked for
  std::string sha256_hex;
  int64_t size_bytes = 0;
};

// A problem lead (问题线索). subject, category, summary, source, sensitivity
// and urgency are required.
struct Lead {
  std::string subject;
  std::string subject_organization;
  std::string subject_position;
  std::string category;
  std::string summary;
  std::string source;
  std::vector<Attachment> attachments;
  Sensitivity sensitivity = Sensitivity::kUnspecified;
  Urgency urgency = Urgency::kUnspecified;
};

struct Feedback {
  FeedbackKind kind = FeedbackKind::kUnspecified;
  std::string text;
  std::vector<Attachment> attachments;
  absl::Time sent_at = absl::InfinitePast();  // set by the hub
};

struct Reminder {
  std::string from_agency_id;
  std::string text;
  absl::Time sent_at = absl::InfinitePast();
};

// A referral (移送) as the hub reports it. `has_lead` tells whether `lead` was
// included (GetReferral and new-referral inbox entries include it).
struct Referral {
  std::string referral_id;
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string sender_agency_id;
  std::string recipient_agency_id;
  ReferralState state = ReferralState::kUnspecified;
  bool has_lead = false;
  Lead lead;
  Urgency urgency = Urgency::kUnspecified;
  absl::Time created_at = absl::InfinitePast();
  absl::Time updated_at = absl::InfinitePast();
  absl::Time accept_due_at = absl::InfinitePast();
  absl::Time feedback_due_at = absl::InfinitePast();
  DispositionMethod disposition = DispositionMethod::kUnspecified;
  std::string parent_referral_id;
  std::string child_referral_id;
  std::vector<std::string> observer_agency_ids;
  std::string state_reason;
  std::vector<Feedback> feedback;
  std::vector<Reminder> reminders;
  // The hub flagged the missed deadline (and recorded an overdue event).
  bool accept_overdue = false;
  bool feedback_overdue = false;
  int64_t version = 0;
};

// One entry of the hub's event chain, as delivered in inbox entries and
// read by auditors.
struct Event {
  uint64_t sequence = 0;
  EventType type = EventType::kUnspecified;
  std::string referral_id;
  std::string actor;
  absl::Time time = absl::InfinitePast();
  ReferralState from_state = ReferralState::kUnspecified;
  ReferralState to_state = ReferralState::kUnspecified;
  std::string request_id;
  DispositionMethod disposition = DispositionMethod::kUnspecified;
  std::string reason;
  std::string related_referral_id;
  // Raw SHA-256 digests (32 bytes; content_sha256 empty when the step carried
  // no content): of the content the step carried (lead, feedback or reminder
  // text), and of the previous event's stored bytes (32 zero bytes for the
  // first event). They chain the events, so that an auditor can tell a
  // removed or altered event.
  std::string content_sha256;
  std::string previous_event_sha256;
};

// One inbox entry: what happened, and the referral as it is now.
struct InboxEntry {
  uint64_t sequence = 0;
  Event event;
  Referral referral;
  // Earlier deliveries of this entry that were not acknowledged. After the
  // hub's limit the entry moves to the dead letters, where administrators
  // can see and redrive it.
  uint32_t delivery_attempts = 0;
};

// What to send with Submit.
struct NewReferral {
  std::string recipient_agency_id;
  ReferralKind kind = ReferralKind::kLead;
  Lead lead;
};

struct ListQuery {
  PartyRole role = PartyRole::kRecipient;
  std::vector<ReferralState> states;  // empty: all
  uint32_t page_size = 0;             // 0: the hub's default (50)
  std::string page_token;
};

struct ReferralPage {
  std::vector<Referral> referrals;
  std::string next_page_token;  // empty at the end
};

// Which part of the inbox PeekInbox reads.
struct PeekInboxParams {
  uint64_t after_sequence = 0;  // 0: from the oldest unacknowledged entry
  uint32_t page_size = 0;       // 0: the hub's default (50); at most 500
};

struct InboxPage {
  // In sequence order; leads without attachment contents.
  std::vector<InboxEntry> entries;
  // Pass as after_sequence for the next page; 0 at the end.
  uint64_t next_after_sequence = 0;
};

// What the exchange steps that would otherwise take several strings in a row
// are given, as google-cloud-cpp's *Params structs: the call site names each
// string, so that a referral id and a reason cannot trade places unnoticed,
// and a step can gain a field without a new signature. Field names follow the
// contract's requests (proto/supervision/v1/exchange.proto); the request id
// comes with CallOptions, as for every other mutating call.

// 退回: sends a referral back to its sender.
struct ReturnParams {
  std::string referral_id;
  // Why it is sent back, e.g. "不属于本机关管辖". Required.
  std::string reason;
};

// 转办: passes a referral on to the competent agency as a child referral.
struct RerouteParams {
  std::string referral_id;
  // The agency that receives the child referral. Required; must differ from
  // the caller and from the original sender.
  std::string target_agency_id;
  // Why it is passed on. Required.
  std::string reason;
};

// 撤回: the sender takes a referral back.
struct WithdrawParams {
  std::string referral_id;
  // Why it is taken back. Required.
  std::string reason;
};

// 催办 / 督办: asks the recipient to act.
struct RemindParams {
  std::string referral_id;
  // What is asked of the recipient. Required.
  std::string text;
};

}  // namespace sx::client
