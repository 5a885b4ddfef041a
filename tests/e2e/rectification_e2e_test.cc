// End-to-end tests of the rectification ledger (整改台账) of problem lists:
// the real sxhub binary on loopback, real certificates from deploy/dev-pki.sh,
// plain generated ExchangeService and RectificationService stubs as clients.
// The scenarios are cases 3 (巡察反馈, 对账销号) and 6 (outcome figures) of
// docs/CASES.md; the contract is proto/supervision/v1/rectification.proto.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/rectification.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;
using ::google::protobuf::Timestamp;

// The example config's routes let the inspection office send problem lists
// to the organization department, which plays the inspected unit of case 3.
// The commission is no party to those lists but a supervising agency.
constexpr char kInspection[] = "inspection-office";
constexpr char kOrganization[] = "organization-dept";
constexpr char kCommission[] = "discipline-commission";
constexpr char kAudit[] = "audit-bureau";
constexpr char kStationed[] = "stationed-education";

Timestamp DaysFromNow(int days) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  Timestamp time;
  time.set_seconds(now.count() + int64_t{days} * 24 * 60 * 60);
  return time;
}

bool SameTime(const Timestamp& a, const Timestamp& b) {
  return a.seconds() == b.seconds() && a.nanos() == b.nanos();
}

// Case 3 of docs/CASES.md: one round of inspection fed back to the inspected
// unit as a problem list.
v1::Lead InspectionFeedbackLead() {
  v1::Lead lead;
  lead.set_subject("市委组织部");
  lead.set_subject_organization("市委组织部部务会");
  lead.set_category("巡察反馈问题");
  lead.set_summary(
      "市委第二巡察组对市委组织部开展常规巡察，发现5大类11项问题，请制定整改"
      "措施、明确责任单位和完成时限，逐项整改、对账销号");
  lead.set_source("常规巡察");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::RectificationItemDraft Draft(const std::string& category,
                                 const std::string& problem,
                                 const std::vector<std::string>& measures,
                                 const std::string& responsible_unit) {
  v1::RectificationItemDraft draft;
  draft.set_category(category);
  draft.set_problem(problem);
  for (const std::string& measure : measures) draft.add_measures(measure);
  draft.set_responsible_unit(responsible_unit);
  return draft;
}

// "5大类11项问题, 制定整改措施32项": the findings of case 3, each with its
// measures and responsible unit. Items 4 and 5 (money) are due in 15 days;
// the others default to the referral's feedback deadline.
std::vector<v1::RectificationItemDraft> CaseThreeItems() {
  constexpr char kPolicy[] = "贯彻落实党中央决策部署不到位";
  constexpr char kDuty[] = "落实全面从严治党责任不力";
  constexpr char kCadres[] = "落实新时代党的组织路线有差距";
  constexpr char kStyle[] = "形式主义官僚主义问题仍然存在";
  constexpr char kFollowUp[] = "巡察审计整改不彻底";
  std::vector<v1::RectificationItemDraft> items = {
      Draft(kPolicy, "理论学习中心组学习流于形式，学用结合不紧",
            {"修订理论学习中心组学习制度", "每季度开展一次专题研讨",
             "将学习情况纳入班子成员年度述职"},
            "办公室"),
      Draft(kPolicy, "推进基层党组织标准化建设不力，软弱涣散党组织整顿进度滞后",
            {"建立软弱涣散党组织整顿台账", "实行县级领导干部包联整顿制度",
             "开展整顿成效验收"},
            "组织一科"),
      Draft(kDuty, "主体责任压得不实，班子成员履行“一岗双责”不到位",
            {"制定落实全面从严治党主体责任清单",
             "班子成员每半年听取分管科室党风廉政建设情况汇报",
             "开展廉政谈话全覆盖"},
            "机关党委"),
      Draft(kDuty, "以加班费名义违规发放工作补贴8.6万元",
            {"全面清理2022年以来发放的各类津贴补贴", "违规发放款项全额清退",
             "修订津贴补贴发放管理办法"},
            "办公室"),
      Draft(kDuty, "公务接待管理不规范，存在无公函接待、超标准接待",
            {"逐笔核查2022年以来公务接待台账", "超标准部分由责任人退赔",
             "严格执行公函和接待清单制度"},
            "办公室"),
      Draft(kCadres, "干部人事档案管理不规范，“三龄二历一身份”审核把关不严",
            {"开展干部人事档案专项审核", "对审核发现的问题逐人认定、限期补正",
             "建立档案材料收集归档常态化机制"},
            "干部档案室"),
      Draft(kCadres,
            "选人用人程序执行不严，个别干部提拔前未征求纪检监察机关意见",
            {"对2021年以来提拔任用的干部逐一复查程序",
             "严格落实党风廉政意见回复制度", "对相关责任人进行批评教育"},
            "干部一科"),
      Draft(kCadres, "干部日常监督偏松，领导干部个人有关事项报告抽查核实不到位",
            {"按规定比例开展个人有关事项报告随机抽查",
             "对查核结果不一致的严肃处理", "建立干部监督信息共享机制"},
            "干部监督科"),
      Draft(kStyle, "督查检查考核过多过频，基层负担较重",
            {"清理精简督查检查考核事项", "推行年度考核一次性实施",
             "建立基层减负监测点"},
            "考核办"),
      Draft(kStyle, "调查研究不深入，基层反映的干部培训需求回应不及时",
            {"班子成员每年蹲点调研不少于两次",
             "建立基层意见建议办理台账并限时回复"},
            "干部教育科"),
      Draft(kFollowUp, "上轮巡察反馈问题整改不彻底，长效机制建设滞后",
            {"对上轮巡察反馈问题逐项开展“回头看”", "建立整改长效机制清单",
             "每半年评估一次长效机制运行情况"},
            "部务会"),
  };
  *items[3].mutable_due_at() = DaysFromNow(15);
  *items[4].mutable_due_at() = DaysFromNow(15);
  return items;
}

// Case 6 of docs/CASES.md: leads drawn from a big-data check of
// public-welfare jobs.
v1::Lead WelfareJobsLead() {
  v1::Lead lead;
  lead.set_subject("城乡公益性岗位补贴发放");
  lead.set_subject_organization("县人力资源和社会保障局");
  lead.set_category("大数据比对发现问题线索");
  lead.set_summary(
      "将城乡公益性岗位人员信息与财政供养、工商登记、死亡人口等数据比对，发现"
      "104条疑似违规领取公益岗补贴的问题线索");
  lead.set_source("大数据比对");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// What case 6's leads came to: 36 立案, 37 处分 (the other figures are made
// up for the test).
v1::FeedbackOutcome CaseSixOutcome() {
  v1::FeedbackOutcome outcome;
  outcome.set_persons_case_filed(36);
  outcome.set_persons_disciplined(37);
  outcome.set_persons_organisational_measures(12);
  outcome.set_persons_transferred_judicial(2);
  outcome.set_amount_recovered_fen(156'240'000);  // 156.24万元
  outcome.set_problems_rectified(58);
  return outcome;
}

// Requests for the ledger calls; request ids are filled in by ListParty
// unless a test sets one.
v1::AddRectificationItemsRequest AddItems(
    const std::string& id,
    const std::vector<v1::RectificationItemDraft>& items) {
  v1::AddRectificationItemsRequest request;
  request.set_referral_id(id);
  for (const auto& item : items) *request.add_items() = item;
  return request;
}

v1::ReportRectificationRequest ReportOf(const std::string& id, uint32_t number,
                                        v1::RectificationReportKind kind,
                                        const std::string& text) {
  v1::ReportRectificationRequest request;
  request.set_referral_id(id);
  request.set_item_number(number);
  request.set_kind(kind);
  request.set_text(text);
  return request;
}

v1::ReportRectificationRequest DoneReport(const std::string& id,
                                          uint32_t number) {
  return ReportOf(id, number, v1::RECTIFICATION_REPORT_KIND_DONE,
                  absl::StrCat("第", number, "项问题已按整改措施整改到位"));
}

v1::ReportRectificationRequest ProgressReport(const std::string& id,
                                              uint32_t number) {
  return ReportOf(id, number, v1::RECTIFICATION_REPORT_KIND_PROGRESS,
                  "已制定整改方案，正在逐项落实");
}

v1::ReportRectificationRequest LongTermReport(const std::string& id,
                                              uint32_t number,
                                              const Timestamp& review_at) {
  v1::ReportRectificationRequest request =
      ReportOf(id, number, v1::RECTIFICATION_REPORT_KIND_LONG_TERM,
               "长效机制已建立，需长期坚持并定期评估");
  *request.mutable_review_at() = review_at;
  return request;
}

v1::VerifyRectificationRequest Verdict(const std::string& id, uint32_t number,
                                       v1::RectificationVerdict verdict,
                                       const std::string& reason) {
  v1::VerifyRectificationRequest request;
  request.set_referral_id(id);
  request.set_item_number(number);
  request.set_verdict(verdict);
  request.set_reason(reason);
  return request;
}

v1::VerifyRectificationRequest Acceptance(const std::string& id,
                                          uint32_t number) {
  return Verdict(id, number, v1::RECTIFICATION_VERDICT_ACCEPT, "");
}

v1::VerifyRectificationRequest Rejection(const std::string& id, uint32_t number,
                                         const std::string& reason) {
  return Verdict(id, number, v1::RECTIFICATION_VERDICT_REJECT, reason);
}

// One agency's calls on problem lists, through its own certificate: the
// exchange steps around a ledger and the RectificationService calls.
class ListParty {
 public:
  ListParty(const HubProcess& hub, const std::string& agency)
      : agency_(agency),
        channel_(hub.Channel(agency)),
        exchange_(v1::ExchangeService::NewStub(channel_)),
        ledger_(v1::RectificationService::NewStub(channel_)) {}

  grpc::Status Submit(const std::string& recipient, v1::ReferralKind kind,
                      const v1::Lead& lead,
                      const std::vector<v1::RectificationItemDraft>& items,
                      v1::Referral* out) {
    v1::SubmitReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_recipient_agency_id(recipient);
    request.set_kind(kind);
    *request.mutable_lead() = lead;
    for (const auto& item : items) *request.add_rectification_items() = item;
    return exchange_->SubmitReferral(Context().get(), request, out);
  }

  grpc::Status Get(const std::string& id, v1::Referral* out) {
    v1::GetReferralRequest request;
    request.set_referral_id(id);
    return exchange_->GetReferral(Context().get(), request, out);
  }

  // How many referrals this agency sent.
  int CountSent() {
    v1::ListReferralsRequest request;
    request.set_role(v1::PARTY_ROLE_SENDER);
    request.set_page_size(500);
    v1::ListReferralsResponse response;
    grpc::Status status =
        exchange_->ListReferrals(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.referrals_size();
  }

  grpc::Status Accept(const std::string& id) {
    v1::AcceptReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->AcceptReferral(Context().get(), request, &ignored);
  }

  grpc::Status Dispose(const std::string& id, v1::DispositionMethod method) {
    v1::RecordDispositionRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_method(method);
    v1::Referral ignored;
    return exchange_->RecordDisposition(Context().get(), request, &ignored);
  }

  grpc::Status Feedback(
      const std::string& id, v1::FeedbackKind kind, const std::string& text,
      const v1::FeedbackOutcome& outcome = v1::FeedbackOutcome()) {
    v1::SendFeedbackRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.mutable_feedback()->set_kind(kind);
    request.mutable_feedback()->set_text(text);
    if (outcome.ByteSizeLong() > 0) {
      *request.mutable_feedback()->mutable_outcome() = outcome;
    }
    v1::Referral ignored;
    return exchange_->SendFeedback(Context().get(), request, &ignored);
  }

  grpc::Status Close(const std::string& id, v1::Referral* out = nullptr) {
    v1::CloseReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->CloseReferral(Context().get(), request,
                                    out ? out : &ignored);
  }

  // Every unacknowledged entry of this agency's inbox, without taking
  // delivery.
  std::vector<v1::InboxEntry> Peek() {
    std::vector<v1::InboxEntry> entries;
    v1::PeekInboxRequest request;
    for (int page = 0; page < 100; ++page) {
      v1::PeekInboxResponse response;
      grpc::Status status =
          exchange_->PeekInbox(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      entries.insert(entries.end(), response.entries().begin(),
                     response.entries().end());
      if (!status.ok() || response.next_after_sequence() == 0) break;
      request.set_after_sequence(response.next_after_sequence());
    }
    return entries;
  }

  grpc::Status Add(v1::AddRectificationItemsRequest request,
                   v1::RectificationStepResponse* out = nullptr) {
    if (request.request_id().empty()) request.set_request_id(NextRequestId());
    v1::RectificationStepResponse ignored;
    return ledger_->AddRectificationItems(Context().get(), request,
                                          out ? out : &ignored);
  }

  grpc::Status Report(v1::ReportRectificationRequest request,
                      v1::RectificationStepResponse* out = nullptr) {
    if (request.request_id().empty()) request.set_request_id(NextRequestId());
    v1::RectificationStepResponse ignored;
    return ledger_->ReportRectification(Context().get(), request,
                                        out ? out : &ignored);
  }

  grpc::Status Verify(v1::VerifyRectificationRequest request,
                      v1::RectificationStepResponse* out = nullptr) {
    if (request.request_id().empty()) request.set_request_id(NextRequestId());
    v1::RectificationStepResponse ignored;
    return ledger_->VerifyRectification(Context().get(), request,
                                        out ? out : &ignored);
  }

  grpc::Status List(const v1::ListRectificationItemsRequest& request,
                    v1::ListRectificationItemsResponse* out) {
    return ledger_->ListRectificationItems(Context().get(), request, out);
  }

 private:
  std::string NextRequestId() {
    static std::atomic<int> counter{0};
    return absl::StrCat(agency_, "-ledger-", ++counter);
  }

  const std::string agency_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ExchangeService::Stub> exchange_;
  std::unique_ptr<v1::RectificationService::Stub> ledger_;
};

// The ledger's counts in one line, so that a mismatch shows all of them.
std::string Counts(const v1::RectificationSummary& summary) {
  return absl::StrCat(
      "total=", summary.total(), " in_progress=", summary.in_progress(),
      " awaiting=", summary.awaiting_verification(),
      " verified=", summary.verified(), " long_term=", summary.long_term(),
      " overdue=", summary.overdue(), " rejections=", summary.rejections(),
      " rounds=", summary.rounds());
}

template <typename Items>
std::vector<uint32_t> NumbersOf(const Items& items) {
  std::vector<uint32_t> numbers;
  for (const v1::RectificationItem& item : items) {
    numbers.push_back(item.number());
  }
  return numbers;
}

std::vector<uint32_t> Range(uint32_t first, uint32_t last) {
  std::vector<uint32_t> numbers;
  for (uint32_t n = first; n <= last; ++n) numbers.push_back(n);
  return numbers;
}

std::vector<v1::RectificationStep> StepsOf(const v1::RectificationItem& item) {
  std::vector<v1::RectificationStep> steps;
  for (const v1::RectificationUpdate& update : item.history()) {
    steps.push_back(update.step());
  }
  return steps;
}

bool SameItems(const std::vector<v1::RectificationItem>& a,
               const std::vector<v1::RectificationItem>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].SerializeAsString() != b[i].SerializeAsString()) return false;
  }
  return true;
}

// An inbox entry as "RECTIFICATION_REPORTED 7": the event type and, for
// ledger steps, the items it names.
std::string Heard(v1::EventType type, const std::vector<uint32_t>& items) {
  std::string heard(absl::StripPrefix(v1::EventType_Name(type), "EVENT_TYPE_"));
  if (!items.empty()) absl::StrAppend(&heard, " ", absl::StrJoin(items, ","));
  return heard;
}

std::string Heard(v1::EventType type, uint32_t item) {
  return Heard(type, std::vector<uint32_t>{item});
}

std::string Heard(v1::EventType type) {
  return Heard(type, std::vector<uint32_t>{});
}

std::vector<std::string> HeardAll(const std::vector<v1::InboxEntry>& entries) {
  std::vector<std::string> heard;
  for (const v1::InboxEntry& entry : entries) {
    const v1::EventType type = entry.event().type();
    const bool ledger_step = type >= v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED &&
                             type <= v1::EVENT_TYPE_RECTIFICATION_OVERDUE;
    heard.push_back(Heard(
        type, ledger_step
                  ? std::vector<uint32_t>(entry.event().item_numbers().begin(),
                                          entry.event().item_numbers().end())
                  : std::vector<uint32_t>{}));
  }
  return heard;
}

// A ledger step succeeded, raised the referral's version by one and changed
// exactly item `number`, which now has `status`. Advances `version`.
::testing::AssertionResult StepChanged(
    const grpc::Status& status, const v1::RectificationStepResponse& step,
    uint32_t number, v1::RectificationStatus item_status, int64_t* version) {
  if (!status.ok()) {
    return ::testing::AssertionFailure()
           << "item " << number << ": status " << status.error_code() << " "
           << status.error_message();
  }
  if (step.referral().version() != *version + 1) {
    return ::testing::AssertionFailure()
           << "item " << number << ": version " << step.referral().version()
           << " after " << *version;
  }
  if (NumbersOf(step.items()) != std::vector<uint32_t>{number}) {
    return ::testing::AssertionFailure()
           << "item " << number << ": the reply names items "
           << absl::StrJoin(NumbersOf(step.items()), ",");
  }
  if (step.items(0).status() != item_status) {
    return ::testing::AssertionFailure()
           << "item " << number << " is "
           << v1::RectificationStatus_Name(step.items(0).status())
           << ", expected " << v1::RectificationStatus_Name(item_status);
  }
  if (step.items(0).history().empty() ||
      step.items(0).history().rbegin()->status() != item_status) {
    return ::testing::AssertionFailure()
           << "item " << number << ": the last history entry does not say "
           << v1::RectificationStatus_Name(item_status);
  }
  *version = step.referral().version();
  return ::testing::AssertionSuccess();
}

class RectificationE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::unique_ptr<ListParty> Party(const std::string& agency) {
    return std::make_unique<ListParty>(*hub_, agency);
  }

  // Sends a problem list of `items` from the inspection office to the
  // organization department.
  v1::Referral SubmitList(
      ListParty& inspection,
      const std::vector<v1::RectificationItemDraft>& items) {
    v1::Referral referral;
    grpc::Status status =
        inspection.Submit(kOrganization, v1::REFERRAL_KIND_PROBLEM_LIST,
                          InspectionFeedbackLead(), items, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral;
  }

  v1::Referral Fetch(ListParty& party, const std::string& id) {
    v1::Referral referral;
    grpc::Status status = party.Get(id, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral;
  }

  // Every item of the list in number order, read page by page.
  std::vector<v1::RectificationItem> AllItems(ListParty& party,
                                              const std::string& id) {
    std::vector<v1::RectificationItem> items;
    v1::ListRectificationItemsRequest request;
    request.set_referral_id(id);
    request.set_include_history(true);
    for (int page = 0; page < 100; ++page) {
      v1::ListRectificationItemsResponse response;
      grpc::Status status = party.List(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      items.insert(items.end(), response.items().begin(),
                   response.items().end());
      if (!status.ok() || response.next_after_number() == 0) break;
      request.set_after_number(response.next_after_number());
    }
    return items;
  }

  // 签收 and 处置 by the recipient: reports need the first, final feedback
  // the second. The DispositionMethod values are those of a lead; a problem
  // list takes 初步核实 here.
  void AcceptAndDispose(ListParty& recipient, const std::string& id) {
    grpc::Status status = recipient.Accept(id);
    ASSERT_TRUE(status.ok()) << status.error_message();
    status =
        recipient.Dispose(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::unique_ptr<HubProcess> hub_;
};

// Case 3 of docs/CASES.md played in full: 5大类11项问题 fed back, 签收, 处置,
// every item reported and verified (one rejected once), one accepted as
// 长期坚持, the list closed (销号) only once all are settled.
TEST_F(RectificationE2eTest,
       InspectionFeedbackIsRectifiedItemByItemThenClosed) {
  auto inspection = Party(kInspection);
  auto organization = Party(kOrganization);
  const std::vector<v1::RectificationItemDraft> drafts = CaseThreeItems();

  // 移送 with the first round of items.
  const v1::Referral submitted = SubmitList(*inspection, drafts);
  const std::string id = submitted.referral_id();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(submitted.kind(), v1::REFERRAL_KIND_PROBLEM_LIST);
  EXPECT_EQ(Counts(submitted.rectification()),
            "total=11 in_progress=11 awaiting=0 verified=0 long_term=0 "
            "overdue=0 rejections=0 rounds=1");

  // Numbered 1..11 in order, 整改中, round 1, each with one ADDED entry.
  const v1::Referral as_sent = Fetch(*inspection, id);
  std::vector<v1::RectificationItem> items = AllItems(*inspection, id);
  ASSERT_EQ(items.size(), drafts.size());
  size_t measures = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const v1::RectificationItem& item = items[i];
    const v1::RectificationItemDraft& draft = drafts[i];
    SCOPED_TRACE(absl::StrCat("item ", i + 1));
    EXPECT_EQ(item.number(), i + 1);
    EXPECT_EQ(item.category(), draft.category());
    EXPECT_EQ(item.problem(), draft.problem());
    EXPECT_EQ(std::vector<std::string>(item.measures().begin(),
                                       item.measures().end()),
              std::vector<std::string>(draft.measures().begin(),
                                       draft.measures().end()));
    EXPECT_EQ(item.responsible_unit(), draft.responsible_unit());
    EXPECT_TRUE(SameTime(item.due_at(), draft.has_due_at()
                                            ? draft.due_at()
                                            : as_sent.feedback_due_at()))
        << "due_at " << item.due_at().seconds() << ", feedback due "
        << as_sent.feedback_due_at().seconds();
    EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
    EXPECT_EQ(item.round(), 1u);
    EXPECT_EQ(item.rejections(), 0u);
    EXPECT_FALSE(item.overdue());
    ASSERT_EQ(item.history_size(), 1);
    EXPECT_EQ(item.history(0).step(), v1::RECTIFICATION_STEP_ADDED);
    EXPECT_EQ(item.history(0).status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
    EXPECT_EQ(item.history(0).actor(), kInspection);
    measures += item.measures_size();
  }
  EXPECT_EQ(measures, 32u) << "制定整改措施32项";

  // The unit's inbox has the list, with its ledger's counts.
  std::vector<v1::InboxEntry> delivered = organization->Peek();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].event().type(), v1::EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(delivered[0].referral().rectification().total(), 11u);

  ASSERT_NO_FATAL_FAILURE(AcceptAndDispose(*organization, id));
  int64_t version = Fetch(*inspection, id).version();
  std::vector<std::string> sender_heard = {
      Heard(v1::EVENT_TYPE_ACCEPTED),
      Heard(v1::EVENT_TYPE_DISPOSITION_RECORDED)};
  std::vector<std::string> recipient_heard = {Heard(v1::EVENT_TYPE_SUBMITTED)};

  // Items 1-10 reported done; item 1 with evidence (整改佐证材料).
  v1::RectificationStepResponse step;
  for (uint32_t n = 1; n <= 10; ++n) {
    v1::ReportRectificationRequest report = DoneReport(id, n);
    if (n == 1) {
      v1::Attachment* evidence = report.add_evidence();
      evidence->set_name("理论学习中心组学习制度（修订）.pdf");
      evidence->set_media_type("application/pdf");
      evidence->set_content("%PDF-1.4 学习制度");
    }
    ASSERT_TRUE(StepChanged(organization->Report(report, &step), step, n,
                            v1::RECTIFICATION_STATUS_REPORTED_DONE, &version));
    EXPECT_EQ(step.referral().rectification().awaiting_verification(), n);
    EXPECT_EQ(step.referral().rectification().in_progress(), 11 - n);
    sender_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_REPORTED, n));
    if (n == 1) {
      const v1::RectificationUpdate& last = *step.items(0).history().rbegin();
      EXPECT_EQ(last.step(), v1::RECTIFICATION_STEP_REPORTED_DONE);
      EXPECT_EQ(last.actor(), kOrganization);
      EXPECT_EQ(last.text(), report.text());
      ASSERT_EQ(last.evidence_size(), 1);
      EXPECT_EQ(last.evidence(0).name(), "理论学习中心组学习制度（修订）.pdf");
      EXPECT_EQ(last.evidence(0).sha256_hex().size(), 64u);
      EXPECT_TRUE(last.evidence(0).content().empty())
          << "step replies carry evidence without contents";
    }
  }
  // Item 11 needs longer: progress first, which keeps it 整改中.
  ASSERT_TRUE(StepChanged(organization->Report(ProgressReport(id, 11), &step),
                          step, 11, v1::RECTIFICATION_STATUS_IN_PROGRESS,
                          &version));
  EXPECT_EQ(StepsOf(step.items(0)), (std::vector<v1::RectificationStep>{
                                        v1::RECTIFICATION_STEP_ADDED,
                                        v1::RECTIFICATION_STEP_PROGRESS}));
  sender_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_REPORTED, 11));

  // The office verifies 1-10 but finds item 7's report wanting (未通过).
  constexpr char kReason[] =
      "未提供提拔干部任前征求纪检监察机关意见的书面回复材料";
  for (uint32_t n = 1; n <= 10; ++n) {
    if (n == 7) {
      ASSERT_TRUE(
          StepChanged(inspection->Verify(Rejection(id, 7, kReason), &step),
                      step, 7, v1::RECTIFICATION_STATUS_IN_PROGRESS, &version));
      EXPECT_EQ(step.items(0).rejections(), 1u);
      EXPECT_EQ(step.items(0).history().rbegin()->step(),
                v1::RECTIFICATION_STEP_REJECTED);
      EXPECT_EQ(step.items(0).history().rbegin()->text(), kReason);
      recipient_heard.push_back(
          Heard(v1::EVENT_TYPE_RECTIFICATION_REJECTED, 7));
      continue;
    }
    ASSERT_TRUE(StepChanged(inspection->Verify(Acceptance(id, n), &step), step,
                            n, v1::RECTIFICATION_STATUS_VERIFIED, &version));
    recipient_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_VERIFIED, n));
  }
  EXPECT_EQ(Counts(step.referral().rectification()),
            "total=11 in_progress=2 awaiting=0 verified=9 long_term=0 "
            "overdue=0 rejections=1 rounds=1");

  // 结果反馈 while items 7 and 11 are still open.
  v1::FeedbackOutcome rectified;
  rectified.set_problems_rectified(9);
  grpc::Status status = organization->Feedback(
      id, v1::FEEDBACK_KIND_FINAL,
      "巡察反馈的11项问题已整改完成9项，其余2项正在推进", rectified);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sender_heard.push_back(Heard(v1::EVENT_TYPE_FINAL_FEEDBACK));
  version = Fetch(*inspection, id).version();

  // 销号 is refused while items are open, and the refusal names them.
  grpc::Status early = inspection->Close(id);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << early.error_message();
  EXPECT_NE(early.error_message().find("item 7 "), std::string::npos)
      << early.error_message();
  EXPECT_NE(early.error_message().find("item 11 "), std::string::npos)
      << early.error_message();
  EXPECT_EQ(Fetch(*inspection, id).state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  EXPECT_EQ(Fetch(*inspection, id).version(), version);

  // After final feedback the unit still reports: item 7 again, item 11 as
  // 长期坚持 with a review date half a year on.
  ASSERT_TRUE(StepChanged(organization->Report(DoneReport(id, 7), &step), step,
                          7, v1::RECTIFICATION_STATUS_REPORTED_DONE, &version));
  sender_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_REPORTED, 7));
  const Timestamp review_at = DaysFromNow(180);
  ASSERT_TRUE(StepChanged(
      organization->Report(LongTermReport(id, 11, review_at), &step), step, 11,
      v1::RECTIFICATION_STATUS_REPORTED_LONG_TERM, &version));
  EXPECT_TRUE(SameTime(step.items(0).review_at(), review_at));
  sender_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_REPORTED, 11));
  EXPECT_EQ(Counts(step.referral().rectification()),
            "total=11 in_progress=0 awaiting=2 verified=9 long_term=0 "
            "overdue=0 rejections=1 rounds=1");

  ASSERT_TRUE(StepChanged(inspection->Verify(Acceptance(id, 7), &step), step, 7,
                          v1::RECTIFICATION_STATUS_VERIFIED, &version));
  recipient_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_VERIFIED, 7));
  ASSERT_TRUE(StepChanged(inspection->Verify(Acceptance(id, 11), &step), step,
                          11, v1::RECTIFICATION_STATUS_LONG_TERM, &version));
  recipient_heard.push_back(Heard(v1::EVENT_TYPE_RECTIFICATION_VERIFIED, 11));
  EXPECT_EQ(Counts(step.referral().rectification()),
            "total=11 in_progress=0 awaiting=0 verified=10 long_term=1 "
            "overdue=0 rejections=1 rounds=1");

  // Every item settled: 销号.
  v1::Referral closed;
  status = inspection->Close(id, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(closed.state(), v1::REFERRAL_STATE_CLOSED);
  recipient_heard.push_back(Heard(v1::EVENT_TYPE_CLOSED));

  // Both parties read the same ledger, whose history tells the story.
  const v1::Referral final_view = Fetch(*organization, id);
  EXPECT_EQ(Counts(final_view.rectification()),
            "total=11 in_progress=0 awaiting=0 verified=10 long_term=1 "
            "overdue=0 rejections=1 rounds=1");
  ASSERT_EQ(final_view.feedback_size(), 1);
  EXPECT_EQ(final_view.feedback(0).outcome().problems_rectified(), 9);
  items = AllItems(*organization, id);
  ASSERT_EQ(items.size(), 11u);
  EXPECT_EQ(StepsOf(items[0]), (std::vector<v1::RectificationStep>{
                                   v1::RECTIFICATION_STEP_ADDED,
                                   v1::RECTIFICATION_STEP_REPORTED_DONE,
                                   v1::RECTIFICATION_STEP_VERIFIED}));
  EXPECT_EQ(items[6].status(), v1::RECTIFICATION_STATUS_VERIFIED);
  EXPECT_EQ(items[6].rejections(), 1u);
  EXPECT_EQ(
      StepsOf(items[6]),
      (std::vector<v1::RectificationStep>{
          v1::RECTIFICATION_STEP_ADDED, v1::RECTIFICATION_STEP_REPORTED_DONE,
          v1::RECTIFICATION_STEP_REJECTED, v1::RECTIFICATION_STEP_REPORTED_DONE,
          v1::RECTIFICATION_STEP_VERIFIED}));
  EXPECT_EQ(items[10].status(), v1::RECTIFICATION_STATUS_LONG_TERM);
  EXPECT_TRUE(SameTime(items[10].review_at(), review_at));
  EXPECT_EQ(StepsOf(items[10]),
            (std::vector<v1::RectificationStep>{
                v1::RECTIFICATION_STEP_ADDED, v1::RECTIFICATION_STEP_PROGRESS,
                v1::RECTIFICATION_STEP_REPORTED_LONG_TERM,
                v1::RECTIFICATION_STEP_VERIFIED}));
  for (const v1::RectificationItem& item : items) {
    ASSERT_FALSE(item.history().empty()) << "item " << item.number();
    EXPECT_EQ(item.history().rbegin()->actor(), kInspection)
        << "item " << item.number() << " was settled by the sender";
  }

  // Each side heard of the other's steps, in order, naming the items.
  EXPECT_EQ(HeardAll(inspection->Peek()), sender_heard);
  std::vector<v1::InboxEntry> recipient_inbox = organization->Peek();
  EXPECT_EQ(HeardAll(recipient_inbox), recipient_heard);
  for (const v1::InboxEntry& entry : recipient_inbox) {
    if (entry.event().type() == v1::EVENT_TYPE_RECTIFICATION_REJECTED) {
      EXPECT_EQ(entry.event().reason(), kReason);
    }
  }

  // Closed is the end: no more items, no more reports.
  EXPECT_EQ(inspection->Add(AddItems(id, {drafts[0]})).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(organization->Report(ProgressReport(id, 11)).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Fetch(*inspection, id).version(), closed.version());
}

// A second round (e.g. found in a 回头看) after final feedback: the new items
// are numbered on, the first round's items and history stay as they were,
// and the list cannot be closed until the new items are settled.
TEST_F(RectificationE2eTest, SecondRoundAfterFinalFeedbackHoldsTheClose) {
  auto inspection = Party(kInspection);
  auto organization = Party(kOrganization);
  std::vector<v1::RectificationItemDraft> first_round = CaseThreeItems();
  first_round.resize(3);
  const std::string id = SubmitList(*inspection, first_round).referral_id();
  ASSERT_FALSE(id.empty());
  ASSERT_NO_FATAL_FAILURE(AcceptAndDispose(*organization, id));
  for (uint32_t n = 1; n <= 3; ++n) {
    ASSERT_TRUE(organization->Report(DoneReport(id, n)).ok());
    ASSERT_TRUE(inspection->Verify(Acceptance(id, n)).ok());
  }
  ASSERT_TRUE(organization
                  ->Feedback(id, v1::FEEDBACK_KIND_FINAL,
                             "巡察反馈的3项问题均已整改到位")
                  .ok());
  const std::vector<v1::RectificationItem> first_items =
      AllItems(*inspection, id);
  ASSERT_EQ(first_items.size(), 3u);
  const size_t recipient_entries = organization->Peek().size();
  int64_t version = Fetch(*inspection, id).version();

  // Round 2: two more problems.
  const std::vector<v1::RectificationItemDraft> second_round = {
      Draft("巡察整改“回头看”", "津贴补贴清退后又以误餐补助名义变相发放",
            {"停止发放误餐补助并清退", "对财务负责人进行诫勉谈话"}, "办公室"),
      Draft("巡察整改“回头看”", "干部档案专项审核发现的问题未全部补正",
            {"逐人建立补正清单", "每月通报补正进度"}, "干部档案室"),
  };
  v1::RectificationStepResponse added;
  grpc::Status status = inspection->Add(AddItems(id, second_round), &added);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(added.referral().version(), version + 1);
  version = added.referral().version();
  ASSERT_EQ(NumbersOf(added.items()), (std::vector<uint32_t>{4, 5}));
  for (const v1::RectificationItem& item : added.items()) {
    EXPECT_EQ(item.round(), 2u) << item.number();
    EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_IN_PROGRESS)
        << item.number();
    EXPECT_EQ(
        StepsOf(item),
        (std::vector<v1::RectificationStep>{v1::RECTIFICATION_STEP_ADDED}))
        << item.number();
  }
  EXPECT_EQ(added.items(0).problem(), second_round[0].problem());
  EXPECT_EQ(Counts(added.referral().rectification()),
            "total=5 in_progress=2 awaiting=0 verified=3 long_term=0 "
            "overdue=0 rejections=0 rounds=2");
  EXPECT_EQ(added.referral().state(), v1::REFERRAL_STATE_FEEDBACK_SENT);

  // The unit hears of the new items.
  std::vector<v1::InboxEntry> told = organization->Peek();
  ASSERT_EQ(told.size(), recipient_entries + 1);
  EXPECT_EQ(HeardAll({told.back()}),
            (std::vector<std::string>{
                Heard(v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED, {4, 5})}));
  EXPECT_EQ(told.back().event().actor(), kInspection);

  // 销号 waits for them.
  grpc::Status early = inspection->Close(id);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << early.error_message();
  EXPECT_NE(early.error_message().find("item 4 "), std::string::npos)
      << early.error_message();
  EXPECT_NE(early.error_message().find("item 5 "), std::string::npos)
      << early.error_message();
  EXPECT_EQ(Fetch(*inspection, id).version(), version);

  // The first round is untouched.
  std::vector<v1::RectificationItem> items = AllItems(*inspection, id);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_TRUE(SameItems({items.begin(), items.begin() + 3}, first_items));

  v1::RectificationStepResponse step;
  for (uint32_t n : {4u, 5u}) {
    ASSERT_TRUE(StepChanged(organization->Report(DoneReport(id, n), &step),
                            step, n, v1::RECTIFICATION_STATUS_REPORTED_DONE,
                            &version));
    EXPECT_EQ(step.items(0).round(), 2u);
    ASSERT_TRUE(StepChanged(inspection->Verify(Acceptance(id, n), &step), step,
                            n, v1::RECTIFICATION_STATUS_VERIFIED, &version));
  }
  v1::Referral closed;
  status = inspection->Close(id, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(closed.state(), v1::REFERRAL_STATE_CLOSED);
  EXPECT_EQ(Counts(closed.rectification()),
            "total=5 in_progress=0 awaiting=0 verified=5 long_term=0 "
            "overdue=0 rejections=0 rounds=2");
  items = AllItems(*organization, id);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_TRUE(SameItems({items.begin(), items.begin() + 3}, first_items));
  EXPECT_EQ(StepsOf(items[3]), (std::vector<v1::RectificationStep>{
                                   v1::RECTIFICATION_STEP_ADDED,
                                   v1::RECTIFICATION_STEP_REPORTED_DONE,
                                   v1::RECTIFICATION_STEP_VERIFIED}));
}

// Case 3's prefecture fed back hundreds of problems in a round: a long list
// is read in pages, histories only on request, filtered by status.
TEST_F(RectificationE2eTest, LongListIsReadInPages) {
  auto inspection = Party(kInspection);
  auto organization = Party(kOrganization);
  std::vector<v1::RectificationItemDraft> drafts;
  const std::vector<v1::RectificationItemDraft> kinds = CaseThreeItems();
  for (int i = 0; i < 120; ++i) {
    v1::RectificationItemDraft draft = kinds[i % kinds.size()];
    draft.set_problem(absl::StrCat("第", i + 1, "项：", draft.problem()));
    draft.clear_due_at();
    drafts.push_back(draft);
  }
  const std::string id = SubmitList(*inspection, drafts).referral_id();
  ASSERT_FALSE(id.empty());
  ASSERT_NO_FATAL_FAILURE(AcceptAndDispose(*organization, id));
  for (uint32_t n : {5u, 60u, 110u}) {
    ASSERT_TRUE(organization->Report(DoneReport(id, n)).ok()) << n;
  }

  // Pages of 50: 50, 50, 20, then nothing more.
  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  request.set_page_size(50);
  const std::vector<std::pair<std::vector<uint32_t>, uint32_t>> kPages = {
      {Range(1, 50), 50}, {Range(51, 100), 100}, {Range(101, 120), 0}};
  for (const auto& [numbers, next] : kPages) {
    v1::ListRectificationItemsResponse page;
    grpc::Status status = organization->List(request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(NumbersOf(page.items()), numbers);
    EXPECT_EQ(page.next_after_number(), next);
    EXPECT_EQ(Counts(page.summary()),
              "total=120 in_progress=117 awaiting=3 verified=0 long_term=0 "
              "overdue=0 rejections=0 rounds=1");
    for (const v1::RectificationItem& item : page.items()) {
      EXPECT_EQ(item.history_size(), 0) << "item " << item.number();
    }
    ASSERT_FALSE(page.items().empty());
    EXPECT_EQ(page.items(0).problem(), drafts[numbers[0] - 1].problem());
    request.set_after_number(page.next_after_number());
  }

  // The default page is 50; histories on request.
  request.clear_page_size();
  request.set_after_number(0);
  request.set_include_history(true);
  v1::ListRectificationItemsResponse page;
  ASSERT_TRUE(inspection->List(request, &page).ok());
  EXPECT_EQ(NumbersOf(page.items()), Range(1, 50));
  EXPECT_EQ(page.next_after_number(), 50u);
  ASSERT_EQ(page.items_size(), 50);
  EXPECT_EQ(StepsOf(page.items(4)), (std::vector<v1::RectificationStep>{
                                        v1::RECTIFICATION_STEP_ADDED,
                                        v1::RECTIFICATION_STEP_REPORTED_DONE}));

  // Only what awaits verification: the three reported items, one page.
  request.Clear();
  request.set_referral_id(id);
  request.add_statuses(v1::RECTIFICATION_STATUS_REPORTED_DONE);
  page.Clear();
  ASSERT_TRUE(inspection->List(request, &page).ok());
  EXPECT_EQ(NumbersOf(page.items()), (std::vector<uint32_t>{5, 60, 110}));
  EXPECT_EQ(page.next_after_number(), 0u);
  EXPECT_EQ(page.summary().total(), 120u);

  // Everything else, in one big page.
  request.clear_statuses();
  request.add_statuses(v1::RECTIFICATION_STATUS_IN_PROGRESS);
  request.set_page_size(500);
  page.Clear();
  ASSERT_TRUE(inspection->List(request, &page).ok());
  EXPECT_EQ(page.items_size(), 117);
  EXPECT_EQ(page.next_after_number(), 0u);
}

// Every refused call, whoever makes it and whatever is wrong with it, leaves
// the ledger, its counts, the referral's version and both inboxes as they
// were.
TEST_F(RectificationE2eTest, RefusedCallsChangeNothing) {
  auto inspection = Party(kInspection);
  auto organization = Party(kOrganization);
  auto audit = Party(kAudit);
  auto commission = Party(kCommission);
  std::vector<v1::RectificationItemDraft> drafts = CaseThreeItems();
  drafts.resize(3);
  const std::string id = SubmitList(*inspection, drafts).referral_id();
  ASSERT_FALSE(id.empty());
  // A lead to the same unit, to try ledger calls on.
  v1::Referral lead;
  ASSERT_TRUE(inspection
                  ->Submit(kOrganization, v1::REFERRAL_KIND_LEAD,
                           InspectionFeedbackLead(), {}, &lead)
                  .ok());
  const int64_t lead_version = lead.version();

  // What must not change, taken afresh before each group of refusals.
  v1::Referral before;
  std::vector<v1::RectificationItem> items_before;
  size_t sender_entries = 0;
  size_t recipient_entries = 0;
  int sent = 0;
  auto take_baseline = [&] {
    before = Fetch(*inspection, id);
    items_before = AllItems(*inspection, id);
    sender_entries = inspection->Peek().size();
    recipient_entries = organization->Peek().size();
    sent = inspection->CountSent();
  };
  auto refused = [&](const grpc::Status& status, grpc::StatusCode code,
                     const std::string& what) {
    EXPECT_EQ(status.error_code(), code)
        << what << ": " << status.error_message();
    const v1::Referral now = Fetch(*inspection, id);
    EXPECT_EQ(now.version(), before.version()) << what;
    EXPECT_EQ(Counts(now.rectification()), Counts(before.rectification()))
        << what;
    EXPECT_TRUE(SameItems(AllItems(*inspection, id), items_before)) << what;
    EXPECT_EQ(inspection->Peek().size(), sender_entries) << what;
    EXPECT_EQ(organization->Peek().size(), recipient_entries) << what;
    EXPECT_EQ(inspection->CountSent(), sent) << what;
  };
  using Code = grpc::StatusCode;

  // Submitted, not yet signed for.
  take_baseline();
  refused(organization->Report(DoneReport(id, 1)), Code::FAILED_PRECONDITION,
          "report before 签收");
  refused(organization->Report(ProgressReport(id, 1)),
          Code::FAILED_PRECONDITION, "progress before 签收");
  refused(inspection->Verify(Acceptance(id, 1)), Code::FAILED_PRECONDITION,
          "verify what nobody reported");
  v1::Referral out;
  refused(inspection->Submit(kOrganization, v1::REFERRAL_KIND_LEAD,
                             InspectionFeedbackLead(), drafts, &out),
          Code::INVALID_ARGUMENT, "items on a lead");
  std::vector<v1::RectificationItemDraft> no_problem = drafts;
  no_problem[1].clear_problem();
  refused(inspection->Submit(kOrganization, v1::REFERRAL_KIND_PROBLEM_LIST,
                             InspectionFeedbackLead(), no_problem, &out),
          Code::INVALID_ARGUMENT, "submitted item without a problem");

  // Signed for; item 1 verified, item 2 reported done, item 3 整改中.
  ASSERT_TRUE(organization->Accept(id).ok());
  ASSERT_TRUE(organization->Report(DoneReport(id, 1)).ok());
  ASSERT_TRUE(inspection->Verify(Acceptance(id, 1)).ok());
  ASSERT_TRUE(organization->Report(DoneReport(id, 2)).ok());
  take_baseline();
  ASSERT_EQ(Counts(before.rectification()),
            "total=3 in_progress=1 awaiting=1 verified=1 long_term=0 "
            "overdue=0 rejections=0 rounds=1");

  // Wrong party.
  refused(organization->Add(AddItems(id, {drafts[0]})), Code::PERMISSION_DENIED,
          "recipient adds items");
  refused(inspection->Report(ProgressReport(id, 3)), Code::PERMISSION_DENIED,
          "sender reports");
  refused(organization->Verify(Acceptance(id, 2)), Code::PERMISSION_DENIED,
          "recipient verifies");
  refused(audit->Report(ProgressReport(id, 3)), Code::PERMISSION_DENIED,
          "stranger reports");
  refused(audit->Add(AddItems(id, {drafts[0]})), Code::PERMISSION_DENIED,
          "stranger adds items");
  refused(commission->Verify(Acceptance(id, 2)), Code::PERMISSION_DENIED,
          "supervisor verifies");
  v1::ListRectificationItemsRequest list;
  list.set_referral_id(id);
  v1::ListRectificationItemsResponse listed;
  refused(audit->List(list, &listed), Code::PERMISSION_DENIED,
          "stranger reads the ledger");
  EXPECT_EQ(listed.items_size(), 0);
  refused(commission->List(list, &listed), Code::PERMISSION_DENIED,
          "supervisor reads the ledger");
  EXPECT_EQ(listed.items_size(), 0);

  // Unknown items.
  refused(organization->Report(ProgressReport(id, 0)), Code::INVALID_ARGUMENT,
          "report on item 0");
  refused(organization->Report(DoneReport(id, 4)), Code::INVALID_ARGUMENT,
          "report on item 4 of 3");
  refused(inspection->Verify(Acceptance(id, 4)), Code::INVALID_ARGUMENT,
          "verify item 4 of 3");

  // The item's status does not allow the step.
  refused(inspection->Verify(Acceptance(id, 3)), Code::FAILED_PRECONDITION,
          "verify an item nobody reported");
  refused(inspection->Verify(Rejection(id, 3, "整改措施未落实")),
          Code::FAILED_PRECONDITION, "reject an item nobody reported");
  refused(inspection->Verify(Acceptance(id, 1)), Code::FAILED_PRECONDITION,
          "verify a verified item");
  refused(organization->Report(DoneReport(id, 2)), Code::FAILED_PRECONDITION,
          "report done twice");
  refused(organization->Report(DoneReport(id, 1)), Code::FAILED_PRECONDITION,
          "report done on a verified item");

  // Missing or bad fields.
  refused(inspection->Verify(Rejection(id, 2, "")), Code::INVALID_ARGUMENT,
          "reject without a reason");
  refused(inspection->Verify(
              Verdict(id, 2, v1::RECTIFICATION_VERDICT_UNSPECIFIED, "")),
          Code::INVALID_ARGUMENT, "verify without a verdict");
  v1::ReportRectificationRequest long_term =
      LongTermReport(id, 3, DaysFromNow(180));
  long_term.clear_review_at();
  refused(organization->Report(long_term), Code::INVALID_ARGUMENT,
          "long-term without a review date");
  refused(organization->Report(LongTermReport(id, 3, DaysFromNow(-1))),
          Code::INVALID_ARGUMENT, "long-term reviewed in the past");
  refused(organization->Report(ReportOf(
              id, 3, v1::RECTIFICATION_REPORT_KIND_UNSPECIFIED, "已整改")),
          Code::INVALID_ARGUMENT, "report without a kind");
  refused(organization->Report(
              ReportOf(id, 3, v1::RECTIFICATION_REPORT_KIND_DONE, "")),
          Code::INVALID_ARGUMENT, "report without a text");
  refused(inspection->Add(AddItems(id, {drafts[0], no_problem[1]})),
          Code::INVALID_ARGUMENT, "added item without a problem");
  refused(inspection->Add(AddItems(id, {})), Code::INVALID_ARGUMENT,
          "add no items");

  // Not a problem list.
  refused(inspection->Add(AddItems(lead.referral_id(), {drafts[0]})),
          Code::FAILED_PRECONDITION, "items added to a lead");
  EXPECT_EQ(Fetch(*inspection, lead.referral_id()).version(), lead_version);
}

// A step retried with its request id has its effect once and answers as the
// first call did; the id reused for another request is refused.
TEST_F(RectificationE2eTest, RetriedStepHasItsEffectOnce) {
  auto inspection = Party(kInspection);
  auto organization = Party(kOrganization);
  std::vector<v1::RectificationItemDraft> drafts = CaseThreeItems();
  drafts.resize(2);
  const std::string id = SubmitList(*inspection, drafts).referral_id();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(organization->Accept(id).ok());

  auto count = [](const std::vector<v1::InboxEntry>& entries,
                  v1::EventType type) {
    int n = 0;
    for (const v1::InboxEntry& entry : entries)
      n += entry.event().type() == type;
    return n;
  };
  auto expect_same = [](const v1::RectificationStepResponse& first,
                        const v1::RectificationStepResponse& again,
                        const std::string& what) {
    EXPECT_EQ(again.referral().version(), first.referral().version()) << what;
    EXPECT_EQ(Counts(again.referral().rectification()),
              Counts(first.referral().rectification()))
        << what;
    EXPECT_EQ(NumbersOf(again.items()), NumbersOf(first.items())) << what;
    EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString()) << what;
  };

  // Report.
  v1::ReportRectificationRequest report = DoneReport(id, 1);
  report.set_request_id("report-item-1-done");
  v1::RectificationStepResponse first, again;
  ASSERT_TRUE(organization->Report(report, &first).ok());
  grpc::Status status = organization->Report(report, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  expect_same(first, again, "report");
  EXPECT_EQ(Fetch(*inspection, id).version(), first.referral().version());
  EXPECT_EQ(count(inspection->Peek(), v1::EVENT_TYPE_RECTIFICATION_REPORTED),
            1);
  std::vector<v1::RectificationItem> items = AllItems(*inspection, id);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(StepsOf(items[0]), (std::vector<v1::RectificationStep>{
                                   v1::RECTIFICATION_STEP_ADDED,
                                   v1::RECTIFICATION_STEP_REPORTED_DONE}));
  // The same id for another request.
  report.set_item_number(2);
  EXPECT_EQ(organization->Report(report).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  items = AllItems(*inspection, id);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
  EXPECT_EQ(items[1].history_size(), 1);

  // Verify.
  v1::VerifyRectificationRequest verify = Acceptance(id, 1);
  verify.set_request_id("verify-item-1");
  ASSERT_TRUE(inspection->Verify(verify, &first).ok());
  status = inspection->Verify(verify, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  expect_same(first, again, "verify");
  EXPECT_EQ(count(organization->Peek(), v1::EVENT_TYPE_RECTIFICATION_VERIFIED),
            1);
  verify = Rejection(id, 1, "佐证材料不全");
  verify.set_request_id("verify-item-1");
  EXPECT_EQ(inspection->Verify(verify).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Add.
  v1::AddRectificationItemsRequest add = AddItems(id, {drafts[0]});
  add.set_request_id("second-round");
  ASSERT_TRUE(inspection->Add(add, &first).ok());
  status = inspection->Add(add, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  expect_same(first, again, "add");
  EXPECT_EQ(NumbersOf(again.items()), (std::vector<uint32_t>{3}));
  EXPECT_EQ(
      count(organization->Peek(), v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED), 1);
  // The same id for another call of the same agency.
  verify = Acceptance(id, 2);
  verify.set_request_id("second-round");
  EXPECT_EQ(inspection->Verify(verify).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const v1::Referral now = Fetch(*inspection, id);
  EXPECT_EQ(now.version(), first.referral().version());
  EXPECT_EQ(Counts(now.rectification()),
            "total=3 in_progress=2 awaiting=0 verified=1 long_term=0 "
            "overdue=0 rejections=0 rounds=2");
}

// Case 6 of docs/CASES.md: the commission's final feedback reports what the
// big-data leads came to in figures (36 立案, 37 处分); interim feedback and
// negative figures are refused.
TEST_F(RectificationE2eTest, FinalFeedbackCarriesOutcomeFigures) {
  auto stationed = Party(kStationed);
  auto commission = Party(kCommission);
  v1::Referral submitted;
  grpc::Status status = stationed->Submit(kCommission, v1::REFERRAL_KIND_LEAD,
                                          WelfareJobsLead(), {}, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string id = submitted.referral_id();
  EXPECT_EQ(submitted.rectification().total(), 0u) << "a lead has no ledger";
  ASSERT_TRUE(commission->Accept(id).ok());
  ASSERT_TRUE(
      commission->Dispose(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION)
          .ok());
  ASSERT_TRUE(commission->Dispose(id, v1::DISPOSITION_METHOD_CASE_FILED).ok());
  const int64_t version = Fetch(*stationed, id).version();

  // Figures belong to the result, not to progress.
  v1::FeedbackOutcome early;
  early.set_persons_case_filed(12);
  EXPECT_EQ(commission
                ->Feedback(id, v1::FEEDBACK_KIND_INTERIM,
                           "已对其中30条线索完成初核", early)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::FeedbackOutcome negative = CaseSixOutcome();
  negative.set_persons_disciplined(-37);
  EXPECT_EQ(
      commission->Feedback(id, v1::FEEDBACK_KIND_FINAL, "已全部办结", negative)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  negative = CaseSixOutcome();
  negative.set_amount_recovered_fen(-1);
  EXPECT_EQ(
      commission->Feedback(id, v1::FEEDBACK_KIND_FINAL, "已全部办结", negative)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  v1::Referral unchanged = Fetch(*stationed, id);
  EXPECT_EQ(unchanged.version(), version);
  EXPECT_EQ(unchanged.feedback_size(), 0);
  EXPECT_EQ(unchanged.state(), v1::REFERRAL_STATE_DISPOSING);

  ASSERT_TRUE(
      commission
          ->Feedback(id, v1::FEEDBACK_KIND_INTERIM, "已对其中30条线索完成初核")
          .ok());
  status = commission->Feedback(
      id, v1::FEEDBACK_KIND_FINAL,
      "104条线索已全部办结：立案36人，给予党纪政务处分37人，追缴违规领取的"
      "公益岗补贴156.24万元",
      CaseSixOutcome());
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Both parties read the figures back, exactly.
  const v1::FeedbackOutcome expected = CaseSixOutcome();
  for (ListParty* party : {stationed.get(), commission.get()}) {
    const v1::Referral referral = Fetch(*party, id);
    EXPECT_EQ(referral.state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
    ASSERT_EQ(referral.feedback_size(), 2);
    EXPECT_EQ(referral.feedback(0).kind(), v1::FEEDBACK_KIND_INTERIM);
    EXPECT_EQ(referral.feedback(0).outcome().ByteSizeLong(), 0u);
    const v1::FeedbackOutcome& outcome = referral.feedback(1).outcome();
    EXPECT_EQ(outcome.persons_case_filed(), 36);
    EXPECT_EQ(outcome.persons_disciplined(), 37);
    EXPECT_EQ(outcome.persons_organisational_measures(),
              expected.persons_organisational_measures());
    EXPECT_EQ(outcome.persons_transferred_judicial(),
              expected.persons_transferred_judicial());
    EXPECT_EQ(outcome.amount_recovered_fen(), expected.amount_recovered_fen());
    EXPECT_EQ(outcome.problems_rectified(), expected.problems_rectified());
  }
  // So does the sender's inbox entry for the final feedback.
  std::vector<v1::InboxEntry> heard = stationed->Peek();
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard.back().event().type(), v1::EVENT_TYPE_FINAL_FEEDBACK);
  ASSERT_EQ(heard.back().referral().feedback_size(), 2);
  EXPECT_EQ(heard.back().referral().feedback(1).outcome().persons_case_filed(),
            36);
}

}  // namespace
}  // namespace sx::testing
