// The hub's authorization contract, written out as a table and checked end to
// end: every RPC of ExchangeService, RectificationService,
// DistributionService, StatisticsService, SupervisionLedgerService,
// AdminService, AuditService and HubInfoService, called by every party of the
// example config (six agencies, the administrator, the auditor) against one
// prepared hub. The table below is the contract as the protos and
// docs/DESIGN.md state it; it is deliberately not derived from the
// implementation, so that a change of either shows up here.
//
// "A request naming another sender" cannot be written: no request message of
// the contract has a field that names the caller (exchange.proto: "No request
// field names the caller"); the caller is always the identity in the client
// certificate that completed the TLS handshake. What a client *can* do is send
// metadata that claims another identity;
// SenderIsTheCertificatesAgencyWhateverTheMetadataSays shows that such
// metadata is ignored.
#include <signal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "supervision/v1/distribution.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/hub_info.grpc.pb.h"
#include "supervision/v1/rectification.grpc.pb.h"
#include "supervision/v1/statistics.grpc.pb.h"
#include "supervision/v1/supervision_ledger.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kCommission[] = "discipline-commission";
constexpr char kInspection[] = "inspection-office";
constexpr char kOrganization[] = "organization-dept";
constexpr char kAudit[] = "audit-bureau";
constexpr char kStationedEducation[] = "stationed-education";
constexpr char kStationedHousing[] = "stationed-housing";
constexpr char kAdmin[] = "admin-ops";
constexpr char kAuditor[] = "auditor-audit";

// The columns of the table, in this order.
constexpr std::array<const char*, 8> kParties = {
    kCommission,         kInspection,       kOrganization, kAudit,
    kStationedEducation, kStationedHousing, kAdmin,        kAuditor};

// Every RPC of the eight services.
enum class Method {
  // ExchangeService
  kSubmitReferral,
  kSubmitReferrals,
  kStreamInbox,
  kPeekInbox,
  kAckInbox,
  kGetReferral,
  kListReferralSteps,
  kListReferrals,
  kAcceptReferral,
  kReturnReferral,
  kRerouteReferral,
  kRecordDisposition,
  kReopenReferral,
  kDelegateReferral,
  kSendFeedback,
  kCloseReferral,
  kRejectFeedback,
  kWithdrawReferral,
  kRemindReferral,
  // RectificationService
  kAddRectificationItems,
  kReportRectification,
  kVerifyRectification,
  kListRectificationItems,
  // DistributionService
  kSubmitDistribution,
  kGetDistribution,
  kListDistributions,
  // StatisticsService
  kGetStatistics,
  // SupervisionLedgerService
  kListSupervisedReferrals,
  // AdminService
  kListTransfers,
  kGetInboxStats,
  kListDeadLetters,
  kRedriveDeadLetters,
  kGetTransferCounts,
  kGetHubStatus,
  kRewrapDataKeys,
  // AuditService
  kQueryEvents,
  kGetCheckpoint,
  kGetInclusionProof,
  kGetConsistencyProof,
  kExportEvents,
  // HubInfoService
  kWhoAmI,
};

constexpr Method kAllMethods[] = {
    // ExchangeService
    Method::kSubmitReferral,
    Method::kSubmitReferrals,
    Method::kStreamInbox,
    Method::kPeekInbox,
    Method::kAckInbox,
    Method::kGetReferral,
    Method::kListReferralSteps,
    Method::kListReferrals,
    Method::kAcceptReferral,
    Method::kReturnReferral,
    Method::kRerouteReferral,
    Method::kRecordDisposition,
    Method::kReopenReferral,
    Method::kDelegateReferral,
    Method::kSendFeedback,
    Method::kCloseReferral,
    Method::kRejectFeedback,
    Method::kWithdrawReferral,
    Method::kRemindReferral,
    // RectificationService
    Method::kAddRectificationItems,
    Method::kReportRectification,
    Method::kVerifyRectification,
    Method::kListRectificationItems,
    // DistributionService
    Method::kSubmitDistribution,
    Method::kGetDistribution,
    Method::kListDistributions,
    // StatisticsService
    Method::kGetStatistics,
    // SupervisionLedgerService
    Method::kListSupervisedReferrals,
    // AdminService
    Method::kListTransfers,
    Method::kGetInboxStats,
    Method::kListDeadLetters,
    Method::kRedriveDeadLetters,
    Method::kGetTransferCounts,
    Method::kGetHubStatus,
    Method::kRewrapDataKeys,
    // AuditService
    Method::kQueryEvents,
    Method::kGetCheckpoint,
    Method::kGetInclusionProof,
    Method::kGetConsistencyProof,
    Method::kExportEvents,
    // HubInfoService
    Method::kWhoAmI,
};

const char* MethodName(Method method) {
  switch (method) {
    case Method::kSubmitReferral:
      return "SubmitReferral";
    case Method::kSubmitReferrals:
      return "SubmitReferrals";
    case Method::kStreamInbox:
      return "StreamInbox";
    case Method::kPeekInbox:
      return "PeekInbox";
    case Method::kAckInbox:
      return "AckInbox";
    case Method::kGetReferral:
      return "GetReferral";
    case Method::kListReferralSteps:
      return "ListReferralSteps";
    case Method::kListReferrals:
      return "ListReferrals";
    case Method::kAcceptReferral:
      return "AcceptReferral";
    case Method::kReturnReferral:
      return "ReturnReferral";
    case Method::kRerouteReferral:
      return "RerouteReferral";
    case Method::kRecordDisposition:
      return "RecordDisposition";
    case Method::kReopenReferral:
      return "ReopenReferral";
    case Method::kDelegateReferral:
      return "DelegateReferral";
    case Method::kSendFeedback:
      return "SendFeedback";
    case Method::kCloseReferral:
      return "CloseReferral";
    case Method::kRejectFeedback:
      return "RejectFeedback";
    case Method::kWithdrawReferral:
      return "WithdrawReferral";
    case Method::kRemindReferral:
      return "RemindReferral";
    case Method::kAddRectificationItems:
      return "Rectification.AddRectificationItems";
    case Method::kReportRectification:
      return "Rectification.ReportRectification";
    case Method::kVerifyRectification:
      return "Rectification.VerifyRectification";
    case Method::kListRectificationItems:
      return "Rectification.ListRectificationItems";
    case Method::kSubmitDistribution:
      return "Distribution.SubmitDistribution";
    case Method::kGetDistribution:
      return "Distribution.GetDistribution";
    case Method::kListDistributions:
      return "Distribution.ListDistributions";
    case Method::kGetStatistics:
      return "Statistics.GetStatistics";
    case Method::kListSupervisedReferrals:
      return "Ledger.ListSupervisedReferrals";
    case Method::kListTransfers:
      return "Admin.ListTransfers";
    case Method::kGetInboxStats:
      return "Admin.GetInboxStats";
    case Method::kListDeadLetters:
      return "Admin.ListDeadLetters";
    case Method::kRedriveDeadLetters:
      return "Admin.RedriveDeadLetters";
    case Method::kGetTransferCounts:
      return "Admin.GetTransferCounts";
    case Method::kGetHubStatus:
      return "Admin.GetHubStatus";
    case Method::kRewrapDataKeys:
      return "Admin.RewrapDataKeys";
    case Method::kQueryEvents:
      return "Audit.QueryEvents";
    case Method::kGetCheckpoint:
      return "Audit.GetCheckpoint";
    case Method::kGetInclusionProof:
      return "Audit.GetInclusionProof";
    case Method::kGetConsistencyProof:
      return "Audit.GetConsistencyProof";
    case Method::kExportEvents:
      return "Audit.ExportEvents";
    case Method::kWhoAmI:
      return "HubInfo.WhoAmI";
  }
  return "?";
}

// Steps change the referral they succeed on; reads and the calls that name
// no prepared referral do not.
bool ChangesTheReferral(Method method) {
  switch (method) {
    case Method::kAcceptReferral:
    case Method::kReturnReferral:
    case Method::kRerouteReferral:
    case Method::kRecordDisposition:
    case Method::kReopenReferral:
    case Method::kDelegateReferral:
    case Method::kSendFeedback:
    case Method::kCloseReferral:
    case Method::kRejectFeedback:
    case Method::kWithdrawReferral:
    case Method::kRemindReferral:
    case Method::kAddRectificationItems:
    case Method::kReportRectification:
    case Method::kVerifyRectification:
      return true;
    default:
      return false;
  }
}

// The RectificationService's calls concern a problem list's ledger: they are
// checked on the prepared problem list (on a lead, a party's call would only
// show that a lead has no ledger).
bool NamesAProblemList(Method method) {
  switch (method) {
    case Method::kAddRectificationItems:
    case Method::kReportRectification:
    case Method::kVerifyRectification:
    case Method::kListRectificationItems:
      return true;
    default:
      return false;
  }
}

// GetDistribution concerns a distribution: it is checked on the prepared one.
bool NamesADistribution(Method method) {
  return method == Method::kGetDistribution;
}

// The prepared referrals a call names (all in SUBMITTED), and the prepared
// distribution.
enum class Target {
  // The call names no referral.
  kNone,
  // inspection-office → discipline-commission.
  kLead,
  // discipline-commission → organization-dept: the 转办 child of a referral
  // inspection-office sent to the commission, so inspection-office observes
  // it (may read, may not act).
  kChild,
  // stationed-housing → inspection-office: the commission is no party to it
  // but is a supervising agency (supervisor: true in the example config), so
  // it may remind (督办) but not read.
  kLocal,
  // inspection-office → organization-dept: a problem list (case 3 of
  // docs/CASES.md) with two rectification items, both 整改中. The commission
  // supervises but is no party, so it may not touch or read the ledger.
  kProblemList,
  // inspection-office → discipline-commission and organization-dept: a
  // distribution (通报 / 分送, case 10 of docs/CASES.md) of a lead. Only its
  // sender follows it; its recipients (the supervising commission among
  // them) see their own referrals only.
  kDistribution,
};

const char* TargetName(Target target) {
  switch (target) {
    case Target::kNone:
      return "-";
    case Target::kLead:
      return "lead";
    case Target::kChild:
      return "child";
    case Target::kLocal:
      return "local";
    case Target::kProblemList:
      return "list";
    case Target::kDistribution:
      return "dist";
  }
  return "?";
}

enum Outcome {
  // Allowed, and succeeds.
  kOk,
  // Allowed party, but the step is not possible in SUBMITTED:
  // FAILED_PRECONDITION.
  kState,
  // PERMISSION_DENIED.
  kDenied,
  // Anything else: never expected in the table.
  kOther,
};

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case kOk:
      return "OK";
    case kState:
      return "FAILED_PRECONDITION";
    case kDenied:
      return "PERMISSION_DENIED";
    case kOther:
      return "other";
  }
  return "?";
}

// For the printed matrix.
const char* ShortName(Outcome outcome) {
  switch (outcome) {
    case kOk:
      return "ok";
    case kState:
      return "state";
    case kDenied:
      return "DENIED";
    case kOther:
      return "OTHER";
  }
  return "?";
}

struct Row {
  Method method;
  Target target;
  std::array<Outcome, kParties.size()> expected;
};

constexpr Outcome D = kDenied;

// clang-format off

// THE CONTRACT. Columns as in kParties:
//   commission, inspection, organization, audit, stationed-education,
//   stationed-housing, admin-ops, auditor-audit.
// Agencies use only the exchange, the rectification ledger and
// distributions, administrators only the admin service, auditors only the
// audit service; everyone may ask WhoAmI and for statistics (figures only,
// an agency's narrowed to its own); the supervision ledger (督办台账) is for
// supervising agencies (supervisor: true: the commission) alone. A distribution is followed by its
// sender alone. On a referral: sender and recipient may read it, and so may
// observers (senders further up a 转办 chain); each step belongs to one side
// (proto comments of each RPC), 督办 also to supervising agencies. A problem
// list's ledger: the sender adds items and verifies, the recipient reports,
// both read it. Nobody else gets anything but PERMISSION_DENIED.
const Row kContract[] = {
    //                                           com     insp    org     aud     s-edu   s-hou   admin   auditor
    // ExchangeService, calls about the caller's own affairs.
    {Method::kSubmitReferral,      Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    // A batch of one: the item's own result counts.
    {Method::kSubmitReferrals,     Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    {Method::kStreamInbox,         Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    {Method::kPeekInbox,           Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    {Method::kAckInbox,            Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    {Method::kListReferrals,       Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},

    // lead: inspection-office (sender) → discipline-commission (recipient).
    {Method::kGetReferral,         Target::kLead,  {kOk,    kOk,    D,      D,      D,      D,      D,      D}},
    {Method::kListReferralSteps,   Target::kLead,  {kOk,    kOk,    D,      D,      D,      D,      D,      D}},
    {Method::kAcceptReferral,      Target::kLead,  {kOk,    D,      D,      D,      D,      D,      D,      D}},
    {Method::kReturnReferral,      Target::kLead,  {kOk,    D,      D,      D,      D,      D,      D,      D}},
    {Method::kRerouteReferral,     Target::kLead,  {kState, D,      D,      D,      D,      D,      D,      D}},
    {Method::kRecordDisposition,   Target::kLead,  {kState, D,      D,      D,      D,      D,      D,      D}},
    // 重新启用 needs a lead kept pending, 交办 one accepted: the recipient's
    // call is a state error.
    {Method::kReopenReferral,      Target::kLead,  {kState, D,      D,      D,      D,      D,      D,      D}},
    {Method::kDelegateReferral,    Target::kLead,  {kState, D,      D,      D,      D,      D,      D,      D}},
    {Method::kSendFeedback,        Target::kLead,  {kState, D,      D,      D,      D,      D,      D,      D}},
    {Method::kCloseReferral,       Target::kLead,  {D,      kState, D,      D,      D,      D,      D,      D}},
    // 退回补充 needs final feedback first: the sender's call is a state error.
    {Method::kRejectFeedback,      Target::kLead,  {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kWithdrawReferral,    Target::kLead,  {D,      kOk,    D,      D,      D,      D,      D,      D}},
    // The recipient does not remind itself, supervisor or not.
    {Method::kRemindReferral,      Target::kLead,  {D,      kOk,    D,      D,      D,      D,      D,      D}},

    // child: discipline-commission (sender) → organization-dept (recipient);
    // inspection-office observes.
    {Method::kGetReferral,         Target::kChild, {kOk,    kOk,    kOk,    D,      D,      D,      D,      D}},
    {Method::kListReferralSteps,   Target::kChild, {kOk,    kOk,    kOk,    D,      D,      D,      D,      D}},
    {Method::kAcceptReferral,      Target::kChild, {D,      D,      kOk,    D,      D,      D,      D,      D}},
    {Method::kReturnReferral,      Target::kChild, {D,      D,      kOk,    D,      D,      D,      D,      D}},
    {Method::kRerouteReferral,     Target::kChild, {D,      D,      kState, D,      D,      D,      D,      D}},
    {Method::kRecordDisposition,   Target::kChild, {D,      D,      kState, D,      D,      D,      D,      D}},
    {Method::kReopenReferral,      Target::kChild, {D,      D,      kState, D,      D,      D,      D,      D}},
    {Method::kDelegateReferral,    Target::kChild, {D,      D,      kState, D,      D,      D,      D,      D}},
    {Method::kSendFeedback,        Target::kChild, {D,      D,      kState, D,      D,      D,      D,      D}},
    {Method::kCloseReferral,       Target::kChild, {kState, D,      D,      D,      D,      D,      D,      D}},
    {Method::kRejectFeedback,      Target::kChild, {kState, D,      D,      D,      D,      D,      D,      D}},
    {Method::kWithdrawReferral,    Target::kChild, {kOk,    D,      D,      D,      D,      D,      D,      D}},
    {Method::kRemindReferral,      Target::kChild, {kOk,    D,      D,      D,      D,      D,      D,      D}},

    // local: stationed-housing (sender) → inspection-office (recipient);
    // the commission supervises.
    {Method::kGetReferral,         Target::kLocal, {D,      kOk,    D,      D,      D,      kOk,    D,      D}},
    {Method::kListReferralSteps,   Target::kLocal, {D,      kOk,    D,      D,      D,      kOk,    D,      D}},
    {Method::kAcceptReferral,      Target::kLocal, {D,      kOk,    D,      D,      D,      D,      D,      D}},
    {Method::kReturnReferral,      Target::kLocal, {D,      kOk,    D,      D,      D,      D,      D,      D}},
    {Method::kRerouteReferral,     Target::kLocal, {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kRecordDisposition,   Target::kLocal, {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kReopenReferral,      Target::kLocal, {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kDelegateReferral,    Target::kLocal, {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kSendFeedback,        Target::kLocal, {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kCloseReferral,       Target::kLocal, {D,      D,      D,      D,      D,      kState, D,      D}},
    {Method::kRejectFeedback,      Target::kLocal, {D,      D,      D,      D,      D,      kState, D,      D}},
    {Method::kWithdrawReferral,    Target::kLocal, {D,      D,      D,      D,      D,      kOk,    D,      D}},
    {Method::kRemindReferral,      Target::kLocal, {kOk,    D,      D,      D,      D,      kOk,    D,      D}},

    // RectificationService. list: inspection-office (sender) →
    // organization-dept (recipient); the commission supervises. Reports wait
    // for 签收; verifying needs a report.
    //                                                        com     insp    org     aud     s-edu   s-hou   admin   auditor
    {Method::kAddRectificationItems,   Target::kProblemList, {D,      kOk,    D,      D,      D,      D,      D,      D}},
    {Method::kReportRectification,     Target::kProblemList, {D,      D,      kState, D,      D,      D,      D,      D}},
    {Method::kVerifyRectification,     Target::kProblemList, {D,      kState, D,      D,      D,      D,      D,      D}},
    {Method::kListRectificationItems,  Target::kProblemList, {D,      kOk,    kOk,    D,      D,      D,      D,      D}},

    // DistributionService: agencies send to the recipients their routes
    // open and list their own; a distribution is read by its sender only.
    // dist: inspection-office → discipline-commission, organization-dept.
    //                                                     com     insp    org     aud     s-edu   s-hou   admin   auditor
    {Method::kSubmitDistribution,  Target::kNone,         {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    {Method::kListDistributions,   Target::kNone,         {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    D,      D}},
    {Method::kGetDistribution,     Target::kDistribution, {D,      kOk,    D,      D,      D,      D,      D,      D}},

    // StatisticsService: everyone, with agency_id empty (the core narrows
    // an agency that does not supervise to its own figures).
    {Method::kGetStatistics,       Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    kOk}},

    // SupervisionLedgerService: supervising agencies only, served as an
    // agency service (administrators and auditors are refused as on the
    // exchange).
    //                                                 com     insp    org     aud     s-edu   s-hou   admin   auditor
    {Method::kListSupervisedReferrals, Target::kNone, {kOk,    D,      D,      D,      D,      D,      D,      D}},

    // AdminService: administrators only.
    {Method::kListTransfers,       Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},
    {Method::kGetInboxStats,       Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},
    {Method::kListDeadLetters,     Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},
    {Method::kRedriveDeadLetters,  Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},
    {Method::kGetTransferCounts,   Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},
    {Method::kGetHubStatus,        Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},
    {Method::kRewrapDataKeys,      Target::kNone,  {D,      D,      D,      D,      D,      D,      kOk,    D}},

    // AuditService: auditors only.
    {Method::kQueryEvents,         Target::kNone,  {D,      D,      D,      D,      D,      D,      D,      kOk}},
    {Method::kGetCheckpoint,       Target::kNone,  {D,      D,      D,      D,      D,      D,      D,      kOk}},
    {Method::kGetInclusionProof,   Target::kNone,  {D,      D,      D,      D,      D,      D,      D,      kOk}},
    {Method::kGetConsistencyProof, Target::kNone,  {D,      D,      D,      D,      D,      D,      D,      kOk}},
    {Method::kExportEvents,        Target::kNone,  {D,      D,      D,      D,      D,      D,      D,      kOk}},

    // HubInfoService: every configured identity.
    {Method::kWhoAmI,              Target::kNone,  {kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    kOk,    kOk}},
};
// clang-format on

Outcome OutcomeOf(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kOk;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return kState;
    case grpc::StatusCode::PERMISSION_DENIED:
      return kDenied;
    default:
      return kOther;
  }
}

// One item of a problem list's ledger.
v1::RectificationItemDraft SmallRectificationItem() {
  v1::RectificationItemDraft item;
  item.set_category("落实全面从严治党责任不力");
  item.set_problem("公务接待管理不规范，存在超标准接待");
  item.add_measures("逐笔核查公务接待台账");
  item.set_responsible_unit("办公室");
  return item;
}

v1::Lead SmallLead() {
  v1::Lead lead;
  lead.set_subject("某街道办事处");
  lead.set_category("进一步了解关注类");
  lead.set_summary("低保资格审核把关不严，涉嫌优亲厚友");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// A recipient the example config's routes open to each party's type.
std::string RecipientFor(const std::string& party) {
  if (party == kCommission) return kOrganization;
  if (party == kOrganization) return kInspection;
  return kCommission;
}

// The party name (as the dev PKI names its files) of the identity WhoAmI
// describes: the agency id, or "admin-ops" for the administrator "ops".
std::string PkiName(const v1::CallerIdentity& caller) {
  switch (caller.kind()) {
    case v1::IDENTITY_KIND_ADMIN:
      return "admin-" + caller.name();
    case v1::IDENTITY_KIND_AUDITOR:
      return "auditor-" + caller.name();
    default:
      return caller.name();
  }
}

// One party's connection to the hub and a stub for each service.
class PartyClient {
 public:
  PartyClient(std::shared_ptr<grpc::Channel> channel, std::string name)
      : name_(std::move(name)),
        exchange_(v1::ExchangeService::NewStub(channel)),
        rectification_(v1::RectificationService::NewStub(channel)),
        distribution_(v1::DistributionService::NewStub(channel)),
        statistics_(v1::StatisticsService::NewStub(channel)),
        ledger_(v1::SupervisionLedgerService::NewStub(channel)),
        admin_(v1::AdminService::NewStub(channel)),
        audit_(v1::AuditService::NewStub(channel)),
        hub_info_(v1::HubInfoService::NewStub(channel)) {}

  const std::string& name() const { return name_; }
  v1::ExchangeService::Stub& exchange() { return *exchange_; }
  v1::DistributionService::Stub& distribution() { return *distribution_; }

  // Calls `method` with a well-formed request (naming `referral_id` if the
  // method takes one; GetDistribution takes a distribution id in it), so
  // that only authorization and state decide.
  grpc::Status Call(
      Method method, const std::string& referral_id,
      std::chrono::milliseconds stream_time = std::chrono::milliseconds(300)) {
    auto context = Context();
    v1::Referral referral;
    switch (method) {
      case Method::kSubmitReferral: {
        v1::SubmitReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_recipient_agency_id(RecipientFor(name_));
        request.set_kind(v1::REFERRAL_KIND_LEAD);
        *request.mutable_lead() = SmallLead();
        grpc::Status status =
            exchange_->SubmitReferral(context.get(), request, &referral);
        if (status.ok() && referral.sender_agency_id() != name_) {
          return grpc::Status(
              grpc::StatusCode::INTERNAL,
              "submitted under another sender: " + referral.sender_agency_id());
        }
        return status;
      }
      case Method::kSubmitReferrals: {
        v1::SubmitReferralsRequest request;
        v1::SubmitReferralRequest& item = *request.add_referrals();
        item.set_request_id(NextRequestId());
        item.set_recipient_agency_id(RecipientFor(name_));
        item.set_kind(v1::REFERRAL_KIND_LEAD);
        *item.mutable_lead() = SmallLead();
        v1::SubmitReferralsResponse response;
        grpc::Status status =
            exchange_->SubmitReferrals(context.get(), request, &response);
        if (!status.ok()) return status;
        if (response.results_size() != 1) {
          return grpc::Status(grpc::StatusCode::INTERNAL, "not one result");
        }
        const v1::SubmitReferralResult& result = response.results(0);
        if (result.code() != 0) {
          return grpc::Status(static_cast<grpc::StatusCode>(result.code()),
                              result.message());
        }
        if (result.referral().sender_agency_id() != name_) {
          return grpc::Status(grpc::StatusCode::INTERNAL,
                              "submitted under another sender");
        }
        return status;
      }
      case Method::kStreamInbox: {
        // An admitted stream stays open until the deadline; a refused one
        // ends at once.
        auto stream_context = Context(stream_time);
        auto reader = exchange_->StreamInbox(stream_context.get(),
                                             v1::StreamInboxRequest());
        v1::InboxEntry entry;
        while (reader->Read(&entry)) {
        }
        grpc::Status status = reader->Finish();
        return status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                   ? grpc::Status::OK
                   : status;
      }
      case Method::kPeekInbox: {
        v1::PeekInboxRequest request;
        v1::PeekInboxResponse response;
        return exchange_->PeekInbox(context.get(), request, &response);
      }
      case Method::kAckInbox: {
        v1::AckInboxRequest request;
        request.add_sequences(999999);  // nobody's entry: touches nothing
        v1::AckInboxResponse response;
        return exchange_->AckInbox(context.get(), request, &response);
      }
      case Method::kGetReferral: {
        v1::GetReferralRequest request;
        request.set_referral_id(referral_id);
        return exchange_->GetReferral(context.get(), request, &referral);
      }
      case Method::kListReferralSteps: {
        v1::ListReferralStepsRequest request;
        request.set_referral_id(referral_id);
        v1::ListReferralStepsResponse response;
        return exchange_->ListReferralSteps(context.get(), request, &response);
      }
      case Method::kListReferrals: {
        v1::ListReferralsRequest request;
        request.set_role(v1::PARTY_ROLE_SENDER);
        v1::ListReferralsResponse response;
        return exchange_->ListReferrals(context.get(), request, &response);
      }
      case Method::kAcceptReferral: {
        v1::AcceptReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        return exchange_->AcceptReferral(context.get(), request, &referral);
      }
      case Method::kReturnReferral: {
        v1::ReturnReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_reason("不属于本机关管辖");
        return exchange_->ReturnReferral(context.get(), request, &referral);
      }
      case Method::kRerouteReferral: {
        v1::RerouteReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_target_agency_id(kStationedEducation);
        request.set_reason("属驻在单位问题，转派驻纪检监察组办理");
        return exchange_->RerouteReferral(context.get(), request, &referral);
      }
      case Method::kRecordDisposition: {
        v1::RecordDispositionRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_method(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
        return exchange_->RecordDisposition(context.get(), request, &referral);
      }
      case Method::kReopenReferral: {
        v1::ReopenReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_reason("收到新的举报材料");
        return exchange_->ReopenReferral(context.get(), request, &referral);
      }
      case Method::kDelegateReferral: {
        // To an agency the caller's routes open, so that the route does not
        // decide.
        v1::DelegateReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_target_agency_id(RecipientFor(name_));
        request.set_instructions("请开展初步核实并于20日内报告");
        return exchange_->DelegateReferral(context.get(), request, &referral);
      }
      case Method::kSendFeedback: {
        v1::SendFeedbackRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_FINAL);
        request.mutable_feedback()->set_text("经核实，问题属实，已责令整改");
        return exchange_->SendFeedback(context.get(), request, &referral);
      }
      case Method::kCloseReferral: {
        v1::CloseReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        return exchange_->CloseReferral(context.get(), request, &referral);
      }
      case Method::kRejectFeedback: {
        v1::RejectFeedbackRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_reason("未说明对相关责任人的处理情况");
        return exchange_->RejectFeedback(context.get(), request, &referral);
      }
      case Method::kWithdrawReferral: {
        v1::WithdrawReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_reason("线索已由本机关自行核实");
        return exchange_->WithdrawReferral(context.get(), request, &referral);
      }
      case Method::kRemindReferral: {
        v1::RemindReferralRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_text("请于3日内反馈办理进展");
        return exchange_->RemindReferral(context.get(), request, &referral);
      }
      case Method::kAddRectificationItems: {
        v1::AddRectificationItemsRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        *request.add_items() = SmallRectificationItem();
        v1::RectificationStepResponse response;
        return rectification_->AddRectificationItems(context.get(), request,
                                                     &response);
      }
      case Method::kReportRectification: {
        v1::ReportRectificationRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_item_number(1);
        request.set_kind(v1::RECTIFICATION_REPORT_KIND_PROGRESS);
        request.set_text("已制定整改方案，正在逐项落实");
        v1::RectificationStepResponse response;
        return rectification_->ReportRectification(context.get(), request,
                                                   &response);
      }
      case Method::kVerifyRectification: {
        v1::VerifyRectificationRequest request;
        request.set_request_id(NextRequestId());
        request.set_referral_id(referral_id);
        request.set_item_number(1);
        request.set_verdict(v1::RECTIFICATION_VERDICT_ACCEPT);
        v1::RectificationStepResponse response;
        return rectification_->VerifyRectification(context.get(), request,
                                                   &response);
      }
      case Method::kListRectificationItems: {
        v1::ListRectificationItemsRequest request;
        request.set_referral_id(referral_id);
        v1::ListRectificationItemsResponse response;
        return rectification_->ListRectificationItems(context.get(), request,
                                                      &response);
      }
      case Method::kSubmitDistribution: {
        v1::SubmitDistributionRequest request;
        request.set_request_id(NextRequestId());
        request.add_recipient_agency_ids(RecipientFor(name_));
        request.set_kind(v1::REFERRAL_KIND_LEAD);
        *request.mutable_lead() = SmallLead();
        v1::Distribution distribution;
        grpc::Status status = distribution_->SubmitDistribution(
            context.get(), request, &distribution);
        if (status.ok() && distribution.sender_agency_id() != name_) {
          return grpc::Status(grpc::StatusCode::INTERNAL,
                              "distributed under another sender: " +
                                  distribution.sender_agency_id());
        }
        return status;
      }
      case Method::kGetDistribution: {
        v1::GetDistributionRequest request;
        request.set_distribution_id(referral_id);
        v1::Distribution distribution;
        return distribution_->GetDistribution(context.get(), request,
                                              &distribution);
      }
      case Method::kListDistributions: {
        v1::ListDistributionsResponse response;
        return distribution_->ListDistributions(
            context.get(), v1::ListDistributionsRequest(), &response);
      }
      case Method::kGetStatistics: {
        v1::GetStatisticsRequest request;
        request.set_from_date("2026-01-01");
        request.set_to_date("2026-12-31");
        v1::GetStatisticsResponse response;
        return statistics_->GetStatistics(context.get(), request, &response);
      }
      case Method::kListSupervisedReferrals: {
        v1::ListSupervisedReferralsResponse response;
        return ledger_->ListSupervisedReferrals(
            context.get(), v1::ListSupervisedReferralsRequest(), &response);
      }
      case Method::kListTransfers: {
        v1::ListTransfersResponse response;
        return admin_->ListTransfers(context.get(), v1::ListTransfersRequest(),
                                     &response);
      }
      case Method::kGetInboxStats: {
        v1::GetInboxStatsResponse response;
        return admin_->GetInboxStats(context.get(), v1::GetInboxStatsRequest(),
                                     &response);
      }
      case Method::kListDeadLetters: {
        v1::ListDeadLettersResponse response;
        return admin_->ListDeadLetters(context.get(),
                                       v1::ListDeadLettersRequest(), &response);
      }
      case Method::kRedriveDeadLetters: {
        v1::RedriveDeadLettersRequest request;
        request.set_agency_id(kAudit);  // has none: changes nothing
        v1::RedriveDeadLettersResponse response;
        return admin_->RedriveDeadLetters(context.get(), request, &response);
      }
      case Method::kGetTransferCounts: {
        v1::GetTransferCountsResponse response;
        return admin_->GetTransferCounts(
            context.get(), v1::GetTransferCountsRequest(), &response);
      }
      case Method::kGetHubStatus: {
        v1::HubStatus response;
        return admin_->GetHubStatus(context.get(), v1::GetHubStatusRequest(),
                                    &response);
      }
      case Method::kRewrapDataKeys: {
        v1::RewrapDataKeysResponse response;
        return admin_->RewrapDataKeys(context.get(),
                                      v1::RewrapDataKeysRequest(), &response);
      }
      case Method::kQueryEvents: {
        v1::QueryEventsResponse response;
        return audit_->QueryEvents(context.get(), v1::QueryEventsRequest(),
                                   &response);
      }
      case Method::kGetCheckpoint: {
        v1::SignedCheckpoint response;
        return audit_->GetCheckpoint(context.get(), v1::GetCheckpointRequest(),
                                     &response);
      }
      case Method::kGetInclusionProof: {
        v1::GetInclusionProofRequest request;
        request.set_sequence(1);
        v1::InclusionProof response;
        return audit_->GetInclusionProof(context.get(), request, &response);
      }
      case Method::kGetConsistencyProof: {
        v1::GetConsistencyProofRequest request;
        request.set_first_size(1);
        v1::ConsistencyProof response;
        return audit_->GetConsistencyProof(context.get(), request, &response);
      }
      case Method::kExportEvents: {
        v1::ExportEventsRequest request;
        request.set_from_sequence(1);
        v1::EventExport response;
        return audit_->ExportEvents(context.get(), request, &response);
      }
      case Method::kWhoAmI: {
        v1::WhoAmIResponse response;
        grpc::Status status =
            hub_info_->WhoAmI(context.get(), v1::WhoAmIRequest(), &response);
        // Allowed is not enough: the hub must name the caller by its own
        // certificate.
        if (status.ok() && PkiName(response.caller()) != name_) {
          return grpc::Status(grpc::StatusCode::INTERNAL,
                              "WhoAmI named " + response.caller().name());
        }
        return status;
      }
    }
    return grpc::Status(grpc::StatusCode::INTERNAL, "no such method");
  }

 private:
  std::string NextRequestId() {
    static std::atomic<int> counter{0};
    return absl::StrCat(name_, "-matrix-", ++counter);
  }

  const std::string name_;
  std::unique_ptr<v1::ExchangeService::Stub> exchange_;
  std::unique_ptr<v1::RectificationService::Stub> rectification_;
  std::unique_ptr<v1::DistributionService::Stub> distribution_;
  std::unique_ptr<v1::StatisticsService::Stub> statistics_;
  std::unique_ptr<v1::SupervisionLedgerService::Stub> ledger_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::HubInfoService::Stub> hub_info_;
};

class AuthorizationMatrixE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
    for (const char* party : kParties) {
      clients_.push_back(
          std::make_unique<PartyClient>(hub_->Channel(party), party));
    }
    for (Target target : {Target::kLead, Target::kChild, Target::kLocal,
                          Target::kProblemList, Target::kDistribution}) {
      std::string id = Prepare(target);
      ASSERT_FALSE(id.empty()) << TargetName(target);
      prepared_[static_cast<int>(target)] = id;
    }
  }

  PartyClient& Client(const std::string& name) {
    for (auto& client : clients_) {
      if (client->name() == name) return *client;
    }
    ADD_FAILURE() << "no client " << name;
    return *clients_.front();
  }

  std::string Submit(const std::string& from, const std::string& to,
                     v1::ReferralKind kind = v1::REFERRAL_KIND_LEAD) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("prepare-", ++prepared_count_));
    request.set_recipient_agency_id(to);
    request.set_kind(kind);
    *request.mutable_lead() = SmallLead();
    if (kind == v1::REFERRAL_KIND_PROBLEM_LIST) {
      *request.add_rectification_items() = SmallRectificationItem();
      *request.add_rectification_items() = SmallRectificationItem();
    }
    v1::Referral referral;
    grpc::Status status = Client(from).exchange().SubmitReferral(
        Context().get(), request, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral.referral_id();
  }

  // A new referral in the situation `target` describes, in SUBMITTED.
  std::string Prepare(Target target) {
    switch (target) {
      case Target::kNone:
        return "";
      case Target::kLead:
        return Submit(kInspection, kCommission);
      case Target::kLocal:
        return Submit(kStationedHousing, kInspection);
      case Target::kProblemList:
        return Submit(kInspection, kOrganization,
                      v1::REFERRAL_KIND_PROBLEM_LIST);
      case Target::kDistribution: {
        v1::SubmitDistributionRequest request;
        request.set_request_id(absl::StrCat("prepare-", ++prepared_count_));
        request.add_recipient_agency_ids(kCommission);
        request.add_recipient_agency_ids(kOrganization);
        request.set_kind(v1::REFERRAL_KIND_LEAD);
        *request.mutable_lead() = SmallLead();
        v1::Distribution distribution;
        grpc::Status status =
            Client(kInspection)
                .distribution()
                .SubmitDistribution(Context().get(), request, &distribution);
        EXPECT_TRUE(status.ok()) << status.error_message();
        return distribution.distribution_id();
      }
      case Target::kChild: {
        const std::string parent = Submit(kInspection, kCommission);
        auto context = Context();
        v1::AcceptReferralRequest accept;
        accept.set_request_id(absl::StrCat("prepare-", ++prepared_count_));
        accept.set_referral_id(parent);
        v1::Referral referral;
        grpc::Status status =
            Client(kCommission)
                .exchange()
                .AcceptReferral(context.get(), accept, &referral);
        EXPECT_TRUE(status.ok()) << status.error_message();
        v1::RerouteReferralRequest reroute;
        reroute.set_request_id(absl::StrCat("prepare-", ++prepared_count_));
        reroute.set_referral_id(parent);
        reroute.set_target_agency_id(kOrganization);
        reroute.set_reason("属干部选拔任用问题，转组织部门办理");
        status = Client(kCommission)
                     .exchange()
                     .RerouteReferral(Context().get(), reroute, &referral);
        EXPECT_TRUE(status.ok()) << status.error_message();
        return referral.child_referral_id();
      }
    }
    return "";
  }

  const std::string& Prepared(Target target) const {
    return prepared_[static_cast<int>(target)];
  }

  // The prepared distribution as its sender sees it.
  v1::Distribution FetchDistribution() {
    v1::GetDistributionRequest request;
    request.set_distribution_id(Prepared(Target::kDistribution));
    v1::Distribution distribution;
    grpc::Status status =
        Client(kInspection)
            .distribution()
            .GetDistribution(Context().get(), request, &distribution);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return distribution;
  }

  // The referral as one of its parties sees it.
  v1::Referral Fetch(const std::string& reader, const std::string& id) {
    v1::GetReferralRequest request;
    request.set_referral_id(id);
    v1::Referral referral;
    grpc::Status status = Client(reader).exchange().GetReferral(
        Context().get(), request, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral;
  }

  std::unique_ptr<HubProcess> hub_;
  std::vector<std::unique_ptr<PartyClient>> clients_;
  std::array<std::string, 6> prepared_;
  int prepared_count_ = 0;
};

TEST_F(AuthorizationMatrixE2eTest,
       EveryMethodForEveryPartyIsAsTheContractSays) {
  // Readers that see the prepared referrals before and after.
  const std::pair<Target, const char*> kWitness[] = {
      {Target::kLead, kInspection},
      {Target::kChild, kOrganization},
      {Target::kLocal, kStationedHousing},
      {Target::kProblemList, kInspection}};
  std::vector<v1::Referral> before;
  for (const auto& [target, reader] : kWitness) {
    before.push_back(Fetch(reader, Prepared(target)));
  }
  const v1::Distribution distribution_before = FetchDistribution();

  // kAllMethods lists every RPC the eight services have, so that a new RPC
  // cannot skip the contract.
  int service_methods = 0;
  for (const char* service :
       {"supervision.v1.ExchangeService", "supervision.v1.RectificationService",
        "supervision.v1.DistributionService",
        "supervision.v1.StatisticsService",
        "supervision.v1.SupervisionLedgerService",
        "supervision.v1.AdminService", "supervision.v1.AuditService",
        "supervision.v1.HubInfoService"}) {
    service_methods += google::protobuf::DescriptorPool::generated_pool()
                           ->FindServiceByName(service)
                           ->method_count();
  }
  EXPECT_EQ(std::size(kAllMethods), static_cast<size_t>(service_methods));

  // The table covers every method, every exchange method that names a
  // referral on each prepared lead, every ledger method on the prepared
  // problem list, and GetDistribution on the prepared distribution.
  for (Method method : kAllMethods) {
    int rows = 0;
    int list_rows = 0;
    int distribution_rows = 0;
    for (const Row& row : kContract) {
      rows += row.method == method;
      list_rows += row.method == method && row.target == Target::kProblemList;
      distribution_rows +=
          row.method == method && row.target == Target::kDistribution;
    }
    const bool names_referral = method == Method::kGetReferral ||
                                method == Method::kListReferralSteps ||
                                ChangesTheReferral(method);
    if (NamesAProblemList(method)) {
      EXPECT_EQ(rows, 1) << MethodName(method);
      EXPECT_EQ(list_rows, 1) << MethodName(method);
    } else if (NamesADistribution(method)) {
      EXPECT_EQ(rows, 1) << MethodName(method);
      EXPECT_EQ(distribution_rows, 1) << MethodName(method);
    } else {
      EXPECT_EQ(rows, names_referral ? 3 : 1) << MethodName(method);
    }
  }

  std::string table;  // what actually happened, printed on failure
  for (const Row& row : kContract) {
    std::array<grpc::Status, kParties.size()> results;
    if (row.method == Method::kStreamInbox) {
      // Admitted streams stay open for a moment; run them side by side.
      std::vector<std::thread> threads;
      for (size_t i = 0; i < kParties.size(); ++i) {
        threads.emplace_back(
            [&, i] { results[i] = Client(kParties[i]).Call(row.method, ""); });
      }
      for (std::thread& thread : threads) thread.join();
    } else {
      for (size_t i = 0; i < kParties.size(); ++i) {
        // A step expected to succeed gets a fresh referral of its own, so
        // that it cannot disturb the other cells; every other cell uses the
        // shared one, which must come out unchanged.
        std::string id = Prepared(row.target);
        if (row.expected[i] == kOk && ChangesTheReferral(row.method)) {
          id = Prepare(row.target);
        }
        results[i] = Client(kParties[i]).Call(row.method, id);
      }
    }
    absl::StrAppend(&table,
                    absl::StrFormat("%-26s %-6s", MethodName(row.method),
                                    TargetName(row.target)));
    for (size_t i = 0; i < kParties.size(); ++i) {
      const Outcome actual = OutcomeOf(results[i]);
      absl::StrAppend(&table, absl::StrFormat(" %-6s", ShortName(actual)));
      EXPECT_TRUE(actual == row.expected[i])
          << MethodName(row.method) << " on " << TargetName(row.target)
          << " as " << kParties[i] << ": expected "
          << OutcomeName(row.expected[i]) << ", got status "
          << results[i].error_code() << " (" << OutcomeName(actual)
          << "): " << results[i].error_message();
    }
    absl::StrAppend(&table, "\n");
  }

  // Refusals and state errors changed nothing.
  for (size_t i = 0; i < std::size(kWitness); ++i) {
    const v1::Referral after =
        Fetch(kWitness[i].second, Prepared(kWitness[i].first));
    EXPECT_EQ(after.version(), before[i].version())
        << TargetName(kWitness[i].first);
    EXPECT_EQ(after.state(), v1::REFERRAL_STATE_SUBMITTED)
        << TargetName(kWitness[i].first);
    EXPECT_EQ(after.reminders_size(), 0) << TargetName(kWitness[i].first);
    EXPECT_EQ(after.delegated_referral_ids_size(), 0)
        << TargetName(kWitness[i].first);
    EXPECT_EQ(after.rectification().SerializeAsString(),
              before[i].rectification().SerializeAsString())
        << TargetName(kWitness[i].first);
  }
  // Reading the distribution changed none of its referrals.
  const v1::Distribution distribution_after = FetchDistribution();
  EXPECT_EQ(distribution_after.DebugString(),
            distribution_before.DebugString());
  EXPECT_EQ(distribution_after.members_size(), 2);
  if (HasFailure()) {
    ADD_FAILURE() << "actual matrix (columns: commission, inspection, "
                     "organization, audit, stationed-education, "
                     "stationed-housing, admin, auditor):\n"
                  << table;
  }
}

TEST_F(AuthorizationMatrixE2eTest,
       SenderIsTheCertificatesAgencyWhateverTheMetadataSays) {
  // Every way a client might try to say "I am someone else" in metadata.
  auto spoofing_context = [](const std::string& claimed) {
    auto context = Context();
    const std::string uri =
        absl::StrCat("spiffe://supervision.example/agency/", claimed);
    context->AddMetadata("x-agency-id", claimed);
    context->AddMetadata("sender", claimed);
    context->AddMetadata("sender_agency_id", claimed);
    context->AddMetadata("x-spiffe-id", uri);
    context->AddMetadata(
        "x-forwarded-client-cert",
        absl::StrCat("By=spiffe://supervision.example/hub;URI=", uri));
    context->AddMetadata("x-ssl-client-cert-uri", uri);
    context->AddMetadata("x-role", "admin");
    return context;
  };
  v1::SubmitReferralRequest request;
  request.set_request_id("spoofed-sender");
  // Open to the inspection office's type, closed to the audit bureau's.
  request.set_recipient_agency_id(kOrganization);
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  *request.mutable_lead() = SmallLead();

  v1::Referral submitted;
  grpc::Status status =
      Client(kInspection)
          .exchange()
          .SubmitReferral(spoofing_context(kAudit).get(), request, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(submitted.sender_agency_id(), kInspection);
  EXPECT_EQ(Fetch(kInspection, submitted.referral_id()).sender_agency_id(),
            kInspection);
  // The claimed agency got nothing: not a party, nothing in its list.
  EXPECT_EQ(Client(kAudit)
                .Call(Method::kGetReferral, submitted.referral_id())
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListReferralsRequest list;
  list.set_role(v1::PARTY_ROLE_SENDER);
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(Client(kAudit)
                  .exchange()
                  .ListReferrals(Context().get(), list, &listed)
                  .ok());
  EXPECT_EQ(listed.referrals_size(), 0);
  // The recipient and the audit chain name the certificate's agency.
  {
    auto context = Context(std::chrono::seconds(5));
    auto reader = Client(kOrganization)
                      .exchange()
                      .StreamInbox(context.get(), v1::StreamInboxRequest());
    v1::InboxEntry entry;
    bool found = false;
    while (!found && reader->Read(&entry)) {
      found = entry.referral().referral_id() == submitted.referral_id();
    }
    ASSERT_TRUE(found);
    EXPECT_EQ(entry.referral().sender_agency_id(), kInspection);
    EXPECT_EQ(entry.event().actor(), kInspection);
    context->TryCancel();
    reader->Finish().ok();
  }
  auto auditor = v1::AuditService::NewStub(hub_->Channel(kAuditor));
  v1::QueryEventsRequest query;
  query.set_referral_id(submitted.referral_id());
  v1::QueryEventsResponse events;
  ASSERT_TRUE(auditor->QueryEvents(Context().get(), query, &events).ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).type(), v1::EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(events.events(0).actor(), kInspection);

  // The other way round: the audit bureau claiming to be the inspection
  // office is still the audit bureau, whose type has no route there.
  request.set_request_id("spoofed-route");
  status = Client(kAudit).exchange().SubmitReferral(
      spoofing_context(kInspection).get(), request, &submitted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
  EXPECT_NE(status.error_message().find("audit_bureau"), std::string::npos)
      << status.error_message();
  // Nor does "x-role: admin" open the admin service to an agency.
  v1::HubStatus hub_status;
  status = v1::AdminService::NewStub(hub_->Channel(kAudit))
               ->GetHubStatus(spoofing_context(kAdmin).get(),
                              v1::GetHubStatusRequest(), &hub_status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

bool Carries(const v1::Referral& referral, const std::string& marker) {
  return referral.SerializeAsString().find(marker) != std::string::npos;
}

std::string FeedbackTexts(const v1::Referral& referral) {
  std::string texts;
  for (const v1::Feedback& feedback : referral.feedback()) {
    absl::StrAppend(&texts, "[", v1::FeedbackKind_Name(feedback.kind()), "] ",
                    feedback.text(), "; ");
  }
  return texts;
}

// A supervising agency (supervisor: true) may remind (督办) a referral it is
// no party to, but may not read it: GetReferral is PERMISSION_DENIED. Its
// RemindReferral reply must not read it either: found by this test, the reply
// used to carry the whole referral record (every feedback and reminder text,
// reasons), and retrying the same request_id replayed "the referral as it is
// now" with no check and no event, so one reminder let the supervisor read
// the referral to its end, final feedback included. Fixed in ae2c5fd (replies
// to a caller who may not read are redacted, replays included); this guards
// it end to end.
TEST_F(AuthorizationMatrixE2eTest,
       SupervisorThatMayNotReadLearnsNoContentByReminding) {
  constexpr char kInterim[] = "INTERIM-SECRET-4711 已调取账户流水";
  constexpr char kFinal[] = "FINAL-SECRET-0815 已立案审查调查";
  const std::string id = Prepared(Target::kLocal);
  PartyClient& recipient = Client(kInspection);
  auto step = [&](auto call) {
    grpc::Status status = call(Context().get());
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  v1::Referral ignored;
  step([&](grpc::ClientContext* context) {
    v1::AcceptReferralRequest request;
    request.set_request_id("supervised-accept");
    request.set_referral_id(id);
    return recipient.exchange().AcceptReferral(context, request, &ignored);
  });
  step([&](grpc::ClientContext* context) {
    v1::RecordDispositionRequest request;
    request.set_request_id("supervised-dispose");
    request.set_referral_id(id);
    request.set_method(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
    return recipient.exchange().RecordDisposition(context, request, &ignored);
  });
  auto feedback = [&](const char* request_id, v1::FeedbackKind kind,
                      const char* text) {
    step([&](grpc::ClientContext* context) {
      v1::SendFeedbackRequest request;
      request.set_request_id(request_id);
      request.set_referral_id(id);
      request.mutable_feedback()->set_kind(kind);
      request.mutable_feedback()->set_text(text);
      return recipient.exchange().SendFeedback(context, request, &ignored);
    });
  };
  feedback("supervised-interim", v1::FEEDBACK_KIND_INTERIM, kInterim);

  // The commission may not read it...
  EXPECT_EQ(Client(kCommission).Call(Method::kGetReferral, id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // ...but may remind.
  v1::RemindReferralRequest remind;
  remind.set_request_id("supervised-remind");
  remind.set_referral_id(id);
  remind.set_text("请加快办理");
  v1::Referral reply;
  grpc::Status status = Client(kCommission)
                            .exchange()
                            .RemindReferral(Context().get(), remind, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.referral_id(), id);  // it learns that its reminder landed
  EXPECT_FALSE(Carries(reply, "INTERIM-SECRET-4711"))
      << "the reply to the supervisor's reminder carries the interim "
         "feedback: "
      << FeedbackTexts(reply);

  // The recipient finishes; the commission retries its old reminder.
  feedback("supervised-final", v1::FEEDBACK_KIND_FINAL, kFinal);
  v1::Referral replayed;
  status = Client(kCommission)
               .exchange()
               .RemindReferral(Context().get(), remind, &replayed);
  EXPECT_FALSE(status.ok() && Carries(replayed, "FINAL-SECRET-0815"))
      << "replaying the reminder reads the final feedback of a referral the "
         "supervisor may not read (now "
      << v1::ReferralState_Name(replayed.state())
      << "): " << FeedbackTexts(replayed);
}

// An agency that is no party to a referral cannot tell whether a referral id
// exists: a missing one and another's get the same answer (on GetReferral
// and every step). Referral ids are sequential (<hub_id>-0000000042), so
// otherwise any agency could count the hub's referrals: metadata that
// docs/DESIGN.md gives to administrators only.
TEST_F(AuthorizationMatrixE2eTest, NonPartyCannotTellWhetherAReferralExists) {
  const std::string existing = Prepared(Target::kLead);
  const std::string missing = "demo-0000009999";
  for (Method method : {Method::kGetReferral, Method::kAcceptReferral,
                        Method::kRejectFeedback, Method::kWithdrawReferral,
                        Method::kReopenReferral, Method::kDelegateReferral}) {
    EXPECT_EQ(Client(kAudit).Call(method, existing).error_code(),
              Client(kAudit).Call(method, missing).error_code())
        << MethodName(method);
  }
  // The same for a problem list's ledger.
  const std::string list = Prepared(Target::kProblemList);
  for (Method method :
       {Method::kAddRectificationItems, Method::kReportRectification,
        Method::kVerifyRectification, Method::kListRectificationItems}) {
    EXPECT_EQ(Client(kAudit).Call(method, list).error_code(),
              Client(kAudit).Call(method, missing).error_code())
        << MethodName(method);
  }
  // And for a distribution (ids from the same series): a stranger and a
  // recipient alike.
  const std::string distribution = Prepared(Target::kDistribution);
  for (const char* party : {kAudit, kCommission}) {
    const grpc::Status existing_status =
        Client(party).Call(Method::kGetDistribution, distribution);
    const grpc::Status missing_status =
        Client(party).Call(Method::kGetDistribution, missing);
    EXPECT_EQ(existing_status.error_code(), missing_status.error_code())
        << party;
    EXPECT_EQ(existing_status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << party;
  }
}

// An inbox stream of stationed-housing, open until the test ends.
struct OpenInbox {
  std::unique_ptr<v1::ExchangeService::Stub> stub;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::InboxEntry>> reader;
};

// Opens `inbox` as stationed-housing and waits for the hub to log it.
void OpenHousingInbox(HubProcess& hub, OpenInbox& inbox) {
  inbox.stub = v1::ExchangeService::NewStub(hub.Channel(kStationedHousing));
  inbox.context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(30));
  inbox.reader =
      inbox.stub->StreamInbox(&inbox.context, v1::StreamInboxRequest());
  const auto opened_by =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (hub.ReadLog().find("StreamInbox caller=stationed-housing") ==
             std::string::npos &&
         std::chrono::steady_clock::now() < opened_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(hub.ReadLog().find("StreamInbox caller=stationed-housing"),
            std::string::npos)
      << "the stream must be open before the reload";
}

// Replaces stationed-housing's line of the hub's config with `replacement`
// and reloads (SIGHUP), as an operator would.
void ReplaceHousingAndReload(HubProcess& hub, const std::string& replacement) {
  std::string config;
  {
    std::ifstream file(hub.config_path());
    std::stringstream text;
    text << file.rdbuf();
    config = text.str();
  }
  const std::string line_start = "agencies { id: \"stationed-housing\"";
  const size_t at = config.find(line_start);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, config.find('\n', at) - at, replacement);
  std::ofstream(hub.config_path()) << config;
  ASSERT_EQ(kill(hub.pid(), SIGHUP), 0);
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (hub.ReadLog().find("config reloaded") == std::string::npos &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(hub.ReadLog().find("config reloaded"), std::string::npos)
      << hub.ReadLog();
}

TEST_F(AuthorizationMatrixE2eTest,
       IdentityTheHubNoLongerKnowsIsUnauthenticatedOnEveryMethod) {
  // stationed-housing connects while configured...
  PartyClient housing(hub_->Channel(kStationedHousing), kStationedHousing);
  ASSERT_TRUE(housing.Call(Method::kListReferrals, "").ok());
  // ...with its inbox stream open.
  OpenInbox inbox;
  ASSERT_NO_FATAL_FAILURE(OpenHousingInbox(*hub_, inbox));

  // ...then the operator removes it from the config and reloads (SIGHUP).
  ASSERT_NO_FATAL_FAILURE(ReplaceHousingAndReload(*hub_, ""));

  // Its open connection is still there, but every call on it is refused.
  for (Method method : kAllMethods) {
    const grpc::Status status = housing.Call(method, Prepared(Target::kLocal));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << MethodName(method) << ": " << status.error_message();
    EXPECT_NE(status.error_message().find("not configured"), std::string::npos)
        << MethodName(method) << ": " << status.error_message();
  }
  // Its open inbox stream ends at the reload, not at its own deadline.
  v1::InboxEntry entry;
  EXPECT_FALSE(inbox.reader->Read(&entry));
  const grpc::Status ended = inbox.reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << ended.error_message();
  EXPECT_NE(hub_->ReadLog().find("StreamInbox caller=stationed-housing ended"),
            std::string::npos)
      << hub_->ReadLog();
  // A new connection is refused in the handshake.
  PartyClient again(hub_->Channel(kStationedHousing), kStationedHousing);
  EXPECT_EQ(again.Call(Method::kListReferrals, "").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // Everyone else carries on.
  EXPECT_TRUE(
      Client(kStationedEducation).Call(Method::kListReferrals, "").ok());
  EXPECT_TRUE(Client(kAdmin).Call(Method::kGetHubStatus, "").ok());
}

TEST_F(AuthorizationMatrixE2eTest,
       InboxStreamEndsWhenAReloadGivesItsCertificateToAnotherAgency) {
  OpenInbox inbox;
  ASSERT_NO_FATAL_FAILURE(OpenHousingInbox(*hub_, inbox));
  // The same certificate URI now names another agency: the stream, opened
  // as stationed-housing, must not go on serving stationed-housing's inbox.
  ASSERT_NO_FATAL_FAILURE(ReplaceHousingAndReload(
      *hub_,
      "agencies { id: \"stationed-housing-renamed\" type: "
      "\"stationed_group\" display_name: \"驻市住建局纪检监察组\" "
      "certificate_identity: "
      "\"spiffe://supervision.example/agency/stationed-housing\" }"));
  v1::InboxEntry entry;
  EXPECT_FALSE(inbox.reader->Read(&entry));
  const grpc::Status ended = inbox.reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << ended.error_message();
  EXPECT_NE(ended.error_message().find("now names"), std::string::npos)
      << ended.error_message();
}

}  // namespace
}  // namespace sx::testing
