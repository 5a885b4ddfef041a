// 暂存待查 (kept pending) through ExchangeCore and the DeadlineWatcher on a
// FakeClock: the feedback clock stands still while a lead is kept pending,
// reopening moves the feedback deadline on by the pause, and the hub reminds
// the recipient once, on the latest review date. Checked against what the
// store holds: events, inboxes and the deadline index.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
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

absl::Duration Days(int days) { return absl::Hours(24) * days; }

class KeptPendingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    core_ = std::make_unique<ExchangeCore>(*store_, clock_, TestHubConfig());
    watcher_ = std::make_unique<DeadlineWatcher>(
        *store_, clock_, [this] { return core_->config(); });
  }

  // Day `n` after the lead was submitted (and accepted, and disposed of).
  absl::Time Day(int n) const { return start_ + Days(n); }
  void AdvanceTo(absl::Time when) {
    ASSERT_GE(when, clock_.Now());
    clock_.Advance(when - clock_.Now());
  }

  ReferralOr Step(absl::string_view caller, StepRequest step) {
    step.request_id = absl::StrCat("req-", ++requests_);
    step.request_fingerprint = step.request_id;
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      core_->TakeStep(Agency(caller), step, std::move(done));
    });
  }

  StepRequest NewStep(Action action, absl::string_view method,
                      const std::string& id) {
    StepRequest step;
    step.action = action;
    step.method = std::string(method);
    step.referral_id = id;
    return step;
  }

  // 暂存待查 as RecordDisposition asks for it.
  ReferralOr KeepPending(const std::string& id, absl::Time review_at) {
    StepRequest step = NewStep(Action::kDispose, "RecordDisposition", id);
    step.disposition = v1::DISPOSITION_METHOD_KEPT_PENDING;
    step.handler = "王某";
    step.text = "线索要素不全，暂存待查";
    step.due_at = review_at;
    return Step(kDisciplineCommission, std::move(step));
  }

  ReferralOr Reopen(const std::string& id) {
    StepRequest step = NewStep(Action::kReopen, "ReopenReferral", id);
    step.text = "收到新的举报材料";
    return Step(kDisciplineCommission, std::move(step));
  }

  // A normal lead (30 days to final feedback) from the inspection office,
  // accepted and under preliminary verification by the commission on day 0.
  std::string DisposingLead() {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("submit-", ++requests_));
    request.set_recipient_agency_id(kDisciplineCommission);
    request.set_kind(v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() = LandReserveLead(v1::URGENCY_NORMAL);
    ReferralOr submitted =
        Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
          core_->Submit(Agency(kInspectionOffice), request,
                        request.request_id(), std::move(done));
        });
    EXPECT_TRUE(submitted.ok()) << submitted.status();
    if (!submitted.ok()) return "";
    const std::string id = submitted->referral_id();
    EXPECT_EQ(FromTimestamp(submitted->feedback_due_at()), Day(30));
    ReferralOr accepted = Step(kDisciplineCommission,
                               NewStep(Action::kAccept, "AcceptReferral", id));
    EXPECT_TRUE(accepted.ok()) << accepted.status();
    StepRequest dispose = NewStep(Action::kDispose, "RecordDisposition", id);
    dispose.disposition = v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION;
    ReferralOr disposing = Step(kDisciplineCommission, std::move(dispose));
    EXPECT_TRUE(disposing.ok()) << disposing.status();
    return id;
  }

  // A lead kept pending on day 3 until `review_at`.
  std::string KeptOnDay3Until(absl::Time review_at) {
    const std::string id = DisposingLead();
    AdvanceTo(Day(3));
    ReferralOr kept = KeepPending(id, review_at);
    EXPECT_TRUE(kept.ok()) << kept.status();
    return id;
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

  std::vector<v1::Event> EventsOfType(v1::EventType type) {
    std::vector<v1::Event> found;
    auto events = store_->ReadEvents(1, 100000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return found;
    for (const v1::Event& event : *events) {
      if (event.type() == type) found.push_back(event);
    }
    return found;
  }

  std::vector<v1::InboxEntry> InboxEntries(absl::string_view agency,
                                           v1::EventType type) {
    std::vector<v1::InboxEntry> found;
    auto inbox = store_->ReadInbox(std::string(agency), 0, 100000);
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    if (!inbox.ok()) return found;
    for (const v1::InboxEntry& entry : *inbox) {
      if (entry.event().type() == type) found.push_back(entry);
    }
    return found;
  }

  // When the index holds a deadline of `kind` for the referral, in order.
  std::vector<absl::Time> Deadlines(const std::string& id,
                                    storage::DeadlineKind kind) {
    std::vector<absl::Time> found;
    auto due = store_->DeadlinesDue(absl::InfiniteFuture(), 100000);
    EXPECT_TRUE(due.ok()) << due.status();
    if (!due.ok()) return found;
    for (const storage::Deadline& deadline : *due) {
      if (deadline.referral_id == id && deadline.kind == kind) {
        found.push_back(deadline.due);
      }
    }
    return found;
  }

  int CheckOnce() {
    absl::StatusOr<int> flagged = watcher_->CheckOnce();
    EXPECT_TRUE(flagged.ok()) << flagged.status();
    return flagged.ok() ? *flagged : -1;
  }

  sx::testing::TempDir dir_;
  const absl::Time start_ = absl::FromCivil(
      absl::CivilSecond(2026, 11, 2, 9, 0, 0), absl::UTCTimeZone());
  FakeClock clock_{start_};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  int requests_ = 0;
};

using Kind = storage::DeadlineKind;

TEST_F(KeptPendingTest, KeepingPendingPausesTheFeedbackClock) {
  const std::string id = DisposingLead();
  ASSERT_EQ(Deadlines(id, Kind::kFeedback), std::vector<absl::Time>{Day(30)});
  AdvanceTo(Day(3));
  ReferralOr kept = KeepPending(id, Day(20));
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(kept->disposition(), v1::DISPOSITION_METHOD_KEPT_PENDING);
  EXPECT_EQ(FromTimestamp(kept->paused_at()), Day(3));
  EXPECT_EQ(FromTimestamp(kept->review_at()), Day(20));
  EXPECT_EQ(FromTimestamp(kept->feedback_due_at()), Day(30))
      << "the deadline moves only when the lead is reopened";
  ASSERT_EQ(kept->dispositions_size(), 2);
  EXPECT_EQ(FromTimestamp(kept->dispositions(1).review_at()), Day(20));

  // The index: the review date instead of the feedback deadline.
  EXPECT_TRUE(Deadlines(id, Kind::kFeedback).empty());
  EXPECT_EQ(Deadlines(id, Kind::kReview), std::vector<absl::Time>{Day(20)});
  EXPECT_EQ(Stored(id).SerializeAsString(), kept->SerializeAsString());
}

TEST_F(KeptPendingTest, ReopeningMovesTheFeedbackDeadlineByThePause) {
  const std::string id = KeptOnDay3Until(Day(20));
  AdvanceTo(Day(13));
  ReferralOr reopened = Reopen(id);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(FromTimestamp(reopened->feedback_due_at()), Day(40))
      << "30 days, plus the 10 the lead was kept pending";
  EXPECT_FALSE(reopened->has_paused_at());
  EXPECT_FALSE(reopened->has_review_at());
  EXPECT_EQ(reopened->state_reason(), "收到新的举报材料");

  const v1::Referral stored = Stored(id);
  EXPECT_EQ(FromTimestamp(stored.feedback_due_at()), Day(40));
  EXPECT_FALSE(stored.has_paused_at());
  EXPECT_FALSE(stored.has_review_at());
  EXPECT_EQ(Deadlines(id, Kind::kFeedback), std::vector<absl::Time>{Day(40)});
  EXPECT_TRUE(Deadlines(id, Kind::kReview).empty());

  std::vector<v1::Event> reopenings = EventsOfType(v1::EVENT_TYPE_REOPENED);
  ASSERT_EQ(reopenings.size(), 1u);
  EXPECT_EQ(reopenings[0].from_state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(reopenings[0].to_state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(reopenings[0].actor(), kDisciplineCommission);
  EXPECT_EQ(InboxEntries(kInspectionOffice, v1::EVENT_TYPE_REOPENED).size(), 1u)
      << "the sender hears of it";
}

// A new review date while kept pending leaves the pause running from when
// it began; a second pause after reopening moves the deadline again.
TEST_F(KeptPendingTest, EveryPauseCountsOnceFromItsStart) {
  const std::string id = KeptOnDay3Until(Day(20));
  AdvanceTo(Day(5));
  ReferralOr redated = KeepPending(id, Day(25));
  ASSERT_TRUE(redated.ok()) << redated.status();
  EXPECT_EQ(FromTimestamp(redated->paused_at()), Day(3));
  AdvanceTo(Day(13));
  ReferralOr first = Reopen(id);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(FromTimestamp(first->feedback_due_at()), Day(40));

  AdvanceTo(Day(15));
  ASSERT_TRUE(KeepPending(id, Day(30)).ok());
  AdvanceTo(Day(20));
  ReferralOr second = Reopen(id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(FromTimestamp(second->feedback_due_at()), Day(45));
  EXPECT_EQ(Deadlines(id, Kind::kFeedback), std::vector<absl::Time>{Day(45)});
}

TEST_F(KeptPendingTest, NoFeedbackOverdueWhileKeptPending) {
  const std::string id = KeptOnDay3Until(Day(100));
  AdvanceTo(Day(31));  // past the original deadline
  EXPECT_EQ(CheckOnce(), 0);
  AdvanceTo(Day(60));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_OVERDUE).empty());
  const v1::Referral stored = Stored(id);
  EXPECT_FALSE(stored.feedback_overdue());
  EXPECT_EQ(stored.state(), v1::REFERRAL_STATE_KEPT_PENDING);
}

TEST_F(KeptPendingTest, TheReviewReminderFiresOnceOnTheReviewDate) {
  const std::string id = KeptOnDay3Until(Day(10));

  AdvanceTo(Day(10) - absl::Seconds(1));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).empty());
  EXPECT_TRUE(
      InboxEntries(kDisciplineCommission, v1::EVENT_TYPE_REVIEW_DUE).empty());

  AdvanceTo(Day(10));
  EXPECT_EQ(CheckOnce(), 1);
  std::vector<v1::Event> due = EventsOfType(v1::EVENT_TYPE_REVIEW_DUE);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].referral_id(), id);
  EXPECT_EQ(due[0].actor(), "hub");
  EXPECT_EQ(due[0].from_state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(due[0].to_state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(FromTimestamp(due[0].time()), Day(10));
  std::vector<v1::InboxEntry> told =
      InboxEntries(kDisciplineCommission, v1::EVENT_TYPE_REVIEW_DUE);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].event().sequence(), due[0].sequence());
  EXPECT_TRUE(
      InboxEntries(kInspectionOffice, v1::EVENT_TYPE_REVIEW_DUE).empty())
      << "the reminder is for the recipient";
  EXPECT_TRUE(Deadlines(id, Kind::kReview).empty());
  EXPECT_EQ(Stored(id).state(), v1::REFERRAL_STATE_KEPT_PENDING);

  AdvanceTo(Day(11));
  EXPECT_EQ(CheckOnce(), 0);
  AdvanceTo(Day(90));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_EQ(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).size(), 1u);
  EXPECT_EQ(
      InboxEntries(kDisciplineCommission, v1::EVENT_TYPE_REVIEW_DUE).size(),
      1u);
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

// The deadline index keeps whole seconds: a review date between two of them
// is reminded of at the next one, never before the time asked for.
TEST_F(KeptPendingTest, NoReminderBeforeASubSecondReviewDate) {
  const absl::Time asked = Day(10) + absl::Milliseconds(500);
  const std::string id = KeptOnDay3Until(asked);
  EXPECT_GE(FromTimestamp(Stored(id).review_at()), asked);
  AdvanceTo(Day(10));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).empty());
  AdvanceTo(Day(10) + absl::Seconds(1));
  EXPECT_EQ(CheckOnce(), 1);
  EXPECT_EQ(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).size(), 1u);
}

TEST_F(KeptPendingTest, NoReminderForALeadReopenedBeforeItsReviewDate) {
  const std::string id = KeptOnDay3Until(Day(10));
  AdvanceTo(Day(5));
  ASSERT_TRUE(Reopen(id).ok());
  EXPECT_TRUE(Deadlines(id, Kind::kReview).empty());
  AdvanceTo(Day(11));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).empty());
  EXPECT_TRUE(
      InboxEntries(kDisciplineCommission, v1::EVENT_TYPE_REVIEW_DUE).empty());
}

TEST_F(KeptPendingTest, ALaterReviewDateReplacesTheEarlierOne) {
  const std::string id = KeptOnDay3Until(Day(10));
  AdvanceTo(Day(4));
  ReferralOr redated = KeepPending(id, Day(20));
  ASSERT_TRUE(redated.ok()) << redated.status();
  EXPECT_EQ(redated->state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(FromTimestamp(redated->review_at()), Day(20));
  EXPECT_EQ(redated->dispositions_size(), 3) << "one more record, not an edit";
  EXPECT_EQ(Deadlines(id, Kind::kReview), std::vector<absl::Time>{Day(20)});

  AdvanceTo(Day(10));
  EXPECT_EQ(CheckOnce(), 0);
  AdvanceTo(Day(19));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).empty());
  AdvanceTo(Day(20));
  EXPECT_EQ(CheckOnce(), 1);
  ASSERT_EQ(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).size(), 1u);
  EXPECT_EQ(
      InboxEntries(kDisciplineCommission, v1::EVENT_TYPE_REVIEW_DUE).size(),
      1u);
}

TEST_F(KeptPendingTest, AnEarlierReviewDateReplacesTheLaterOne) {
  const std::string id = KeptOnDay3Until(Day(20));
  AdvanceTo(Day(4));
  ASSERT_TRUE(KeepPending(id, Day(8)).ok());
  EXPECT_EQ(Deadlines(id, Kind::kReview), std::vector<absl::Time>{Day(8)});
  AdvanceTo(Day(8));
  EXPECT_EQ(CheckOnce(), 1);
  AdvanceTo(Day(20));
  EXPECT_EQ(CheckOnce(), 0);
  std::vector<v1::Event> due = EventsOfType(v1::EVENT_TYPE_REVIEW_DUE);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(FromTimestamp(due[0].time()), Day(8));
}

TEST_F(KeptPendingTest, AfterReopeningTheMovedDeadlineIsTheOneFlagged) {
  const std::string id = KeptOnDay3Until(Day(100));
  AdvanceTo(Day(13));
  ASSERT_TRUE(Reopen(id).ok());  // due on day 40 now

  AdvanceTo(Day(31));
  EXPECT_EQ(CheckOnce(), 0) << "the original deadline no longer stands";
  AdvanceTo(Day(40) - absl::Seconds(1));
  EXPECT_EQ(CheckOnce(), 0);
  EXPECT_FALSE(Stored(id).feedback_overdue());

  AdvanceTo(Day(40));
  EXPECT_EQ(CheckOnce(), 1);
  EXPECT_TRUE(Stored(id).feedback_overdue());
  std::vector<v1::Event> overdue = EventsOfType(v1::EVENT_TYPE_OVERDUE);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].referral_id(), id);
  EXPECT_EQ(overdue[0].reason(), "feedback");
  EXPECT_EQ(FromTimestamp(overdue[0].time()), Day(40));
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).empty());
}

TEST_F(KeptPendingTest, ReroutingAKeptPendingLeadRemovesItsReviewDate) {
  const std::string id = KeptOnDay3Until(Day(10));
  AdvanceTo(Day(5));
  StepRequest reroute = NewStep(Action::kReroute, "RerouteReferral", id);
  reroute.target_agency_id = kStationedEducation;
  reroute.text = "属驻教育局纪检监察组管辖";
  ReferralOr rerouted = Step(kDisciplineCommission, std::move(reroute));
  ASSERT_TRUE(rerouted.ok()) << rerouted.status();
  EXPECT_EQ(rerouted->state(), v1::REFERRAL_STATE_REROUTED);
  EXPECT_FALSE(rerouted->has_review_at());
  EXPECT_FALSE(rerouted->has_paused_at());
  EXPECT_TRUE(Deadlines(id, Kind::kReview).empty());
  EXPECT_TRUE(Deadlines(id, Kind::kFeedback).empty());

  AdvanceTo(Day(60));
  CheckOnce();  // the child's own deadlines may be flagged
  EXPECT_TRUE(EventsOfType(v1::EVENT_TYPE_REVIEW_DUE).empty());
  for (const v1::Event& event : EventsOfType(v1::EVENT_TYPE_OVERDUE)) {
    EXPECT_NE(event.referral_id(), id) << "the rerouted lead owes nothing";
  }
}

// referral.proto: "`disposition` is the last one's method" of the records,
// and a change of method adds a record. 转办 is a method too.
TEST_F(KeptPendingTest, ReroutingIsRecordedLikeEveryOtherDisposition) {
  const std::string id = KeptOnDay3Until(Day(10));
  const v1::Referral kept = Stored(id);
  ASSERT_EQ(kept.dispositions_size(), 2);
  AdvanceTo(Day(5));
  StepRequest reroute = NewStep(Action::kReroute, "RerouteReferral", id);
  reroute.target_agency_id = kStationedEducation;
  reroute.text = "属驻教育局纪检监察组管辖";
  ReferralOr rerouted = Step(kDisciplineCommission, std::move(reroute));
  ASSERT_TRUE(rerouted.ok()) << rerouted.status();
  EXPECT_EQ(rerouted->disposition(), v1::DISPOSITION_METHOD_TRANSFER);
  ASSERT_EQ(rerouted->dispositions_size(), 3);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(rerouted->dispositions(i).SerializeAsString(),
              kept.dispositions(i).SerializeAsString());
  }
  EXPECT_EQ(rerouted->dispositions(2).method(),
            v1::DISPOSITION_METHOD_TRANSFER);
  EXPECT_EQ(FromTimestamp(rerouted->dispositions(2).recorded_at()), Day(5));
}

TEST_F(KeptPendingTest, KeptPendingLeadsTakeNoFeedbackUntilReopened) {
  const std::string id = KeptOnDay3Until(Day(20));
  const int64_t version = Stored(id).version();
  StepRequest feedback = NewStep(Action::kFinalFeedback, "SendFeedback", id);
  feedback.feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
  feedback.feedback.set_text("经初步核实，反映问题不属实");
  ReferralOr refused = Step(kDisciplineCommission, feedback);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_EQ(Stored(id).version(), version);
  ASSERT_TRUE(Reopen(id).ok());
  EXPECT_TRUE(Step(kDisciplineCommission, feedback).ok());
}

}  // namespace
}  // namespace sx::core
