#include "sx/core/rectification_core.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/base/sha256.h"
#include "sx/core/deadline_watcher.h"
#include "sx/core/exchange_core.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/test_config.h"
#include "sx/core/timestamps.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using ReferralOr = absl::StatusOr<v1::Referral>;
using StepOr = absl::StatusOr<v1::RectificationStepResponse>;
using ListOr = absl::StatusOr<v1::ListRectificationItemsResponse>;

// A problem list on cadre selection from an inspection round, of the kind
// that reaches the organization department (case 9 of docs/CASES.md).
v1::Lead CadreSelectionProblems() {
  v1::Lead lead;
  lead.set_subject("某区委组织部");
  lead.set_category("选人用人问题清单");
  lead.set_summary(
      "干部选拔任用中存在程序不规范、“带病提拔”等问题，需整改落实");
  lead.set_source("巡察反馈");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::RectificationItemDraft Draft(absl::string_view category,
                                 absl::string_view problem,
                                 std::vector<std::string> measures,
                                 absl::string_view responsible_unit) {
  v1::RectificationItemDraft draft;
  draft.set_category(std::string(category));
  draft.set_problem(std::string(problem));
  for (std::string& measure : measures) draft.add_measures(std::move(measure));
  draft.set_responsible_unit(std::string(responsible_unit));
  return draft;
}

// Findings fed back after an inspection round, each with its measures and
// responsible unit (case 3 of docs/CASES.md), in the order they are numbered.
std::vector<v1::RectificationItemDraft> InspectionFindings() {
  return {
      Draft("选人用人问题", "干部选拔任用程序不规范，个别干部“带病提拔”",
            {"修订干部选拔任用工作规程", "对近三年提拔干部开展专项复查"},
            "干部一科"),
      Draft("党的领导弱化", "“三重一大”事项未经集体研究决策",
            {"修订党组会议议事规则"}, "办公室"),
      Draft("全面从严治党不力", "违规发放津贴补贴",
            {"清退违规发放的津贴补贴", "建立津贴补贴发放审核制度"}, "财务科"),
      Draft("干部监督管理", "个人有关事项报告查核结果运用不到位",
            {"建立查核结果运用台账"}, "干部监督科"),
      Draft("基层党建", "部分党支部“三会一课”流于形式", {"开展支部书记轮训"},
            "机关党委"),
      Draft("作风建设", "督查检查考核过多过频，基层负担重",
            {"精简督查检查考核事项"}, "办公室"),
      Draft("意识形态工作", "意识形态工作责任制落实不到位",
            {"制定意识形态工作责任清单"}, "宣传科"),
  };
}

// The first `count` findings.
std::vector<v1::RectificationItemDraft> Findings(int count) {
  std::vector<v1::RectificationItemDraft> all = InspectionFindings();
  all.resize(count);
  return all;
}

// A second round of feedback (e.g. after 回头看).
std::vector<v1::RectificationItemDraft> SecondRoundFindings() {
  return {Draft("整改落实", "巡察整改“回头看”发现干部档案审核整改不彻底",
                {"开展干部档案专项审核"}, "干部一科"),
          Draft("整改落实", "选人用人专项检查发现问题未建立整改台账",
                {"建立整改台账并逐项销号"}, "干部监督科")};
}

std::vector<uint32_t> Numbers(
    const google::protobuf::RepeatedPtrField<v1::RectificationItem>& items) {
  std::vector<uint32_t> numbers;
  for (const v1::RectificationItem& item : items) {
    numbers.push_back(item.number());
  }
  return numbers;
}

std::vector<uint32_t> Numbers(
    const google::protobuf::RepeatedField<uint32_t>& numbers) {
  return {numbers.begin(), numbers.end()};
}

void ExpectSummary(const v1::RectificationSummary& summary, uint32_t total,
                   uint32_t in_progress, uint32_t awaiting, uint32_t verified,
                   uint32_t long_term) {
  EXPECT_EQ(summary.total(), total) << summary.DebugString();
  EXPECT_EQ(summary.in_progress(), in_progress) << summary.DebugString();
  EXPECT_EQ(summary.awaiting_verification(), awaiting) << summary.DebugString();
  EXPECT_EQ(summary.verified(), verified) << summary.DebugString();
  EXPECT_EQ(summary.long_term(), long_term) << summary.DebugString();
}

class RectificationCoreTest : public ::testing::Test {
 protected:
  RectificationCoreTest()
      : start_(absl::FromCivil(absl::CivilSecond(2024, 9, 2, 9, 0, 0),
                               absl::UTCTimeZone())),
        clock_(start_) {}

  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    exchange_ =
        std::make_unique<ExchangeCore>(*store_, clock_, TestHubConfig());
    ledger_ = std::make_unique<RectificationCore>(
        *store_, clock_, [this] { return exchange_->config(); });
    watcher_ = std::make_unique<DeadlineWatcher>(
        *store_, clock_, [this] { return exchange_->config(); });
  }

  // --- submitting -----------------------------------------------------------

  v1::SubmitReferralRequest ListRequest(
      std::vector<v1::RectificationItemDraft> drafts) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("list-", ++requests_));
    request.set_recipient_agency_id(kOrganizationDept);
    request.set_kind(v1::REFERRAL_KIND_PROBLEM_LIST);
    *request.mutable_lead() = CadreSelectionProblems();
    for (v1::RectificationItemDraft& draft : drafts) {
      *request.add_rectification_items() = std::move(draft);
    }
    return request;
  }

  ReferralOr Submit(const v1::SubmitReferralRequest& request,
                    absl::string_view caller = kInspectionOffice) {
    const Identity identity = Agency(caller);
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      exchange_->Submit(identity, request, Sha256(request.SerializeAsString()),
                        std::move(done));
    });
  }

  // A problem list from 巡察办 to 组织部 with these items; its id.
  std::string NewList(std::vector<v1::RectificationItemDraft> drafts) {
    ReferralOr referral = Submit(ListRequest(std::move(drafts)));
    EXPECT_TRUE(referral.ok()) << referral.status();
    return referral.ok() ? referral->referral_id() : "";
  }

  // Case 1's lead to the commission: no ledger.
  std::string NewLead() {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("lead-", ++requests_));
    request.set_recipient_agency_id(kDisciplineCommission);
    request.set_kind(v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() = LandReserveLead(v1::URGENCY_NORMAL);
    ReferralOr referral = Submit(request);
    EXPECT_TRUE(referral.ok()) << referral.status();
    return referral.ok() ? referral->referral_id() : "";
  }

  // --- the referral's own steps ---------------------------------------------

  ReferralOr Step(absl::string_view caller, Action action,
                  absl::string_view method, absl::string_view id) {
    StepRequest step;
    step.action = action;
    step.method = std::string(method);
    step.request_id = absl::StrCat("step-", ++requests_);
    step.request_fingerprint = step.request_id;
    step.referral_id = std::string(id);
    switch (action) {
      case Action::kWithdraw:
        step.text = "问题清单有误，撤回重报";
        break;
      case Action::kDispose:
        step.disposition = v1::DISPOSITION_METHOD_TALK_OR_INQUIRY;
        break;
      case Action::kFinalFeedback:
        step.feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
        step.feedback.set_text("巡察反馈问题已制定整改方案，逐项推进整改");
        break;
      default:
        break;
    }
    const Identity identity = Agency(caller);
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      exchange_->TakeStep(identity, step, std::move(done));
    });
  }

  void AcceptList(const std::string& id) {
    ASSERT_TRUE(
        Step(kOrganizationDept, Action::kAccept, "AcceptReferral", id).ok());
  }

  // 签收 → 处置 → 反馈: the list waits for 销号.
  void BringToFeedbackSent(const std::string& id) {
    AcceptList(id);
    ASSERT_TRUE(
        Step(kOrganizationDept, Action::kDispose, "RecordDisposition", id)
            .ok());
    ASSERT_TRUE(
        Step(kOrganizationDept, Action::kFinalFeedback, "SendFeedback", id)
            .ok());
  }

  ReferralOr Close(const std::string& id) {
    return Step(kInspectionOffice, Action::kClose, "CloseReferral", id);
  }

  // --- ledger calls ---------------------------------------------------------

  StepOr Call(absl::string_view caller,
              const v1::AddRectificationItemsRequest& request) {
    const Identity identity = Agency(caller);
    return Await<StepOr>([&](std::function<void(StepOr)> done) {
      ledger_->AddItems(identity, request, Sha256(request.SerializeAsString()),
                        std::move(done));
    });
  }
  StepOr Call(absl::string_view caller,
              const v1::ReportRectificationRequest& request) {
    const Identity identity = Agency(caller);
    return Await<StepOr>([&](std::function<void(StepOr)> done) {
      ledger_->Report(identity, request, Sha256(request.SerializeAsString()),
                      std::move(done));
    });
  }
  StepOr Call(absl::string_view caller,
              const v1::VerifyRectificationRequest& request) {
    const Identity identity = Agency(caller);
    return Await<StepOr>([&](std::function<void(StepOr)> done) {
      ledger_->Verify(identity, request, Sha256(request.SerializeAsString()),
                      std::move(done));
    });
  }

  v1::AddRectificationItemsRequest AddRequest(
      const std::string& id, std::vector<v1::RectificationItemDraft> drafts) {
    v1::AddRectificationItemsRequest request;
    request.set_request_id(absl::StrCat("add-", ++requests_));
    request.set_referral_id(id);
    for (v1::RectificationItemDraft& draft : drafts) {
      *request.add_items() = std::move(draft);
    }
    return request;
  }

  v1::ReportRectificationRequest ReportRequest(
      const std::string& id, uint32_t number, v1::RectificationReportKind kind,
      absl::string_view text = "已修订相关制度并组织专项复查") {
    v1::ReportRectificationRequest request;
    request.set_request_id(absl::StrCat("report-", ++requests_));
    request.set_referral_id(id);
    request.set_item_number(number);
    request.set_kind(kind);
    request.set_text(std::string(text));
    return request;
  }

  v1::VerifyRectificationRequest VerifyRequest(const std::string& id,
                                               uint32_t number,
                                               v1::RectificationVerdict verdict,
                                               absl::string_view reason = "") {
    v1::VerifyRectificationRequest request;
    request.set_request_id(absl::StrCat("verify-", ++requests_));
    request.set_referral_id(id);
    request.set_item_number(number);
    request.set_verdict(verdict);
    request.set_reason(std::string(reason));
    return request;
  }

  StepOr Add(const std::string& id,
             std::vector<v1::RectificationItemDraft> drafts,
             absl::string_view caller = kInspectionOffice) {
    return Call(caller, AddRequest(id, std::move(drafts)));
  }
  StepOr Report(const std::string& id, uint32_t number,
                v1::RectificationReportKind kind,
                absl::string_view caller = kOrganizationDept) {
    return Call(caller, ReportRequest(id, number, kind));
  }
  StepOr ReportLongTerm(const std::string& id, uint32_t number,
                        absl::Time review_at) {
    v1::ReportRectificationRequest request =
        ReportRequest(id, number, v1::RECTIFICATION_REPORT_KIND_LONG_TERM,
                      "制度已建立，需长期坚持抓好执行");
    *request.mutable_review_at() = ToTimestamp(review_at);
    return Call(kOrganizationDept, request);
  }
  StepOr Accept(const std::string& id, uint32_t number,
                absl::string_view caller = kInspectionOffice) {
    return Call(caller,
                VerifyRequest(id, number, v1::RECTIFICATION_VERDICT_ACCEPT));
  }
  StepOr Reject(const std::string& id, uint32_t number,
                absl::string_view reason) {
    return Call(
        kInspectionOffice,
        VerifyRequest(id, number, v1::RECTIFICATION_VERDICT_REJECT, reason));
  }

  // Reported done and verified: settled.
  void Settle(const std::string& id, uint32_t number) {
    ASSERT_TRUE(Report(id, number, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
    ASSERT_TRUE(Accept(id, number).ok());
  }

  // --- reading --------------------------------------------------------------

  ListOr List(absl::string_view caller,
              const v1::ListRectificationItemsRequest& request) {
    return ledger_->List(Agency(caller), request);
  }

  // The whole ledger as the sender reads it, with history.
  std::vector<v1::RectificationItem> Items(const std::string& id) {
    v1::ListRectificationItemsRequest request;
    request.set_referral_id(id);
    request.set_page_size(500);
    request.set_include_history(true);
    ListOr page = List(kInspectionOffice, request);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    EXPECT_EQ(page->next_after_number(), 0u);
    return {page->items().begin(), page->items().end()};
  }

  v1::RectificationItem Item(const std::string& id, uint32_t number) {
    for (v1::RectificationItem& item : Items(id)) {
      if (item.number() == number) return item;
    }
    ADD_FAILURE() << "no item " << number << " in " << id;
    return v1::RectificationItem();
  }

  v1::Referral Stored(const std::string& id) {
    auto referral = store_->GetReferral(id);
    EXPECT_TRUE(referral.ok()) << referral.status();
    if (!referral.ok() || !referral->has_value()) {
      ADD_FAILURE() << "no referral " << id;
      return v1::Referral();
    }
    return **referral;
  }

  uint64_t EventCount() {
    absl::StatusOr<uint64_t> count = store_->EventCount();
    EXPECT_TRUE(count.ok()) << count.status();
    return count.ok() ? *count : 0;
  }

  std::vector<v1::Event> Events(v1::EventType type) {
    std::vector<v1::Event> matching;
    auto events = store_->ReadEvents(1, 100000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return matching;
    for (v1::Event& event : *events) {
      if (event.type() == type) matching.push_back(std::move(event));
    }
    return matching;
  }

  // Events of `type` in the agency's inbox (unacknowledged, so all of them).
  std::vector<v1::Event> InboxEvents(absl::string_view agency,
                                     v1::EventType type) {
    std::vector<v1::Event> matching;
    auto entries = store_->ReadInbox(agency, 0, 100000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) return matching;
    for (v1::InboxEntry& entry : *entries) {
      if (entry.event().type() == type) {
        matching.push_back(std::move(*entry.mutable_event()));
      }
    }
    return matching;
  }

  int CheckDeadlines() {
    absl::StatusOr<int> flagged = watcher_->CheckOnce();
    EXPECT_TRUE(flagged.ok()) << flagged.status();
    return flagged.ok() ? *flagged : -1;
  }

  sx::testing::TempDir dir_;
  const absl::Time start_;
  FakeClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> exchange_;
  std::unique_ptr<RectificationCore> ledger_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  int requests_ = 0;
};

// --- submission -------------------------------------------------------------

TEST_F(RectificationCoreTest, SubmittingAProblemListWithItemsStartsItsLedger) {
  std::vector<v1::RectificationItemDraft> drafts = Findings(3);
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 60);
  ReferralOr referral = Submit(ListRequest(drafts));
  ASSERT_TRUE(referral.ok()) << referral.status();
  const std::string id = referral->referral_id();
  ExpectSummary(referral->rectification(), 3, 3, 0, 0, 0);
  EXPECT_EQ(referral->rectification().rounds(), 1u);
  EXPECT_EQ(referral->rectification().overdue(), 0u);
  EXPECT_EQ(referral->rectification().rejections(), 0u);
  ExpectSummary(Stored(id).rectification(), 3, 3, 0, 0, 0);

  const std::vector<v1::RectificationItem> items = Items(id);
  ASSERT_EQ(items.size(), 3u);
  for (size_t i = 0; i < items.size(); ++i) {
    const v1::RectificationItem& item = items[i];
    SCOPED_TRACE(absl::StrCat("item ", item.number()));
    EXPECT_EQ(item.number(), i + 1);
    EXPECT_EQ(item.round(), 1u);
    EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
    EXPECT_FALSE(item.overdue());
    EXPECT_EQ(item.rejections(), 0u);
    EXPECT_EQ(item.category(), drafts[i].category());
    EXPECT_EQ(item.problem(), drafts[i].problem());
    EXPECT_EQ(std::vector<std::string>(item.measures().begin(),
                                       item.measures().end()),
              std::vector<std::string>(drafts[i].measures().begin(),
                                       drafts[i].measures().end()));
    EXPECT_EQ(item.responsible_unit(), drafts[i].responsible_unit());
    EXPECT_EQ(FromTimestamp(item.updated_at()), start_);
    ASSERT_EQ(item.history_size(), 1);
    EXPECT_EQ(item.history(0).step(), v1::RECTIFICATION_STEP_ADDED);
    EXPECT_EQ(item.history(0).actor(), kInspectionOffice);
    EXPECT_EQ(FromTimestamp(item.history(0).time()), start_);
    EXPECT_EQ(item.history(0).status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
  }
  // Its own due date, or the list's feedback deadline (30 days).
  EXPECT_EQ(FromTimestamp(items[0].due_at()), start_ + absl::Hours(24) * 60);
  EXPECT_EQ(FromTimestamp(items[1].due_at()), start_ + absl::Hours(24) * 30);
  EXPECT_EQ(items[1].due_at().seconds(), referral->feedback_due_at().seconds());
  EXPECT_EQ(FromTimestamp(items[2].due_at()), start_ + absl::Hours(24) * 30);

  // The submission event names the items; the recipient hears of it.
  std::vector<v1::Event> submitted = Events(v1::EVENT_TYPE_SUBMITTED);
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(Numbers(submitted[0].item_numbers()),
            (std::vector<uint32_t>{1, 2, 3}));
  std::vector<v1::Event> told =
      InboxEvents(kOrganizationDept, v1::EVENT_TYPE_SUBMITTED);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(Numbers(told[0].item_numbers()), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(EventCount(), 1u) << "the items are part of SUBMITTED";

  // The recipient reads the same ledger.
  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  ListOr by_recipient = List(kOrganizationDept, request);
  ASSERT_TRUE(by_recipient.ok()) << by_recipient.status();
  EXPECT_EQ(Numbers(by_recipient->items()), (std::vector<uint32_t>{1, 2, 3}));
}

TEST_F(RectificationCoreTest, TheChainCommitsToTheItemsOfAList) {
  ASSERT_FALSE(NewList(Findings(2)).empty());
  ASSERT_FALSE(NewList(Findings(3)).empty());
  std::vector<v1::Event> submitted = Events(v1::EVENT_TYPE_SUBMITTED);
  ASSERT_EQ(submitted.size(), 2u);
  EXPECT_FALSE(submitted[0].content_sha256().empty());
  EXPECT_NE(submitted[0].content_sha256(), submitted[1].content_sha256())
      << "same lead, different items";
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

TEST_F(RectificationCoreTest, ItemsOnALeadAreRefusedAndNothingIsCreated) {
  v1::SubmitReferralRequest request = ListRequest(Findings(2));
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  request.set_recipient_agency_id(kDisciplineCommission);
  ReferralOr refused = Submit(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
      << refused.status();
  EXPECT_TRUE(
      absl::StartsWith(refused.status().message(), "rectification_items"))
      << refused.status();

  EXPECT_EQ(EventCount(), 0u);
  auto sent = store_->ListReferralIds(kInspectionOffice, storage::Side::kSender,
                                      "", 100);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_TRUE(sent->referral_ids.empty());
  auto deadlines = store_->DeadlinesDue(absl::InfiniteFuture(), 100);
  ASSERT_TRUE(deadlines.ok()) << deadlines.status();
  EXPECT_TRUE(deadlines->empty());
  EXPECT_TRUE(
      store_->ListRectificationItems("test-hub-0000000001", 0, 100)->empty());
}

TEST_F(RectificationCoreTest, InvalidItemsAreNamedWithTheirIndex) {
  struct Case {
    std::string label;
    std::function<void(std::vector<v1::RectificationItemDraft>&)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no problem", [](auto& drafts) { drafts[1].set_problem(""); },
       "rectification_items[1].problem: required"},
      {"blank problem", [](auto& drafts) { drafts[0].set_problem("   "); },
       "rectification_items[0].problem: required"},
      {"blank measure", [](auto& drafts) { drafts[2].add_measures(" "); },
       "rectification_items[2].measures[2]"},
      {"due in the past",
       [this](auto& drafts) {
         *drafts[2].mutable_due_at() = ToTimestamp(start_ - absl::Hours(1));
       },
       "rectification_items[2].due_at"},
      {"due right now",
       [this](auto& drafts) {
         *drafts[1].mutable_due_at() = ToTimestamp(start_);
       },
       "rectification_items[1].due_at"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    std::vector<v1::RectificationItemDraft> drafts = Findings(3);
    c.spoil(drafts);
    ReferralOr refused = Submit(ListRequest(drafts));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << refused.status();
    EXPECT_TRUE(absl::StartsWith(refused.status().message(), c.field))
        << refused.status();
  }
  EXPECT_EQ(EventCount(), 0u) << "a failed call changes nothing";

  // The same checks when items are added later, named "items".
  const std::string id = NewList(Findings(1));
  const uint64_t events = EventCount();
  StepOr none = Add(id, {});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(none.status().message(), "items"))
      << none.status();
  std::vector<v1::RectificationItemDraft> drafts = SecondRoundFindings();
  drafts[1].clear_problem();
  StepOr missing = Add(id, drafts);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(missing.status().message(), "items[1].problem"))
      << missing.status();
  drafts = SecondRoundFindings();
  *drafts[0].mutable_due_at() = ToTimestamp(start_ - absl::Hours(24));
  StepOr past = Add(id, drafts);
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(past.status().message(), "items[0].due_at"))
      << past.status();
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Stored(id).rectification().total(), 1u);
}

TEST_F(RectificationCoreTest, TheLedgerIsBoundedByTheConfiguredLimit) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_limits()->set_max_rectification_items(4);
  auto config = HubConfig::FromProto(proto);
  ASSERT_TRUE(config.ok()) << config.status();
  exchange_->UpdateConfig(*config);

  ReferralOr too_many = Submit(ListRequest(Findings(5)));
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kResourceExhausted)
      << too_many.status();
  const std::string id = NewList(Findings(3));
  ASSERT_FALSE(id.empty());
  const uint64_t events = EventCount();
  StepOr over = Add(id, SecondRoundFindings());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted)
      << over.status();
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Stored(id).rectification().total(), 3u);
  EXPECT_EQ(Items(id).size(), 3u);
  StepOr fits = Add(id, Findings(1));
  ASSERT_TRUE(fits.ok()) << fits.status();
  EXPECT_EQ(Numbers(fits->items()), (std::vector<uint32_t>{4}));
}

// --- adding items -----------------------------------------------------------

TEST_F(RectificationCoreTest, TheSenderAddsASecondRoundNumberedOn) {
  const std::string id = NewList(Findings(3));
  std::vector<v1::RectificationItemDraft> drafts = SecondRoundFindings();
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 90);
  StepOr added = Add(id, drafts);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(Numbers(added->items()), (std::vector<uint32_t>{4, 5}));
  for (const v1::RectificationItem& item : added->items()) {
    EXPECT_EQ(item.round(), 2u);
    EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
    ASSERT_EQ(item.history_size(), 1);
    EXPECT_EQ(item.history(0).step(), v1::RECTIFICATION_STEP_ADDED);
  }
  EXPECT_EQ(added->items(0).problem(), drafts[0].problem());
  EXPECT_EQ(FromTimestamp(added->items(0).due_at()),
            start_ + absl::Hours(24) * 90);
  EXPECT_EQ(added->referral().referral_id(), id);
  EXPECT_EQ(added->referral().state(), v1::REFERRAL_STATE_SUBMITTED)
      << "ledger steps leave the referral's state alone";
  EXPECT_FALSE(added->referral().has_lead());
  ExpectSummary(added->referral().rectification(), 5, 5, 0, 0, 0);
  EXPECT_EQ(added->referral().rectification().rounds(), 2u);
  ExpectSummary(Stored(id).rectification(), 5, 5, 0, 0, 0);

  // The first round is untouched.
  const std::vector<v1::RectificationItem> items = Items(id);
  ASSERT_EQ(items.size(), 5u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].round(), 1u);
    EXPECT_EQ(items[i].history_size(), 1);
  }

  std::vector<v1::Event> events =
      Events(v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].referral_id(), id);
  EXPECT_EQ(events[0].actor(), kInspectionOffice);
  EXPECT_EQ(Numbers(events[0].item_numbers()), (std::vector<uint32_t>{4, 5}));
  EXPECT_EQ(events[0].from_state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(events[0].to_state(), v1::REFERRAL_STATE_SUBMITTED);
  std::vector<v1::Event> told =
      InboxEvents(kOrganizationDept, v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(Numbers(told[0].item_numbers()), (std::vector<uint32_t>{4, 5}));
  EXPECT_TRUE(
      InboxEvents(kInspectionOffice, v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED)
          .empty());

  // A third round goes on from there.
  StepOr third = Add(id, Findings(1));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(Numbers(third->items()), (std::vector<uint32_t>{6}));
  EXPECT_EQ(third->items(0).round(), 3u);
  EXPECT_EQ(third->referral().rectification().rounds(), 3u);
}

TEST_F(RectificationCoreTest, OnlyTheSenderAddsItems) {
  const std::string id = NewList(Findings(3));
  const uint64_t events = EventCount();
  StepOr by_recipient = Add(id, SecondRoundFindings(), kOrganizationDept);
  EXPECT_EQ(by_recipient.status().code(), absl::StatusCode::kPermissionDenied)
      << by_recipient.status();
  for (const char* other : {kAuditBureau, kDisciplineCommission}) {
    StepOr refused = Add(id, SecondRoundFindings(), other);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
        << other << ": " << refused.status();
  }
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Stored(id).rectification().total(), 3u);
  EXPECT_EQ(Items(id).size(), 3u);
}

TEST_F(RectificationCoreTest, ALeadHasNoLedger) {
  const std::string id = NewLead();
  const uint64_t events = EventCount();
  StepOr add = Add(id, SecondRoundFindings());
  EXPECT_EQ(add.status().code(), absl::StatusCode::kFailedPrecondition)
      << add.status();
  EXPECT_TRUE(absl::StrContains(add.status().message(), "not a problem list"))
      << add.status();

  ASSERT_TRUE(
      Step(kDisciplineCommission, Action::kAccept, "AcceptReferral", id).ok());
  StepOr report =
      Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE, kDisciplineCommission);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition)
      << report.status();
  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  EXPECT_EQ(List(kInspectionOffice, request).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(EventCount(), events + 1) << "only the acceptance";
  EXPECT_EQ(Stored(id).rectification().total(), 0u);
}

// --- reports and verdicts ---------------------------------------------------

TEST_F(RectificationCoreTest, ReportingWaitsForAcceptance) {
  const std::string id = NewList(Findings(3));
  const uint64_t events = EventCount();
  StepOr early = Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition)
      << early.status();
  EXPECT_TRUE(absl::StrContains(early.status().message(),
                                "the recipient must first accept"))
      << early.status();
  StepOr by_sender =
      Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE, kInspectionOffice);
  EXPECT_EQ(by_sender.status().code(), absl::StatusCode::kPermissionDenied)
      << by_sender.status();
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Item(id, 1).status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);

  AcceptList(id);
  EXPECT_TRUE(Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
}

TEST_F(RectificationCoreTest, AReportDoneIsVerifiedAndCounted) {
  const std::string id = NewList(Findings(3));
  AcceptList(id);

  v1::ReportRectificationRequest request =
      ReportRequest(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE,
                    "已修订干部选拔任用工作规程，完成近三年提拔干部专项复查");
  v1::Attachment& evidence = *request.add_evidence();
  evidence.set_name("专项复查报告.pdf");
  evidence.set_media_type("application/pdf");
  evidence.set_content("%PDF-1.7 专项复查报告");
  clock_.Advance(absl::Hours(24) * 5);
  StepOr reported = Call(kOrganizationDept, request);
  ASSERT_TRUE(reported.ok()) << reported.status();
  ASSERT_EQ(reported->items_size(), 1);
  const v1::RectificationItem& item = reported->items(0);
  EXPECT_EQ(item.number(), 1u);
  EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_REPORTED_DONE);
  EXPECT_EQ(FromTimestamp(item.updated_at()), clock_.Now());
  ASSERT_EQ(item.history_size(), 2);
  const v1::RectificationUpdate& update = item.history(1);
  EXPECT_EQ(update.step(), v1::RECTIFICATION_STEP_REPORTED_DONE);
  EXPECT_EQ(update.actor(), kOrganizationDept);
  EXPECT_EQ(update.text(), request.text());
  EXPECT_EQ(update.status(), v1::RECTIFICATION_STATUS_REPORTED_DONE);
  EXPECT_EQ(FromTimestamp(update.time()), clock_.Now());
  ASSERT_EQ(update.evidence_size(), 1);
  EXPECT_EQ(update.evidence(0).name(), "专项复查报告.pdf");
  EXPECT_TRUE(update.evidence(0).content().empty())
      << "replies carry no evidence bytes";
  EXPECT_EQ(update.evidence(0).sha256_hex(),
            Sha256Hex("%PDF-1.7 专项复查报告"));
  EXPECT_EQ(update.evidence(0).size_bytes(),
            static_cast<int64_t>(evidence.content().size()));
  ExpectSummary(reported->referral().rectification(), 3, 2, 1, 0, 0);
  EXPECT_EQ(reported->referral().state(), v1::REFERRAL_STATE_ACCEPTED);

  std::vector<v1::Event> events = Events(v1::EVENT_TYPE_RECTIFICATION_REPORTED);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor(), kOrganizationDept);
  EXPECT_EQ(Numbers(events[0].item_numbers()), (std::vector<uint32_t>{1}));
  EXPECT_FALSE(events[0].content_sha256().empty());
  EXPECT_EQ(
      InboxEvents(kInspectionOffice, v1::EVENT_TYPE_RECTIFICATION_REPORTED)
          .size(),
      1u);
  EXPECT_TRUE(
      InboxEvents(kOrganizationDept, v1::EVENT_TYPE_RECTIFICATION_REPORTED)
          .empty());

  // 核验通过.
  StepOr verified = Accept(id, 1);
  ASSERT_TRUE(verified.ok()) << verified.status();
  ASSERT_EQ(verified->items_size(), 1);
  EXPECT_EQ(verified->items(0).status(), v1::RECTIFICATION_STATUS_VERIFIED);
  ASSERT_EQ(verified->items(0).history_size(), 3);
  EXPECT_EQ(verified->items(0).history(2).step(),
            v1::RECTIFICATION_STEP_VERIFIED);
  EXPECT_EQ(verified->items(0).history(2).actor(), kInspectionOffice);
  EXPECT_EQ(verified->items(0).history(2).status(),
            v1::RECTIFICATION_STATUS_VERIFIED);
  ExpectSummary(verified->referral().rectification(), 3, 2, 0, 1, 0);
  ExpectSummary(Stored(id).rectification(), 3, 2, 0, 1, 0);
  events = Events(v1::EVENT_TYPE_RECTIFICATION_VERIFIED);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor(), kInspectionOffice);
  EXPECT_EQ(Numbers(events[0].item_numbers()), (std::vector<uint32_t>{1}));
  EXPECT_EQ(
      InboxEvents(kOrganizationDept, v1::EVENT_TYPE_RECTIFICATION_VERIFIED)
          .size(),
      1u);
  EXPECT_TRUE(
      InboxEvents(kInspectionOffice, v1::EVENT_TYPE_RECTIFICATION_VERIFIED)
          .empty());
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

TEST_F(RectificationCoreTest, StepsTheItemDoesNotAllowAreRefused) {
  const std::string id = NewList(Findings(3));
  AcceptList(id);
  Settle(id, 1);
  const uint64_t events = EventCount();

  StepOr again = Accept(id, 1);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(again.status().message(),
                                "item 1: it is 已完成 (verified)"))
      << again.status();
  StepOr unreported = Accept(id, 2);
  EXPECT_EQ(unreported.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(unreported.status().message(),
                                "item 2: it is 整改中 (in_progress)"))
      << unreported.status();
  StepOr no_such = Report(id, 9, v1::RECTIFICATION_REPORT_KIND_DONE);
  EXPECT_EQ(no_such.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(no_such.status().message(), "no item 9"))
      << no_such.status();
  StepOr zero = Report(id, 0, v1::RECTIFICATION_REPORT_KIND_DONE);
  EXPECT_EQ(zero.status().code(), absl::StatusCode::kInvalidArgument);
  StepOr no_kind = Report(id, 2, v1::RECTIFICATION_REPORT_KIND_UNSPECIFIED);
  EXPECT_EQ(no_kind.status().code(), absl::StatusCode::kInvalidArgument);
  StepOr no_text =
      Call(kOrganizationDept,
           ReportRequest(id, 2, v1::RECTIFICATION_REPORT_KIND_DONE, " "));
  EXPECT_EQ(no_text.status().code(), absl::StatusCode::kInvalidArgument);
  StepOr no_verdict =
      Call(kInspectionOffice,
           VerifyRequest(id, 2, v1::RECTIFICATION_VERDICT_UNSPECIFIED));
  EXPECT_EQ(no_verdict.status().code(), absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(Report(id, 2, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  StepOr by_recipient = Accept(id, 2, kOrganizationDept);
  EXPECT_EQ(by_recipient.status().code(), absl::StatusCode::kPermissionDenied)
      << by_recipient.status();
  StepOr by_stranger = Accept(id, 2, kAuditBureau);
  EXPECT_EQ(by_stranger.status().code(), absl::StatusCode::kPermissionDenied)
      << by_stranger.status();
  EXPECT_EQ(EventCount(), events + 1) << "only the report on item 2";
  ExpectSummary(Stored(id).rectification(), 3, 1, 1, 1, 0);
}

TEST_F(RectificationCoreTest, ARejectedReportGoesBackToInProgress) {
  const std::string id = NewList(Findings(3));
  AcceptList(id);
  ASSERT_TRUE(Report(id, 2, v1::RECTIFICATION_REPORT_KIND_DONE).ok());

  const uint64_t events = EventCount();
  StepOr no_reason = Reject(id, 2, "");
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(no_reason.status().message(), "reason"))
      << no_reason.status();
  EXPECT_EQ(EventCount(), events);

  const std::string reason = "未见党组会议议事规则修订稿，佐证材料不全";
  StepOr rejected = Reject(id, 2, reason);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  const v1::RectificationItem& item = rejected->items(0);
  EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
  EXPECT_EQ(item.rejections(), 1u);
  ASSERT_EQ(item.history_size(), 3);
  EXPECT_EQ(item.history(2).step(), v1::RECTIFICATION_STEP_REJECTED);
  EXPECT_EQ(item.history(2).text(), reason);
  EXPECT_EQ(item.history(2).actor(), kInspectionOffice);
  EXPECT_EQ(item.history(2).status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
  ExpectSummary(rejected->referral().rectification(), 3, 3, 0, 0, 0);
  EXPECT_EQ(rejected->referral().rectification().rejections(), 1u);

  std::vector<v1::Event> rejections =
      Events(v1::EVENT_TYPE_RECTIFICATION_REJECTED);
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0].reason(), reason);
  EXPECT_EQ(Numbers(rejections[0].item_numbers()), (std::vector<uint32_t>{2}));
  std::vector<v1::Event> told =
      InboxEvents(kOrganizationDept, v1::EVENT_TYPE_RECTIFICATION_REJECTED);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].reason(), reason);
  EXPECT_TRUE(
      InboxEvents(kInspectionOffice, v1::EVENT_TYPE_RECTIFICATION_REJECTED)
          .empty());

  // Once more, then it passes: rejections stay counted.
  ASSERT_TRUE(Report(id, 2, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  ASSERT_TRUE(Reject(id, 2, "议事规则未经党组会议审议通过").ok());
  Settle(id, 2);
  const v1::RectificationItem settled = Item(id, 2);
  EXPECT_EQ(settled.status(), v1::RECTIFICATION_STATUS_VERIFIED);
  EXPECT_EQ(settled.rejections(), 2u);
  ExpectSummary(Stored(id).rectification(), 3, 2, 0, 1, 0);
  EXPECT_EQ(Stored(id).rectification().rejections(), 2u);
}

TEST_F(RectificationCoreTest, ALongTermReportNeedsAReviewDateInTheFuture) {
  const std::string id = NewList(Findings(3));
  AcceptList(id);
  const uint64_t events = EventCount();

  StepOr without = Report(id, 3, v1::RECTIFICATION_REPORT_KIND_LONG_TERM);
  EXPECT_EQ(without.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(without.status().message(), "review_at"))
      << without.status();
  for (absl::Time when : {start_, start_ - absl::Hours(24)}) {
    StepOr past = ReportLongTerm(id, 3, when);
    EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument)
        << past.status();
    EXPECT_TRUE(absl::StartsWith(past.status().message(), "review_at"))
        << past.status();
  }
  v1::ReportRectificationRequest done_with_date =
      ReportRequest(id, 3, v1::RECTIFICATION_REPORT_KIND_DONE);
  *done_with_date.mutable_review_at() =
      ToTimestamp(start_ + absl::Hours(24) * 180);
  EXPECT_EQ(Call(kOrganizationDept, done_with_date).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EventCount(), events);

  const absl::Time review = start_ + absl::Hours(24) * 180;
  StepOr reported = ReportLongTerm(id, 3, review);
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_EQ(reported->items(0).status(),
            v1::RECTIFICATION_STATUS_REPORTED_LONG_TERM);
  EXPECT_EQ(FromTimestamp(reported->items(0).review_at()), review);
  EXPECT_EQ(FromTimestamp(reported->items(0).history(1).review_at()), review);
  ExpectSummary(reported->referral().rectification(), 3, 2, 1, 0, 0);

  StepOr accepted = Accept(id, 3);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->items(0).status(), v1::RECTIFICATION_STATUS_LONG_TERM);
  EXPECT_EQ(accepted->items(0).history(2).step(),
            v1::RECTIFICATION_STEP_VERIFIED);
  ExpectSummary(accepted->referral().rectification(), 3, 2, 0, 0, 1);

  // 长期坚持 is settled, but progress and, later, done may still be reported.
  StepOr progress = Report(id, 3, v1::RECTIFICATION_REPORT_KIND_PROGRESS);
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->items(0).status(), v1::RECTIFICATION_STATUS_LONG_TERM);
  ExpectSummary(progress->referral().rectification(), 3, 2, 0, 0, 1);
  EXPECT_EQ(ReportLongTerm(id, 3, review + absl::Hours(24)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  StepOr done = Report(id, 3, v1::RECTIFICATION_REPORT_KIND_DONE);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->items(0).status(), v1::RECTIFICATION_STATUS_REPORTED_DONE);
  ExpectSummary(done->referral().rectification(), 3, 2, 1, 0, 0);
}

// --- closing (销号) ----------------------------------------------------------

// 转办 of a problem list: the competent agency takes over the items still
// open, as its ledger's first round; the settled ones stay with the parent.
TEST_F(RectificationCoreTest, ARerouteHandsTheChildTheItemsStillOpen) {
  v1::SubmitReferralRequest request = ListRequest(Findings(3));
  request.set_recipient_agency_id(kDisciplineCommission);
  *request.mutable_rectification_items(2)->mutable_due_at() =
      ToTimestamp(start_ + absl::Hours(24) * 10);
  ReferralOr list = Submit(request);
  ASSERT_TRUE(list.ok()) << list.status();
  const std::string id = list->referral_id();
  ASSERT_TRUE(
      Step(kDisciplineCommission, Action::kAccept, "AcceptReferral", id).ok());
  ASSERT_TRUE(
      Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE, kDisciplineCommission)
          .ok());
  ASSERT_TRUE(Accept(id, 1).ok());
  clock_.Advance(absl::Hours(24) * 11);  // item 3's own due date has passed

  StepRequest reroute;
  reroute.action = Action::kReroute;
  reroute.method = "RerouteReferral";
  reroute.request_id = "reroute-1";
  reroute.request_fingerprint = "reroute-1";
  reroute.referral_id = id;
  reroute.target_agency_id = kOrganizationDept;
  reroute.text = "属干部选拔任用问题，转组织部门整改";
  ReferralOr parent =
      Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
        exchange_->TakeStep(Agency(kDisciplineCommission), reroute,
                            std::move(done));
      });
  ASSERT_TRUE(parent.ok()) << parent.status();
  const std::string child = parent->child_referral_id();
  ExpectSummary(Stored(child).rectification(), 2, 2, 0, 0, 0);

  const Identity organization = Agency(kOrganizationDept);
  v1::ListRectificationItemsRequest page;
  page.set_referral_id(child);
  ListOr items = ledger_->List(organization, page);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->items_size(), 2);
  EXPECT_EQ(items->items(0).problem(), InspectionFindings()[1].problem());
  EXPECT_EQ(items->items(1).problem(), InspectionFindings()[2].problem());
  // A due date already past falls back to the child's feedback deadline.
  EXPECT_EQ(items->items(1).due_at().seconds(),
            Stored(child).feedback_due_at().seconds());
  // The parent keeps its ledger as it was, settled item included.
  ExpectSummary(Stored(id).rectification(), 3, 2, 0, 1, 0);
}

TEST_F(RectificationCoreTest, CloseWaitsUntilEveryItemIsSettled) {
  const std::string id = NewList(Findings(3));
  BringToFeedbackSent(id);
  Settle(id, 1);
  ASSERT_TRUE(Report(id, 2, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  uint64_t events = EventCount();

  ReferralOr refused = Close(id);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  std::string message(refused.status().message());
  EXPECT_TRUE(absl::StrContains(message, "2 of 3")) << message;
  EXPECT_TRUE(
      absl::StrContains(message, "item 2 已完成·待核验 (reported_done)"))
      << message;
  EXPECT_TRUE(absl::StrContains(message, "item 3 整改中 (in_progress)"))
      << message;
  EXPECT_FALSE(absl::StrContains(message, "item 1 ")) << message;
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Stored(id).state(), v1::REFERRAL_STATE_FEEDBACK_SENT);

  // Long-term counts as settled; item 3 is now the only one open.
  ASSERT_TRUE(Accept(id, 2).ok());
  ASSERT_TRUE(ReportLongTerm(id, 3, start_ + absl::Hours(24) * 365).ok());
  refused = Close(id);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  message = std::string(refused.status().message());
  EXPECT_TRUE(
      absl::StrContains(message, "item 3 长期坚持·待核验 (reported_long_term)"))
      << message;
  EXPECT_FALSE(absl::StrContains(message, "item 2 ")) << message;
  ASSERT_TRUE(Accept(id, 3).ok());

  // Items added after final feedback hold the list open again.
  StepOr added = Add(id, SecondRoundFindings());
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(Numbers(added->items()), (std::vector<uint32_t>{4, 5}));
  EXPECT_EQ(added->referral().state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  refused = Close(id);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  message = std::string(refused.status().message());
  EXPECT_TRUE(absl::StrContains(message, "item 4 整改中 (in_progress)"))
      << message;
  EXPECT_TRUE(absl::StrContains(message, "item 5 整改中 (in_progress)"))
      << message;
  EXPECT_FALSE(absl::StrContains(message, "item 3 ")) << message;

  Settle(id, 4);
  Settle(id, 5);
  ExpectSummary(Stored(id).rectification(), 5, 0, 0, 4, 1);
  events = EventCount();
  ReferralOr closed = Close(id);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), v1::REFERRAL_STATE_CLOSED);
  EXPECT_EQ(EventCount(), events + 1);

  // A closed list takes no more ledger steps.
  EXPECT_EQ(Add(id, Findings(1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Report(id, 3, v1::RECTIFICATION_REPORT_KIND_PROGRESS).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

// Case 3 has hundreds of items: a refusal names the first twenty open ones
// and counts the rest.
TEST_F(RectificationCoreTest, ARefusalToCloseNamesTwentyOpenItemsAndCounts) {
  std::vector<v1::RectificationItemDraft> drafts;
  for (int i = 1; i <= 25; ++i) {
    drafts.push_back(Draft("巡察反馈问题", absl::StrCat("问题", i),
                           {absl::StrCat("整改措施", i)}, "办公室"));
  }
  const std::string id = NewList(drafts);
  BringToFeedbackSent(id);
  Settle(id, 2);
  ReferralOr refused = Close(id);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(refused.status().message());
  EXPECT_TRUE(absl::StrContains(message, "24 of 25")) << message;
  EXPECT_TRUE(absl::StrContains(message, "item 1 整改中")) << message;
  EXPECT_FALSE(absl::StrContains(message, "item 2 ")) << message;
  EXPECT_TRUE(absl::StrContains(message, "item 21 整改中")) << message;
  EXPECT_FALSE(absl::StrContains(message, "item 22 ")) << message;
  EXPECT_TRUE(absl::StrContains(message, "and 4 more")) << message;
  EXPECT_TRUE(absl::StrContains(message, id)) << message;
}

TEST_F(RectificationCoreTest, AListWithoutItemsClosesAsBefore) {
  const std::string id = NewList({});
  ExpectSummary(Stored(id).rectification(), 0, 0, 0, 0, 0);
  BringToFeedbackSent(id);
  ReferralOr closed = Close(id);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), v1::REFERRAL_STATE_CLOSED);
}

// --- retries ----------------------------------------------------------------

TEST_F(RectificationCoreTest, AReplayReturnsTheSameItemsWithoutASecondEvent) {
  const std::string id = NewList(Findings(3));
  const v1::AddRectificationItemsRequest add =
      AddRequest(id, SecondRoundFindings());
  StepOr first = Call(kInspectionOffice, add);
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t events = EventCount();

  StepOr replay = Call(kInspectionOffice, add);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(Numbers(replay->items()), (std::vector<uint32_t>{4, 5}));
  EXPECT_EQ(replay->items(0).problem(), first->items(0).problem());
  EXPECT_EQ(replay->referral().rectification().total(), 5u);
  EXPECT_EQ(EventCount(), events) << "the retry had its effect once";
  EXPECT_EQ(Items(id).size(), 5u);

  // The same id for another request is refused, and changes nothing.
  v1::AddRectificationItemsRequest other = AddRequest(id, Findings(1));
  other.set_request_id(add.request_id());
  StepOr reused = Call(kInspectionOffice, other);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument)
      << reused.status();
  EXPECT_TRUE(absl::StartsWith(reused.status().message(), "request_id"))
      << reused.status();
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Stored(id).rectification().total(), 5u);

  // A report replayed after the item moved on returns it as it is now.
  AcceptList(id);
  v1::ReportRectificationRequest report =
      ReportRequest(id, 4, v1::RECTIFICATION_REPORT_KIND_DONE);
  ASSERT_TRUE(Call(kOrganizationDept, report).ok());
  ASSERT_TRUE(Accept(id, 4).ok());
  const uint64_t after_verify = EventCount();
  StepOr report_again = Call(kOrganizationDept, report);
  ASSERT_TRUE(report_again.ok()) << report_again.status();
  ASSERT_EQ(report_again->items_size(), 1);
  EXPECT_EQ(report_again->items(0).number(), 4u);
  EXPECT_EQ(report_again->items(0).status(), v1::RECTIFICATION_STATUS_VERIFIED);
  EXPECT_EQ(report_again->items(0).history_size(), 3)
      << "added, reported, verified: not reported twice";
  EXPECT_EQ(EventCount(), after_verify);

  // A request id names one request of one caller: used for a report, it
  // cannot name a verdict, nor a ledger call a submission.
  v1::VerifyRectificationRequest verify =
      VerifyRequest(id, 5, v1::RECTIFICATION_VERDICT_ACCEPT);
  verify.set_request_id(report.request_id());
  EXPECT_EQ(Call(kOrganizationDept, verify).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::AddRectificationItemsRequest as_submit = AddRequest(id, Findings(1));
  as_submit.set_request_id("list-1");  // the submission's
  EXPECT_EQ(Call(kInspectionOffice, as_submit).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Another caller's ids are its own.
  v1::ReportRectificationRequest same_id_other_caller =
      ReportRequest(id, 5, v1::RECTIFICATION_REPORT_KIND_PROGRESS);
  same_id_other_caller.set_request_id(add.request_id());
  EXPECT_TRUE(Call(kOrganizationDept, same_id_other_caller).ok());
  EXPECT_EQ(EventCount(), after_verify + 1);
}

// exchange.proto: "Retrying with the same request_id has its effect once and
// returns the referral as it is now", also when time has passed meanwhile.
TEST_F(RectificationCoreTest, ARetryAfterItsDatesPassedStillReplays) {
  std::vector<v1::RectificationItemDraft> first_round = Findings(3);
  *first_round[2].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24));
  const v1::SubmitReferralRequest submit = ListRequest(first_round);
  ReferralOr submitted = Submit(submit);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string id = submitted->referral_id();
  AcceptList(id);
  std::vector<v1::RectificationItemDraft> drafts = SecondRoundFindings();
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24));
  const v1::AddRectificationItemsRequest add = AddRequest(id, drafts);
  ASSERT_TRUE(Call(kInspectionOffice, add).ok());
  v1::ReportRectificationRequest long_term = ReportRequest(
      id, 1, v1::RECTIFICATION_REPORT_KIND_LONG_TERM, "需长期坚持");
  *long_term.mutable_review_at() = ToTimestamp(start_ + absl::Hours(24));
  ASSERT_TRUE(Call(kOrganizationDept, long_term).ok());
  const uint64_t events = EventCount();

  clock_.Advance(absl::Hours(24) * 2);
  ReferralOr submit_again = Submit(submit);
  EXPECT_TRUE(submit_again.ok()) << submit_again.status();
  if (submit_again.ok()) {
    EXPECT_EQ(submit_again->referral_id(), id);
  }
  StepOr add_again = Call(kInspectionOffice, add);
  EXPECT_TRUE(add_again.ok()) << add_again.status();
  StepOr report_again = Call(kOrganizationDept, long_term);
  EXPECT_TRUE(report_again.ok()) << report_again.status();
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Stored(id).rectification().total(), 5u);
}

// --- reading ----------------------------------------------------------------

TEST_F(RectificationCoreTest, ListPagesThroughTheLedgerWithFilters) {
  // Another list first: its items must not leak into this one's pages.
  const std::string other = NewList(Findings(3));
  const std::string id = NewList(InspectionFindings());  // 7 items
  AcceptList(id);
  ASSERT_TRUE(Report(id, 2, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  Settle(id, 5);
  // 1 整改中, 2 已完成·待核验, 3 4 整改中, 5 已完成, 6 7 整改中.

  auto page = [&](std::vector<v1::RectificationStatus> statuses, uint32_t after,
                  uint32_t size) {
    v1::ListRectificationItemsRequest request;
    request.set_referral_id(id);
    for (v1::RectificationStatus status : statuses) {
      request.add_statuses(status);
    }
    request.set_after_number(after);
    request.set_page_size(size);
    ListOr response = List(kInspectionOffice, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::ListRectificationItemsResponse();
  };
  using Numbers32 = std::vector<uint32_t>;
  const v1::RectificationStatus in_progress =
      v1::RECTIFICATION_STATUS_IN_PROGRESS;

  // All items, three at a time.
  v1::ListRectificationItemsResponse p = page({}, 0, 3);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{1, 2, 3}));
  EXPECT_EQ(p.next_after_number(), 3u);
  p = page({}, 3, 3);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{4, 5, 6}));
  EXPECT_EQ(p.next_after_number(), 6u);
  p = page({}, 6, 3);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{7}));
  EXPECT_EQ(p.next_after_number(), 0u);
  ExpectSummary(p.summary(), 7, 5, 1, 1, 0);

  // A page that ends exactly with the ledger says there is nothing more.
  p = page({}, 0, 7);
  EXPECT_EQ(Numbers(p.items()).size(), 7u);
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({}, 4, 3);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{5, 6, 7}));
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({}, 0, 0);  // the default page holds them all
  EXPECT_EQ(Numbers(p.items()).size(), 7u);
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({}, 7, 3);
  EXPECT_TRUE(p.items().empty());
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({}, 100, 3);
  EXPECT_TRUE(p.items().empty());

  // Filtered: 整改中 are 1, 3, 4, 6, 7.
  p = page({in_progress}, 0, 2);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{1, 3}));
  EXPECT_EQ(p.next_after_number(), 3u);
  p = page({in_progress}, 3, 2);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{4, 6}));
  EXPECT_EQ(p.next_after_number(), 6u);
  p = page({in_progress}, 6, 2);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{7}));
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({in_progress}, 0, 5);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{1, 3, 4, 6, 7}));
  EXPECT_EQ(p.next_after_number(), 0u);
  // The matches end before the ledger does: still nothing more.
  p = page({v1::RECTIFICATION_STATUS_REPORTED_DONE,
            v1::RECTIFICATION_STATUS_VERIFIED},
           0, 2);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{2, 5}));
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({v1::RECTIFICATION_STATUS_VERIFIED}, 0, 1);
  EXPECT_EQ(Numbers(p.items()), (Numbers32{5}));
  EXPECT_EQ(p.next_after_number(), 0u);
  p = page({v1::RECTIFICATION_STATUS_LONG_TERM}, 0, 3);
  EXPECT_TRUE(p.items().empty());
  EXPECT_EQ(p.next_after_number(), 0u);

  // Nothing is overdue yet.
  v1::ListRectificationItemsRequest overdue;
  overdue.set_referral_id(id);
  overdue.set_overdue_only(true);
  ListOr none_overdue = List(kInspectionOffice, overdue);
  ASSERT_TRUE(none_overdue.ok()) << none_overdue.status();
  EXPECT_TRUE(none_overdue->items().empty());

  // The other list keeps to its own items.
  v1::ListRectificationItemsRequest theirs;
  theirs.set_referral_id(other);
  theirs.set_page_size(10);
  ListOr other_page = List(kInspectionOffice, theirs);
  ASSERT_TRUE(other_page.ok()) << other_page.status();
  EXPECT_EQ(Numbers(other_page->items()), (Numbers32{1, 2, 3}));
  EXPECT_EQ(other_page->next_after_number(), 0u);
  ExpectSummary(other_page->summary(), 3, 3, 0, 0, 0);
}

// Items "numbered after" the largest number there can be: none.
TEST_F(RectificationCoreTest, NoItemsFollowTheLargestNumber) {
  const std::string id = NewList(Findings(3));
  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  request.set_after_number(std::numeric_limits<uint32_t>::max());
  ListOr page = List(kInspectionOffice, request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Numbers(page->items()), std::vector<uint32_t>{});
  EXPECT_EQ(page->next_after_number(), 0u);
}

TEST_F(RectificationCoreTest, ListLeavesOutHistoryUnlessAsked) {
  const std::string id = NewList(Findings(2));
  AcceptList(id);
  v1::ReportRectificationRequest report =
      ReportRequest(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE);
  v1::Attachment& evidence = *report.add_evidence();
  evidence.set_name("培训签到表.pdf");
  evidence.set_content("%PDF-1.7 签到表");
  ASSERT_TRUE(Call(kOrganizationDept, report).ok());

  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  ListOr bare = List(kOrganizationDept, request);
  ASSERT_TRUE(bare.ok()) << bare.status();
  ASSERT_EQ(bare->items_size(), 2);
  for (const v1::RectificationItem& item : bare->items()) {
    EXPECT_TRUE(item.history().empty()) << item.number();
    EXPECT_FALSE(item.problem().empty());
  }
  EXPECT_EQ(bare->items(0).status(), v1::RECTIFICATION_STATUS_REPORTED_DONE);

  request.set_include_history(true);
  ListOr full = List(kOrganizationDept, request);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->items(0).history_size(), 2);
  const v1::RectificationUpdate& update = full->items(0).history(1);
  ASSERT_EQ(update.evidence_size(), 1);
  EXPECT_EQ(update.evidence(0).name(), "培训签到表.pdf");
  EXPECT_TRUE(update.evidence(0).content().empty());
  EXPECT_FALSE(update.evidence(0).sha256_hex().empty());
}

TEST_F(RectificationCoreTest, OnlyThePartiesReadTheLedger) {
  const std::string id = NewList(Findings(2));
  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  EXPECT_TRUE(List(kInspectionOffice, request).ok());
  EXPECT_TRUE(List(kOrganizationDept, request).ok());
  // The commission supervises but is no party; the audit bureau is a
  // stranger; a missing list answers the same.
  for (const char* outsider : {kDisciplineCommission, kAuditBureau}) {
    ListOr refused = List(outsider, request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
        << outsider << ": " << refused.status();
  }
  request.set_referral_id("test-hub-0000000099");
  EXPECT_EQ(List(kInspectionOffice, request).status().code(),
            absl::StatusCode::kPermissionDenied);

  request.set_referral_id(id);
  request.set_page_size(501);
  EXPECT_EQ(List(kInspectionOffice, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_size(500);
  EXPECT_TRUE(List(kInspectionOffice, request).ok());
  request.add_statuses(v1::RECTIFICATION_STATUS_UNSPECIFIED);
  EXPECT_EQ(List(kInspectionOffice, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_statuses();
  request.add_statuses(static_cast<v1::RectificationStatus>(42));
  EXPECT_EQ(List(kInspectionOffice, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_statuses();
  request.set_referral_id("");
  EXPECT_EQ(List(kInspectionOffice, request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- item deadlines ---------------------------------------------------------

TEST_F(RectificationCoreTest, AnItemPastItsDueDateIsFlaggedOnce) {
  std::vector<v1::RectificationItemDraft> drafts = Findings(3);
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 2);
  *drafts[2].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 10);
  const std::string id = NewList(drafts);
  AcceptList(id);
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(CheckDeadlines(), 0);

  clock_.Advance(absl::Hours(24) * 2);  // day 3
  EXPECT_EQ(CheckDeadlines(), 1);
  std::vector<v1::Event> flags = Events(v1::EVENT_TYPE_RECTIFICATION_OVERDUE);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].referral_id(), id);
  EXPECT_EQ(flags[0].actor(), "hub");
  EXPECT_EQ(Numbers(flags[0].item_numbers()), (std::vector<uint32_t>{1}));
  for (const char* party : {kInspectionOffice, kOrganizationDept}) {
    std::vector<v1::Event> told =
        InboxEvents(party, v1::EVENT_TYPE_RECTIFICATION_OVERDUE);
    ASSERT_EQ(told.size(), 1u) << party;
    EXPECT_EQ(Numbers(told[0].item_numbers()), (std::vector<uint32_t>{1}));
  }
  EXPECT_TRUE(Events(v1::EVENT_TYPE_OVERDUE).empty())
      << "the list's own deadlines are not due";

  const v1::Referral referral = Stored(id);
  EXPECT_EQ(referral.rectification().overdue(), 1u);
  ExpectSummary(referral.rectification(), 3, 3, 0, 0, 0);
  EXPECT_EQ(referral.state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_FALSE(referral.feedback_overdue());
  const v1::RectificationItem item = Item(id, 1);
  EXPECT_TRUE(item.overdue());
  EXPECT_EQ(item.status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
  ASSERT_EQ(item.history_size(), 2);
  EXPECT_EQ(item.history(1).step(), v1::RECTIFICATION_STEP_OVERDUE);
  EXPECT_EQ(item.history(1).actor(), "hub");
  EXPECT_EQ(item.history(1).status(), v1::RECTIFICATION_STATUS_IN_PROGRESS);
  EXPECT_FALSE(Item(id, 2).overdue());
  EXPECT_FALSE(Item(id, 3).overdue());

  // Durable, not recomputed: the next check flags nothing.
  EXPECT_EQ(CheckDeadlines(), 0);
  EXPECT_EQ(Events(v1::EVENT_TYPE_RECTIFICATION_OVERDUE).size(), 1u);

  v1::ListRectificationItemsRequest request;
  request.set_referral_id(id);
  request.set_overdue_only(true);
  ListOr overdue = List(kOrganizationDept, request);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_EQ(Numbers(overdue->items()), (std::vector<uint32_t>{1}));
  EXPECT_EQ(overdue->summary().overdue(), 1u);

  // Reported late and rejected: it stays flagged once, not twice.
  ASSERT_TRUE(Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  ASSERT_TRUE(Reject(id, 1, "整改措施未落实到位").ok());
  EXPECT_EQ(CheckDeadlines(), 0);
  EXPECT_TRUE(Item(id, 1).overdue());
  EXPECT_EQ(Stored(id).rectification().overdue(), 1u);

  // Item 3 at day 10; then item 2 with the list's feedback deadline (day
  // 30), together with the list itself.
  clock_.Advance(absl::Hours(24) * 8);
  EXPECT_EQ(CheckDeadlines(), 1);
  EXPECT_TRUE(Item(id, 3).overdue());
  clock_.Advance(absl::Hours(24) * 20);
  EXPECT_EQ(CheckDeadlines(), 2);
  EXPECT_TRUE(Item(id, 2).overdue());
  EXPECT_TRUE(Stored(id).feedback_overdue());
  EXPECT_EQ(Stored(id).rectification().overdue(), 3u);
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

TEST_F(RectificationCoreTest, AnItemReportedBeforeItsDueDateIsNeverFlagged) {
  std::vector<v1::RectificationItemDraft> drafts = Findings(2);
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 2);
  *drafts[1].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 2);
  const std::string id = NewList(drafts);
  AcceptList(id);
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  ASSERT_TRUE(ReportLongTerm(id, 2, start_ + absl::Hours(24) * 180).ok());

  clock_.Advance(absl::Hours(24) * 2);  // day 3
  EXPECT_EQ(CheckDeadlines(), 0);
  ASSERT_TRUE(Accept(id, 1).ok());
  ASSERT_TRUE(Accept(id, 2).ok());
  clock_.Advance(absl::Hours(24) * 10);
  EXPECT_EQ(CheckDeadlines(), 0);
  EXPECT_FALSE(Item(id, 1).overdue());
  EXPECT_FALSE(Item(id, 2).overdue());
  EXPECT_EQ(Stored(id).rectification().overdue(), 0u);
  EXPECT_TRUE(Events(v1::EVENT_TYPE_RECTIFICATION_OVERDUE).empty());
}

TEST_F(RectificationCoreTest, AnItemRejectedAfterItsDueDateIsFlaggedNext) {
  std::vector<v1::RectificationItemDraft> drafts = Findings(2);
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 2);
  const std::string id = NewList(drafts);
  AcceptList(id);
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(Report(id, 1, v1::RECTIFICATION_REPORT_KIND_DONE).ok());
  clock_.Advance(absl::Hours(24) * 2);  // day 3: due date passed, reported
  EXPECT_EQ(CheckDeadlines(), 0);
  EXPECT_FALSE(Item(id, 1).overdue());

  ASSERT_TRUE(Reject(id, 1, "佐证材料不能证明整改到位").ok());
  EXPECT_EQ(CheckDeadlines(), 1);
  std::vector<v1::Event> flags = Events(v1::EVENT_TYPE_RECTIFICATION_OVERDUE);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(Numbers(flags[0].item_numbers()), (std::vector<uint32_t>{1}));
  EXPECT_TRUE(Item(id, 1).overdue());
  EXPECT_FALSE(Item(id, 2).overdue());
  EXPECT_EQ(Stored(id).rectification().overdue(), 1u);
  EXPECT_EQ(CheckDeadlines(), 0);
}

TEST_F(RectificationCoreTest, ItemsOfAWithdrawnListAreNeverFlagged) {
  std::vector<v1::RectificationItemDraft> drafts = Findings(3);
  *drafts[0].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 2);
  const std::string id = NewList(drafts);
  ASSERT_TRUE(
      Step(kInspectionOffice, Action::kWithdraw, "WithdrawReferral", id).ok());
  clock_.Advance(absl::Hours(24) * 3);
  EXPECT_EQ(CheckDeadlines(), 0);
  clock_.Advance(absl::Hours(24) * 60);  // past every item's due date
  EXPECT_EQ(CheckDeadlines(), 0);
  EXPECT_TRUE(Events(v1::EVENT_TYPE_RECTIFICATION_OVERDUE).empty());
  EXPECT_EQ(Stored(id).rectification().overdue(), 0u);
  for (const v1::RectificationItem& item : Items(id)) {
    EXPECT_FALSE(item.overdue()) << item.number();
  }
  auto left = store_->DeadlinesDue(absl::InfiniteFuture(), 100);
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_TRUE(left->empty()) << "checked deadlines are gone";
}

TEST_F(RectificationCoreTest, AnItemAddedLaterIsFlaggedByItsOwnDueDate) {
  const std::string id = NewList(Findings(2));
  AcceptList(id);
  std::vector<v1::RectificationItemDraft> drafts = SecondRoundFindings();
  *drafts[1].mutable_due_at() = ToTimestamp(start_ + absl::Hours(24) * 5);
  ASSERT_TRUE(Add(id, drafts).ok());
  clock_.Advance(absl::Hours(24) * 6);
  EXPECT_EQ(CheckDeadlines(), 1);
  std::vector<v1::Event> flags = Events(v1::EVENT_TYPE_RECTIFICATION_OVERDUE);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(Numbers(flags[0].item_numbers()), (std::vector<uint32_t>{4}));
  EXPECT_TRUE(Item(id, 4).overdue());
  EXPECT_FALSE(Item(id, 3).overdue());
}

}  // namespace
}  // namespace sx::core
