// The disposition rules (config.proto DispositionRules) and the record
// keeping of server/core/disposition_records.h, without storage: each rule
// of RecordDisposition's contract in exchange.proto, and its relaxations.
#include "server/core/disposition_records.h"

#include <initializer_list>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/core/testing/test_config.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 5, 11, 9, 0, 0),
                                        absl::UTCTimeZone());

StepRequest DisposeBy(v1::DispositionMethod method) {
  StepRequest request;
  request.action = Action::kDispose;
  request.method = "RecordDisposition";
  request.request_id = "dispose-1";
  request.referral_id = "test-hub-0000000001";
  request.disposition = method;
  return request;
}

// 予以了结 as the rules want it by default: approved, with a reason.
StepRequest ApprovedClosing() {
  StepRequest request = DisposeBy(v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  request.handler = "王某（第三审查调查室）";
  request.approver = "李某（分管副书记）";
  request.approval_reference = "市纪委监委〔2026〕审批第12号";
  request.text = "经初步了解，反映问题不属实，予以了结";
  return request;
}

StepRequest KeptPendingUntil(absl::Time review_at) {
  StepRequest request = DisposeBy(v1::DISPOSITION_METHOD_KEPT_PENDING);
  request.text = "线索要素不全，暂存待查";
  request.due_at = review_at;
  return request;
}

v1::Referral ReferralWithRecords(
    std::initializer_list<v1::DispositionMethod> methods) {
  v1::Referral referral;
  referral.set_referral_id("test-hub-0000000007");
  for (v1::DispositionMethod method : methods) {
    referral.add_dispositions()->set_method(method);
    referral.set_disposition(method);
  }
  return referral;
}

class DispositionRecordsTest : public ::testing::Test {
 protected:
  absl::Status Validate(const StepRequest& request) {
    return ValidateDisposition(request, rules_, limits_, kNow);
  }

  // Asserts INVALID_ARGUMENT whose message starts by naming `field`.
  static void ExpectRefusedNaming(const absl::Status& status,
                                  absl::string_view field) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << "expected " << field << " refused, got " << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, ":")))
        << "expected a message naming " << field << ", got " << status;
  }

  const std::shared_ptr<const HubConfig> config_ = TestHubConfig();
  const v1::Limits limits_ = config_->limits();
  // The defaults: no relaxation, no handler required.
  v1::DispositionRules rules_;
};

TEST_F(DispositionRecordsTest, ClosingWithoutActionNeedsAnApproverThenAReason) {
  ASSERT_TRUE(Validate(ApprovedClosing()).ok());

  StepRequest bare = DisposeBy(v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  ExpectRefusedNaming(Validate(bare), "approver");

  StepRequest no_approver = ApprovedClosing();
  no_approver.approver.clear();
  ExpectRefusedNaming(Validate(no_approver), "approver");
  EXPECT_TRUE(absl::StrContains(Validate(no_approver).message(), "予以了结"));

  StepRequest no_reason = ApprovedClosing();
  no_reason.text.clear();
  ExpectRefusedNaming(Validate(no_reason), "reason");

  // Neither the handler nor the approval's reference is required by default.
  StepRequest minimal = ApprovedClosing();
  minimal.handler.clear();
  minimal.approval_reference.clear();
  EXPECT_TRUE(Validate(minimal).ok()) << Validate(minimal);
}

// A blank handler, approver or reason names and explains nothing; the hub's
// other required texts (ValidateText) count whitespace alone as missing.
TEST_F(DispositionRecordsTest, BlankRequiredTextsCountAsMissing) {
  StepRequest blank_approver = ApprovedClosing();
  blank_approver.approver = "   ";
  ExpectRefusedNaming(Validate(blank_approver), "approver");

  StepRequest blank_reason = ApprovedClosing();
  blank_reason.text = " \t\n";
  ExpectRefusedNaming(Validate(blank_reason), "reason");

  rules_.set_require_handler(true);
  StepRequest blank_handler = ApprovedClosing();
  blank_handler.handler = "  ";
  ExpectRefusedNaming(Validate(blank_handler), "handler");
}

TEST_F(DispositionRecordsTest, OtherMethodsNeedNoApproverOrReason) {
  for (v1::DispositionMethod method :
       {v1::DISPOSITION_METHOD_TALK_OR_INQUIRY,
        v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
        v1::DISPOSITION_METHOD_CASE_FILED}) {
    EXPECT_TRUE(Validate(DisposeBy(method)).ok())
        << v1::DispositionMethod_Name(method);
  }
}

TEST_F(DispositionRecordsTest, ClosingWithoutApprovalWhenTheRulesAllowIt) {
  rules_.set_allow_closing_without_approval(true);
  EXPECT_TRUE(
      Validate(DisposeBy(v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION)).ok());
  // The relaxation lifts only that rule.
  EXPECT_EQ(CheckDispositionHistory(rules_, ReferralWithRecords({}),
                                    v1::DISPOSITION_METHOD_CASE_FILED)
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(DispositionRecordsTest, RequireHandlerAppliesToEveryMethod) {
  rules_.set_require_handler(true);
  for (v1::DispositionMethod method :
       {v1::DISPOSITION_METHOD_TALK_OR_INQUIRY,
        v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
        v1::DISPOSITION_METHOD_CASE_FILED}) {
    SCOPED_TRACE(v1::DispositionMethod_Name(method));
    StepRequest request = DisposeBy(method);
    ExpectRefusedNaming(Validate(request), "handler");
    request.handler = "王某";
    EXPECT_TRUE(Validate(request).ok()) << Validate(request);
  }
  StepRequest kept = KeptPendingUntil(kNow + absl::Hours(24) * 30);
  ExpectRefusedNaming(Validate(kept), "handler");
  kept.handler = "王某";
  EXPECT_TRUE(Validate(kept).ok()) << Validate(kept);

  StepRequest closing = ApprovedClosing();
  closing.handler.clear();
  ExpectRefusedNaming(Validate(closing), "handler");

  // Even where approval is not required, the handler still is.
  rules_.set_allow_closing_without_approval(true);
  ExpectRefusedNaming(
      Validate(DisposeBy(v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION)),
      "handler");
}

TEST_F(DispositionRecordsTest, KeptPendingNeedsAReviewDateAhead) {
  EXPECT_TRUE(Validate(KeptPendingUntil(kNow + absl::Seconds(1))).ok());
  EXPECT_TRUE(Validate(KeptPendingUntil(kNow + absl::Hours(24) * 90)).ok());

  StepRequest undated = DisposeBy(v1::DISPOSITION_METHOD_KEPT_PENDING);
  ExpectRefusedNaming(Validate(undated), "review_at");
  ExpectRefusedNaming(Validate(KeptPendingUntil(kNow)), "review_at");
  ExpectRefusedNaming(Validate(KeptPendingUntil(kNow - absl::Hours(1))),
                      "review_at");
}

TEST_F(DispositionRecordsTest, OnlyKeptPendingHasAReviewDate) {
  for (v1::DispositionMethod method :
       {v1::DISPOSITION_METHOD_TALK_OR_INQUIRY,
        v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
        v1::DISPOSITION_METHOD_CASE_FILED}) {
    SCOPED_TRACE(v1::DispositionMethod_Name(method));
    StepRequest request = DisposeBy(method);
    request.due_at = kNow + absl::Hours(24) * 10;
    ExpectRefusedNaming(Validate(request), "review_at");
  }
  StepRequest closing = ApprovedClosing();
  closing.due_at = kNow + absl::Hours(24) * 10;
  ExpectRefusedNaming(Validate(closing), "review_at");
}

TEST_F(DispositionRecordsTest, TransferAndUnspecifiedAreRefused) {
  const absl::Status transfer =
      Validate(DisposeBy(v1::DISPOSITION_METHOD_TRANSFER));
  ExpectRefusedNaming(transfer, "method");
  EXPECT_TRUE(absl::StrContains(transfer.message(), "RerouteReferral"))
      << transfer;

  ExpectRefusedNaming(Validate(DisposeBy(v1::DISPOSITION_METHOD_UNSPECIFIED)),
                      "method");
  ExpectRefusedNaming(
      Validate(DisposeBy(static_cast<v1::DispositionMethod>(99))), "method");

  // Relaxations and complete details change nothing about it.
  rules_.set_allow_closing_without_approval(true);
  rules_.set_allow_case_filing_without_verification(true);
  StepRequest detailed = ApprovedClosing();
  detailed.disposition = v1::DISPOSITION_METHOD_TRANSFER;
  ExpectRefusedNaming(Validate(detailed), "method");
}

TEST_F(DispositionRecordsTest, TextsStayWithinTheLimits) {
  const std::string too_long(limits_.max_text_bytes() + 1, 'x');
  auto expect_too_long = [&](const absl::Status& status,
                             absl::string_view field) {
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, ":")))
        << status;
  };
  StepRequest request = ApprovedClosing();
  request.handler = too_long;
  expect_too_long(Validate(request), "handler");
  request = ApprovedClosing();
  request.approver = too_long;
  expect_too_long(Validate(request), "approver");
  request = ApprovedClosing();
  request.approval_reference = too_long;
  expect_too_long(Validate(request), "approval_reference");
  request = ApprovedClosing();
  request.text = too_long;
  expect_too_long(Validate(request), "reason");

  request = ApprovedClosing();
  request.approver = "\xff\xfe";
  ExpectRefusedNaming(Validate(request), "approver");
}

TEST_F(DispositionRecordsTest,
       CaseFilingNeedsAnEarlierPreliminaryVerification) {
  for (const v1::Referral& referral :
       {ReferralWithRecords({}),
        ReferralWithRecords({v1::DISPOSITION_METHOD_TALK_OR_INQUIRY}),
        ReferralWithRecords({v1::DISPOSITION_METHOD_KEPT_PENDING,
                             v1::DISPOSITION_METHOD_TALK_OR_INQUIRY})}) {
    const absl::Status status = CheckDispositionHistory(
        rules_, referral, v1::DISPOSITION_METHOD_CASE_FILED);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), referral.referral_id()))
        << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "PRELIMINARY_VERIFICATION"))
        << status;
  }
  // Anywhere earlier, not only as the last record.
  EXPECT_TRUE(
      CheckDispositionHistory(
          rules_,
          ReferralWithRecords({v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
                               v1::DISPOSITION_METHOD_TALK_OR_INQUIRY}),
          v1::DISPOSITION_METHOD_CASE_FILED)
          .ok());
  EXPECT_TRUE(CheckDispositionHistory(
                  rules_,
                  ReferralWithRecords(
                      {v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION}),
                  v1::DISPOSITION_METHOD_CASE_FILED)
                  .ok());
  // No other method asks for history.
  for (v1::DispositionMethod method :
       {v1::DISPOSITION_METHOD_TALK_OR_INQUIRY,
        v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
        v1::DISPOSITION_METHOD_KEPT_PENDING,
        v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION}) {
    EXPECT_TRUE(
        CheckDispositionHistory(rules_, ReferralWithRecords({}), method).ok())
        << v1::DispositionMethod_Name(method);
  }
}

// Written before disposition records existed: only `disposition` tells of
// the preliminary verification.
TEST_F(DispositionRecordsTest, ALegacyPreliminaryVerificationCounts) {
  v1::Referral legacy;
  legacy.set_referral_id("test-hub-0000000003");
  legacy.set_disposition(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  EXPECT_TRUE(
      CheckDispositionHistory(rules_, legacy, v1::DISPOSITION_METHOD_CASE_FILED)
          .ok());

  legacy.set_disposition(v1::DISPOSITION_METHOD_TALK_OR_INQUIRY);
  EXPECT_EQ(
      CheckDispositionHistory(rules_, legacy, v1::DISPOSITION_METHOD_CASE_FILED)
          .code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(DispositionRecordsTest, CaseFilingWithoutVerificationWhenAllowed) {
  rules_.set_allow_case_filing_without_verification(true);
  EXPECT_TRUE(CheckDispositionHistory(rules_, ReferralWithRecords({}),
                                      v1::DISPOSITION_METHOD_CASE_FILED)
                  .ok());
}

TEST_F(DispositionRecordsTest, RecordsAreAppendedInOrderAndNeverOverwritten) {
  v1::Referral referral;
  referral.set_referral_id("test-hub-0000000001");

  StepRequest verify =
      DisposeBy(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  verify.handler = "王某";
  verify.approver = "李某";
  verify.approval_reference = "组务会纪要第5期";
  verify.text = "反映问题具体，可查性强";
  const v1::DispositionRecord& first =
      AppendDisposition(referral, verify, kNow);
  EXPECT_EQ(first.method(), v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  EXPECT_EQ(first.handler(), "王某");
  EXPECT_EQ(first.approver(), "李某");
  EXPECT_EQ(first.approval_reference(), "组务会纪要第5期");
  EXPECT_EQ(first.reason(), "反映问题具体，可查性强");
  EXPECT_EQ(FromTimestamp(first.recorded_at()), kNow);
  EXPECT_FALSE(first.has_review_at());
  EXPECT_EQ(referral.disposition(),
            v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  ASSERT_EQ(referral.dispositions_size(), 1);
  const std::string first_bytes = referral.dispositions(0).SerializeAsString();

  const absl::Time later = kNow + absl::Hours(24) * 12;
  StepRequest file = DisposeBy(v1::DISPOSITION_METHOD_CASE_FILED);
  file.handler = "赵某";
  const v1::DispositionRecord& second =
      AppendDisposition(referral, file, later);
  ASSERT_EQ(referral.dispositions_size(), 2);
  EXPECT_EQ(&second, &referral.dispositions(1)) << "returns the stored record";
  EXPECT_EQ(referral.dispositions(0).SerializeAsString(), first_bytes)
      << "the earlier record is left as it was";
  EXPECT_EQ(second.method(), v1::DISPOSITION_METHOD_CASE_FILED);
  EXPECT_EQ(second.handler(), "赵某");
  EXPECT_TRUE(second.approver().empty());
  EXPECT_EQ(FromTimestamp(second.recorded_at()), later);
  EXPECT_EQ(referral.disposition(), v1::DISPOSITION_METHOD_CASE_FILED);

  // The same method again is one more record, not an update.
  AppendDisposition(referral, file, later + absl::Hours(1));
  ASSERT_EQ(referral.dispositions_size(), 3);
  EXPECT_EQ(FromTimestamp(referral.dispositions(1).recorded_at()), later);
  EXPECT_EQ(FromTimestamp(referral.dispositions(2).recorded_at()),
            later + absl::Hours(1));
}

TEST_F(DispositionRecordsTest, AKeptPendingRecordCarriesItsReviewDate) {
  v1::Referral referral =
      ReferralWithRecords({v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION});
  const absl::Time review_at = kNow + absl::Hours(24) * 60;
  const v1::DispositionRecord& record =
      AppendDisposition(referral, KeptPendingUntil(review_at), kNow);
  EXPECT_EQ(record.method(), v1::DISPOSITION_METHOD_KEPT_PENDING);
  ASSERT_TRUE(record.has_review_at());
  EXPECT_EQ(FromTimestamp(record.review_at()), review_at);
  EXPECT_EQ(record.reason(), "线索要素不全，暂存待查");
  EXPECT_EQ(referral.disposition(), v1::DISPOSITION_METHOD_KEPT_PENDING);
  ASSERT_EQ(referral.dispositions_size(), 2);
  EXPECT_EQ(referral.dispositions(0).method(),
            v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
}

TEST_F(DispositionRecordsTest,
       ALegacyReferralKeepsItsMethodUntilTheNextRecord) {
  v1::Referral legacy;
  legacy.set_disposition(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  AppendDisposition(legacy, DisposeBy(v1::DISPOSITION_METHOD_CASE_FILED), kNow);
  ASSERT_EQ(legacy.dispositions_size(), 1);
  EXPECT_EQ(legacy.dispositions(0).method(), v1::DISPOSITION_METHOD_CASE_FILED);
  EXPECT_EQ(legacy.disposition(), v1::DISPOSITION_METHOD_CASE_FILED);
}

}  // namespace
}  // namespace sx::core
