// End-to-end tests of 暂存待查 and 重新启用 (RecordDisposition with method
// KEPT_PENDING, ReopenReferral and EVENT_TYPE_REVIEW_DUE in exchange.proto
// and referral.proto): the recipient keeps a lead pending until a review
// date, the feedback clock pauses meanwhile, the hub reminds the recipient
// on the review date, and reopening moves the feedback deadline on by the
// time spent pending. The real sxhub binary on loopback, real certificates
// from deploy/dev-pki.sh, plain generated stubs as clients (AgencyClient).
//
// The hub runs on the system clock, so the pause here is real time, kept to
// about a second; the review reminder comes from the deadline check, run
// every second for that test.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/agency_client.h"
#include "tests/e2e/lead_exchange_suite.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kCommission[] = "discipline-commission";

constexpr char kKeepReason[] = "反映问题笼统，暂不具备核查条件";
constexpr char kReopenReason[] = "收到新的举报材料，反映问题具体";

// How long the lead stays pending before it is reopened.
constexpr absl::Duration kPause = absl::Seconds(1);
// How long the review reminder may take after the review date: a few runs
// of the one-second deadline check on a loaded machine.
constexpr absl::Duration kReminderWithin = absl::Seconds(15);

// A lead too vague to verify yet: what 暂存待查 is for.
v1::Lead VagueLead() {
  v1::Lead lead;
  lead.set_subject("某街道办事处");
  lead.set_subject_organization("某区人民政府");
  lead.set_category("进一步了解关注类");
  lead.set_summary("反映街道低保审核存在优亲厚友问题，未提供具体人员和线索");
  lead.set_source("巡察来信");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// 暂存待查 until `review_at`, with who answers for the decision.
v1::RecordDispositionRequest KeepPending(const std::string& id,
                                         absl::Time review_at) {
  v1::RecordDispositionRequest request =
      DispositionOf(id, v1::DISPOSITION_METHOD_KEPT_PENDING);
  request.set_handler("第一监督检查室 陈某");
  request.set_approver("分管副书记 李某");
  request.set_reason(kKeepReason);
  *request.mutable_review_at() = ToTimestamp(review_at);
  return request;
}

class KeptPendingE2eTest : public LeadExchangeSuite {};

TEST_F(KeptPendingE2eTest, KeepingPendingPausesTheFeedbackClockUntilReopened) {
  ASSERT_NO_FATAL_FAILURE(StartHub());
  const std::string id = AcceptedLead(VagueLead());
  ASSERT_TRUE(commission_
                  ->RecordDisposition(
                      DispositionOf(id, v1::DISPOSITION_METHOD_TALK_OR_INQUIRY))
                  .ok());
  const v1::Referral disposing = commission_->Get(id);
  ASSERT_EQ(disposing.state(), v1::REFERRAL_STATE_DISPOSING);

  // Only a lead kept pending can be reopened.
  EXPECT_TRUE(IsRefused(commission_->Reopen(ReopeningOf(id, kReopenReason)),
                        grpc::StatusCode::FAILED_PRECONDITION));
  // A review date is required, and in the future.
  v1::RecordDispositionRequest undated = KeepPending(id, absl::Now());
  undated.clear_review_at();
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(undated),
                        grpc::StatusCode::INVALID_ARGUMENT, "review_at"));
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(
                            KeepPending(id, absl::Now() - absl::Hours(1))),
                        grpc::StatusCode::INVALID_ARGUMENT, "review_at"));
  EXPECT_EQ(commission_->Get(id).version(), disposing.version());
  EXPECT_EQ(commission_->Get(id).dispositions_size(), 1);

  // 暂存待查 for two weeks.
  // Whole seconds: the hub keeps review dates to the second, rounding up.
  const absl::Time review_at = absl::FromUnixSeconds(
      absl::ToUnixSeconds(absl::Now() + absl::Hours(14 * 24)));
  const absl::Time kept_from = absl::Now();
  v1::Referral kept;
  grpc::Status status =
      commission_->RecordDisposition(KeepPending(id, review_at), &kept);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::Time kept_by = absl::Now();
  EXPECT_EQ(kept.state(), v1::REFERRAL_STATE_KEPT_PENDING);
  kept = commission_->Get(id);
  EXPECT_EQ(kept.state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(kept.disposition(), v1::DISPOSITION_METHOD_KEPT_PENDING);
  EXPECT_EQ(ToTime(kept.review_at()), review_at);
  EXPECT_GE(ToTime(kept.paused_at()), kept_from);
  EXPECT_LE(ToTime(kept.paused_at()), kept_by);
  EXPECT_EQ(ToTime(kept.feedback_due_at()),
            ToTime(disposing.feedback_due_at()));
  ASSERT_EQ(kept.dispositions_size(), 2);
  EXPECT_EQ(kept.dispositions(1).method(), v1::DISPOSITION_METHOD_KEPT_PENDING);
  EXPECT_EQ(ToTime(kept.dispositions(1).review_at()), review_at);
  EXPECT_EQ(kept.dispositions(1).reason(), kKeepReason);
  // The sender heard of it.
  const std::vector<v1::InboxEntry> recorded = EntriesAbout(
      inspection_->Inbox(), v1::EVENT_TYPE_DISPOSITION_RECORDED, id);
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].event().disposition(),
            v1::DISPOSITION_METHOD_KEPT_PENDING);
  EXPECT_EQ(recorded[1].event().to_state(), v1::REFERRAL_STATE_KEPT_PENDING);

  // Pending is not answering: no final feedback; only the recipient
  // reopens, and says why.
  EXPECT_TRUE(IsRefused(commission_->SendFeedback(FeedbackOf(
                            id, v1::FEEDBACK_KIND_FINAL, "经核查，问题不属实")),
                        grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(IsRefused(inspection_->Reopen(ReopeningOf(id, kReopenReason)),
                        grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(IsRefused(commission_->Reopen(ReopeningOf(id, "")),
                        grpc::StatusCode::INVALID_ARGUMENT, "reason"));
  EXPECT_EQ(commission_->Get(id).version(), kept.version());

  absl::SleepFor(kPause);
  const absl::Time reopen_from = absl::Now();
  v1::Referral reopened;
  status = commission_->Reopen(ReopeningOf(id, kReopenReason), &reopened);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::Time reopen_by = absl::Now();
  EXPECT_EQ(reopened.state(), v1::REFERRAL_STATE_DISPOSING);
  reopened = commission_->Get(id);
  EXPECT_EQ(reopened.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_FALSE(reopened.has_review_at());
  EXPECT_FALSE(reopened.has_paused_at());
  // The deadline moved on by the time spent pending: at least the pause,
  // at most the time from before keeping to after reopening (plus a
  // second for any rounding).
  const absl::Duration moved =
      ToTime(reopened.feedback_due_at()) - ToTime(disposing.feedback_due_at());
  EXPECT_GE(moved, kPause);
  EXPECT_GE(moved, reopen_from - kept_by);
  EXPECT_LE(moved, reopen_by - kept_from + absl::Seconds(1));

  const std::vector<v1::InboxEntry> told =
      EntriesAbout(inspection_->Inbox(), v1::EVENT_TYPE_REOPENED, id);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].event().actor(), kCommission);
  EXPECT_EQ(told[0].event().from_state(), v1::REFERRAL_STATE_KEPT_PENDING);
  EXPECT_EQ(told[0].event().to_state(), v1::REFERRAL_STATE_DISPOSING);

  // Disposing again, it can be answered.
  status = commission_->SendFeedback(
      FeedbackOf(id, v1::FEEDBACK_KIND_FINAL, "经核查，反映问题基本属实"));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(KeptPendingE2eTest, TheHubRemindsTheRecipientOnTheReviewDate) {
  ASSERT_NO_FATAL_FAILURE(StartHub([](std::string& config) {
    constexpr char kAnchor[] = "fast_track_feedback_within_days: 7";
    EXPECT_TRUE(absl::StrContains(config, kAnchor))
        << "the example config's deadlines block changed";
    config =
        absl::StrReplaceAll(config, {{kAnchor,
                                      "fast_track_feedback_within_days: 7\n"
                                      "  check_interval_seconds: 1"}});
  }));
  const std::string id = AcceptedLead(VagueLead());
  const absl::Time review_at =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 3);
  const grpc::Status status =
      commission_->RecordDisposition(KeepPending(id, review_at));
  ASSERT_TRUE(status.ok()) << status.error_message();

  std::vector<v1::InboxEntry> due;
  const absl::Time give_up = review_at + kReminderWithin;
  while (due.empty() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    due = EntriesAbout(commission_->Inbox(), v1::EVENT_TYPE_REVIEW_DUE, id);
  }
  ASSERT_EQ(due.size(), 1u) << "no review reminder within " << kReminderWithin
                            << " of the review date";
  EXPECT_EQ(due[0].event().actor(), "hub");
  EXPECT_GE(ToTime(due[0].event().time()), review_at);
  // A reminder, not a step: the lead stays pending until reopened.
  EXPECT_EQ(commission_->Get(id).state(), v1::REFERRAL_STATE_KEPT_PENDING);
}

}  // namespace
}  // namespace sx::testing
