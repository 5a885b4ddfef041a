// Periodic reports (阶段性报告) of a case under review (立案审查调查), on a
// FakeClock: 立案 replaces the final deadline by a report due every 30 days,
// a missed report is red to both parties and the supervisor, the next
// interim feedback sets the next report and clears the flag, and final
// feedback ends the reports.
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/core/current_conditions.h"
#include "sx/core/deadline_watcher.h"
#include "sx/core/exchange_core.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/exchange_flow.h"
#include "sx/core/testing/test_config.h"
#include "sx/core/timestamps.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

std::shared_ptr<const HubConfig> ReportingConfig() {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_deadlines()->mutable_case_review_reports()->set_every_days(30);
  absl::StatusOr<std::shared_ptr<const HubConfig>> config =
      HubConfig::FromProto(std::move(proto));
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

class PeriodicReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    core_ = std::make_unique<ExchangeCore>(*store_, clock_, ReportingConfig());
    flow_ = std::make_unique<ExchangeFlow>(*core_);
    watcher_ = std::make_unique<DeadlineWatcher>(
        *store_, clock_, [this] { return core_->config(); });
  }

  // A lead from the stationed group to the organization department, signed
  // for, verified (初步核实) and filed as a case (立案) on day 2.
  std::string FiledCase() {
    const std::string id =
        flow_->Submit(kStationedEducation, kOrganizationDept);
    EXPECT_TRUE(flow_->Step(kOrganizationDept, Action::kAccept, id).ok());
    EXPECT_TRUE(flow_
                    ->Dispose(id, kOrganizationDept,
                              v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION)
                    .ok());
    clock_.Advance(kDay);
    auto filed = flow_->Dispose(id, kOrganizationDept,
                                v1::DISPOSITION_METHOD_CASE_FILED);
    EXPECT_TRUE(filed.ok()) << filed.status();
    return id;
  }

  int Check() {
    absl::StatusOr<int> flagged = watcher_->CheckOnce();
    EXPECT_TRUE(flagged.ok()) << flagged.status();
    return flagged.ok() ? *flagged : -1;
  }

  v1::Referral Stored(const std::string& id) {
    return **store_->GetReferral(id);
  }

  // The OVERDUE reasons in `agency`'s inbox, in order.
  std::vector<std::string> Overdue(absl::string_view agency) {
    std::vector<std::string> reasons;
    const auto entries = store_->ReadInbox(agency, 0, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    for (const v1::InboxEntry& entry : *entries) {
      if (entry.event().type() == v1::EVENT_TYPE_OVERDUE) {
        reasons.push_back(entry.event().reason());
      }
    }
    return reasons;
  }

  sx::testing::TempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1780000000)};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  std::unique_ptr<ExchangeFlow> flow_;
  std::unique_ptr<DeadlineWatcher> watcher_;
};

using Reasons = std::vector<std::string>;

TEST_F(PeriodicReportsTest, ACaseUnderReviewReportsInsteadOfOneDeadline) {
  const absl::Time start = clock_.Now();
  const std::string id = FiledCase();
  const v1::Referral filed = Stored(id);
  EXPECT_EQ(FromTimestamp(filed.report_due_at()), start + kDay + 30 * kDay);
  // The 30-day final deadline (day 30) passes without a flag.
  clock_.Advance(29 * kDay + absl::Hours(1));
  EXPECT_EQ(Check(), 0);
  EXPECT_FALSE(Stored(id).feedback_overdue());

  // Day 31, no report: red to both parties and the supervisor.
  clock_.Advance(kDay);
  EXPECT_EQ(Check(), 1);
  EXPECT_TRUE(Stored(id).report_overdue());
  EXPECT_EQ(Overdue(kStationedEducation), Reasons{"report"});
  EXPECT_EQ(Overdue(kOrganizationDept), Reasons{"report"});
  EXPECT_EQ(Overdue(kDisciplineCommission), Reasons{"report"});
  EXPECT_EQ(Check(), 0) << "a missed report is flagged once";
  EXPECT_TRUE(IsWatched(Stored(id)));

  // The report comes on day 33: the next is due 30 days later.
  clock_.Advance(2 * kDay);
  ASSERT_TRUE(
      flow_->Feedback(id, kOrganizationDept, v1::FEEDBACK_KIND_INTERIM).ok());
  const v1::Referral reported = Stored(id);
  EXPECT_FALSE(reported.report_overdue());
  EXPECT_EQ(FromTimestamp(reported.report_due_at()), clock_.Now() + 30 * kDay);
  clock_.Advance(29 * kDay);
  EXPECT_EQ(Check(), 0);

  // Final feedback ends the reports: nothing more falls due.
  ASSERT_TRUE(
      flow_->Feedback(id, kOrganizationDept, v1::FEEDBACK_KIND_FINAL).ok());
  EXPECT_FALSE(Stored(id).has_report_due_at());
  auto due = store_->DeadlinesDue(clock_.Now() + 3650 * kDay, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

// 退回补充 after final feedback on a filed case: it reports again from the
// day it was sent back, not against its long-passed final deadline.
TEST_F(PeriodicReportsTest, FeedbackSentBackForMoreReportsAgain) {
  const std::string id = FiledCase();
  clock_.Advance(50 * kDay);
  ASSERT_TRUE(
      flow_->Feedback(id, kOrganizationDept, v1::FEEDBACK_KIND_INTERIM).ok());
  ASSERT_TRUE(
      flow_->Feedback(id, kOrganizationDept, v1::FEEDBACK_KIND_FINAL).ok());
  auto sent_back = flow_->Step(
      kStationedEducation, Action::kRejectFeedback, id,
      [](StepRequest& step) { step.text = "请补充涉案金额认定依据"; });
  ASSERT_TRUE(sent_back.ok()) << sent_back.status();
  EXPECT_EQ(FromTimestamp(Stored(id).report_due_at()),
            clock_.Now() + 30 * kDay);
  clock_.Advance(29 * kDay);
  EXPECT_EQ(Check(), 0) << "the old final deadline does not come back";
  clock_.Advance(2 * kDay);
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(Overdue(kOrganizationDept), Reasons{"report"});
}

TEST_F(PeriodicReportsTest, WithoutTheSettingTheFinalDeadlineStands) {
  core_->UpdateConfig(TestHubConfig());
  const std::string id = FiledCase();
  EXPECT_FALSE(Stored(id).has_report_due_at());
  clock_.Advance(31 * kDay);
  EXPECT_EQ(Check(), 1);
  EXPECT_TRUE(Stored(id).feedback_overdue());
  EXPECT_EQ(Overdue(kOrganizationDept), Reasons{"feedback"});
}

}  // namespace
}  // namespace sx::core
