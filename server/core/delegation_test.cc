// 交办 / 分办 through ExchangeCore: the inspection office's lead reaches the
// commission, which delegates work on it to the stationed group and stays
// answerable. Covers the child referral, who hears of its steps, the
// parent's final feedback waiting for the child, citations, the limits and
// the refusals, which change nothing.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/base/sha256.h"
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

const char* const kAllAgencies[] = {kDisciplineCommission, kInspectionOffice,
                                    kOrganizationDept, kAuditBureau,
                                    kStationedEducation};

constexpr char kInstructions[] =
    "请对土地出让金未缴入国库问题开展初步核实，并于20日内报告结果";

absl::Duration Days(int days) { return absl::Hours(24) * days; }

// An inbox entry as this test cares about it: which referral, which step.
struct Heard {
  std::string referral_id;
  v1::EventType type;

  bool operator==(const Heard& other) const {
    return referral_id == other.referral_id && type == other.type;
  }
};

std::ostream& operator<<(std::ostream& os, const Heard& heard) {
  return os << heard.referral_id << ":" << v1::EventType_Name(heard.type);
}

// Everything a call could change, to prove that a refused one changed
// nothing.
struct Snapshot {
  uint64_t events = 0;
  std::map<std::string, size_t> inbox_sizes;
  // Referral id → serialized record, for every referral.
  std::map<std::string, std::string> referrals;
  size_t deadlines = 0;

  bool operator==(const Snapshot& other) const {
    return events == other.events && inbox_sizes == other.inbox_sizes &&
           referrals == other.referrals && deadlines == other.deadlines;
  }
};

std::ostream& operator<<(std::ostream& os, const Snapshot& snapshot) {
  os << "{events=" << snapshot.events
     << ", referrals=" << snapshot.referrals.size()
     << ", deadlines=" << snapshot.deadlines << ", inboxes=";
  for (const auto& [agency, size] : snapshot.inbox_sizes) {
    os << agency << ":" << size << " ";
  }
  return os << "}";
}

class DelegationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    core_ = std::make_unique<ExchangeCore>(*store_, clock_, TestHubConfig());
  }

  // --- calls ----------------------------------------------------------------

  ReferralOr Step(absl::string_view caller, StepRequest step) {
    if (step.request_fingerprint.empty()) {
      std::string cites;
      for (const std::string& id : step.feedback.cites_referral_ids()) {
        absl::StrAppend(&cites, id, ",");
      }
      step.request_fingerprint = Sha256(absl::StrCat(
          step.method, "\n", step.referral_id, "\n", step.text, "\n",
          step.target_agency_id, "\n", static_cast<int>(step.disposition), "\n",
          step.due_at.has_value() ? absl::FormatTime(*step.due_at) : "-", "\n",
          step.feedback.SerializeAsString(), "\n", cites));
    }
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      core_->TakeStep(Agency(caller), step, std::move(done));
    });
  }

  StepRequest NewStep(Action action, absl::string_view method,
                      absl::string_view referral_id) {
    StepRequest step;
    step.action = action;
    step.method = std::string(method);
    step.request_id = absl::StrCat("req-", ++requests_);
    step.referral_id = std::string(referral_id);
    return step;
  }

  StepRequest Accept(absl::string_view id) {
    return NewStep(Action::kAccept, "AcceptReferral", id);
  }
  StepRequest Dispose(absl::string_view id, v1::DispositionMethod method) {
    StepRequest step = NewStep(Action::kDispose, "RecordDisposition", id);
    step.disposition = method;
    return step;
  }
  StepRequest Delegate(absl::string_view id, absl::string_view target,
                       std::optional<absl::Time> due_at = std::nullopt) {
    StepRequest step = NewStep(Action::kDelegate, "DelegateReferral", id);
    step.target_agency_id = std::string(target);
    step.text = kInstructions;
    step.due_at = due_at;
    return step;
  }
  StepRequest Feedback(absl::string_view id, v1::FeedbackKind kind,
                       std::vector<std::string> cites = {}) {
    StepRequest step =
        NewStep(kind == v1::FEEDBACK_KIND_FINAL ? Action::kFinalFeedback
                                                : Action::kInterimFeedback,
                "SendFeedback", id);
    step.feedback.set_kind(kind);
    step.feedback.set_text(kind == v1::FEEDBACK_KIND_FINAL
                               ? "经初步核实，问题属实，已立案审查调查"
                               : "初步核实工作正在进行");
    for (std::string& cited : cites) {
      step.feedback.add_cites_referral_ids(std::move(cited));
    }
    return step;
  }

  // 巡察办 → 纪委监委, a normal lead (30 days to final feedback).
  std::string SubmitLead(absl::string_view sender = kInspectionOffice,
                         absl::string_view recipient = kDisciplineCommission) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("submit-", ++requests_));
    request.set_recipient_agency_id(std::string(recipient));
    request.set_kind(v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() = LandReserveLead(v1::URGENCY_NORMAL);
    ReferralOr submitted =
        Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
          core_->Submit(Agency(sender), request,
                        Sha256(request.SerializeAsString()), std::move(done));
        });
    EXPECT_TRUE(submitted.ok()) << submitted.status();
    return submitted.ok() ? submitted->referral_id() : "";
  }

  // The lead accepted and under preliminary verification by the commission.
  std::string DisposingParent() {
    const std::string id = SubmitLead();
    EXPECT_TRUE(Step(kDisciplineCommission, Accept(id)).ok());
    EXPECT_TRUE(
        Step(kDisciplineCommission,
             Dispose(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION))
            .ok());
    return id;
  }

  // Delegates from a disposing parent to the stationed group; the child id.
  std::string DelegateToStationedGroup(const std::string& parent) {
    ReferralOr delegated =
        Step(kDisciplineCommission, Delegate(parent, kStationedEducation));
    EXPECT_TRUE(delegated.ok()) << delegated.status();
    if (!delegated.ok() || delegated->delegated_referral_ids().empty()) {
      return "";
    }
    return delegated->delegated_referral_ids(
        delegated->delegated_referral_ids_size() - 1);
  }

  // The stationed group answers the child: accept, dispose, final feedback.
  void ChildAnswers(const std::string& child) {
    ASSERT_TRUE(Step(kStationedEducation, Accept(child)).ok());
    ASSERT_TRUE(
        Step(kStationedEducation,
             Dispose(child, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION))
            .ok());
    ReferralOr answered =
        Step(kStationedEducation, Feedback(child, v1::FEEDBACK_KIND_FINAL));
    ASSERT_TRUE(answered.ok()) << answered.status();
    ASSERT_EQ(answered->state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  }

  // --- reading state --------------------------------------------------------

  v1::Referral Stored(absl::string_view id) {
    auto referral = store_->GetReferral(id);
    EXPECT_TRUE(referral.ok()) << referral.status();
    if (!referral.ok() || !referral->has_value()) {
      ADD_FAILURE() << "no referral " << id;
      return v1::Referral();
    }
    return **referral;
  }

  std::vector<Heard> Inbox(absl::string_view agency) {
    std::vector<Heard> heard;
    auto inbox = store_->ReadInbox(std::string(agency), 0, 100000);
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    if (!inbox.ok()) return heard;
    for (const v1::InboxEntry& entry : *inbox) {
      heard.push_back({entry.event().referral_id(), entry.event().type()});
    }
    return heard;
  }

  std::vector<v1::Event> EventsOf(absl::string_view referral_id) {
    std::vector<v1::Event> found;
    auto events = store_->ReadEvents(1, 100000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return found;
    for (const v1::Event& event : *events) {
      if (event.referral_id() == referral_id) found.push_back(event);
    }
    return found;
  }

  // Referrals `agency` sent, newest first.
  std::vector<std::string> SentBy(absl::string_view agency) {
    auto ids =
        store_->ListReferralIds(agency, storage::Side::kSender, "", 100000);
    EXPECT_TRUE(ids.ok()) << ids.status();
    return ids.ok() ? ids->referral_ids : std::vector<std::string>{};
  }

  std::vector<absl::Time> FeedbackDeadlines(absl::string_view id) {
    std::vector<absl::Time> found;
    auto due = store_->DeadlinesDue(absl::InfiniteFuture(), 100000);
    EXPECT_TRUE(due.ok()) << due.status();
    if (!due.ok()) return found;
    for (const storage::Deadline& deadline : *due) {
      if (deadline.referral_id == id &&
          deadline.kind == storage::DeadlineKind::kFeedback) {
        found.push_back(deadline.due);
      }
    }
    return found;
  }

  Snapshot Take() {
    Snapshot snapshot;
    auto events = store_->EventCount();
    EXPECT_TRUE(events.ok()) << events.status();
    snapshot.events = events.ok() ? *events : 0;
    for (const char* agency : kAllAgencies) {
      snapshot.inbox_sizes[agency] = Inbox(agency).size();
    }
    auto ids = store_->ScanReferralIds("", 100000);
    EXPECT_TRUE(ids.ok()) << ids.status();
    if (ids.ok()) {
      for (const std::string& id : ids->referral_ids) {
        snapshot.referrals[id] = Stored(id).SerializeAsString();
      }
    }
    auto deadlines = store_->DeadlinesDue(absl::InfiniteFuture(), 100000);
    EXPECT_TRUE(deadlines.ok()) << deadlines.status();
    snapshot.deadlines = deadlines.ok() ? deadlines->size() : 0;
    return snapshot;
  }

  sx::testing::TempDir dir_;
  const absl::Time start_ = absl::FromCivil(
      absl::CivilSecond(2026, 11, 2, 9, 0, 0), absl::UTCTimeZone());
  FakeClock clock_{start_};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  int requests_ = 0;
};

TEST_F(DelegationTest, TheChildTakesTheWorkAndTheParentStaysWithItsRecipient) {
  const std::string parent = DisposingParent();
  const v1::Referral before = Stored(parent);
  clock_.Advance(Days(2));

  ReferralOr delegated =
      Step(kDisciplineCommission, Delegate(parent, kStationedEducation));
  ASSERT_TRUE(delegated.ok()) << delegated.status();
  // The parent: where it was, with the child named.
  EXPECT_EQ(delegated->state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(delegated->recipient_agency_id(), kDisciplineCommission);
  EXPECT_EQ(delegated->version(), before.version() + 1);
  EXPECT_EQ(delegated->disposition(),
            v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  EXPECT_EQ(delegated->dispositions_size(), before.dispositions_size());
  EXPECT_TRUE(delegated->child_referral_id().empty()) << "交办 is not 转办";
  EXPECT_EQ(delegated->feedback_due_at().SerializeAsString(),
            before.feedback_due_at().SerializeAsString());
  ASSERT_EQ(delegated->delegated_referral_ids_size(), 1);
  const std::string child_id = delegated->delegated_referral_ids(0);
  EXPECT_NE(child_id, parent);
  EXPECT_EQ(Stored(parent).SerializeAsString(), delegated->SerializeAsString());
  EXPECT_EQ(FeedbackDeadlines(parent),
            std::vector<absl::Time>{FromTimestamp(before.feedback_due_at())});

  // The child.
  const v1::Referral child = Stored(child_id);
  EXPECT_TRUE(child.delegated());
  EXPECT_EQ(child.parent_referral_id(), parent);
  EXPECT_EQ(child.sender_agency_id(), kDisciplineCommission);
  EXPECT_EQ(child.recipient_agency_id(), kStationedEducation);
  EXPECT_EQ(child.state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(child.kind(), v1::REFERRAL_KIND_LEAD);
  EXPECT_EQ(child.delegation_instructions(), kInstructions);
  ASSERT_EQ(child.observer_agency_ids_size(), 1);
  EXPECT_EQ(child.observer_agency_ids(0), kInspectionOffice);
  EXPECT_EQ(FromTimestamp(child.created_at()), start_ + Days(2));
  EXPECT_EQ(FromTimestamp(child.feedback_due_at()), start_ + Days(30))
      << "the parent's deadline, not 30 days from the delegation";
  EXPECT_EQ(FeedbackDeadlines(child_id),
            std::vector<absl::Time>{start_ + Days(30)});
  auto child_lead = store_->GetLead(child_id);
  auto parent_lead = store_->GetLead(parent);
  ASSERT_TRUE(child_lead.ok() && parent_lead.ok());
  EXPECT_EQ(child_lead->SerializeAsString(), parent_lead->SerializeAsString());

  // The chain: DELEGATED on the parent, SUBMITTED on the child, linked.
  const std::vector<v1::Event> parent_events = EventsOf(parent);
  ASSERT_FALSE(parent_events.empty());
  const v1::Event& step = parent_events.back();
  EXPECT_EQ(step.type(), v1::EVENT_TYPE_DELEGATED);
  EXPECT_EQ(step.actor(), kDisciplineCommission);
  EXPECT_EQ(step.related_referral_id(), child_id);
  EXPECT_EQ(step.from_state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(step.to_state(), v1::REFERRAL_STATE_DISPOSING);
  const std::vector<v1::Event> child_events = EventsOf(child_id);
  ASSERT_EQ(child_events.size(), 1u);
  EXPECT_EQ(child_events[0].type(), v1::EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(child_events[0].actor(), kDisciplineCommission);
  EXPECT_EQ(child_events[0].related_referral_id(), parent);
  EXPECT_TRUE(store_->VerifyEventChain().ok());
}

TEST_F(DelegationTest, AnAcceptedReferralMayDelegateAndStaysAccepted) {
  const std::string parent = SubmitLead();
  ASSERT_TRUE(Step(kDisciplineCommission, Accept(parent)).ok());
  ReferralOr delegated =
      Step(kDisciplineCommission, Delegate(parent, kOrganizationDept));
  ASSERT_TRUE(delegated.ok()) << delegated.status();
  EXPECT_EQ(delegated->state(), v1::REFERRAL_STATE_ACCEPTED);
  ASSERT_EQ(delegated->delegated_referral_ids_size(), 1);
  EXPECT_EQ(Stored(delegated->delegated_referral_ids(0)).recipient_agency_id(),
            kOrganizationDept);
}

TEST_F(DelegationTest, TheChildsDeadlineIsTheParentsOrAnEarlierOne) {
  const std::string parent = DisposingParent();
  const absl::Time parent_due = start_ + Days(30);
  ASSERT_EQ(FromTimestamp(Stored(parent).feedback_due_at()), parent_due);
  clock_.Advance(Days(2));

  ReferralOr earlier =
      Step(kDisciplineCommission,
           Delegate(parent, kStationedEducation, start_ + Days(22)));
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  const std::string first = earlier->delegated_referral_ids(0);
  EXPECT_EQ(FromTimestamp(Stored(first).feedback_due_at()), start_ + Days(22));
  EXPECT_EQ(FeedbackDeadlines(first),
            std::vector<absl::Time>{start_ + Days(22)});

  ReferralOr same = Step(kDisciplineCommission,
                         Delegate(parent, kStationedEducation, parent_due));
  ASSERT_TRUE(same.ok()) << same.status();
  ASSERT_EQ(same->delegated_referral_ids_size(), 2);
  EXPECT_EQ(
      FromTimestamp(Stored(same->delegated_referral_ids(1)).feedback_due_at()),
      parent_due);

  const Snapshot snapshot = Take();
  ReferralOr later = Step(
      kDisciplineCommission,
      Delegate(parent, kStationedEducation, parent_due + absl::Seconds(1)));
  EXPECT_EQ(later.status().code(), absl::StatusCode::kInvalidArgument)
      << later.status();
  EXPECT_TRUE(absl::StartsWith(later.status().message(), "feedback_due_at:"))
      << later.status();
  EXPECT_TRUE(absl::StrContains(later.status().message(), parent))
      << later.status();
  ReferralOr past =
      Step(kDisciplineCommission,
           Delegate(parent, kStationedEducation, start_ + Days(1)));
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument)
      << past.status();
  EXPECT_TRUE(absl::StartsWith(past.status().message(), "feedback_due_at:"))
      << past.status();
  EXPECT_EQ(Take(), snapshot);
}

// Who hears what: the child's steps that tell its sender (the commission)
// tell the finder too; the child's submission only its recipient.
TEST_F(DelegationTest, TheChildsStepsReachTheCommissionAndTheFinder) {
  const std::string parent = DisposingParent();
  const std::string child = DelegateToStationedGroup(parent);
  ASSERT_FALSE(child.empty());
  ASSERT_TRUE(Step(kStationedEducation, Accept(child)).ok());
  ASSERT_TRUE(
      Step(kStationedEducation,
           Dispose(child, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION))
          .ok());
  ASSERT_TRUE(
      Step(kStationedEducation, Feedback(child, v1::FEEDBACK_KIND_INTERIM))
          .ok());
  ASSERT_TRUE(
      Step(kStationedEducation, Feedback(child, v1::FEEDBACK_KIND_FINAL)).ok());
  ReferralOr answered =
      Step(kDisciplineCommission,
           Feedback(parent, v1::FEEDBACK_KIND_FINAL, {child}));
  ASSERT_TRUE(answered.ok()) << answered.status();

  const std::vector<Heard> finder = {
      {parent, v1::EVENT_TYPE_ACCEPTED},
      {parent, v1::EVENT_TYPE_DISPOSITION_RECORDED},
      {parent, v1::EVENT_TYPE_DELEGATED},
      {child, v1::EVENT_TYPE_ACCEPTED},
      {child, v1::EVENT_TYPE_DISPOSITION_RECORDED},
      {child, v1::EVENT_TYPE_INTERIM_FEEDBACK},
      {child, v1::EVENT_TYPE_FINAL_FEEDBACK},
      {parent, v1::EVENT_TYPE_FINAL_FEEDBACK},
  };
  EXPECT_EQ(Inbox(kInspectionOffice), finder);
  const std::vector<Heard> commission = {
      {parent, v1::EVENT_TYPE_SUBMITTED},
      {child, v1::EVENT_TYPE_ACCEPTED},
      {child, v1::EVENT_TYPE_DISPOSITION_RECORDED},
      {child, v1::EVENT_TYPE_INTERIM_FEEDBACK},
      {child, v1::EVENT_TYPE_FINAL_FEEDBACK},
  };
  EXPECT_EQ(Inbox(kDisciplineCommission), commission);
  const std::vector<Heard> group = {{child, v1::EVENT_TYPE_SUBMITTED}};
  EXPECT_EQ(Inbox(kStationedEducation), group);
  EXPECT_TRUE(Inbox(kOrganizationDept).empty());
  EXPECT_TRUE(Inbox(kAuditBureau).empty());
}

// A parent that was itself rerouted: its sender and its observers all
// follow the delegated child, and none of them may be delegated to.
TEST_F(DelegationTest, EveryoneWhoSentTheLeadOnFollowsTheChild) {
  const std::string first = DisposingParent();
  StepRequest reroute = NewStep(Action::kReroute, "RerouteReferral", first);
  reroute.target_agency_id = kStationedEducation;
  reroute.text = "属驻教育局纪检监察组管辖";
  ReferralOr rerouted = Step(kDisciplineCommission, std::move(reroute));
  ASSERT_TRUE(rerouted.ok()) << rerouted.status();
  const std::string parent = rerouted->child_referral_id();
  ASSERT_TRUE(Step(kStationedEducation, Accept(parent)).ok());

  const Snapshot snapshot = Take();
  for (const char* sent_it_on : {kInspectionOffice, kDisciplineCommission}) {
    ReferralOr refused =
        Step(kStationedEducation, Delegate(parent, sent_it_on));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << sent_it_on << ": " << refused.status();
    EXPECT_TRUE(
        absl::StartsWith(refused.status().message(), "target_agency_id:"))
        << refused.status();
  }
  EXPECT_EQ(Take(), snapshot);

  ReferralOr delegated =
      Step(kStationedEducation, Delegate(parent, kOrganizationDept));
  ASSERT_TRUE(delegated.ok()) << delegated.status();
  const std::string child = delegated->delegated_referral_ids(0);
  const v1::Referral stored = Stored(child);
  EXPECT_EQ(
      std::vector<std::string>(stored.observer_agency_ids().begin(),
                               stored.observer_agency_ids().end()),
      (std::vector<std::string>{kInspectionOffice, kDisciplineCommission}));
  const size_t finder_before = Inbox(kInspectionOffice).size();
  const size_t commission_before = Inbox(kDisciplineCommission).size();
  ASSERT_TRUE(Step(kOrganizationDept, Accept(child)).ok());
  const Heard accepted{child, v1::EVENT_TYPE_ACCEPTED};
  ASSERT_EQ(Inbox(kInspectionOffice).size(), finder_before + 1);
  EXPECT_EQ(Inbox(kInspectionOffice).back(), accepted);
  ASSERT_EQ(Inbox(kDisciplineCommission).size(), commission_before + 1);
  EXPECT_EQ(Inbox(kDisciplineCommission).back(), accepted);
  EXPECT_EQ(Inbox(kStationedEducation).back(), accepted);
}

TEST_F(DelegationTest, FinalFeedbackWaitsForTheDelegatedChild) {
  const std::string parent = DisposingParent();
  const std::string child = DelegateToStationedGroup(parent);
  ASSERT_FALSE(child.empty());

  auto expect_refused = [&](absl::string_view when) {
    SCOPED_TRACE(when);
    const Snapshot snapshot = Take();
    ReferralOr refused =
        Step(kDisciplineCommission, Feedback(parent, v1::FEEDBACK_KIND_FINAL));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
        << refused.status();
    EXPECT_TRUE(absl::StrContains(refused.status().message(), child))
        << refused.status();
    EXPECT_EQ(Take(), snapshot);
  };
  expect_refused("child submitted");
  ASSERT_TRUE(Step(kStationedEducation, Accept(child)).ok());
  expect_refused("child accepted");
  ASSERT_TRUE(
      Step(kStationedEducation,
           Dispose(child, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION))
          .ok());
  ASSERT_TRUE(
      Step(kStationedEducation, Feedback(child, v1::FEEDBACK_KIND_INTERIM))
          .ok());
  expect_refused("child sent interim feedback");

  // Interim feedback on the parent is possible meanwhile, citing the child.
  ReferralOr interim =
      Step(kDisciplineCommission,
           Feedback(parent, v1::FEEDBACK_KIND_INTERIM, {child}));
  ASSERT_TRUE(interim.ok()) << interim.status();
  EXPECT_EQ(interim->state(), v1::REFERRAL_STATE_DISPOSING);

  ASSERT_TRUE(
      Step(kStationedEducation, Feedback(child, v1::FEEDBACK_KIND_FINAL)).ok());
  ReferralOr final_feedback =
      Step(kDisciplineCommission,
           Feedback(parent, v1::FEEDBACK_KIND_FINAL, {child}));
  ASSERT_TRUE(final_feedback.ok()) << final_feedback.status();
  EXPECT_EQ(final_feedback->state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  ASSERT_EQ(final_feedback->feedback_size(), 2);
  const v1::Feedback& sent = final_feedback->feedback(1);
  EXPECT_EQ(sent.kind(), v1::FEEDBACK_KIND_FINAL);
  ASSERT_EQ(sent.cites_referral_ids_size(), 1);
  EXPECT_EQ(sent.cites_referral_ids(0), child);
  EXPECT_EQ(Stored(parent).SerializeAsString(),
            final_feedback->SerializeAsString());
}

TEST_F(DelegationTest, FinalFeedbackNamesOnlyTheChildrenStillOpen) {
  const std::string parent = DisposingParent();
  const std::string answered = DelegateToStationedGroup(parent);
  ReferralOr second =
      Step(kDisciplineCommission, Delegate(parent, kOrganizationDept));
  ASSERT_TRUE(second.ok()) << second.status();
  const std::string open = second->delegated_referral_ids(1);
  ChildAnswers(answered);

  ReferralOr refused =
      Step(kDisciplineCommission, Feedback(parent, v1::FEEDBACK_KIND_FINAL));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), open))
      << refused.status();
  EXPECT_FALSE(absl::StrContains(refused.status().message(), answered))
      << refused.status();
}

// A child that ended (here: returned, 退回) owes nothing either.
TEST_F(DelegationTest, AChildThatEndedNoLongerHoldsTheParentBack) {
  const std::string parent = DisposingParent();
  const std::string child = DelegateToStationedGroup(parent);
  StepRequest send_back = NewStep(Action::kReturn, "ReturnReferral", child);
  send_back.text = "不属于本组管辖范围";
  ASSERT_TRUE(Step(kStationedEducation, std::move(send_back)).ok());
  ReferralOr final_feedback =
      Step(kDisciplineCommission, Feedback(parent, v1::FEEDBACK_KIND_FINAL));
  ASSERT_TRUE(final_feedback.ok()) << final_feedback.status();
  EXPECT_EQ(final_feedback->state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
}

TEST_F(DelegationTest, FeedbackMayCiteOnlyDelegatedChildren) {
  const std::string parent = DisposingParent();
  const std::string child = DelegateToStationedGroup(parent);
  ChildAnswers(child);
  // Another referral the commission holds, not delegated from this one.
  const std::string unrelated = SubmitLead();

  const Snapshot snapshot = Take();
  for (const std::string& cited :
       {unrelated, parent, std::string("test-hub-0000009999")}) {
    for (v1::FeedbackKind kind :
         {v1::FEEDBACK_KIND_FINAL, v1::FEEDBACK_KIND_INTERIM}) {
      SCOPED_TRACE(absl::StrCat(cited, " ", v1::FeedbackKind_Name(kind)));
      ReferralOr refused =
          Step(kDisciplineCommission, Feedback(parent, kind, {child, cited}));
      EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
          << refused.status();
      EXPECT_TRUE(absl::StartsWith(refused.status().message(),
                                   "feedback.cites_referral_ids:"))
          << refused.status();
      EXPECT_TRUE(absl::StrContains(refused.status().message(), cited))
          << refused.status();
    }
  }
  EXPECT_EQ(Take(), snapshot);

  // A referral without delegated work may cite nothing.
  ASSERT_TRUE(Step(kDisciplineCommission, Accept(unrelated)).ok());
  ASSERT_TRUE(
      Step(kDisciplineCommission,
           Dispose(unrelated, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION))
          .ok());
  EXPECT_EQ(Step(kDisciplineCommission,
                 Feedback(unrelated, v1::FEEDBACK_KIND_FINAL, {child}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_TRUE(Step(kDisciplineCommission,
                   Feedback(parent, v1::FEEDBACK_KIND_FINAL, {child}))
                  .ok());
}

// referral.proto (Referral.delegated): a delegated child's feedback
// deadline "is never later than the parent's", which the delegating agency
// answers for. Keeping the child pending must not carry it past that.
// A delegated child starts with the parent's deadline at the latest; a
// pause of its own (暂存待查) moves its own deadline on, as for any lead,
// while the parent's stands: the delegating agency still answers on time.
TEST_F(DelegationTest, AKeptPendingChildMovesOnlyItsOwnDeadline) {
  const std::string parent = DisposingParent();
  const absl::Time parent_due = start_ + Days(30);
  const std::string child = DelegateToStationedGroup(parent);
  ASSERT_TRUE(Step(kStationedEducation, Accept(child)).ok());
  clock_.Advance(Days(3));
  StepRequest keep = Dispose(child, v1::DISPOSITION_METHOD_KEPT_PENDING);
  keep.due_at = start_ + Days(20);
  ASSERT_TRUE(Step(kStationedEducation, std::move(keep)).ok());
  clock_.Advance(Days(10));
  StepRequest reopen = NewStep(Action::kReopen, "ReopenReferral", child);
  reopen.text = "收到新的举报材料";
  ReferralOr reopened = Step(kStationedEducation, std::move(reopen));
  ASSERT_TRUE(reopened.ok()) << reopened.status();

  EXPECT_EQ(FromTimestamp(Stored(parent).feedback_due_at()), parent_due);
  EXPECT_EQ(FromTimestamp(reopened->feedback_due_at()), parent_due + Days(10));
  EXPECT_EQ(FeedbackDeadlines(child),
            std::vector<absl::Time>{parent_due + Days(10)});
}

TEST_F(DelegationTest, NoMoreChildrenThanMaxDelegations) {
  auto config = HubConfig::Parse(
      absl::StrCat(kTestHubConfigText, "limits { max_delegations: 2 }"),
      "delegation_test");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ((*config)->limits().max_delegations(), 2u);
  core_->UpdateConfig(*config);

  const std::string parent = DisposingParent();
  ASSERT_TRUE(
      Step(kDisciplineCommission, Delegate(parent, kStationedEducation)).ok());
  ASSERT_TRUE(
      Step(kDisciplineCommission, Delegate(parent, kOrganizationDept)).ok());
  const Snapshot snapshot = Take();
  ReferralOr third =
      Step(kDisciplineCommission, Delegate(parent, kStationedEducation));
  EXPECT_EQ(third.status().code(), absl::StatusCode::kFailedPrecondition)
      << third.status();
  EXPECT_TRUE(absl::StrContains(third.status().message(), "max_delegations"))
      << third.status();
  EXPECT_EQ(Take(), snapshot);
  EXPECT_EQ(Stored(parent).delegated_referral_ids_size(), 2);
  EXPECT_EQ(SentBy(kDisciplineCommission).size(), 2u);

  // Another referral has its own count.
  const std::string other = DisposingParent();
  EXPECT_TRUE(
      Step(kDisciplineCommission, Delegate(other, kStationedEducation)).ok());
}

TEST_F(DelegationTest, RefusedDelegationsChangeNothing) {
  const std::string parent = DisposingParent();
  const std::string submitted = SubmitLead();  // not yet accepted
  struct Refusal {
    const char* what;
    const char* caller;
    StepRequest step;
    absl::StatusCode code;
  };
  std::vector<Refusal> refusals;
  refusals.push_back({"to the finder", kDisciplineCommission,
                      Delegate(parent, kInspectionOffice),
                      absl::StatusCode::kInvalidArgument});
  refusals.push_back({"to itself", kDisciplineCommission,
                      Delegate(parent, kDisciplineCommission),
                      absl::StatusCode::kInvalidArgument});
  refusals.push_back({"on no route", kDisciplineCommission,
                      Delegate(parent, kAuditBureau),
                      absl::StatusCode::kPermissionDenied});
  refusals.push_back({"to no such agency", kDisciplineCommission,
                      Delegate(parent, "no-such-agency"),
                      absl::StatusCode::kNotFound});
  refusals.push_back({"to nobody", kDisciplineCommission, Delegate(parent, ""),
                      absl::StatusCode::kInvalidArgument});
  StepRequest silent = Delegate(parent, kStationedEducation);
  silent.text = "  ";
  refusals.push_back({"without instructions", kDisciplineCommission,
                      std::move(silent), absl::StatusCode::kInvalidArgument});
  refusals.push_back({"due after the parent", kDisciplineCommission,
                      Delegate(parent, kStationedEducation, start_ + Days(31)),
                      absl::StatusCode::kInvalidArgument});
  refusals.push_back({"by the sender", kInspectionOffice,
                      Delegate(parent, kStationedEducation),
                      absl::StatusCode::kPermissionDenied});
  refusals.push_back({"by a stranger", kStationedEducation,
                      Delegate(parent, kOrganizationDept),
                      absl::StatusCode::kPermissionDenied});
  refusals.push_back({"before acceptance", kDisciplineCommission,
                      Delegate(submitted, kStationedEducation),
                      absl::StatusCode::kFailedPrecondition});

  const Snapshot snapshot = Take();
  for (Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.what);
    ReferralOr result = Step(refusal.caller, std::move(refusal.step));
    EXPECT_EQ(result.status().code(), refusal.code) << result.status();
    EXPECT_EQ(Take(), snapshot);
  }
  EXPECT_EQ(Stored(parent).version(), 3) << "submitted, accepted, disposed";
  EXPECT_EQ(Stored(parent).delegated_referral_ids_size(), 0);
  EXPECT_TRUE(SentBy(kDisciplineCommission).empty());
  EXPECT_TRUE(Inbox(kStationedEducation).empty());
  EXPECT_TRUE(Inbox(kOrganizationDept).empty());
}

TEST_F(DelegationTest, AReplayedDelegationCreatesNoSecondChild) {
  const std::string parent = DisposingParent();
  const StepRequest delegate = Delegate(parent, kStationedEducation);
  ReferralOr first = Step(kDisciplineCommission, delegate);
  ASSERT_TRUE(first.ok()) << first.status();
  const Snapshot snapshot = Take();

  ReferralOr again = Step(kDisciplineCommission, delegate);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  ASSERT_EQ(again->delegated_referral_ids_size(), 1);
  EXPECT_EQ(Take(), snapshot);
  EXPECT_EQ(SentBy(kDisciplineCommission).size(), 1u);
  EXPECT_EQ(Inbox(kStationedEducation).size(), 1u);

  // The same request id for another delegation is refused, not replayed.
  StepRequest other = Delegate(parent, kOrganizationDept);
  other.request_id = delegate.request_id;
  EXPECT_EQ(Step(kDisciplineCommission, other).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Take(), snapshot);
}

}  // namespace
}  // namespace sx::core
