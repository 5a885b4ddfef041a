// End-to-end tests of distributions (通报 / 分送, distribution.proto): the
// real sxhub binary on loopback, real certificates from deploy/dev-pki.sh,
// plain generated stubs as clients. The scenario is case 10 of
// docs/CASES.md: the inspection office sends its suggestions and problem
// lists to 19 supervision units in one call, and each unit signs for and
// reports back on its own referral.
//
// The example config has six agencies; the test adds the 17 other units of
// case 10 (type "supervision_unit", with a route from the inspection office)
// and issues each a certificate from the suite's dev CA, the way
// deploy/dev-pki.sh issues its own, so that every one of the 19 can act.
//
// Overdue flags per member are not covered here: deadlines are hours and
// days in the config and the hub runs on the system clock, so an end-to-end
// test would have to wait for them. server/core/distribution_core_test.cc
// moves a FakeClock instead.
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/distribution.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/rectification.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kInspection[] = "inspection-office";
constexpr char kCommission[] = "discipline-commission";
constexpr char kOrganization[] = "organization-dept";
// No route runs from the inspection office to these: strangers to case 10.
constexpr char kAudit[] = "audit-bureau";
constexpr char kStationed[] = "stationed-education";
constexpr char kAdmin[] = "admin-ops";
constexpr char kAuditor[] = "auditor-audit";

struct AddedUnit {
  const char* id;
  const char* display_name;
};

// Case 10's supervision units besides the commission and the organization
// department, which the example config has already.
constexpr AddedUnit kAddedUnits[] = {
    {"propaganda-dept", "市委宣传部"},
    {"united-front-dept", "市委统战部"},
    {"political-legal-committee", "市委政法委"},
    {"cyberspace-office", "市委网信办"},
    {"development-reform", "市发展改革委"},
    {"education-bureau", "市教育局"},
    {"public-security-bureau", "市公安局"},
    {"civil-affairs-bureau", "市民政局"},
    {"finance-bureau", "市财政局"},
    {"human-resources-bureau", "市人力资源社会保障局"},
    {"natural-resources-bureau", "市自然资源和规划局"},
    {"housing-bureau", "市住房城乡建设局"},
    {"transport-bureau", "市交通运输局"},
    {"agriculture-bureau", "市农业农村局"},
    {"health-commission", "市卫生健康委"},
    {"market-regulation", "市市场监管局"},
    {"emergency-management", "市应急管理局"},
};

// The 19 units of case 10, in the order the office names them.
std::vector<std::string> CaseTenRecipients() {
  std::vector<std::string> recipients = {kCommission, kOrganization};
  for (const AddedUnit& unit : kAddedUnits) recipients.push_back(unit.id);
  return recipients;
}

// The example config plus the units of case 10, a route to them from the
// inspection office, and at most `max_recipients` per distribution.
void AddCaseTenUnits(std::string& config, int max_recipients) {
  config = absl::StrReplaceAll(
      config, {{"limits {\n", absl::StrCat("limits {\n  max_distribution_"
                                           "recipients: ",
                                           max_recipients, "\n")}});
  for (const AddedUnit& unit : kAddedUnits) {
    absl::StrAppend(&config, "\nagencies { id: \"", unit.id,
                    "\" type: \"supervision_unit\" display_name: \"",
                    unit.display_name, "\" }");
  }
  absl::StrAppend(&config,
                  "\nroutes { from_type: \"inspection_office\" to_types: "
                  "[\"supervision_unit\"] kinds: [REFERRAL_KIND_LEAD, "
                  "REFERRAL_KIND_PROBLEM_LIST] }\n");
}

// Issues a client certificate for each added unit from the suite's dev CA,
// as deploy/dev-pki.sh issues the agencies' own: one URI SAN
// (spiffe://supervision.example/agency/<id>), extendedKeyUsage clientAuth.
bool IssueAddedUnitCertificates(const DevPki& pki) {
  std::string command = absl::StrCat(
      "cd '", pki.dir(),
      "/pki' && export SX_CA_DB=.ca-db/ca SX_SAN= ", "SX_EKU=clientAuth");
  for (const AddedUnit& unit : kAddedUnits) {
    const std::string id = unit.id;
    absl::StrAppend(
        &command, " && (umask 077 && openssl genpkey -algorithm EC ",
        "-pkeyopt ec_paramgen_curve:P-256 -out ", id, ".key) && ",
        "openssl req -config .ca-db/openssl.cnf -new -utf8 -key ", id,
        ".key -subj /CN=", id, " -out .ca-db/ca/", id, ".csr && ",
        "SX_SAN=URI:spiffe://supervision.example/agency/", id,
        " openssl ca -config .ca-db/openssl.cnf -batch -notext -utf8 ",
        "-cert ca.crt -keyfile ca.key -extensions leaf -days 30 ",
        "-in .ca-db/ca/", id, ".csr -out ", id, ".crt");
  }
  const std::string quiet = absl::StrCat("(", command, ") >/dev/null 2>&1");
  return std::system(quiet.c_str()) == 0;
}

// Case 10 of docs/CASES.md: what one special inspection round found across
// a sector, sent to every unit with a supervisory or regulatory duty in it.
v1::Lead SectorGovernanceNotice() {
  v1::Lead lead;
  lead.set_subject("市属国有企业");
  lead.set_subject_organization("市国资委及市属国有企业");
  lead.set_category("巡察发现共性问题及系统治理建议");
  lead.set_summary(
      "市委巡察组对市属国有企业开展专项巡察，梳理形成203条意见建议和问题清单，"
      "分别通报给19家监督监管责任单位，请签收后结合职责推动行业系统治理，"
      "并反馈办理情况");
  lead.set_source("专项巡察");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::SubmitDistributionRequest Notice(
    const std::string& request_id, const std::vector<std::string>& recipients,
    v1::ReferralKind kind = v1::REFERRAL_KIND_PROBLEM_LIST) {
  v1::SubmitDistributionRequest request;
  request.set_request_id(request_id);
  for (const std::string& recipient : recipients) {
    request.add_recipient_agency_ids(recipient);
  }
  request.set_kind(kind);
  *request.mutable_lead() = SectorGovernanceNotice();
  return request;
}

v1::RectificationItemDraft Draft(const std::string& category,
                                 const std::string& problem,
                                 const std::vector<std::string>& measures) {
  v1::RectificationItemDraft draft;
  draft.set_category(category);
  draft.set_problem(problem);
  for (const std::string& measure : measures) draft.add_measures(measure);
  draft.set_responsible_unit("相关业务处室");
  return draft;
}

// Three of the 203 suggestions, as items every unit rectifies on its own.
std::vector<v1::RectificationItemDraft> SectorItems() {
  return {
      Draft("行业监管", "国有企业工程项目规避招标、化整为零问题多发",
            {"开展招投标领域专项检查", "建立招投标异常情况移送机制"}),
      Draft("制度建设", "国有企业投资担保事前论证和事后评估制度缺失",
            {"制定投资担保项目论证评估办法"}),
      Draft("日常监督", "对国有企业领导人员兼职取酬情况监督检查不到位",
            {"开展兼职取酬情况专项清理", "建立定期抽查核实制度"}),
  };
}

// The progress counts in one line, so that a mismatch shows all of them.
std::string Counts(const v1::DistributionProgress& progress) {
  return absl::StrCat(
      "recipients=", progress.recipients(), " delivered=", progress.delivered(),
      " accepted=", progress.accepted(), " fed_back=", progress.fed_back(),
      " closed=", progress.closed(),
      " ended_otherwise=", progress.ended_otherwise(),
      " overdue=", progress.overdue());
}

std::string Counts(const v1::RectificationSummary& summary) {
  return absl::StrCat(
      "total=", summary.total(), " in_progress=", summary.in_progress(),
      " awaiting=", summary.awaiting_verification(),
      " verified=", summary.verified(), " rejections=", summary.rejections(),
      " rounds=", summary.rounds());
}

// One unit's calls through its own certificate: distributions, the
// exchange steps on its referrals, and its ledgers.
class UnitClient {
 public:
  UnitClient(const HubProcess& hub, const std::string& agency)
      : agency_(agency),
        channel_(hub.Channel(agency)),
        distribution_(v1::DistributionService::NewStub(channel_)),
        exchange_(v1::ExchangeService::NewStub(channel_)),
        ledger_(v1::RectificationService::NewStub(channel_)) {}

  const std::string& agency() const { return agency_; }

  grpc::Status Distribute(const v1::SubmitDistributionRequest& request,
                          v1::Distribution* out) {
    return distribution_->SubmitDistribution(Context().get(), request, out);
  }

  grpc::Status GetDistribution(const std::string& id, v1::Distribution* out) {
    v1::GetDistributionRequest request;
    request.set_distribution_id(id);
    return distribution_->GetDistribution(Context().get(), request, out);
  }

  grpc::Status ListDistributions(uint32_t page_size, const std::string& token,
                                 v1::ListDistributionsResponse* out) {
    v1::ListDistributionsRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    return distribution_->ListDistributions(Context().get(), request, out);
  }

  // Ids of every distribution this unit sent, newest first.
  std::vector<std::string> DistributionIds() {
    v1::ListDistributionsResponse response;
    grpc::Status status = ListDistributions(100, "", &response);
    EXPECT_TRUE(status.ok()) << agency_ << ": " << status.error_message();
    std::vector<std::string> ids;
    for (const v1::Distribution& distribution : response.distributions()) {
      ids.push_back(distribution.distribution_id());
    }
    return ids;
  }

  grpc::Status Get(const std::string& id, v1::Referral* out) {
    v1::GetReferralRequest request;
    request.set_referral_id(id);
    return exchange_->GetReferral(Context().get(), request, out);
  }

  // Every referral this unit sent, newest first.
  std::vector<v1::Referral> Sent() {
    v1::ListReferralsRequest request;
    request.set_role(v1::PARTY_ROLE_SENDER);
    request.set_page_size(500);
    v1::ListReferralsResponse response;
    grpc::Status status =
        exchange_->ListReferrals(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << agency_ << ": " << status.error_message();
    return {response.referrals().begin(), response.referrals().end()};
  }

  // Every unacknowledged entry of this unit's inbox, without taking
  // delivery.
  std::vector<v1::InboxEntry> Peek() {
    std::vector<v1::InboxEntry> entries;
    v1::PeekInboxRequest request;
    for (int page = 0; page < 100; ++page) {
      v1::PeekInboxResponse response;
      grpc::Status status =
          exchange_->PeekInbox(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << agency_ << ": " << status.error_message();
      entries.insert(entries.end(), response.entries().begin(),
                     response.entries().end());
      if (!status.ok() || response.next_after_sequence() == 0) break;
      request.set_after_sequence(response.next_after_sequence());
    }
    return entries;
  }

  // Acknowledges `entries`: the unit's system has them.
  grpc::Status Ack(const std::vector<v1::InboxEntry>& entries) {
    v1::AckInboxRequest request;
    for (const v1::InboxEntry& entry : entries) {
      request.add_sequences(entry.sequence());
    }
    v1::AckInboxResponse response;
    return exchange_->AckInbox(Context().get(), request, &response);
  }

  grpc::Status Accept(const std::string& id) {
    v1::AcceptReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->AcceptReferral(Context().get(), request, &ignored);
  }

  grpc::Status Dispose(const std::string& id) {
    v1::RecordDispositionRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_method(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
    v1::Referral ignored;
    return exchange_->RecordDisposition(Context().get(), request, &ignored);
  }

  grpc::Status FinalFeedback(const std::string& id) {
    v1::SendFeedbackRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_FINAL);
    request.mutable_feedback()->set_text(
        "已结合职责逐条研究意见建议，制定系统治理措施并推动落实");
    v1::Referral ignored;
    return exchange_->SendFeedback(Context().get(), request, &ignored);
  }

  grpc::Status Return(const std::string& id) {
    v1::ReturnReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_reason("所列问题不属于本单位监督监管职责");
    v1::Referral ignored;
    return exchange_->ReturnReferral(Context().get(), request, &ignored);
  }

  grpc::Status Close(const std::string& id) {
    v1::CloseReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->CloseReferral(Context().get(), request, &ignored);
  }

  grpc::Status Report(const std::string& id, uint32_t number) {
    v1::ReportRectificationRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_item_number(number);
    request.set_kind(v1::RECTIFICATION_REPORT_KIND_DONE);
    request.set_text(absl::StrCat("第", number, "项已按整改措施整改到位"));
    v1::RectificationStepResponse ignored;
    return ledger_->ReportRectification(Context().get(), request, &ignored);
  }

  grpc::Status Verify(const std::string& id, uint32_t number,
                      v1::RectificationVerdict verdict) {
    v1::VerifyRectificationRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_item_number(number);
    request.set_verdict(verdict);
    if (verdict == v1::RECTIFICATION_VERDICT_REJECT) {
      request.set_reason("未提供专项检查的工作台账和处理结果");
    }
    v1::RectificationStepResponse ignored;
    return ledger_->VerifyRectification(Context().get(), request, &ignored);
  }

  grpc::Status Add(const std::string& id,
                   const v1::RectificationItemDraft& item) {
    v1::AddRectificationItemsRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    *request.add_items() = item;
    v1::RectificationStepResponse ignored;
    return ledger_->AddRectificationItems(Context().get(), request, &ignored);
  }

  grpc::Status Items(const std::string& id,
                     v1::ListRectificationItemsResponse* out) {
    v1::ListRectificationItemsRequest request;
    request.set_referral_id(id);
    request.set_include_history(true);
    return ledger_->ListRectificationItems(Context().get(), request, out);
  }

 private:
  std::string NextRequestId() {
    static std::atomic<int> counter{0};
    return absl::StrCat(agency_, "-distribution-", ++counter);
  }

  const std::string agency_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DistributionService::Stub> distribution_;
  std::unique_ptr<v1::ExchangeService::Stub> exchange_;
  std::unique_ptr<v1::RectificationService::Stub> ledger_;
};

class DistributionE2eTest : public DevPkiSuite {
 protected:
  static void SetUpTestSuite() {
    DevPkiSuite::SetUpTestSuite();
    certificates_issued_ = IssueAddedUnitCertificates(*pki_);
  }

  void SetUp() override {
    ASSERT_TRUE(certificates_issued_)
        << "issuing the added units' certificates with openssl failed";
    StartHub(/*max_recipients=*/19);
  }

  // A new hub (and data directory) allowing `max_recipients` per
  // distribution.
  void StartHub(int max_recipients) {
    hub_ = std::make_unique<HubProcess>(
        *pki_, [max_recipients](std::string& config) {
          AddCaseTenUnits(config, max_recipients);
        });
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::unique_ptr<UnitClient> Unit(const std::string& agency) {
    return std::make_unique<UnitClient>(*hub_, agency);
  }

  v1::Distribution Fetch(UnitClient& sender, const std::string& id) {
    v1::Distribution distribution;
    grpc::Status status = sender.GetDistribution(id, &distribution);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return distribution;
  }

  // Sends `request` from the inspection office; the distribution.
  v1::Distribution Distribute(UnitClient& inspection,
                              const v1::SubmitDistributionRequest& request) {
    v1::Distribution distribution;
    grpc::Status status = inspection.Distribute(request, &distribution);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return distribution;
  }

  static inline bool certificates_issued_ = false;
  std::unique_ptr<HubProcess> hub_;
};

// Case 10 of docs/CASES.md played through: one call reaches 19 units, each
// on its own referral; the office follows their progress together.
TEST_F(DistributionE2eTest, OneNoticeReachesNineteenUnitsEachOnItsOwnReferral) {
  auto inspection = Unit(kInspection);
  const std::vector<std::string> recipients = CaseTenRecipients();
  ASSERT_EQ(recipients.size(), 19u);

  const v1::Distribution sent =
      Distribute(*inspection, Notice("case10-round3", recipients));
  const std::string id = sent.distribution_id();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(sent.sender_agency_id(), kInspection);
  EXPECT_EQ(sent.kind(), v1::REFERRAL_KIND_PROBLEM_LIST);
  EXPECT_GT(sent.created_at().seconds(), 0);
  EXPECT_EQ(Counts(sent.progress()),
            "recipients=19 delivered=0 accepted=0 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");

  // 19 new referrals, one per unit in the order named, all SUBMITTED.
  ASSERT_EQ(sent.members_size(), 19);
  std::map<std::string, std::string> referral_of;  // unit -> its referral
  for (int i = 0; i < sent.members_size(); ++i) {
    const v1::DistributionMember& member = sent.members(i);
    const v1::Referral& referral = member.referral();
    SCOPED_TRACE(recipients[i]);
    EXPECT_EQ(member.recipient_agency_id(), recipients[i]);
    EXPECT_EQ(referral.recipient_agency_id(), recipients[i]);
    EXPECT_EQ(referral.sender_agency_id(), kInspection);
    EXPECT_EQ(referral.kind(), v1::REFERRAL_KIND_PROBLEM_LIST);
    EXPECT_EQ(referral.state(), v1::REFERRAL_STATE_SUBMITTED);
    EXPECT_EQ(referral.distribution_id(), id);
    EXPECT_FALSE(referral.has_lead()) << "members come without the lead";
    EXPECT_NE(referral.referral_id(), id);
    referral_of[recipients[i]] = referral.referral_id();
  }
  ASSERT_EQ(referral_of.size(), 19u);
  std::set<std::string> distinct;
  for (const auto& [unit, referral_id] : referral_of) {
    distinct.insert(referral_id);
  }
  EXPECT_EQ(distinct.size(), 19u) << "one referral per unit";

  // They are the office's ordinary sent referrals.
  const std::vector<v1::Referral> listed = inspection->Sent();
  EXPECT_EQ(listed.size(), 19u);
  for (const v1::Referral& referral : listed) {
    EXPECT_EQ(referral.distribution_id(), id) << referral.referral_id();
    EXPECT_EQ(referral_of[referral.recipient_agency_id()],
              referral.referral_id());
  }
  EXPECT_EQ(inspection->DistributionIds(), std::vector<std::string>{id});

  // Each unit's inbox has exactly one entry: its own referral with the
  // notice. The office's own inbox hears nothing of its sending.
  for (const std::string& recipient : recipients) {
    SCOPED_TRACE(recipient);
    const std::vector<v1::InboxEntry> inbox = Unit(recipient)->Peek();
    ASSERT_EQ(inbox.size(), 1u);
    EXPECT_EQ(inbox[0].event().type(), v1::EVENT_TYPE_SUBMITTED);
    EXPECT_EQ(inbox[0].event().actor(), kInspection);
    EXPECT_EQ(inbox[0].referral().referral_id(), referral_of[recipient]);
    EXPECT_EQ(inbox[0].referral().state(), v1::REFERRAL_STATE_SUBMITTED);
    EXPECT_EQ(inbox[0].referral().distribution_id(), id);
    EXPECT_EQ(inbox[0].referral().lead().summary(),
              SectorGovernanceNotice().summary());
  }
  EXPECT_TRUE(inspection->Peek().empty());
  EXPECT_EQ(Counts(Fetch(*inspection, id).progress()),
            "recipients=19 delivered=0 accepted=0 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");

  // The units respond each at their own pace: the first five sign for it
  // and work on it, three of them report back and the office closes the
  // first (销号); the sixth's system takes delivery only; the last returns
  // it (退回); the other twelve have not responded yet.
  for (int i = 0; i < 5; ++i) {
    auto unit = Unit(recipients[i]);
    ASSERT_TRUE(unit->Accept(referral_of[recipients[i]]).ok()) << recipients[i];
    ASSERT_TRUE(unit->Dispose(referral_of[recipients[i]]).ok())
        << recipients[i];
  }
  for (int i = 0; i < 3; ++i) {
    grpc::Status status =
        Unit(recipients[i])->FinalFeedback(referral_of[recipients[i]]);
    ASSERT_TRUE(status.ok()) << recipients[i] << ": " << status.error_message();
  }
  grpc::Status status = inspection->Close(referral_of[recipients[0]]);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto sixth = Unit(recipients[5]);
  ASSERT_TRUE(sixth->Ack(sixth->Peek()).ok());
  status = Unit(recipients[18])->Return(referral_of[recipients[18]]);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const v1::Distribution now = Fetch(*inspection, id);
  EXPECT_EQ(Counts(now.progress()),
            "recipients=19 delivered=7 accepted=5 fed_back=3 closed=1 "
            "ended_otherwise=1 overdue=0");
  std::vector<v1::ReferralState> expected(19, v1::REFERRAL_STATE_SUBMITTED);
  expected[0] = v1::REFERRAL_STATE_CLOSED;
  expected[1] = expected[2] = v1::REFERRAL_STATE_FEEDBACK_SENT;
  expected[3] = expected[4] = v1::REFERRAL_STATE_DISPOSING;
  expected[5] = v1::REFERRAL_STATE_DELIVERED;
  expected[18] = v1::REFERRAL_STATE_RETURNED;
  ASSERT_EQ(now.members_size(), 19);
  for (int i = 0; i < now.members_size(); ++i) {
    const v1::Referral& referral = now.members(i).referral();
    EXPECT_EQ(now.members(i).recipient_agency_id(), recipients[i]);
    EXPECT_EQ(referral.referral_id(), referral_of[recipients[i]]);
    EXPECT_EQ(referral.state(), expected[i])
        << recipients[i] << " is " << v1::ReferralState_Name(referral.state());
    EXPECT_FALSE(referral.accept_overdue() || referral.feedback_overdue())
        << recipients[i];
    EXPECT_FALSE(referral.has_lead()) << recipients[i];
  }
  EXPECT_EQ(now.members(1).referral().feedback_size(), 1);

  // The office heard of every step on its own referrals (taking delivery
  // tells nobody): 5 签收, 5 处置, 3 反馈, 1 退回.
  std::map<v1::EventType, int> heard;
  for (const v1::InboxEntry& entry : inspection->Peek()) {
    ++heard[entry.event().type()];
    EXPECT_EQ(entry.referral().distribution_id(), id);
  }
  EXPECT_EQ(heard, (std::map<v1::EventType, int>{
                       {v1::EVENT_TYPE_ACCEPTED, 5},
                       {v1::EVENT_TYPE_DISPOSITION_RECORDED, 5},
                       {v1::EVENT_TYPE_FINAL_FEEDBACK, 3},
                       {v1::EVENT_TYPE_RETURNED, 1}}));

  // A unit's referral is an ordinary referral: it reads its own with the
  // notice, and nobody else's, supervisor or not.
  auto propaganda = Unit(recipients[2]);
  v1::Referral own;
  status = propaganda->Get(referral_of[recipients[2]], &own);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(own.distribution_id(), id);
  EXPECT_EQ(own.lead().summary(), SectorGovernanceNotice().summary());
  EXPECT_EQ(own.state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  v1::Referral other;
  EXPECT_EQ(propaganda->Get(referral_of[recipients[3]], &other).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Unit(kCommission)->Get(referral_of[recipients[3]], &other).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unit(kAudit)->Get(referral_of[recipients[3]], &other).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The office reads each of them.
  for (const std::string& recipient : recipients) {
    status = inspection->Get(referral_of[recipient], &other);
    EXPECT_TRUE(status.ok()) << recipient << ": " << status.error_message();
  }
}

// All or nothing: one recipient the office may not send to (or that does
// not exist, or is named twice, or is the office itself) refuses the whole
// call, names the recipient, and nobody gets anything.
TEST_F(DistributionE2eTest, ARefusedRecipientRefusesTheWholeDistribution) {
  auto inspection = Unit(kInspection);
  const std::vector<std::string> recipients = CaseTenRecipients();
  // The first 18, each of which would have been fine.
  const std::vector<std::string> first18(recipients.begin(),
                                         recipients.end() - 1);
  std::vector<std::unique_ptr<UnitClient>> watched;
  for (const std::string& recipient : recipients) {
    watched.push_back(Unit(recipient));
  }
  for (const char* stranger : {kAudit, kStationed}) {
    watched.push_back(Unit(stranger));
  }

  auto refused =
      [&](const v1::SubmitDistributionRequest& request, grpc::StatusCode code,
          const std::vector<std::string>& named, const std::string& what) {
        v1::Distribution out;
        const grpc::Status status = inspection->Distribute(request, &out);
        EXPECT_EQ(status.error_code(), code)
            << what << ": " << status.error_message();
        for (const std::string& name : named) {
          EXPECT_NE(status.error_message().find(name), std::string::npos)
              << what << ": the message does not name " << name << ": "
              << status.error_message();
        }
        EXPECT_TRUE(out.distribution_id().empty()) << what;
        for (const auto& unit : watched) {
          EXPECT_TRUE(unit->Peek().empty()) << what << ": " << unit->agency();
        }
        EXPECT_TRUE(inspection->Sent().empty()) << what;
        EXPECT_TRUE(inspection->DistributionIds().empty()) << what;
      };
  auto with = [&](const std::string& last) {
    std::vector<std::string> named = first18;
    named.push_back(last);
    return named;
  };
  using Code = grpc::StatusCode;

  refused(Notice("case10-notice", with(kAudit)), Code::PERMISSION_DENIED,
          {"recipient_agency_ids[18]", "\"audit-bureau\"", "audit_bureau"},
          "no route to the audit bureau");
  refused(Notice("case10-notice", with("county-archives")), Code::NOT_FOUND,
          {"recipient_agency_ids[18]", "\"county-archives\""},
          "an agency the hub does not know");
  refused(Notice("case10-notice", with(recipients[3])), Code::INVALID_ARGUMENT,
          {"recipient_agency_ids[18]", recipients[3]}, "a unit named twice");
  refused(Notice("case10-notice", with(kInspection)), Code::INVALID_ARGUMENT,
          {"recipient_agency_ids[18]"}, "the office among its recipients");
  refused(Notice("case10-notice", {}), Code::INVALID_ARGUMENT,
          {"recipient_agency_ids"}, "no recipients");
  // Refused inside the transaction, after every recipient was checked.
  v1::SubmitDistributionRequest past = Notice("case10-notice", recipients);
  *past.add_rectification_items() = SectorItems()[0];
  past.mutable_rectification_items(0)->mutable_due_at()->set_seconds(
      1'700'000'000);  // November 2023
  refused(past, Code::INVALID_ARGUMENT, {"rectification_items[0].due_at"},
          "an item due in the past");
  v1::SubmitDistributionRequest items_on_a_lead =
      Notice("case10-notice", recipients, v1::REFERRAL_KIND_LEAD);
  *items_on_a_lead.add_rectification_items() = SectorItems()[0];
  refused(items_on_a_lead, Code::INVALID_ARGUMENT, {"rectification_items"},
          "items on a lead");
  v1::SubmitDistributionRequest no_kind = Notice("case10-notice", recipients);
  no_kind.clear_kind();
  refused(no_kind, Code::INVALID_ARGUMENT, {"kind"}, "no kind");
  v1::SubmitDistributionRequest no_lead = Notice("case10-notice", recipients);
  no_lead.clear_lead();
  refused(no_lead, Code::INVALID_ARGUMENT, {"lead"}, "no lead");
  refused(Notice("", recipients), Code::INVALID_ARGUMENT, {"request_id"},
          "no request id");

  // Refusals kept nothing, not even the request id: the corrected call
  // with the same id goes through.
  const v1::Distribution sent =
      Distribute(*inspection, Notice("case10-notice", recipients));
  ASSERT_EQ(sent.members_size(), 19);
  for (const auto& unit : watched) {
    const bool recipient =
        unit->agency() != kAudit && unit->agency() != kStationed;
    EXPECT_EQ(unit->Peek().size(), recipient ? 1u : 0u) << unit->agency();
  }
}

// The office's limit on recipients per call is the config's
// (limits.max_distribution_recipients).
TEST_F(DistributionE2eTest, MoreRecipientsThanTheConfigAllowsAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartHub(/*max_recipients=*/18));
  auto inspection = Unit(kInspection);
  const std::vector<std::string> recipients = CaseTenRecipients();
  v1::Distribution out;
  grpc::Status status =
      inspection->Distribute(Notice("case10-all", recipients), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_NE(status.error_message().find("max_distribution_recipients"),
            std::string::npos)
      << status.error_message();
  EXPECT_TRUE(inspection->Sent().empty());
  for (const std::string& recipient : recipients) {
    EXPECT_TRUE(Unit(recipient)->Peek().empty()) << recipient;
  }
  // Two calls of at most 18 then.
  const std::vector<std::string> first18(recipients.begin(),
                                         recipients.end() - 1);
  EXPECT_EQ(
      Distribute(*inspection, Notice("case10-first", first18)).members_size(),
      18);
  EXPECT_EQ(Distribute(*inspection, Notice("case10-last", {recipients.back()}))
                .members_size(),
            1);
  EXPECT_EQ(inspection->Sent().size(), 19u);
}

// A retry with the same request id (the office's system lost the reply)
// answers with the same distribution, as it is now, and creates nothing
// twice; the id reused for another request is refused.
TEST_F(DistributionE2eTest, ARetryCreatesNothingTwice) {
  auto inspection = Unit(kInspection);
  const std::vector<std::string> recipients = CaseTenRecipients();
  const v1::SubmitDistributionRequest request =
      Notice("case10-retried", recipients);
  const v1::Distribution first = Distribute(*inspection, request);
  ASSERT_EQ(first.members_size(), 19);
  auto commission = Unit(kCommission);
  ASSERT_TRUE(
      commission->Accept(first.members(0).referral().referral_id()).ok());

  const v1::Distribution again = Distribute(*inspection, request);
  EXPECT_EQ(again.distribution_id(), first.distribution_id());
  ASSERT_EQ(again.members_size(), 19);
  for (int i = 0; i < 19; ++i) {
    EXPECT_EQ(again.members(i).referral().referral_id(),
              first.members(i).referral().referral_id())
        << recipients[i];
  }
  EXPECT_EQ(again.members(0).referral().state(), v1::REFERRAL_STATE_ACCEPTED)
      << "a retry answers with the distribution as it is now";
  EXPECT_EQ(Counts(again.progress()),
            "recipients=19 delivered=1 accepted=1 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");

  // 19 inbox entries in all, not 38.
  size_t entries = 0;
  for (const std::string& recipient : recipients) {
    const std::vector<v1::InboxEntry> inbox = Unit(recipient)->Peek();
    EXPECT_EQ(inbox.size(), 1u) << recipient;
    entries += inbox.size();
  }
  EXPECT_EQ(entries, 19u);
  EXPECT_EQ(inspection->Sent().size(), 19u);
  EXPECT_EQ(inspection->DistributionIds(),
            std::vector<std::string>{first.distribution_id()});

  // The same id for other recipients.
  v1::SubmitDistributionRequest other = request;
  other.mutable_recipient_agency_ids()->RemoveLast();
  v1::Distribution out;
  grpc::Status status = inspection->Distribute(other, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_EQ(inspection->Sent().size(), 19u);
  EXPECT_EQ(inspection->DistributionIds().size(), 1u);
}

// The sender follows a distribution; its recipients (the supervising
// commission among them), strangers, administrators and auditors do not.
// A distribution that does not exist gets the same answer as another's.
TEST_F(DistributionE2eTest, OnlyTheSenderFollowsADistribution) {
  auto inspection = Unit(kInspection);
  const std::vector<std::string> recipients = CaseTenRecipients();
  const std::string id =
      Distribute(*inspection, Notice("case10-followed", recipients))
          .distribution_id();
  ASSERT_FALSE(id.empty());
  const std::string missing = "demo-0000099999";

  for (const std::string& party :
       {std::string(kCommission), std::string(kOrganization), recipients[7],
        std::string(kAudit), std::string(kStationed)}) {
    auto unit = Unit(party);
    v1::Distribution out;
    const grpc::Status theirs = unit->GetDistribution(id, &out);
    EXPECT_EQ(theirs.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << party << ": " << theirs.error_message();
    EXPECT_EQ(out.members_size(), 0) << party;
    const grpc::Status none = unit->GetDistribution(missing, &out);
    EXPECT_EQ(none.error_code(), grpc::StatusCode::PERMISSION_DENIED) << party;
    EXPECT_EQ(absl::StrReplaceAll(theirs.error_message(), {{id, "<id>"}}),
              absl::StrReplaceAll(none.error_message(), {{missing, "<id>"}}))
        << party;
    EXPECT_TRUE(unit->DistributionIds().empty()) << party << " sent none";
  }
  v1::Distribution out;
  EXPECT_EQ(inspection->GetDistribution(missing, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(inspection->GetDistribution("", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // The distribution service is for agencies.
  for (const char* operator_name : {kAdmin, kAuditor}) {
    auto stub = v1::DistributionService::NewStub(hub_->Channel(operator_name));
    v1::GetDistributionRequest get;
    get.set_distribution_id(id);
    grpc::Status status = stub->GetDistribution(Context().get(), get, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << operator_name << ": " << status.error_message();
    v1::ListDistributionsResponse listed;
    status = stub->ListDistributions(Context().get(),
                                     v1::ListDistributionsRequest(), &listed);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << operator_name;
    EXPECT_EQ(listed.distributions_size(), 0) << operator_name;
  }
  EXPECT_EQ(Fetch(*inspection, id).members_size(), 19);
}

// ListDistributions: the caller's own, newest first, in pages, with their
// progress but without members.
TEST_F(DistributionE2eTest, DistributionsAreListedNewestFirstInPages) {
  auto inspection = Unit(kInspection);
  const std::vector<std::string> recipients = CaseTenRecipients();
  const std::string all =
      Distribute(*inspection, Notice("case10-all-units", recipients))
          .distribution_id();
  const v1::Distribution to_two =
      Distribute(*inspection, Notice("case10-two", {kCommission, kOrganization},
                                     v1::REFERRAL_KIND_LEAD));
  const std::string two = to_two.distribution_id();
  const std::vector<std::string> five(recipients.begin() + 2,
                                      recipients.begin() + 7);
  const std::string last =
      Distribute(*inspection, Notice("case10-five", five)).distribution_id();
  ASSERT_FALSE(all.empty());
  ASSERT_FALSE(two.empty());
  ASSERT_FALSE(last.empty());
  ASSERT_EQ(to_two.members_size(), 2);
  auto commission = Unit(kCommission);
  ASSERT_TRUE(
      commission->Accept(to_two.members(0).referral().referral_id()).ok());
  // The commission's own distribution (to the stationed groups) is not the
  // office's.
  v1::SubmitDistributionRequest own =
      Notice("commission-own", {"stationed-education", "stationed-housing"},
             v1::REFERRAL_KIND_LEAD);
  v1::Distribution commission_own;
  grpc::Status status = commission->Distribute(own, &commission_own);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::ListDistributionsResponse page;
  status = inspection->ListDistributions(2, "", &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.distributions_size(), 2);
  EXPECT_EQ(page.distributions(0).distribution_id(), last);
  EXPECT_EQ(page.distributions(1).distribution_id(), two);
  EXPECT_FALSE(page.next_page_token().empty());
  EXPECT_EQ(page.distributions(0).progress().recipients(), 5u);
  EXPECT_EQ(page.distributions(0).kind(), v1::REFERRAL_KIND_PROBLEM_LIST);
  EXPECT_EQ(Counts(page.distributions(1).progress()),
            "recipients=2 delivered=1 accepted=1 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");
  EXPECT_EQ(page.distributions(1).kind(), v1::REFERRAL_KIND_LEAD);
  for (const v1::Distribution& listed : page.distributions()) {
    EXPECT_EQ(listed.members_size(), 0) << "listings come without members";
    EXPECT_EQ(listed.sender_agency_id(), kInspection);
  }
  const std::string token = page.next_page_token();
  page.Clear();
  status = inspection->ListDistributions(2, token, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.distributions_size(), 1);
  EXPECT_EQ(page.distributions(0).distribution_id(), all);
  EXPECT_EQ(page.distributions(0).progress().recipients(), 19u);
  EXPECT_TRUE(page.next_page_token().empty());

  EXPECT_EQ(inspection->DistributionIds(),
            (std::vector<std::string>{last, two, all}));
  EXPECT_EQ(commission->DistributionIds(),
            std::vector<std::string>{commission_own.distribution_id()});
  EXPECT_EQ(inspection->ListDistributions(101, "", &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A problem list distributed with rectification items: every unit
// rectifies its own copy, on its own ledger; what one unit reports, and
// what the office verifies or rejects there, leaves the others' alone.
TEST_F(DistributionE2eTest, EachRecipientOfAProblemListKeepsItsOwnLedger) {
  auto inspection = Unit(kInspection);
  const std::vector<std::string> units = {kCommission, kOrganization,
                                          kAddedUnits[0].id};
  v1::SubmitDistributionRequest request = Notice("case10-ledgers", units);
  for (const v1::RectificationItemDraft& item : SectorItems()) {
    *request.add_rectification_items() = item;
  }
  const v1::Distribution sent = Distribute(*inspection, request);
  ASSERT_EQ(sent.members_size(), 3);
  std::vector<std::string> ids;
  for (const v1::DistributionMember& member : sent.members()) {
    EXPECT_EQ(Counts(member.referral().rectification()),
              "total=3 in_progress=3 awaiting=0 verified=0 rejections=0 "
              "rounds=1")
        << member.recipient_agency_id();
    ids.push_back(member.referral().referral_id());
  }
  auto first = Unit(units[0]);
  auto second = Unit(units[1]);
  auto third = Unit(units[2]);
  const std::vector<v1::InboxEntry> delivered = third->Peek();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].referral().rectification().total(), 3u);

  // The first unit rectifies item 1, which the office verifies; the second
  // reports item 2, which the office rejects; the office adds a fourth
  // item to the first unit's list only; the third has not started.
  ASSERT_TRUE(first->Accept(ids[0]).ok());
  ASSERT_TRUE(first->Report(ids[0], 1).ok());
  ASSERT_TRUE(
      inspection->Verify(ids[0], 1, v1::RECTIFICATION_VERDICT_ACCEPT).ok());
  ASSERT_TRUE(second->Accept(ids[1]).ok());
  ASSERT_TRUE(second->Report(ids[1], 2).ok());
  ASSERT_TRUE(
      inspection->Verify(ids[1], 2, v1::RECTIFICATION_VERDICT_REJECT).ok());
  ASSERT_TRUE(inspection
                  ->Add(ids[0], Draft("巡察整改“回头看”",
                                      "招投标专项检查发现问题未建立整改台账",
                                      {"建立整改台账并逐项销号"}))
                  .ok());
  // Nobody reports on another unit's copy or reads it.
  EXPECT_EQ(second->Report(ids[0], 2).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListRectificationItemsResponse foreign;
  EXPECT_EQ(third->Items(ids[1], &foreign).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(foreign.items_size(), 0);

  using S = v1::RectificationStatus;
  const S kInProgress = v1::RECTIFICATION_STATUS_IN_PROGRESS;
  const S kVerified = v1::RECTIFICATION_STATUS_VERIFIED;
  const std::vector<std::vector<S>> statuses = {
      {kVerified, kInProgress, kInProgress, kInProgress},
      {kInProgress, kInProgress, kInProgress},
      {kInProgress, kInProgress, kInProgress}};
  const std::vector<std::string> summaries = {
      "total=4 in_progress=3 awaiting=0 verified=1 rejections=0 rounds=2",
      "total=3 in_progress=3 awaiting=0 verified=0 rejections=1 rounds=1",
      "total=3 in_progress=3 awaiting=0 verified=0 rejections=0 rounds=1"};
  const std::vector<std::vector<size_t>> history_sizes = {
      {3, 1, 1, 1}, {1, 3, 1}, {1, 1, 1}};
  UnitClient* recipients[] = {first.get(), second.get(), third.get()};
  for (size_t u = 0; u < units.size(); ++u) {
    SCOPED_TRACE(units[u]);
    // The unit and the office read the same ledger.
    for (UnitClient* reader : {recipients[u], inspection.get()}) {
      v1::ListRectificationItemsResponse ledger;
      grpc::Status status = reader->Items(ids[u], &ledger);
      ASSERT_TRUE(status.ok())
          << reader->agency() << ": " << status.error_message();
      EXPECT_EQ(Counts(ledger.summary()), summaries[u]) << reader->agency();
      ASSERT_EQ(ledger.items_size(), static_cast<int>(statuses[u].size()));
      for (int i = 0; i < ledger.items_size(); ++i) {
        const v1::RectificationItem& item = ledger.items(i);
        EXPECT_EQ(item.number(), static_cast<uint32_t>(i + 1));
        EXPECT_EQ(item.status(), statuses[u][i]) << "item " << i + 1;
        EXPECT_EQ(static_cast<size_t>(item.history_size()), history_sizes[u][i])
            << "item " << i + 1;
        if (i < 3) {
          EXPECT_EQ(item.problem(), SectorItems()[i].problem());
        }
      }
    }
  }
  // The distribution shows each member's ledger as it stands.
  const v1::Distribution now = Fetch(*inspection, sent.distribution_id());
  ASSERT_EQ(now.members_size(), 3);
  for (size_t u = 0; u < units.size(); ++u) {
    EXPECT_EQ(Counts(now.members(u).referral().rectification()), summaries[u])
        << units[u];
  }
  EXPECT_EQ(Counts(now.progress()),
            "recipients=3 delivered=2 accepted=2 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");
}

}  // namespace
}  // namespace sx::testing
