#include "sx/core/distribution_core.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/core/distribution_progress.h"
#include "sx/base/sha256.h"
#include "sx/core/deadline_watcher.h"
#include "sx/core/exchange_core.h"
#include "sx/core/statistics_core.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/test_config.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using DistributionOr = absl::StatusOr<v1::Distribution>;
using ReferralOr = absl::StatusOr<v1::Referral>;

// Units of case 10 of docs/CASES.md added to the test config, with a route
// from the inspection office.
constexpr char kPropaganda[] = "propaganda-dept";
constexpr char kEducation[] = "education-bureau";
constexpr char kHealth[] = "health-commission";

std::shared_ptr<const HubConfig> CaseTenConfig() {
  v1::HubConfig proto = TestHubConfigProto();
  for (const auto& [id, name] :
       std::vector<std::pair<std::string, std::string>>{
           {kPropaganda, "市委宣传部"},
           {kEducation, "市教育局"},
           {kHealth, "市卫生健康委"}}) {
    v1::Agency* agency = proto.add_agencies();
    agency->set_id(id);
    agency->set_type("supervision_unit");
    agency->set_display_name(name);
  }
  v1::Route* route = proto.add_routes();
  route->set_from_type("inspection_office");
  route->add_to_types("supervision_unit");
  route->add_kinds(v1::REFERRAL_KIND_LEAD);
  route->add_kinds(v1::REFERRAL_KIND_PROBLEM_LIST);
  auto config = HubConfig::FromProto(std::move(proto));
  if (!config.ok()) {
    ADD_FAILURE() << config.status();
    return TestHubConfig();
  }
  return *std::move(config);
}

// Case 10's notice: suggestions for sector-wide governance.
v1::Lead SectorGovernanceNotice() {
  v1::Lead lead;
  lead.set_subject("市属国有企业");
  lead.set_category("巡察发现共性问题及系统治理建议");
  lead.set_summary(
      "专项巡察梳理形成的意见建议和问题清单，请签收后结合职责推动系统治理");
  lead.set_source("专项巡察");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::Referral InState(v1::ReferralState state) {
  v1::Referral referral;
  referral.set_state(state);
  return referral;
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

class DistributionCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    exchange_ =
        std::make_unique<ExchangeCore>(*store_, clock_, CaseTenConfig());
    const auto config = [this] { return exchange_->config(); };
    distributions_ =
        std::make_unique<DistributionCore>(*store_, clock_, config);
    statistics_ = std::make_unique<StatisticsCore>(*store_, config);
    watcher_ = std::make_unique<DeadlineWatcher>(*store_, clock_, config);
  }

  DistributionOr Submit(const std::vector<std::string>& recipients,
                        v1::ReferralKind kind = v1::REFERRAL_KIND_LEAD) {
    v1::SubmitDistributionRequest request;
    request.set_request_id(absl::StrCat("distribution-", ++requests_));
    for (const std::string& recipient : recipients) {
      request.add_recipient_agency_ids(recipient);
    }
    request.set_kind(kind);
    *request.mutable_lead() = SectorGovernanceNotice();
    return Await<DistributionOr>([&](std::function<void(DistributionOr)> done) {
      distributions_->Submit(Agency(kInspectionOffice), request,
                             Sha256(request.SerializeAsString()),
                             std::move(done));
    });
  }

  ReferralOr Step(absl::string_view who, Action action, const std::string& id) {
    StepRequest step;
    step.action = action;
    step.method = "Step";
    step.request_id = absl::StrCat("step-", ++requests_);
    step.request_fingerprint = step.request_id;
    step.referral_id = id;
    switch (action) {
      case Action::kDispose:
        step.disposition = v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION;
        break;
      case Action::kFinalFeedback:
        step.feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
        step.feedback.set_text("已制定系统治理措施并推动落实");
        break;
      case Action::kWithdraw:
        step.text = "通报对象有误，撤回重发";
        break;
      default:
        break;
    }
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      exchange_->TakeStep(Agency(who), step, std::move(done));
    });
  }

  v1::Distribution Get(const std::string& id) {
    DistributionOr distribution =
        distributions_->Get(Agency(kInspectionOffice), id);
    EXPECT_TRUE(distribution.ok()) << distribution.status();
    return distribution.ok() ? *distribution : v1::Distribution();
  }

  // The referral id of each member, by recipient.
  static std::string MemberOf(const v1::Distribution& distribution,
                              absl::string_view recipient) {
    for (const v1::DistributionMember& member : distribution.members()) {
      if (member.recipient_agency_id() == recipient) {
        return member.referral().referral_id();
      }
    }
    ADD_FAILURE() << "no member " << recipient;
    return "";
  }

  std::vector<v1::Event> OverdueEvents() {
    std::vector<v1::Event> overdue;
    absl::StatusOr<std::vector<v1::Event>> events =
        store_->ReadEvents(1, 10000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return overdue;
    for (const v1::Event& event : *events) {
      if (event.type() == v1::EVENT_TYPE_OVERDUE) overdue.push_back(event);
    }
    return overdue;
  }

  sx::testing::TempDir dir_;
  // 17:00 China Standard Time.
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 2, 9, 0, 0),
                                   absl::UTCTimeZone())};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> exchange_;
  std::unique_ptr<DistributionCore> distributions_;
  std::unique_ptr<StatisticsCore> statistics_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  int requests_ = 0;
};

// Each member has its own deadlines: the unit that does not sign for the
// notice in time is flagged on its own, the others are not, and the
// distribution counts each flagged member once.
TEST_F(DistributionCoreTest, EachMemberIsFlaggedOverdueOnItsOwn) {
  DistributionOr sent =
      Submit({kDisciplineCommission, kPropaganda, kEducation, kHealth});
  ASSERT_TRUE(sent.ok()) << sent.status();
  const std::string id = sent->distribution_id();
  const std::string late = MemberOf(*sent, kHealth);

  // Three units sign for it within the 72 hours; the health commission
  // does not.
  clock_.Advance(absl::Hours(10));
  for (const char* unit : {kDisciplineCommission, kPropaganda, kEducation}) {
    ASSERT_TRUE(Step(unit, Action::kAccept, MemberOf(*sent, unit)).ok())
        << unit;
  }
  clock_.Advance(absl::Hours(61));  // 71 hours after sending
  EXPECT_EQ(*watcher_->CheckOnce(), 0);
  EXPECT_EQ(Counts(Get(id).progress()),
            "recipients=4 delivered=3 accepted=3 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");

  clock_.Advance(absl::Hours(2));  // 73 hours
  EXPECT_EQ(*watcher_->CheckOnce(), 1);
  v1::Distribution now = Get(id);
  EXPECT_EQ(Counts(now.progress()),
            "recipients=4 delivered=3 accepted=3 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=1");
  for (const v1::DistributionMember& member : now.members()) {
    const bool is_late = member.referral().referral_id() == late;
    EXPECT_EQ(member.referral().accept_overdue(), is_late)
        << member.recipient_agency_id();
    EXPECT_FALSE(member.referral().feedback_overdue())
        << member.recipient_agency_id();
  }
  std::vector<v1::Event> overdue = OverdueEvents();
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].referral_id(), late);
  EXPECT_EQ(overdue[0].reason(), "accept");
  EXPECT_EQ(*watcher_->CheckOnce(), 0) << "a flag is raised once";

  // The commission reports back in time; after 30 days the two units that
  // signed for it but did not report, and the late one, miss the feedback
  // deadline. The late one still counts once.
  const std::string commission = MemberOf(*sent, kDisciplineCommission);
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kDispose, commission).ok());
  ASSERT_TRUE(
      Step(kDisciplineCommission, Action::kFinalFeedback, commission).ok());
  clock_.Advance(absl::Hours(24) * 30);
  EXPECT_EQ(*watcher_->CheckOnce(), 3);
  now = Get(id);
  EXPECT_EQ(Counts(now.progress()),
            "recipients=4 delivered=3 accepted=3 fed_back=1 closed=0 "
            "ended_otherwise=0 overdue=3");
  for (const v1::DistributionMember& member : now.members()) {
    const bool commission_member =
        member.referral().referral_id() == commission;
    EXPECT_EQ(member.referral().feedback_overdue(), !commission_member)
        << member.recipient_agency_id();
  }

  // The statistics count the flags for both sides of each member.
  v1::GetStatisticsRequest request;
  request.set_from_date("2026-11-01");
  request.set_to_date("2026-12-31");
  absl::StatusOr<v1::GetStatisticsResponse> figures = statistics_->Get(
      Identity{Identity::Kind::kAuditor, "chain-auditor"}, request);
  ASSERT_TRUE(figures.ok()) << figures.status();
  for (const v1::UnitFigures& unit : figures->units()) {
    if (unit.agency_id() == kInspectionOffice) {
      EXPECT_EQ(unit.as_sender().referrals(), 4u);
      EXPECT_EQ(unit.as_sender().accept_overdue(), 1u);
      EXPECT_EQ(unit.as_sender().feedback_overdue(), 3u);
    } else if (unit.agency_id() == kHealth) {
      EXPECT_EQ(unit.as_recipient().accept_overdue(), 1u);
      EXPECT_EQ(unit.as_recipient().feedback_overdue(), 1u);
    } else if (unit.agency_id() == kDisciplineCommission) {
      EXPECT_EQ(unit.as_recipient().accept_overdue(), 0u);
      EXPECT_EQ(unit.as_recipient().feedback_overdue(), 0u);
      EXPECT_EQ(unit.as_recipient().fed_back(), 1u);
    }
  }
}

// A member the sender withdraws ends there: counted as ended otherwise,
// never flagged, and the other members carry on.
TEST_F(DistributionCoreTest, AWithdrawnMemberEndsOtherwiseAndIsNeverFlagged) {
  DistributionOr sent = Submit({kPropaganda, kEducation});
  ASSERT_TRUE(sent.ok()) << sent.status();
  ASSERT_TRUE(
      Step(kInspectionOffice, Action::kWithdraw, MemberOf(*sent, kEducation))
          .ok());
  clock_.Advance(absl::Hours(24) * 40);
  EXPECT_EQ(*watcher_->CheckOnce(), 2) << "the other member, twice";
  const v1::Distribution now = Get(sent->distribution_id());
  EXPECT_EQ(Counts(now.progress()),
            "recipients=2 delivered=0 accepted=0 fed_back=0 closed=0 "
            "ended_otherwise=1 overdue=1");
  ASSERT_EQ(now.members_size(), 2);
  EXPECT_EQ(now.members(1).referral().state(), v1::REFERRAL_STATE_WITHDRAWN);
  EXPECT_FALSE(now.members(1).referral().accept_overdue());
  EXPECT_FALSE(now.members(1).referral().feedback_overdue());
}

// One refused recipient refuses the call before anything is written: no
// event, no referral, no inbox entry, no figure.
TEST_F(DistributionCoreTest, ARefusedRecipientLeavesNoTrace) {
  // The test config opens the organization department to problem lists only.
  DistributionOr refused =
      Submit({kDisciplineCommission, kPropaganda, kOrganizationDept});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
      << refused.status();
  EXPECT_NE(refused.status().message().find(kOrganizationDept),
            std::string::npos)
      << refused.status();
  absl::StatusOr<std::vector<v1::Event>> events = store_->ReadEvents(1, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_TRUE(events->empty());
  for (const char* unit : {kDisciplineCommission, kPropaganda}) {
    absl::StatusOr<std::vector<v1::InboxEntry>> inbox =
        store_->ReadInbox(unit, 0, 100);
    ASSERT_TRUE(inbox.ok()) << inbox.status();
    EXPECT_TRUE(inbox->empty()) << unit;
  }
  auto counters = store_->ReadCounters("", "\xff", 100);
  ASSERT_TRUE(counters.ok()) << counters.status();
  EXPECT_TRUE(counters->empty());
  // The same units with the problem-list kind: all three get theirs.
  DistributionOr sent =
      Submit({kDisciplineCommission, kPropaganda, kOrganizationDept},
             v1::REFERRAL_KIND_PROBLEM_LIST);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->members_size(), 3);
}

// ProgressOf counts a referral in every stage it has passed.
TEST(DistributionProgressTest, EveryStateCountsInTheStagesItHasPassed) {
  struct Case {
    v1::ReferralState state;
    const char* counts;
  };
  const Case kCases[] = {
      {v1::REFERRAL_STATE_UNSPECIFIED,
       "recipients=1 delivered=0 accepted=0 fed_back=0 closed=0 "
       "ended_otherwise=0 overdue=0"},
      {v1::REFERRAL_STATE_SUBMITTED,
       "recipients=1 delivered=0 accepted=0 fed_back=0 closed=0 "
       "ended_otherwise=0 overdue=0"},
      {v1::REFERRAL_STATE_DELIVERED,
       "recipients=1 delivered=1 accepted=0 fed_back=0 closed=0 "
       "ended_otherwise=0 overdue=0"},
      {v1::REFERRAL_STATE_ACCEPTED,
       "recipients=1 delivered=1 accepted=1 fed_back=0 closed=0 "
       "ended_otherwise=0 overdue=0"},
      {v1::REFERRAL_STATE_DISPOSING,
       "recipients=1 delivered=1 accepted=1 fed_back=0 closed=0 "
       "ended_otherwise=0 overdue=0"},
      // 暂存待查: signed for, kept pending.
      {v1::REFERRAL_STATE_KEPT_PENDING,
       "recipients=1 delivered=1 accepted=1 fed_back=0 closed=0 "
       "ended_otherwise=0 overdue=0"},
      {v1::REFERRAL_STATE_FEEDBACK_SENT,
       "recipients=1 delivered=1 accepted=1 fed_back=1 closed=0 "
       "ended_otherwise=0 overdue=0"},
      {v1::REFERRAL_STATE_CLOSED,
       "recipients=1 delivered=1 accepted=1 fed_back=1 closed=1 "
       "ended_otherwise=0 overdue=0"},
      // 退回: the recipient had it but did not sign for it.
      {v1::REFERRAL_STATE_RETURNED,
       "recipients=1 delivered=1 accepted=0 fed_back=0 closed=0 "
       "ended_otherwise=1 overdue=0"},
      // 转办: passed on after signing for it.
      {v1::REFERRAL_STATE_REROUTED,
       "recipients=1 delivered=1 accepted=1 fed_back=0 closed=0 "
       "ended_otherwise=1 overdue=0"},
      // 撤回: taken back, delivered or not.
      {v1::REFERRAL_STATE_WITHDRAWN,
       "recipients=1 delivered=0 accepted=0 fed_back=0 closed=0 "
       "ended_otherwise=1 overdue=0"},
  };
  int covered = 0;
  for (const Case& c : kCases) {
    EXPECT_EQ(Counts(ProgressOf({InState(c.state)})), c.counts)
        << v1::ReferralState_Name(c.state);
    ++covered;
  }
  EXPECT_EQ(covered, v1::ReferralState_ARRAYSIZE) << "every state";

  // All of them together: the sums.
  std::vector<v1::Referral> all;
  for (const Case& c : kCases) all.push_back(InState(c.state));
  EXPECT_EQ(Counts(ProgressOf(all)),
            "recipients=11 delivered=8 accepted=6 fed_back=2 closed=1 "
            "ended_otherwise=3 overdue=0");
  EXPECT_EQ(Counts(ProgressOf({})),
            "recipients=0 delivered=0 accepted=0 fed_back=0 closed=0 "
            "ended_otherwise=0 overdue=0");
}

TEST(DistributionProgressTest, AnOverdueMemberCountsOnceWhateverItMissed) {
  v1::Referral accept_missed = InState(v1::REFERRAL_STATE_SUBMITTED);
  accept_missed.set_accept_overdue(true);
  v1::Referral feedback_missed = InState(v1::REFERRAL_STATE_DISPOSING);
  feedback_missed.set_feedback_overdue(true);
  v1::Referral both_missed = InState(v1::REFERRAL_STATE_DELIVERED);
  both_missed.set_accept_overdue(true);
  both_missed.set_feedback_overdue(true);
  // Flags stay once raised, also after the late step was taken.
  v1::Referral late_but_closed = InState(v1::REFERRAL_STATE_CLOSED);
  late_but_closed.set_feedback_overdue(true);
  const v1::Referral on_time = InState(v1::REFERRAL_STATE_ACCEPTED);

  for (const v1::Referral& one :
       {accept_missed, feedback_missed, both_missed, late_but_closed}) {
    EXPECT_EQ(ProgressOf({one}).overdue(), 1u)
        << v1::ReferralState_Name(one.state());
  }
  EXPECT_EQ(ProgressOf({on_time}).overdue(), 0u);
  EXPECT_EQ(Counts(ProgressOf({accept_missed, feedback_missed, both_missed,
                               late_but_closed, on_time})),
            "recipients=5 delivered=4 accepted=3 fed_back=1 closed=1 "
            "ended_otherwise=0 overdue=4");
}

}  // namespace
}  // namespace sx::core
