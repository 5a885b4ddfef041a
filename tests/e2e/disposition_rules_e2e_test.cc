// End-to-end tests of disposition records and the rules the hub enforces on
// them (RecordDisposition in exchange.proto, DispositionRules in
// config.proto): "承办人负首责、组长审核把关" — the handler answers first, the
// group leader checks. By default 予以了结 needs an approver and a reason and
// 立案审查调查 needs an earlier 初步核实; the config may relax either rule or
// require a handler on every decision. Every decision stays in the
// referral's dispositions. The real sxhub binary on loopback, real
// certificates from deploy/dev-pki.sh, plain generated stubs as clients
// (AgencyClient).
//
// The inspection office's lead on a township party secretary who meddled in
// a road tender: the commission asks, verifies, and files a case.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

// A lead the commission first asks about, then verifies, then files as a
// case.
v1::Lead ProjectInterferenceLead() {
  v1::Lead lead;
  lead.set_subject("某镇党委书记");
  lead.set_subject_organization("某镇党委");
  lead.set_subject_position("党委书记");
  lead.set_category("违规插手干预工程项目");
  lead.set_summary(
      "镇村道路硬化工程招标前，该书记多次向评标人员打招呼，中标企业负责人系其"
      "亲属");
  lead.set_source("巡察个别谈话及工程资料调阅");
  lead.set_sensitivity(v1::SENSITIVITY_HIGHLY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// A decision with everyone who answers for it named.
v1::RecordDispositionRequest Decision(const std::string& id,
                                      v1::DispositionMethod method,
                                      const std::string& handler,
                                      const std::string& approver,
                                      const std::string& approval_reference,
                                      const std::string& reason) {
  v1::RecordDispositionRequest request = DispositionOf(id, method);
  request.set_handler(handler);
  request.set_approver(approver);
  request.set_approval_reference(approval_reference);
  request.set_reason(reason);
  return request;
}

// The config text with `rules` as its disposition_rules block.
std::function<void(std::string&)> WithRules(const std::string& rules) {
  return [rules](std::string& config) {
    absl::StrAppend(&config, "\ndisposition_rules { ", rules, " }\n");
  };
}

// Each test starts its own hub: the rules are the config's.
class DispositionRulesE2eTest : public LeadExchangeSuite {
 protected:
  // The disposition methods the inspection office heard of, in order.
  std::vector<v1::DispositionMethod> MethodsHeard(const std::string& id) {
    std::vector<v1::DispositionMethod> methods;
    for (const v1::InboxEntry& entry : EntriesAbout(
             inspection_->Inbox(), v1::EVENT_TYPE_DISPOSITION_RECORDED, id)) {
      methods.push_back(entry.event().disposition());
    }
    return methods;
  }
};

std::vector<v1::DispositionMethod> MethodsOf(const v1::Referral& referral) {
  std::vector<v1::DispositionMethod> methods;
  for (const v1::DispositionRecord& record : referral.dispositions()) {
    methods.push_back(record.method());
  }
  return methods;
}

TEST_F(DispositionRulesE2eTest, ClosingWithoutActionNeedsApproverAndReason) {
  ASSERT_NO_FATAL_FAILURE(StartHub());
  const std::string id = AcceptedLead(ProjectInterferenceLead());
  const v1::Referral before = commission_->Get(id);

  constexpr char kHandler[] = "第二监督检查室 王某";
  constexpr char kApprover[] = "分管副书记 李某";
  constexpr char kReference[] = "线索处置审批〔2026〕23号";
  constexpr char kReason[] =
      "经了解，中标企业负责人与该书记并无亲属关系，反映问题失实";
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(Decision(
                            id, v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION,
                            kHandler, "", kReference, kReason)),
                        grpc::StatusCode::INVALID_ARGUMENT, "approver"));
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(Decision(
                            id, v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION,
                            kHandler, kApprover, kReference, "")),
                        grpc::StatusCode::INVALID_ARGUMENT, "reason"));

  // The refusals changed nothing and told nobody.
  v1::Referral after = commission_->Get(id);
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(after.state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(after.dispositions_size(), 0);
  EXPECT_TRUE(MethodsHeard(id).empty());

  const absl::Time called = absl::Now();
  v1::Referral closed;
  const grpc::Status status = commission_->RecordDisposition(
      Decision(id, v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION, kHandler,
               kApprover, kReference, kReason),
      &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::Time answered = absl::Now();
  EXPECT_EQ(closed.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(closed.disposition(), v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  after = commission_->Get(id);
  ASSERT_EQ(after.dispositions_size(), 1);
  const v1::DispositionRecord& record = after.dispositions(0);
  EXPECT_EQ(record.method(), v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  EXPECT_EQ(record.handler(), kHandler);
  EXPECT_EQ(record.approver(), kApprover);
  EXPECT_EQ(record.approval_reference(), kReference);
  EXPECT_EQ(record.reason(), kReason);
  EXPECT_GE(ToTime(record.recorded_at()), called);
  EXPECT_LE(ToTime(record.recorded_at()), answered);
  EXPECT_EQ(MethodsHeard(id),
            std::vector<v1::DispositionMethod>{
                v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION});
}

// 谈话函询, then 初步核实, then 立案审查调查: each a record of its own, in
// order; filing is refused until a 初步核实 is on record.
TEST_F(DispositionRulesE2eTest, CaseFilingNeedsAnEarlierVerification) {
  ASSERT_NO_FATAL_FAILURE(StartHub());
  const std::string id = AcceptedLead(ProjectInterferenceLead());
  const v1::Referral accepted = commission_->Get(id);

  const v1::RecordDispositionRequest file_case = Decision(
      id, v1::DISPOSITION_METHOD_CASE_FILED, "第二审查调查室 赵某",
      "书记专题会", "县纪委监委立案决定书〔2026〕5号",
      "初步核实查明该书记为亲属企业中标向评标人员打招呼属实，涉嫌违纪");
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(file_case),
                        grpc::StatusCode::FAILED_PRECONDITION, "初步核实"));
  EXPECT_EQ(commission_->Get(id).version(), accepted.version());

  const v1::RecordDispositionRequest talk =
      Decision(id, v1::DISPOSITION_METHOD_TALK_OR_INQUIRY,
               "第二监督检查室 王某", "", "", "先行函询该书记本人");
  ASSERT_TRUE(commission_->RecordDisposition(talk).ok());
  // A talk is no verification.
  const v1::Referral talked = commission_->Get(id);
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(file_case),
                        grpc::StatusCode::FAILED_PRECONDITION, "初步核实"));
  EXPECT_EQ(commission_->Get(id).version(), talked.version());
  EXPECT_EQ(commission_->Get(id).dispositions_size(), 1);

  const v1::RecordDispositionRequest verify =
      Decision(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
               "第二监督检查室 王某", "分管副书记 李某", "初核审批〔2026〕31号",
               "函询说明与评标记录不符，需调取评标资料");
  ASSERT_TRUE(commission_->RecordDisposition(verify).ok());
  v1::Referral filed;
  const grpc::Status status = commission_->RecordDisposition(file_case, &filed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(filed.disposition(), v1::DISPOSITION_METHOD_CASE_FILED);

  // Every decision, oldest first, none overwritten.
  const v1::Referral referral = commission_->Get(id);
  EXPECT_EQ(referral.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(referral.disposition(), v1::DISPOSITION_METHOD_CASE_FILED);
  const std::vector<v1::RecordDispositionRequest> decided = {talk, verify,
                                                             file_case};
  ASSERT_EQ(referral.dispositions_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const v1::DispositionRecord& record = referral.dispositions(i);
    EXPECT_EQ(record.method(), decided[i].method()) << i;
    EXPECT_EQ(record.handler(), decided[i].handler()) << i;
    EXPECT_EQ(record.approver(), decided[i].approver()) << i;
    EXPECT_EQ(record.approval_reference(), decided[i].approval_reference())
        << i;
    EXPECT_EQ(record.reason(), decided[i].reason()) << i;
    EXPECT_TRUE(record.has_recorded_at()) << i;
    EXPECT_FALSE(record.has_review_at()) << i;
    if (i > 0) {
      EXPECT_LE(ToTime(referral.dispositions(i - 1).recorded_at()),
                ToTime(record.recorded_at()))
          << i;
    }
  }
  // The sender reads the same record and heard of each decision, and of
  // nothing refused.
  EXPECT_EQ(MethodsOf(inspection_->Get(id)), MethodsOf(referral));
  EXPECT_EQ(MethodsHeard(id), MethodsOf(referral));
}

TEST_F(DispositionRulesE2eTest, RelaxedRulesLetClosingAndFilingGoBare) {
  ASSERT_NO_FATAL_FAILURE(
      StartHub(WithRules("allow_closing_without_approval: true "
                         "allow_case_filing_without_verification: true")));

  const std::string filed = AcceptedLead(ProjectInterferenceLead());
  grpc::Status status = commission_->RecordDisposition(
      DispositionOf(filed, v1::DISPOSITION_METHOD_CASE_FILED));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(
      MethodsOf(commission_->Get(filed)),
      std::vector<v1::DispositionMethod>{v1::DISPOSITION_METHOD_CASE_FILED});

  const std::string closed = AcceptedLead(ProjectInterferenceLead());
  status = commission_->RecordDisposition(
      DispositionOf(closed, v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION));
  EXPECT_TRUE(status.ok()) << status.error_message();
  const v1::Referral referral = commission_->Get(closed);
  ASSERT_EQ(referral.dispositions_size(), 1);
  EXPECT_EQ(referral.dispositions(0).method(),
            v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  EXPECT_EQ(referral.dispositions(0).approver(), "");
  EXPECT_EQ(referral.dispositions(0).reason(), "");
}

TEST_F(DispositionRulesE2eTest, ARequiredHandlerIsNamedOnEveryDecision) {
  ASSERT_NO_FATAL_FAILURE(StartHub(WithRules("require_handler: true")));
  const std::string id = AcceptedLead(ProjectInterferenceLead());
  const v1::Referral before = commission_->Get(id);

  v1::RecordDispositionRequest verify =
      DispositionOf(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(verify),
                        grpc::StatusCode::INVALID_ARGUMENT, "handler"));
  EXPECT_EQ(commission_->Get(id).version(), before.version());
  EXPECT_EQ(commission_->Get(id).dispositions_size(), 0);

  verify.set_handler("第二监督检查室 王某");
  grpc::Status status = commission_->RecordDisposition(verify);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // The default rules still hold beside it.
  v1::RecordDispositionRequest close =
      DispositionOf(id, v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  close.set_handler("第二监督检查室 王某");
  close.set_reason("反映问题查无实据");
  EXPECT_TRUE(IsRefused(commission_->RecordDisposition(close),
                        grpc::StatusCode::INVALID_ARGUMENT, "approver"));
  EXPECT_EQ(MethodsOf(commission_->Get(id)),
            std::vector<v1::DispositionMethod>{
                v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION});
}

}  // namespace
}  // namespace sx::testing
