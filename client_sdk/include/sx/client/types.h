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
#include <optional>
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
  // 暂存待查: kept pending until a review date (Dispose with kKeptPending);
  // the feedback clock is paused until Reopen.
  kKeptPending,
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
  // Steps of a problem list's rectification ledger (整改台账); the event's
  // item_numbers name the items.
  kRectificationItemsAdded,  // a later round (at submission: kSubmitted)
  kRectificationReported,    // progress, done or continuing
  kRectificationVerified,    // 核验通过
  kRectificationRejected,    // 未通过; the reason says what is missing
  kRectificationOverdue,     // the hub found an item 整改中 at its due date
  // 退回补充: the sender rejected the final feedback (the reason says what is
  // missing); the referral is disposing again.
  kFeedbackRejected,
  // 重新启用: the recipient took a kept-pending (暂存待查) referral up again;
  // the referral is disposing again.
  kReopened,
  // The hub's reminder that a kept-pending referral reached its review date.
  kReviewDue,
  // 交办 / 分办: the recipient delegated work to another agency as a child
  // referral (related_referral_id); the referral stays with the recipient.
  kDelegated,
  // The hub's staged warning (预警) that the feedback deadline draws near;
  // the event's warning_level says blue or yellow. Goes to the recipient and
  // to every supervisor agency.
  kDeadlineWarning,
  // An administrator put an agency's dead letters back into its inbox; the
  // actor is "admin/<name>" and there is no referral.
  kDeadLettersRedriven,
};

// How close a referral is to missing its feedback deadline (预警): kBlue (蓝)
// when the hub config's blue number of working days is left, kYellow (黄) at
// the yellow number, kRed (红) once the deadline is missed. Only rises while
// the recipient owes final feedback.
enum class WarningLevel {
  kNone,
  kBlue,    // 蓝
  kYellow,  // 黄
  kRed,     // 红: the feedback deadline was missed
};

// How hard a reminder presses (督办 escalates, as practised): kUrge (催办)
// asks, kSupervise (督办) demands an answer by a date, kListed (挂牌督办) puts
// the matter on the supervising commission's list until it is done; only an
// agency the hub config names supervisor may list. A referral without
// reminders is kUnspecified.
enum class SupervisionLevel {
  kUnspecified,
  kUrge,       // 催办
  kSupervise,  // 督办
  kListed,     // 挂牌督办
};

// What puts an open referral on the supervising agencies' ledger (督办台账):
// kOverdue, a missed deadline (签收 or feedback); kWarned, a staged warning
// (蓝/黄/红 预警); kPressed, a reminder at any level (催办, 督办, 挂牌督办);
// kListed, 挂牌督办 itself.
enum class SupervisedCondition {
  kUnspecified,
  kOverdue,
  kWarned,
  kPressed,
  kListed,
};

// Where one item of a rectification ledger stands. Settled, so that the list
// may be closed (销号): kVerified and kLongTerm.
enum class RectificationStatus {
  kUnspecified,
  kInProgress,        // 整改中 (also after a rejected report)
  kReportedDone,      // 已完成·待核验
  kReportedLongTerm,  // 长期坚持·待核验
  kVerified,          // 已完成
  kLongTerm,          // 长期坚持, reviewed on the item's review date
};

// What happened to a ledger item, one history entry per step.
enum class RectificationStep {
  kUnspecified,
  kAdded,
  kProgress,
  kReportedDone,
  kReportedLongTerm,
  kVerified,
  kRejected,  // 未通过
  kOverdue,   // the hub found it 整改中 at its due date
};

// What the recipient reports on an item.
enum class RectificationReportKind {
  kUnspecified,
  kProgress,  // the item stays as it is
  kDone,      // 已完成: asks the sender to verify
  kLongTerm,  // 长期坚持: asks the sender to accept continuing effort
};

// The sender's answer to a report.
enum class RectificationVerdict {
  kUnspecified,
  kAccept,  // 核验通过
  kReject,  // 未通过: back to 整改中, with a reason
};

// Which side of referrals to list.
enum class PartyRole { kSender, kRecipient };

// What a client certificate names: an agency, an administrator or an
// auditor (see WhoAmI in hub_info_client.h).
enum class IdentityKind { kUnspecified, kAgency, kAdmin, kAuditor };

// Stable lower-case names ("submitted", "fast_track",
// "preliminary_verification") for output and command lines, and the way back.
// Parse* return false for an unknown name. A warning level has no
// "unspecified": its zero, kNone, is "none".
SX_CLIENT_EXPORT std::string ToString(ReferralKind value);
SX_CLIENT_EXPORT std::string ToString(ReferralState value);
SX_CLIENT_EXPORT std::string ToString(DispositionMethod value);
SX_CLIENT_EXPORT std::string ToString(Sensitivity value);
SX_CLIENT_EXPORT std::string ToString(Urgency value);
SX_CLIENT_EXPORT std::string ToString(FeedbackKind value);
SX_CLIENT_EXPORT std::string ToString(EventType value);
SX_CLIENT_EXPORT std::string ToString(WarningLevel value);
SX_CLIENT_EXPORT std::string ToString(SupervisionLevel value);
SX_CLIENT_EXPORT std::string ToString(SupervisedCondition value);
SX_CLIENT_EXPORT std::string ToString(IdentityKind value);
SX_CLIENT_EXPORT std::string ToString(RectificationStatus value);
SX_CLIENT_EXPORT std::string ToString(RectificationStep value);
SX_CLIENT_EXPORT std::string ToString(RectificationReportKind value);
SX_CLIENT_EXPORT std::string ToString(RectificationVerdict value);
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
SX_CLIENT_EXPORT bool ParseWarningLevel(absl::string_view name,
                                        WarningLevel* value);
SX_CLIENT_EXPORT bool ParseSupervisionLevel(absl::string_view name,
                                            SupervisionLevel* value);
SX_CLIENT_EXPORT bool ParseSupervisedCondition(absl::string_view name,
                                               SupervisedCondition* value);
SX_CLIENT_EXPORT bool ParseIdentityKind(absl::string_view name,
                                        IdentityKind* value);
SX_CLIENT_EXPORT bool ParseRectificationStatus(absl::string_view name,
                                               RectificationStatus* value);
SX_CLIENT_EXPORT bool ParseRectificationStep(absl::string_view name,
                                             RectificationStep* value);
SX_CLIENT_EXPORT bool ParseRectificationReportKind(
    absl::string_view name, RectificationReportKind* value);
SX_CLIENT_EXPORT bool ParseRectificationVerdict(absl::string_view name,
                                                RectificationVerdict* value);

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

// What a disposition achieved, in figures (e.g. case 6 of docs/CASES.md: 104
// leads → 36 立案, 37 处分). Counts of people or problems for one referral
// alone; none may be negative.
struct FeedbackOutcome {
  int32_t persons_case_filed = 0;               // 立案审查调查
  int32_t persons_disciplined = 0;              // 党纪政务处分
  int32_t persons_organisational_measures = 0;  // 组织处理
  int32_t persons_transferred_judicial = 0;     // 移送司法机关
  // 追缴 / 挽回损失, in fen (分, 1/100 yuan), so that sums are exact.
  int64_t amount_recovered_fen = 0;
  int32_t problems_rectified = 0;  // 整改问题
};

struct Feedback {
  FeedbackKind kind = FeedbackKind::kUnspecified;
  std::string text;
  std::vector<Attachment> attachments;
  absl::Time sent_at = absl::InfinitePast();  // set by the hub
  // Whether `outcome` is reported, as has_lead is for a referral's lead: set
  // it to send the figures (final feedback only; the hub refuses them with
  // interim feedback). An outcome of zeros, reported, says that nothing came
  // of it, which is not the same as saying nothing.
  bool has_outcome = false;
  FeedbackOutcome outcome;
  // Delegated (交办) children of the referral whose results this feedback
  // builds on; each must be one of its Referral::delegated_referral_ids.
  std::vector<std::string> cites_referral_ids;
};

// One disposition decision (处置) as the recipient's system records it, after
// the practice that the handler is answerable first and the group leader
// checks (承办人负首责、组长审核把关). A change of method adds a record; none
// is ever overwritten. See DisposeParams for what the hub requires.
struct DispositionRecord {
  DispositionMethod method = DispositionMethod::kUnspecified;
  // 承办人: who handles it, as the agency's own system names them.
  std::string handler;
  // 审核 / 批准人: who approved the decision.
  std::string approver;
  // The approval's reference, e.g. a document number (文号) or the minutes of
  // the group meeting (组务会) that decided it.
  std::string approval_reference;
  // Why.
  std::string reason;
  absl::Time recorded_at = absl::InfinitePast();  // set by the hub
  // kKeptPending only: when the lead is to be reviewed again.
  absl::Time review_at = absl::InfinitePast();
};

struct Reminder {
  std::string from_agency_id;
  std::string text;
  absl::Time sent_at = absl::InfinitePast();
  // 催办, 督办 or 挂牌督办 (the hub stores kUrge for a reminder sent without
  // a level).
  SupervisionLevel level = SupervisionLevel::kUnspecified;
};

// Where a problem list's rectification ledger (整改台账) stands, e.g. 10 of 11
// items settled. The hub keeps the counts in step with every item step; all
// are zero for other kinds of referral.
struct RectificationSummary {
  uint32_t total = 0;
  uint32_t in_progress = 0;            // 整改中
  uint32_t awaiting_verification = 0;  // reported, waiting for the sender
  uint32_t verified = 0;               // 已完成
  uint32_t long_term = 0;              // 长期坚持
  // Items flagged for missing their due date (they stay counted).
  uint32_t overdue = 0;
  // Reports the sender rejected (未通过), over all items and rounds.
  uint32_t rejections = 0;
  // How many times items were added (1: all at submission).
  uint32_t rounds = 0;
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
  // Problem lists only: the counts of the rectification ledger.
  RectificationSummary rectification;
  // Set when the referral is one of a distribution (通报 / 分送) to several
  // recipients; see Distribution.
  std::string distribution_id;
  // The returned (退回) referral this one sends again, if any (see
  // NewReferral::resubmits_referral_id); its submitted event names it as
  // related_referral_id.
  std::string resubmission_of;
  // Every disposition decision, oldest first; `disposition` is the last
  // one's method.
  std::vector<DispositionRecord> dispositions;
  // Kept pending (暂存待查) only: the review date, and since when the
  // feedback clock is paused (Reopen moves feedback_due_at on by the time
  // since then).
  absl::Time review_at = absl::InfinitePast();
  absl::Time paused_at = absl::InfinitePast();
  // 交办 / 分办: the children this referral's recipient delegated work to,
  // oldest first (see DelegateParams). The referral stays open with its
  // recipient, who answers for the result and may send final feedback only
  // once every child has sent its own or ended.
  std::vector<std::string> delegated_referral_ids;
  // This referral was delegated (交办) from parent_referral_id, whose
  // recipient stays answerable, rather than rerouted (转办), which ends the
  // parent. Its feedback deadline is never later than the parent's.
  bool delegated = false;
  // A delegated referral only: what the delegating agency asks of it
  // (DelegateParams::instructions). Like the lead, only the parties and
  // observers see it, never administrators.
  std::string delegation_instructions;
  // The highest warning (预警) the hub gave on the feedback deadline, and
  // when it will give the blue and yellow ones (InfinitePast: none to come,
  // e.g. already given, or the deadline was born shorter than the
  // threshold). A pause (暂存待查) moves them on with the deadline.
  WarningLevel warning_level = WarningLevel::kNone;
  absl::Time blue_warning_at = absl::InfinitePast();
  absl::Time yellow_warning_at = absl::InfinitePast();
  // The highest level any reminder on it reached (督办 only escalates);
  // kUnspecified while it has none.
  SupervisionLevel supervision_level = SupervisionLevel::kUnspecified;
  // A case under review (立案审查调查) reporting periodically (the hub's
  // deadlines.case_review_reports): when the next interim feedback is due
  // (InfinitePast: no periodic reports), and whether the last was missed.
  absl::Time report_due_at = absl::InfinitePast();
  bool report_overdue = false;
};

// An agency's signature of the step that caused an event (non-repudiation;
// StepSignature in proto/supervision/v1/referral.proto has the canonical
// form). Raw bytes throughout. Anyone with the signing certificate (audit
// exports carry it) and the signing CA can check it offline:
// sx::transparency::StepRootFromPath(StepDigest(method, request_sha256),
// leaf_index, tree_size, audit_path) is the root that `signature` signs.
struct StepSignature {
  // The full gRPC method the request was signed for, e.g.
  // "/supervision.v1.ExchangeService/AcceptReferral".
  std::string method;
  // SHA-256 of the request in its canonical serialization (32 bytes).
  std::string request_sha256;
  // By the signing certificate's key, over the root of the call's tree.
  std::string signature;
  // SHA-256 of the DER signing certificate (32 bytes).
  std::string certificate_sha256;
  // This step's leaf in the call's tree: its index, the number of leaves
  // (1 for a single step; a SubmitReferrals batch has one per item) and the
  // RFC 6962 audit path to the signed root.
  uint32_t leaf_index = 0;
  uint32_t tree_size = 0;
  std::vector<std::string> audit_path;
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
  // Rectification steps: the ledger items the step concerns.
  std::vector<uint32_t> item_numbers;
  // kDeadlineWarning (blue, yellow) and a feedback kOverdue (red).
  WarningLevel warning_level = WarningLevel::kNone;
  // kReminded: how hard the reminder pressed.
  SupervisionLevel supervision_level = SupervisionLevel::kUnspecified;
  // The acting agency's signature of the step; empty when it did not sign
  // (the hub's own steps, and agencies' steps on a hub that does not ask
  // for signatures).
  std::optional<StepSignature> step_signature;
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

// One problem of a problem list, as the sender writes it (see
// RectificationService in proto/supervision/v1/rectification.proto).
struct RectificationItemDraft {
  // In the sender's classification, e.g. one of the "5大类": "党的领导弱化".
  // Optional.
  std::string category;
  // The problem found. Required.
  std::string problem;
  // 整改措施: several per item.
  std::vector<std::string> measures;
  // 责任单位. Optional.
  std::string responsible_unit;
  // 完成时限, in the future. Unset (InfinitePast): the referral's feedback
  // due date.
  absl::Time due_at = absl::InfinitePast();
};

// What to send with Submit.
struct NewReferral {
  std::string recipient_agency_id;
  ReferralKind kind = ReferralKind::kLead;
  Lead lead;
  // Problem lists only: the ledger's first round of items. Optional; items
  // can also be added later (AddRectificationItems).
  std::vector<RectificationItemDraft> rectification_items;
  // Sends again a referral the caller sent and the recipient returned (退回),
  // e.g. with the missing material added: the new referral names it in
  // Referral::resubmission_of. Optional (empty: a referral of its own). The
  // hub refuses with PERMISSION_DENIED, worded as for a referral that does
  // not exist, unless the caller sent it, and with FAILED_PRECONDITION
  // unless it is returned.
  std::string resubmits_referral_id;
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

// 处置: the recipient records how it disposes of a referral (accepted or
// disposing), who handles it and who approved it. Called again, it changes
// the method (e.g. 初步核实, then 立案审查调查); every decision stays in
// Referral::dispositions. The hub enforces the rules of its config, by
// default: kClosedWithoutAction (予以了结) needs an approver and a reason,
// and kCaseFiled (立案审查调查) an earlier kPreliminaryVerification (初步核实)
// (a missing field is INVALID_ARGUMENT naming it, a missing 初步核实
// FAILED_PRECONDITION). kKeptPending (暂存待查) moves the
// referral (also one already kept pending) to kept pending until review_at,
// with the feedback clock paused.
struct DisposeParams {
  std::string referral_id;
  // Required; not kUnspecified and not kTransfer (use Reroute).
  DispositionMethod method = DispositionMethod::kUnspecified;
  // 承办人, as the agency's own system names them. Required if the hub's
  // config says so.
  std::string handler;
  // 审核 / 批准人. Required for kClosedWithoutAction unless the hub's config
  // says otherwise.
  std::string approver;
  // The approval's reference, e.g. a document number (文号) or the minutes
  // of the group meeting (组务会). Optional.
  std::string approval_reference;
  // Why. Required for kClosedWithoutAction unless the hub's config says
  // otherwise.
  std::string reason;
  // kKeptPending only, and required there: the review date, in the future.
  absl::Time review_at = absl::InfinitePast();
};

// 重新启用: the recipient takes a kept-pending (暂存待查) referral up again. It
// is disposing again, and its feedback deadline moves on by the time it was
// kept pending.
struct ReopenParams {
  std::string referral_id;
  // Why it is taken up again, e.g. "收到新的举报材料". Required.
  std::string reason;
};

// 交办 / 分办: the recipient hands the lead, or a part of the work named in
// the instructions, to another agency as a child referral, e.g. to a
// stationed discipline group (派驻纪检监察组). Unlike 转办 (RerouteParams) the
// referral stays accepted or disposing with the caller, who stays answerable
// for the result; the original sender and the other observers follow the
// child too.
struct DelegateParams {
  std::string referral_id;
  // The agency that is to do the work; the route must be allowed. Required.
  std::string target_agency_id;
  // What is asked of it, e.g. "请对第2项问题开展初步核实并于20日内报告".
  // Required.
  std::string instructions;
  // When the child's final feedback is due, if earlier than the parent's;
  // never later. Unset (InfinitePast): the parent's feedback deadline.
  absl::Time feedback_due_at = absl::InfinitePast();
};

// 退回补充: the sender sends inadequate final feedback back for more. The
// referral is disposing again; the recipient sends final feedback anew, and
// every round stays in the referral's feedback.
struct RejectFeedbackParams {
  std::string referral_id;
  // What is missing or wrong, e.g. "未说明对相关责任人的处理情况". Required.
  std::string reason;
};

// 撤回: the sender takes a referral back.
struct WithdrawParams {
  std::string referral_id;
  // Why it is taken back. Required.
  std::string reason;
};

// 催办 / 督办 / 挂牌督办: asks the recipient to act, as hard as `level` says.
// The referral keeps the highest level reached.
struct RemindParams {
  std::string referral_id;
  // What is asked of the recipient. Required.
  std::string text;
  // kListed only from an agency the hub config names supervisor
  // (PERMISSION_DENIED otherwise). kUnspecified is kUrge to the hub.
  SupervisionLevel level = SupervisionLevel::kUrge;
};

// The rectification ledger of a problem list (整改台账): items arrive with
// Submit or AddRectificationItems; the recipient reports on each; the sender
// verifies or rejects each report; the list closes only when every item is
// settled. See RectificationService in
// proto/supervision/v1/rectification.proto.

// One step in an item's history.
struct RectificationUpdate {
  RectificationStep step = RectificationStep::kUnspecified;
  // Agency id, or "hub".
  std::string actor;
  absl::Time time = absl::InfinitePast();
  // The report, or the reason for a rejection.
  std::string text;
  // Evidence sent with a report (contents omitted).
  std::vector<Attachment> evidence;
  // The item's status after the step.
  RectificationStatus status = RectificationStatus::kUnspecified;
  // Long-term reports: when the continuing effort is reviewed.
  absl::Time review_at = absl::InfinitePast();
};

// One item of a ledger, with its history.
struct RectificationItem {
  // 1, 2, ... in the order items were added; stable forever.
  uint32_t number = 0;
  std::string category;
  std::string problem;
  std::vector<std::string> measures;
  std::string responsible_unit;
  absl::Time due_at = absl::InfinitePast();
  RectificationStatus status = RectificationStatus::kUnspecified;
  // Long-term items: the next review date.
  absl::Time review_at = absl::InfinitePast();
  // Was still 整改中 at due_at (stays set once flagged).
  bool overdue = false;
  // Reports on it the sender rejected.
  uint32_t rejections = 0;
  // Which round added it: 1 at submission, 2 for the first later addition.
  uint32_t round = 0;
  // Oldest first; empty when a listing did not ask for it.
  std::vector<RectificationUpdate> history;
  absl::Time updated_at = absl::InfinitePast();
};

// Adds items to a problem list (sender), e.g. a second round of feedback.
struct AddRectificationItemsParams {
  std::string referral_id;
  // At least one.
  std::vector<RectificationItemDraft> items;
};

// The recipient reports on one item.
struct ReportRectificationParams {
  std::string referral_id;
  uint32_t item_number = 0;
  // Required.
  RectificationReportKind kind = RectificationReportKind::kUnspecified;
  // What was done, e.g. "已修订采购管理办法并组织全员培训". Required.
  std::string text;
  // 整改佐证材料; bounded like a lead's attachments.
  std::vector<Attachment> evidence;
  // kLongTerm only, and required there: when to review, in the future.
  absl::Time review_at = absl::InfinitePast();
};

// The sender verifies (核验通过) or rejects (未通过) a reported item.
struct VerifyRectificationParams {
  std::string referral_id;
  uint32_t item_number = 0;
  // Required.
  RectificationVerdict verdict = RectificationVerdict::kUnspecified;
  // Required for kReject: what is still missing.
  std::string reason;
};

// What a ledger step returns: the referral as it is now (without its lead;
// `referral.rectification` has the new counts) and the items the step
// changed, with their history (evidence without contents).
struct RectificationStepResult {
  Referral referral;
  std::vector<RectificationItem> items;
};

// Which items of a ledger ListRectificationItems reads, in number order.
struct RectificationItemQuery {
  std::string referral_id;
  std::vector<RectificationStatus> statuses;  // empty: all
  bool overdue_only = false;
  uint32_t after_number = 0;  // 0: from the first item
  uint32_t page_size = 0;     // 0: the hub's default (50); at most 500
  // Each item's history too (without evidence contents); off keeps pages of
  // hundreds of items small.
  bool include_history = false;
};

struct RectificationItemPage {
  std::vector<RectificationItem> items;
  // Pass as after_number for the next page; 0 at the end.
  uint32_t next_after_number = 0;
  RectificationSummary summary;
};

// Distributions (通报 / 分送): one notice or problem list to many units at
// once, e.g. an inspection office's suggestions to 19 supervision units (case
// 10 of docs/CASES.md). The hub makes one referral per recipient, all or
// none, under one distribution id; each recipient signs for, disposes of and
// feeds back on its own referral as usual, and the sender follows them
// together. See proto/supervision/v1/distribution.proto.

// What to send with SubmitDistribution: what Submit sends (NewReferral), to
// several recipients.
struct NewDistribution {
  // Agency ids, each once, not the caller's. At least one.
  std::vector<std::string> recipient_agency_ids;
  ReferralKind kind = ReferralKind::kLead;
  // What every recipient receives.
  Lead lead;
  // Problem lists only: each recipient's ledger starts with these items, and
  // each rectifies and reports on its own copy.
  std::vector<RectificationItemDraft> rectification_items;
};

// How many of a distribution's referrals have come how far. A referral counts
// in every stage it has passed: a closed one is also delivered, accepted and
// fed back.
struct DistributionProgress {
  uint32_t recipients = 0;
  // The recipient's system has it (delivered or later, not withdrawn).
  uint32_t delivered = 0;
  uint32_t accepted = 0;  // 签收
  uint32_t fed_back = 0;  // final feedback sent
  uint32_t closed = 0;    // 销号
  // Returned (退回), rerouted (转办) or withdrawn (撤回).
  uint32_t ended_otherwise = 0;
  // Flagged for a missed acceptance or feedback deadline.
  uint32_t overdue = 0;
};

// One recipient's referral as it is now, without the lead.
struct DistributionMember {
  std::string recipient_agency_id;
  Referral referral;
};

struct Distribution {
  // From the same series as referral ids.
  std::string distribution_id;
  std::string sender_agency_id;
  ReferralKind kind = ReferralKind::kUnspecified;
  absl::Time created_at = absl::InfinitePast();
  DistributionProgress progress;
  // In the order the recipients were named; empty in listings.
  std::vector<DistributionMember> members;
};

// Which of the caller's distributions ListDistributions reads, newest first.
struct DistributionQuery {
  uint32_t page_size = 0;  // 0: the hub's default (20); at most 100
  std::string page_token;
};

struct DistributionPage {
  // With their progress, without members.
  std::vector<Distribution> distributions;
  std::string next_page_token;  // empty at the end
};

// The supervising agencies' ledger (督办台账): every open referral that is
// overdue, under a staged warning or pressed by a reminder, with the lead's
// subject, so that a supervising office (an agency the hub config names
// `supervisor: true`) sees at once which unit owes what and for how long.
// See proto/supervision/v1/supervision_ledger.proto.

// A referral as an administrator sees it (AdminClient::ListTransfers), and
// as the ledger shows it: who, what kind, where it stands, deadlines; nothing
// of its content. Unset times are absl::InfinitePast().
struct TransferSummary {
  std::string referral_id;
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string sender_agency_id;
  std::string recipient_agency_id;
  ReferralState state = ReferralState::kUnspecified;
  Urgency urgency = Urgency::kUnspecified;
  absl::Time created_at = absl::InfinitePast();
  absl::Time updated_at = absl::InfinitePast();
  absl::Time accept_due_at = absl::InfinitePast();
  absl::Time feedback_due_at = absl::InfinitePast();
  // The hub flagged a missed deadline (an overdue event was recorded).
  bool accept_overdue = false;
  bool feedback_overdue = false;
  DispositionMethod disposition = DispositionMethod::kUnspecified;
  std::string parent_referral_id;
  std::string child_referral_id;
  uint32_t feedback_count = 0;
  uint32_t reminder_count = 0;
  int64_t version = 0;
  // The staged warning (预警) on the feedback deadline: blue, yellow, red.
  WarningLevel warning_level = WarningLevel::kNone;
  // 交办: the children it delegated work to, and whether it is one.
  uint32_t delegation_count = 0;
  bool delegated = false;
  // The highest 督办 level any reminder on it reached (催办, 督办, 挂牌督办);
  // kUnspecified: never reminded.
  SupervisionLevel supervision_level = SupervisionLevel::kUnspecified;
  // A case under review (立案审查调查) reporting periodically (阶段性报告):
  // when the next report is due, and whether the hub flagged the last one
  // missed.
  absl::Time report_due_at = absl::InfinitePast();
  bool report_overdue = false;
};

// Which part of the ledger ListSupervisedReferrals reads; every filter left
// at its default matches all.
struct SupervisionLedgerQuery {
  // Only referrals this unit holds (as recipient). Empty: every unit.
  std::string recipient_agency_id;
  // Only referrals in any of these conditions. Empty: all of the ledger.
  std::vector<SupervisedCondition> conditions;
  uint32_t page_size = 0;  // 0: the hub's default (50); at most 200
  std::string page_token;
};

// One referral on the ledger: where it stands, what it is about, and the
// last reminder (when and by whom; its text stays with the parties). Never
// the lead's summary, attachments or feedback.
struct SupervisedReferral {
  TransferSummary transfer;
  std::string subject;
  std::string subject_organization;
  absl::Time last_reminded_at = absl::InfinitePast();  // never reminded
  std::string last_reminded_by;
};

// Ordered by recipient, then oldest referral first: each unit's part of the
// ledger reads from its longest outstanding matter.
struct SupervisionLedgerPage {
  std::vector<SupervisedReferral> referrals;
  std::string next_page_token;  // empty at the end
};

// Statistics (统计): what happened in a period, per unit, as the hub counts it
// while changes are written. Any identity may ask: an agency sees its own
// figures, a supervising agency, administrators and auditors every unit's.
// Figures count steps taken in the period (a referral sent in January and
// closed in February counts as sent in January and closed in February); days
// are those of China Standard Time. See
// proto/supervision/v1/statistics.proto.

struct StatisticsQuery {
  // First and last day of the period, both included, as "YYYY-MM-DD", e.g.
  // "2026-01-01" and "2026-03-31" for the first quarter. Required; at most
  // ten years apart.
  std::string from_date;
  std::string to_date;
  // One unit only. Empty: the caller's own figures for an agency that does
  // not supervise, every unit for the others.
  std::string agency_id;
};

// What happened to the referrals one unit took part in on one side (as
// sender, or as recipient): counts of steps taken in the period.
struct SideFigures {
  // Referrals sent (as sender) or received (as recipient), and by kind.
  uint64_t referrals = 0;
  uint64_t leads = 0;
  uint64_t problem_lists = 0;
  uint64_t audit_findings = 0;
  // Steps of the loop.
  uint64_t delivered = 0;
  uint64_t accepted = 0;  // 签收
  uint64_t returned = 0;
  uint64_t rerouted = 0;
  uint64_t withdrawn = 0;
  uint64_t fed_back = 0;  // final feedback
  uint64_t closed = 0;    // 销号
  uint64_t reminders = 0;
  // Dispositions recorded, by method (a changed method counts again).
  uint64_t talk_or_inquiry = 0;           // 谈话函询
  uint64_t preliminary_verification = 0;  // 初步核实
  uint64_t kept_pending = 0;              // 暂存待查
  uint64_t closed_without_action = 0;     // 予以了结
  uint64_t case_filed = 0;                // 立案审查调查
  uint64_t transferred = 0;               // 转办
  // Missed deadlines the hub flagged.
  uint64_t accept_overdue = 0;
  uint64_t feedback_overdue = 0;
  // Rectification ledgers: items added, verified (已完成, or 长期坚持
  // accepted), reports rejected (未通过), items flagged overdue.
  uint64_t items_added = 0;
  uint64_t items_verified = 0;
  uint64_t items_rejected = 0;
  uint64_t items_overdue = 0;
  // Outcomes reported by final feedback (FeedbackOutcome), summed.
  uint64_t persons_case_filed = 0;
  uint64_t persons_disciplined = 0;
  uint64_t persons_organisational_measures = 0;
  uint64_t persons_transferred_judicial = 0;
  uint64_t amount_recovered_fen = 0;  // 分, 1/100 yuan
  uint64_t problems_rectified = 0;
  // Final feedback the sender rejected (退回补充).
  uint64_t feedback_rejected = 0;
  // Reminders by level (`reminders` counts them all): 督办 and 挂牌督办. A
  // unit with listed_supervision in a period was 挂牌 in it.
  uint64_t supervised = 0;
  uint64_t listed_supervision = 0;
  // Staged warnings (预警) the hub gave on feedback deadlines.
  uint64_t blue_warnings = 0;
  uint64_t yellow_warnings = 0;
  // Work delegated (交办) to another agency: for the delegating side as
  // sender of the new child, and as the parent's recipient.
  uint64_t delegated = 0;
  // Periodic reports of cases under review (立案审查调查) missed.
  uint64_t report_overdue = 0;
};

// A figure of SideFigures with the contract's name for it ("accepted",
// "amount_recovered_fen"), for programs that print or store every figure
// without naming each.
struct SideFigureField {
  const char* name;
  uint64_t SideFigures::*figure;
};

// Every figure of SideFigures, in the contract's order.
SX_CLIENT_EXPORT const std::vector<SideFigureField>& SideFigureFields();

struct UnitFigures {
  std::string agency_id;
  // From the hub's config; empty for a unit no longer configured.
  std::string display_name;
  SideFigures as_sender;
  SideFigures as_recipient;
};

struct Statistics {
  // The period as asked.
  std::string from_date;
  std::string to_date;
  // Configured units first, in config order, then units no longer
  // configured that have figures in the period.
  std::vector<UnitFigures> units;
  // Every referral of the listed units once: the sum of their as_sender
  // figures.
  SideFigures totals;
};

}  // namespace sx::client
