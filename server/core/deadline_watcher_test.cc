#include "sx/core/deadline_watcher.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "sx/core/exchange_core.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/test_config.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using ReferralOr = absl::StatusOr<v1::Referral>;

class DeadlineWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    core_ = std::make_unique<ExchangeCore>(*store_, clock_, TestHubConfig());
    watcher_ = std::make_unique<DeadlineWatcher>(
        *store_, clock_, [this] { return core_->config(); });
  }

  std::string Submit(v1::Urgency urgency) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("submit-", ++requests_));
    request.set_recipient_agency_id(kDisciplineCommission);
    request.set_kind(v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() = LandReserveLead(urgency);
    ReferralOr referral =
        Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
          core_->Submit(Agency(kInspectionOffice), request,
                        request.request_id(), std::move(done));
        });
    EXPECT_TRUE(referral.ok()) << referral.status();
    return referral.ok() ? referral->referral_id() : "";
  }

  ReferralOr Step(
      absl::string_view who, Action action, const std::string& id,
      v1::DispositionMethod method = v1::DISPOSITION_METHOD_UNSPECIFIED) {
    StepRequest step;
    step.action = action;
    step.method = "Step";
    step.request_id = absl::StrCat("step-", ++requests_);
    step.request_fingerprint = step.request_id;
    step.referral_id = id;
    step.disposition = method;
    step.text = "请于3日内反馈";
    if (action == Action::kFinalFeedback) {
      step.feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
      step.feedback.set_text("已立案审查调查");
    }
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      core_->TakeStep(Agency(who), step, std::move(done));
    });
  }

  v1::Referral Fetch(const std::string& id) {
    auto referral = core_->Get(Agency(kInspectionOffice), id, false);
    EXPECT_TRUE(referral.ok()) << referral.status();
    return referral.ok() ? *referral : v1::Referral();
  }

  std::vector<v1::Event> OverdueEvents() {
    std::vector<v1::Event> overdue;
    absl::StatusOr<std::vector<v1::Event>> events = store_->ReadEvents(1, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return overdue;
    for (const v1::Event& event : *events) {
      if (event.type() == v1::EVENT_TYPE_OVERDUE) overdue.push_back(event);
    }
    return overdue;
  }

  sx::testing::TempDir dir_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 2, 9, 0, 0),
                                   absl::UTCTimeZone())};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  int requests_ = 0;
};

TEST_F(DeadlineWatcherTest, NothingIsFlaggedBeforeItIsDue) {
  Submit(v1::URGENCY_FAST_TRACK);
  clock_.Advance(absl::Hours(23));
  EXPECT_EQ(*watcher_->CheckOnce(), 0);
  EXPECT_TRUE(OverdueEvents().empty());
}

TEST_F(DeadlineWatcherTest, MissedAcceptanceIsFlaggedOnceAndToldToBothParties) {
  const std::string fast = Submit(v1::URGENCY_FAST_TRACK);  // 24 h to accept
  const std::string normal = Submit(v1::URGENCY_NORMAL);    // 72 h
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(*watcher_->CheckOnce(), 1);
  EXPECT_TRUE(Fetch(fast).accept_overdue());
  EXPECT_FALSE(Fetch(normal).accept_overdue());
  EXPECT_EQ(Fetch(fast).state(), v1::REFERRAL_STATE_SUBMITTED)
      << "flagging does not change the state";
  // Checking again flags nothing new: the flag is durable, not recomputed.
  EXPECT_EQ(*watcher_->CheckOnce(), 0);

  std::vector<v1::Event> overdue = OverdueEvents();
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].referral_id(), fast);
  EXPECT_EQ(overdue[0].actor(), "hub");
  EXPECT_EQ(overdue[0].reason(), "accept");
  auto told = [&](absl::string_view agency) {
    absl::StatusOr<std::vector<v1::InboxEntry>> inbox =
        store_->ReadInbox(std::string(agency), 0, 100);
    if (!inbox.ok()) return false;
    for (const auto& entry : *inbox) {
      if (entry.event().type() == v1::EVENT_TYPE_OVERDUE) return true;
    }
    return false;
  };
  EXPECT_TRUE(told(kInspectionOffice));
  EXPECT_TRUE(told(kDisciplineCommission));
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

TEST_F(DeadlineWatcherTest, MetDeadlinesAreNeverFlagged) {
  const std::string id = Submit(v1::URGENCY_FAST_TRACK);
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kAccept, id).ok());
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kDispose, id,
                   v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION)
                  .ok());
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kFinalFeedback, id).ok());
  clock_.Advance(absl::Hours(24) * 60);
  EXPECT_EQ(*watcher_->CheckOnce(), 0);
  EXPECT_TRUE(OverdueEvents().empty());
  EXPECT_FALSE(Fetch(id).accept_overdue());
  EXPECT_FALSE(Fetch(id).feedback_overdue());
}

TEST_F(DeadlineWatcherTest, MissedFeedbackIsFlaggedAfterAcceptance) {
  const std::string id = Submit(v1::URGENCY_NORMAL);
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kAccept, id).ok());
  clock_.Advance(absl::Hours(24) * 31);  // feedback due after 30 days
  EXPECT_EQ(*watcher_->CheckOnce(), 1);
  const v1::Referral referral = Fetch(id);
  EXPECT_FALSE(referral.accept_overdue()) << "accepted in time";
  EXPECT_TRUE(referral.feedback_overdue());
  ASSERT_EQ(OverdueEvents().size(), 1u);
  EXPECT_EQ(OverdueEvents()[0].reason(), "feedback");

  // The supervising agency presses; the reminder reaches the recipient.
  ASSERT_TRUE(
      Step(kDisciplineCommission, Action::kRemind, id).status().code() ==
      absl::StatusCode::kPermissionDenied)
      << "the recipient cannot remind itself";
  ASSERT_TRUE(Step(kInspectionOffice, Action::kRemind, id).ok());
}

TEST_F(DeadlineWatcherTest, WithdrawnReferralsLeaveNoDeadlines) {
  const std::string id = Submit(v1::URGENCY_FAST_TRACK);
  ASSERT_TRUE(Step(kInspectionOffice, Action::kWithdraw, id).ok());
  EXPECT_TRUE(store_->DeadlinesDue(absl::InfiniteFuture(), 10)->empty());
  clock_.Advance(absl::Hours(24) * 100);
  EXPECT_EQ(*watcher_->CheckOnce(), 0);
}

TEST_F(DeadlineWatcherTest, BothDeadlinesMissedGiveTwoFlags) {
  const std::string id = Submit(v1::URGENCY_FAST_TRACK);
  clock_.Advance(absl::Hours(24) * 8);  // past 24 h and 7 days
  EXPECT_EQ(*watcher_->CheckOnce(), 2);
  const v1::Referral referral = Fetch(id);
  EXPECT_TRUE(referral.accept_overdue());
  EXPECT_TRUE(referral.feedback_overdue());
}

// 退回补充 puts the feedback deadline back at its original time: met in
// time but sent back after it passed, the referral is overdue at the next
// check; one already flagged is not flagged a second time.
TEST_F(DeadlineWatcherTest, RejectedFeedbackOwesTheOriginalDeadlineAgain) {
  const std::string late = Submit(v1::URGENCY_FAST_TRACK);  // 7 days
  const std::string flagged = Submit(v1::URGENCY_FAST_TRACK);
  for (const std::string& id : {late, flagged}) {
    ASSERT_TRUE(Step(kDisciplineCommission, Action::kAccept, id).ok());
    ASSERT_TRUE(Step(kDisciplineCommission, Action::kDispose, id,
                     v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION)
                    .ok());
  }
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kFinalFeedback, late).ok());
  clock_.Advance(absl::Hours(24) * 8);
  EXPECT_EQ(*watcher_->CheckOnce(), 1) << "only the one still disposing";
  ASSERT_TRUE(Fetch(flagged).feedback_overdue());
  ASSERT_TRUE(
      Step(kDisciplineCommission, Action::kFinalFeedback, flagged).ok());

  for (const std::string& id : {late, flagged}) {
    ReferralOr rejected = Step(kInspectionOffice, Action::kRejectFeedback, id);
    ASSERT_TRUE(rejected.ok()) << rejected.status();
    EXPECT_EQ(rejected->state(), v1::REFERRAL_STATE_DISPOSING);
  }
  EXPECT_EQ(*watcher_->CheckOnce(), 1);
  EXPECT_TRUE(Fetch(late).feedback_overdue());
  EXPECT_EQ(OverdueEvents().size(), 2u)
      << "the flagged one is not flagged again";
  EXPECT_EQ(*watcher_->CheckOnce(), 0);
}

}  // namespace
}  // namespace sx::core
