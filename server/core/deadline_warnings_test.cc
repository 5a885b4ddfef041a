// Deadlines in working days (工作日) on the official 2026 calendar and the
// staged warnings before them (预警: 蓝, 黄, then 红 when missed), through
// ExchangeCore and the DeadlineWatcher on a FakeClock: when each falls due
// across the Spring Festival holiday and its worked Saturdays, whom each
// reaches (the recipient and the supervisor agencies; 红 the sender too; a
// missed acceptance the parties only), that a pause moves them on and that
// final feedback ends them. And the pressure a sender or supervisor adds by
// hand: reminders that escalate 催办 → 督办 → 挂牌督办.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/core/deadline_plan.h"
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

absl::Time China(int month, int day, int hour = 0, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2026, month, day, hour, minute),
                         absl::FixedTimeZone(8 * 60 * 60));
}

// The test config with the 2026 Spring Festival arrangement (15–23 Feb off,
// Saturdays 14 and 28 Feb worked), feedback in 10 working days, warnings at
// 5 and 2 working days left.
std::shared_ptr<const HubConfig> WorkingDayConfig() {
  v1::HubConfig proto = TestHubConfigProto();
  v1::CalendarYear& year = *proto.mutable_calendar()->add_years();
  year.set_year(2026);
  for (int day = 15; day <= 23; ++day) {
    year.add_holidays(absl::StrCat("2026-02-", day));
  }
  year.add_working_weekend_days("2026-02-14");
  year.add_working_weekend_days("2026-02-28");
  v1::Deadlines& deadlines = *proto.mutable_deadlines();
  deadlines.set_feedback_within_days(10);
  deadlines.set_feedback_in_working_days(true);
  deadlines.mutable_warnings()->set_disabled(false);
  absl::StatusOr<std::shared_ptr<const HubConfig>> config =
      HubConfig::FromProto(std::move(proto));
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

class DeadlineWarningsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    core_ = std::make_unique<ExchangeCore>(*store_, clock_, WorkingDayConfig());
    watcher_ = std::make_unique<DeadlineWatcher>(
        *store_, clock_, [this] { return core_->config(); });
  }

  void AdvanceTo(absl::Time when) {
    ASSERT_GE(when, clock_.Now());
    clock_.Advance(when - clock_.Now());
  }

  int Check() {
    absl::StatusOr<int> flagged = watcher_->CheckOnce();
    EXPECT_TRUE(flagged.ok()) << flagged.status();
    return flagged.ok() ? *flagged : -1;
  }

  // A normal lead, by default from the stationed group to the inspection
  // office (the commission, a supervisor, is no party to it).
  std::string Submit(absl::string_view from = kStationedEducation,
                     absl::string_view to = kInspectionOffice) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("submit-", ++requests_));
    request.set_recipient_agency_id(std::string(to));
    request.set_kind(v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() = LandReserveLead(v1::URGENCY_NORMAL);
    ReferralOr submitted =
        Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
          core_->Submit(Agency(from), request, request.request_id(),
                        std::move(done));
        });
    EXPECT_TRUE(submitted.ok()) << submitted.status();
    return submitted.ok() ? submitted->referral_id() : "";
  }

  // A step by the recipient, the inspection office, unless `caller` says.
  ReferralOr Step(StepRequest step,
                  absl::string_view caller = kInspectionOffice) {
    step.request_id = absl::StrCat("req-", ++requests_);
    step.request_fingerprint = step.request_id;
    step.method = step.request_id;
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      core_->TakeStep(Agency(caller), step, std::move(done));
    });
  }

  ReferralOr Remind(const std::string& id, absl::string_view caller,
                    v1::SupervisionLevel level) {
    StepRequest step = NewStep(Action::kRemind, id);
    step.text = "请于3日内报告核查进展";
    step.supervision_level = level;
    return Step(step, caller);
  }

  StepRequest NewStep(Action action, const std::string& id) {
    StepRequest step;
    step.action = action;
    step.referral_id = id;
    return step;
  }

  v1::Referral Stored(const std::string& id) {
    auto referral = store_->GetReferral(id);
    EXPECT_TRUE(referral.ok() && referral->has_value());
    return referral.ok() && referral->has_value() ? **referral : v1::Referral();
  }

  // The warning levels of the DEADLINE_WARNING and OVERDUE entries in
  // `agency`'s inbox, in order.
  std::vector<v1::WarningLevel> Warnings(absl::string_view agency) {
    auto entries = store_->ReadInbox(agency, 0, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    std::vector<v1::WarningLevel> levels;
    for (const v1::InboxEntry& entry : *entries) {
      const v1::EventType type = entry.event().type();
      if (type == v1::EVENT_TYPE_DEADLINE_WARNING ||
          (type == v1::EVENT_TYPE_OVERDUE &&
           entry.event().reason() == "feedback")) {
        EXPECT_EQ(entry.event().actor(), "hub");
        levels.push_back(entry.event().warning_level());
      }
    }
    return levels;
  }

  // The reasons ("accept", "feedback") of the OVERDUE entries in `agency`'s
  // inbox, in order.
  std::vector<std::string> Overdue(absl::string_view agency) {
    auto entries = store_->ReadInbox(agency, 0, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    std::vector<std::string> reasons;
    for (const v1::InboxEntry& entry : *entries) {
      if (entry.event().type() == v1::EVENT_TYPE_OVERDUE) {
        reasons.push_back(entry.event().reason());
      }
    }
    return reasons;
  }

  sx::testing::TempDir dir_;
  FakeClock clock_{China(2, 10, 10)};  // Tuesday before the holiday
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  int requests_ = 0;
};

using Levels = std::vector<v1::WarningLevel>;
using Reasons = std::vector<std::string>;
constexpr v1::WarningLevel kBlue = v1::WARNING_LEVEL_BLUE;
constexpr v1::WarningLevel kYellow = v1::WARNING_LEVEL_YELLOW;
constexpr v1::WarningLevel kRed = v1::WARNING_LEVEL_RED;

// 10 working days from Tue 10 Feb: 11, 12, 13, Sat 14 (worked), then after
// the holiday 24, 25, 26, 27, Sat 28 (worked), Mon 2 Mar: due 3 Mar 00:00.
// Blue at 5 left (from 24 Feb: 24..27, 28, 2 Mar less today... i.e. the
// start of 24 Feb), yellow at 2 left (the start of 27 Feb).
TEST_F(DeadlineWarningsTest, BlueYellowRedAcrossTheSpringFestival) {
  const std::string id = Submit();
  ASSERT_TRUE(Step(NewStep(Action::kAccept, id)).ok());
  v1::Referral referral = Stored(id);
  EXPECT_EQ(FromTimestamp(referral.feedback_due_at()), China(3, 3));
  EXPECT_EQ(FromTimestamp(referral.blue_warning_at()), China(2, 24));
  EXPECT_EQ(FromTimestamp(referral.yellow_warning_at()), China(2, 27));

  // Nothing on the holiday's last evening.
  AdvanceTo(China(2, 23, 23));
  EXPECT_EQ(Check(), 0);
  EXPECT_EQ(Warnings(kInspectionOffice), Levels{});

  AdvanceTo(China(2, 24, 0, 1));
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(Stored(id).warning_level(), kBlue);
  EXPECT_FALSE(Stored(id).has_blue_warning_at());
  EXPECT_EQ(Check(), 0) << "a warning is given once";

  AdvanceTo(China(2, 27, 9));
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(Stored(id).warning_level(), kYellow);

  AdvanceTo(China(3, 3, 0, 1));
  EXPECT_EQ(Check(), 1);
  referral = Stored(id);
  EXPECT_EQ(referral.warning_level(), kRed);
  EXPECT_TRUE(referral.feedback_overdue());

  // The recipient and the supervisor hear every stage; the sender hears
  // only the deadline missed; nobody else anything.
  EXPECT_EQ(Warnings(kInspectionOffice), (Levels{kBlue, kYellow, kRed}));
  EXPECT_EQ(Warnings(kDisciplineCommission), (Levels{kBlue, kYellow, kRed}));
  EXPECT_EQ(Warnings(kStationedEducation), Levels{kRed});
  EXPECT_EQ(Warnings(kOrganizationDept), Levels{});
}

// A missed acceptance (签收) is the parties' matter: both hear it, the
// supervisor does not. The feedback deadline missed later (红) reaches it.
TEST_F(DeadlineWarningsTest, OnlyAMissedFeedbackDeadlineReachesSupervisors) {
  const std::string id = Submit();
  const absl::Time accept_due = FromTimestamp(Stored(id).accept_due_at());
  EXPECT_EQ(accept_due, China(2, 13, 10));  // 72 hours
  AdvanceTo(accept_due + absl::Minutes(1));
  EXPECT_EQ(Check(), 1);
  EXPECT_TRUE(Stored(id).accept_overdue());
  EXPECT_EQ(Overdue(kInspectionOffice), Reasons{"accept"});
  EXPECT_EQ(Overdue(kStationedEducation), Reasons{"accept"});
  EXPECT_EQ(Overdue(kDisciplineCommission), Reasons{});

  AdvanceTo(China(3, 3, 0, 1));
  EXPECT_EQ(Check(), 3);  // blue, yellow, red
  EXPECT_TRUE(Stored(id).feedback_overdue());
  EXPECT_EQ(Overdue(kInspectionOffice), (Reasons{"accept", "feedback"}));
  EXPECT_EQ(Overdue(kStationedEducation), (Reasons{"accept", "feedback"}));
  EXPECT_EQ(Overdue(kDisciplineCommission), Reasons{"feedback"});
  EXPECT_EQ(Overdue(kOrganizationDept), Reasons{});
  EXPECT_EQ(Overdue(kAuditBureau), Reasons{});
}

// A supervisor that is a party hears 红 once, as that party.
TEST_F(DeadlineWarningsTest, ASupervisorThatIsAPartyHearsRedOnce) {
  const std::string id = Submit(kAuditBureau, kDisciplineCommission);
  ASSERT_TRUE(Step(NewStep(Action::kAccept, id), kDisciplineCommission).ok());
  AdvanceTo(China(3, 3, 0, 1));
  EXPECT_EQ(Check(), 3);
  EXPECT_EQ(Warnings(kDisciplineCommission), (Levels{kBlue, kYellow, kRed}));
  EXPECT_EQ(Warnings(kAuditBureau), Levels{kRed});
  EXPECT_EQ(Warnings(kInspectionOffice), Levels{});
}

// A supervisor that is no party learns from its inbox where the referral
// stands, not what the parties wrote: no reminder texts, dispositions or
// state reason come with the entry.
TEST_F(DeadlineWarningsTest, ASupervisorsEntriesCarryNoContent) {
  const std::string id = Submit();
  ASSERT_TRUE(Step(NewStep(Action::kAccept, id)).ok());
  ASSERT_TRUE(
      Remind(id, kStationedEducation, v1::SUPERVISION_LEVEL_SUPERVISE).ok());
  AdvanceTo(China(2, 24, 0, 1));
  EXPECT_EQ(Check(), 1);
  auto entries = core_->ReadInbox(Agency(kDisciplineCommission), 0, 100);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  const v1::Referral& seen = (*entries)[0].referral();
  EXPECT_EQ(seen.referral_id(), id);
  EXPECT_EQ(seen.state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(seen.warning_level(), kBlue);
  EXPECT_EQ(seen.supervision_level(), v1::SUPERVISION_LEVEL_SUPERVISE);
  EXPECT_EQ(seen.reminders_size(), 0);
  EXPECT_FALSE(seen.has_lead());
  // The recipient's entry of the same warning carries the reminder.
  auto own = core_->ReadInbox(Agency(kInspectionOffice), 0, 100);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->back().referral().reminders_size(), 1);
}

// Final feedback before the warnings ends them: none is given, and the
// deadline index keeps nothing of the referral.
TEST_F(DeadlineWarningsTest, FinalFeedbackEndsTheWarnings) {
  const std::string id = Submit();
  ASSERT_TRUE(Step(NewStep(Action::kAccept, id)).ok());
  StepRequest dispose = NewStep(Action::kDispose, id);
  dispose.disposition = v1::DISPOSITION_METHOD_TALK_OR_INQUIRY;
  ASSERT_TRUE(Step(dispose).ok());
  StepRequest feedback = NewStep(Action::kFinalFeedback, id);
  feedback.feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
  feedback.feedback.set_text("经谈话函询，问题已说清");
  ASSERT_TRUE(Step(feedback).ok());

  AdvanceTo(China(3, 10));
  EXPECT_EQ(Check(), 0);
  EXPECT_EQ(Warnings(kInspectionOffice), Levels{});
  auto due = store_->DeadlinesDue(clock_.Now() + absl::Hours(24 * 365), 100);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

// 暂存待查 from 11 Feb to 25 Feb (14 days): the warnings still to come move
// on by the pause with the deadline, and none is given meanwhile.
TEST_F(DeadlineWarningsTest, APauseMovesTheWarningsOn) {
  const std::string id = Submit();
  ASSERT_TRUE(Step(NewStep(Action::kAccept, id)).ok());
  AdvanceTo(China(2, 11, 10));
  StepRequest keep = NewStep(Action::kDispose, id);
  keep.disposition = v1::DISPOSITION_METHOD_KEPT_PENDING;
  keep.due_at = China(3, 20);
  ASSERT_TRUE(Step(keep).ok());
  AdvanceTo(China(2, 25, 10));
  EXPECT_EQ(Check(), 0);
  StepRequest reopen = NewStep(Action::kReopen, id);
  reopen.text = "收到新的举报材料";
  ReferralOr reopened = Step(reopen);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(FromTimestamp(reopened->feedback_due_at()), China(3, 17));
  EXPECT_EQ(FromTimestamp(reopened->blue_warning_at()), China(3, 10));
  EXPECT_EQ(FromTimestamp(reopened->yellow_warning_at()), China(3, 13));

  AdvanceTo(China(3, 9, 23));
  EXPECT_EQ(Check(), 0);
  AdvanceTo(China(3, 10, 0, 1));
  EXPECT_EQ(Check(), 1);
  EXPECT_EQ(Warnings(kInspectionOffice), Levels{kBlue});
}

// The sender presses (催办, then 督办); only the supervising commission may
// list the matter (挂牌督办). The referral keeps the highest level; every
// reminder keeps its own; a refused listing changes nothing.
TEST_F(DeadlineWarningsTest, RemindersEscalateAndOnlyASupervisorLists) {
  const std::string id = Submit();
  ReferralOr urged =
      Remind(id, kStationedEducation, v1::SUPERVISION_LEVEL_UNSPECIFIED);
  ASSERT_TRUE(urged.ok()) << urged.status();
  EXPECT_EQ(urged->supervision_level(), v1::SUPERVISION_LEVEL_URGE);
  ASSERT_TRUE(
      Remind(id, kStationedEducation, v1::SUPERVISION_LEVEL_SUPERVISE).ok());

  const v1::Referral before = Stored(id);
  ReferralOr listed_by_sender =
      Remind(id, kStationedEducation, v1::SUPERVISION_LEVEL_LISTED);
  EXPECT_EQ(listed_by_sender.status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_NE(listed_by_sender.status().message().find("挂牌督办"),
            std::string::npos)
      << listed_by_sender.status();
  EXPECT_EQ(Stored(id).SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(
      Remind(id, kStationedEducation, static_cast<v1::SupervisionLevel>(9))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(
      Remind(id, kDisciplineCommission, v1::SUPERVISION_LEVEL_LISTED).ok());
  // A later, milder reminder does not lower the listing.
  ASSERT_TRUE(Remind(id, kStationedEducation, v1::SUPERVISION_LEVEL_URGE).ok());
  const v1::Referral pressed = Stored(id);
  EXPECT_EQ(pressed.supervision_level(), v1::SUPERVISION_LEVEL_LISTED);
  std::vector<v1::SupervisionLevel> levels;
  for (const v1::Reminder& reminder : pressed.reminders()) {
    levels.push_back(reminder.level());
  }
  EXPECT_EQ(levels,
            (std::vector<v1::SupervisionLevel>{
                v1::SUPERVISION_LEVEL_URGE, v1::SUPERVISION_LEVEL_SUPERVISE,
                v1::SUPERVISION_LEVEL_LISTED, v1::SUPERVISION_LEVEL_URGE}));
  // The recipient heard each, at its level.
  auto entries = store_->ReadInbox(kInspectionOffice, 0, 100);
  ASSERT_TRUE(entries.ok());
  std::vector<v1::SupervisionLevel> heard;
  for (const v1::InboxEntry& entry : *entries) {
    if (entry.event().type() == v1::EVENT_TYPE_REMINDED) {
      heard.push_back(entry.event().supervision_level());
    }
  }
  EXPECT_EQ(heard, levels);
}

// A deadline born shorter than a stage skips it: a 2-working-day lead gets
// no blue, and its yellow at once would tell nothing new either.
TEST(DeadlinePlanTest, StagesAlreadyPassedAreSkipped) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_deadlines()->mutable_warnings()->set_disabled(false);
  auto config = HubConfig::FromProto(proto);
  ASSERT_TRUE(config.ok()) << config.status();
  v1::Referral referral;
  const absl::Time now = China(3, 2, 10);  // Monday
  *referral.mutable_feedback_due_at() =
      ToTimestamp((*config)->calendar().AddWorkingDays(now, 2));
  PlanWarnings(**config, now, referral);
  EXPECT_FALSE(referral.has_blue_warning_at());
  EXPECT_FALSE(referral.has_yellow_warning_at());
  *referral.mutable_feedback_due_at() =
      ToTimestamp((*config)->calendar().AddWorkingDays(now, 4));
  PlanWarnings(**config, now, referral);
  EXPECT_FALSE(referral.has_blue_warning_at());
  EXPECT_EQ(FromTimestamp(referral.yellow_warning_at()), China(3, 4));
}

TEST(DeadlinePlanTest, RulesPickTheDeadlineByKindAndUrgency) {
  v1::HubConfig proto = TestHubConfigProto();
  v1::DeadlineRule& audit = *proto.mutable_deadlines()->add_rules();
  audit.set_kind(v1::REFERRAL_KIND_AUDIT_FINDING);
  audit.set_feedback_within_days(90);
  v1::DeadlineRule& fast = *proto.mutable_deadlines()->add_rules();
  fast.set_kind(v1::REFERRAL_KIND_LEAD);
  fast.set_urgency(v1::URGENCY_FAST_TRACK);
  fast.set_feedback_within_days(5);
  fast.set_working_days(true);
  auto config = HubConfig::FromProto(proto);
  ASSERT_TRUE(config.ok()) << config.status();
  const absl::Time now = China(3, 2, 10);  // Monday
  EXPECT_EQ(FeedbackDueFor(**config, v1::REFERRAL_KIND_AUDIT_FINDING,
                           v1::URGENCY_FAST_TRACK, now),
            now + absl::Hours(24 * 90));
  EXPECT_EQ(FeedbackDueFor(**config, v1::REFERRAL_KIND_LEAD,
                           v1::URGENCY_FAST_TRACK, now),
            China(3, 10));  // Tue..Fri, Mon: the end of Mon 9 Mar
  // No rule: the config's 30 calendar days.
  EXPECT_EQ(
      FeedbackDueFor(**config, v1::REFERRAL_KIND_LEAD, v1::URGENCY_NORMAL, now),
      now + absl::Hours(24 * 30));
}

TEST(DeadlinePlanTest, BadDeadlineConfigNamesTheField) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_deadlines()->add_rules()->set_feedback_within_days(3);
  auto config = HubConfig::FromProto(proto);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("deadlines.rules[0].kind"),
            std::string::npos)
      << config.status();

  proto = TestHubConfigProto();
  v1::DeadlineWarnings& warnings =
      *proto.mutable_deadlines()->mutable_warnings();
  warnings.set_disabled(false);
  warnings.set_blue_working_days(2);
  warnings.set_yellow_working_days(3);
  config = HubConfig::FromProto(proto);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(
      config.status().message().find("deadlines.warnings.yellow_working_days"),
      std::string::npos)
      << config.status();
}

}  // namespace
}  // namespace sx::core
