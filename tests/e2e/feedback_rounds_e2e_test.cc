// End-to-end tests of 退回补充 (RejectFeedback in exchange.proto): the sender
// finds the final feedback inadequate and sends it back for more, round after
// round, until it can close (销号); and of 退回后重新移送 (SubmitReferral's
// resubmits_referral_id), where the recipient returns the referral itself
// and the sender sends it again. The real sxhub binary on loopback, real
// certificates from deploy/dev-pki.sh, plain generated stubs as clients.
//
// The scenario is case 1 of docs/CASES.md: the inspection office's lead on
// the land reserve centre, which the commission files as a case.
//
// Days are China Standard Time's (UTC+8), so "today" for the statistics is
// computed in UTC+8 too, before and after the steps (a run across midnight
// spans two).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/statistics.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kInspection[] = "inspection-office";
constexpr char kCommission[] = "discipline-commission";
// Routes allow it to send leads to the commission too.
constexpr char kAudit[] = "audit-bureau";

// What the inspection office finds missing, round by round.
constexpr char kFirstReason[] = "未说明对相关责任人的处理情况";
constexpr char kSecondReason[] = "未附立案决定书及处分决定书";
// Why the commission returns (退回) the lead before any feedback.
constexpr char kReturnReason[] = "材料不全，请补充转账凭证后重新移送";

// The day `time` falls on in China Standard Time.
std::string ChinaDate(absl::Time time) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(time, absl::FixedTimeZone(8 * 60 * 60)));
}

// Case 1 of docs/CASES.md: found by a county inspection group, fast track.
v1::Lead LandReserveLead() {
  v1::Lead lead;
  lead.set_subject("县土地储备中心");
  lead.set_subject_organization("县自然资源局");
  lead.set_category("进一步了解关注类");
  lead.set_summary(
      "土地储备中心通过工作人员个人账户、他人账户及现金方式收取大额土地出让金");
  lead.set_source("巡察个别谈话及账目抽查");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_FAST_TRACK);
  return lead;
}

// One agency's calls through its own certificate: the exchange steps, its
// inbox as it stands (PeekInbox takes no delivery), and GetStatistics.
class Party {
 public:
  Party(const HubProcess& hub, const std::string& name)
      : name_(name),
        channel_(hub.Channel(name)),
        exchange_(v1::ExchangeService::NewStub(channel_)),
        statistics_(v1::StatisticsService::NewStub(channel_)) {}

  std::string Submit(const std::string& recipient) {
    v1::Referral referral;
    grpc::Status status = exchange_->SubmitReferral(
        Context().get(), LeadTo(recipient), &referral);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    return referral.referral_id();
  }

  // 退回后重新移送: the lead again, naming the returned referral `original`.
  grpc::Status SubmitAgain(const std::string& recipient,
                           const std::string& original, v1::Referral* out) {
    v1::SubmitReferralRequest request = LeadTo(recipient);
    request.set_resubmits_referral_id(original);
    return exchange_->SubmitReferral(Context().get(), request, out);
  }

  grpc::Status Accept(const std::string& id) {
    v1::AcceptReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->AcceptReferral(Context().get(), request, &ignored);
  }

  grpc::Status Return(const std::string& id, const std::string& reason) {
    v1::ReturnReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_reason(reason);
    v1::Referral ignored;
    return exchange_->ReturnReferral(Context().get(), request, &ignored);
  }

  grpc::Status Dispose(const std::string& id, v1::DispositionMethod method) {
    v1::RecordDispositionRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_method(method);
    v1::Referral ignored;
    return exchange_->RecordDisposition(Context().get(), request, &ignored);
  }

  grpc::Status FinalFeedback(const std::string& id, const std::string& text,
                             v1::Referral* out = nullptr) {
    v1::SendFeedbackRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_FINAL);
    request.mutable_feedback()->set_text(text);
    v1::Referral ignored;
    return exchange_->SendFeedback(Context().get(), request,
                                   out ? out : &ignored);
  }

  // 退回补充; an empty request id gets a fresh one.
  grpc::Status RejectFeedback(const std::string& id, const std::string& reason,
                              v1::Referral* out = nullptr,
                              const std::string& request_id = "") {
    v1::RejectFeedbackRequest request;
    request.set_request_id(request_id.empty() ? NextRequestId() : request_id);
    request.set_referral_id(id);
    request.set_reason(reason);
    v1::Referral ignored;
    return exchange_->RejectFeedback(Context().get(), request,
                                     out ? out : &ignored);
  }

  grpc::Status Close(const std::string& id, v1::Referral* out = nullptr) {
    v1::CloseReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->CloseReferral(Context().get(), request,
                                    out ? out : &ignored);
  }

  v1::Referral Get(const std::string& id) {
    v1::GetReferralRequest request;
    request.set_referral_id(id);
    v1::Referral referral;
    grpc::Status status =
        exchange_->GetReferral(Context().get(), request, &referral);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    return referral;
  }

  // The ids of the referrals the agency sent, newest first.
  std::vector<std::string> Sent() {
    v1::ListReferralsRequest request;
    request.set_role(v1::PARTY_ROLE_SENDER);
    request.set_page_size(500);
    v1::ListReferralsResponse response;
    grpc::Status status =
        exchange_->ListReferrals(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    std::vector<std::string> ids;
    for (const v1::Referral& referral : response.referrals()) {
      ids.push_back(referral.referral_id());
    }
    return ids;
  }

  // The unacknowledged entries of the inbox, oldest first, without taking
  // delivery.
  std::vector<v1::InboxEntry> Inbox() {
    v1::PeekInboxRequest request;
    request.set_page_size(500);
    v1::PeekInboxResponse response;
    grpc::Status status =
        exchange_->PeekInbox(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  // The figures of [from, to] for `agency_id` (empty: the caller's own).
  v1::UnitFigures Figures(const std::string& from, const std::string& to,
                          const std::string& agency_id) {
    v1::GetStatisticsRequest request;
    request.set_from_date(from);
    request.set_to_date(to);
    request.set_agency_id(agency_id);
    v1::GetStatisticsResponse response;
    grpc::Status status =
        statistics_->GetStatistics(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    for (const v1::UnitFigures& unit : response.units()) {
      if (unit.agency_id() == agency_id) return unit;
    }
    ADD_FAILURE() << agency_id << " is not listed for " << name_;
    return v1::UnitFigures();
  }

 private:
  // Case 1's lead to `recipient`, under a fresh request id.
  v1::SubmitReferralRequest LeadTo(const std::string& recipient) {
    v1::SubmitReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_recipient_agency_id(recipient);
    request.set_kind(v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() = LandReserveLead();
    return request;
  }

  std::string NextRequestId() {
    static std::atomic<int> counter{0};
    return absl::StrCat(name_, "-rounds-", ++counter);
  }

  const std::string name_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ExchangeService::Stub> exchange_;
  std::unique_ptr<v1::StatisticsService::Stub> statistics_;
};

// The entries of `entries` of event type `type`.
std::vector<v1::InboxEntry> OfType(const std::vector<v1::InboxEntry>& entries,
                                   v1::EventType type) {
  std::vector<v1::InboxEntry> found;
  for (const v1::InboxEntry& entry : entries) {
    if (entry.event().type() == type) found.push_back(entry);
  }
  return found;
}

std::vector<v1::EventType> TypesOf(const std::vector<v1::InboxEntry>& entries) {
  std::vector<v1::EventType> types;
  for (const v1::InboxEntry& entry : entries) {
    types.push_back(entry.event().type());
  }
  return types;
}

std::vector<uint64_t> SequencesOf(const std::vector<v1::InboxEntry>& entries) {
  std::vector<uint64_t> sequences;
  for (const v1::InboxEntry& entry : entries) {
    sequences.push_back(entry.sequence());
  }
  return sequences;
}

class FeedbackRoundsE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
    first_day_ = ChinaDate(absl::Now());
  }

  std::unique_ptr<Party> As(const std::string& name) {
    return std::make_unique<Party>(*hub_, name);
  }

  std::unique_ptr<HubProcess> hub_;
  std::string first_day_;
};

TEST_F(FeedbackRoundsE2eTest, FinalFeedbackRejectedTwiceThenAccepted) {
  auto inspection = As(kInspection);
  auto commission = As(kCommission);

  // 移送 → 签收 → 处置 → final feedback.
  const std::string id = inspection->Submit(kCommission);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(commission->Accept(id).ok());
  ASSERT_TRUE(
      commission->Dispose(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION)
          .ok());
  ASSERT_TRUE(commission->Dispose(id, v1::DISPOSITION_METHOD_CASE_FILED).ok());
  constexpr char kFirstText[] = "已立案审查调查";
  ASSERT_TRUE(commission->FinalFeedback(id, kFirstText).ok());
  const v1::Referral fed_back = inspection->Get(id);
  ASSERT_EQ(fed_back.state(), v1::REFERRAL_STATE_FEEDBACK_SENT);

  // Refusals change nothing. Only the sender may send the feedback back...
  grpc::Status status = commission->RejectFeedback(id, kFirstReason);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
  // ...and only saying what is missing.
  status = inspection->RejectFeedback(id, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_NE(status.error_message().find("reason: required"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(inspection->RejectFeedback(id, "  ").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(inspection->Get(id).version(), fed_back.version());
  EXPECT_TRUE(
      OfType(commission->Inbox(), v1::EVENT_TYPE_FEEDBACK_REJECTED).empty());

  // 退回补充, first round: disposing again, with the reason; the feedback
  // stays and the feedback deadline stands again as it was.
  v1::Referral rejected;
  status = inspection->RejectFeedback(id, kFirstReason, &rejected,
                                      "inspection-recheck-1");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(rejected.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(rejected.state_reason(), kFirstReason);
  EXPECT_EQ(rejected.version(), fed_back.version() + 1);
  const v1::Referral after_first = inspection->Get(id);
  EXPECT_EQ(after_first.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(after_first.state_reason(), kFirstReason);
  ASSERT_EQ(after_first.feedback_size(), 1);
  EXPECT_EQ(after_first.feedback(0).text(), kFirstText);
  EXPECT_EQ(after_first.feedback_due_at().SerializeAsString(),
            fed_back.feedback_due_at().SerializeAsString());
  EXPECT_FALSE(after_first.feedback_overdue());

  // The commission hears of it, with the reason.
  std::vector<v1::InboxEntry> told =
      OfType(commission->Inbox(), v1::EVENT_TYPE_FEEDBACK_REJECTED);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].event().reason(), kFirstReason);
  EXPECT_EQ(told[0].event().actor(), kInspection);
  EXPECT_EQ(told[0].event().from_state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  EXPECT_EQ(told[0].event().to_state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(told[0].referral().referral_id(), id);

  // A retry of the same call has its effect once: the same answer, no second
  // entry, although the referral is no longer FEEDBACK_SENT.
  v1::Referral retried;
  status = inspection->RejectFeedback(id, kFirstReason, &retried,
                                      "inspection-recheck-1");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(retried.version(), rejected.version());
  EXPECT_EQ(retried.state_reason(), kFirstReason);
  EXPECT_EQ(
      OfType(commission->Inbox(), v1::EVENT_TYPE_FEEDBACK_REJECTED).size(), 1u);

  // A new call while disposing is refused, naming what must come first.
  status = inspection->RejectFeedback(id, kSecondReason);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_NE(status.error_message().find("must first send final feedback"),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(inspection->Get(id).version(), rejected.version());

  // Second round.
  constexpr char kSecondText[] =
      "已立案审查调查，对土地储备中心主任给予党内严重警告处分";
  ASSERT_TRUE(commission->FinalFeedback(id, kSecondText).ok());
  EXPECT_EQ(inspection->Get(id).state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  status = inspection->RejectFeedback(id, kSecondReason, &rejected);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(rejected.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(rejected.state_reason(), kSecondReason);
  told = OfType(commission->Inbox(), v1::EVENT_TYPE_FEEDBACK_REJECTED);
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].event().reason(), kFirstReason);
  EXPECT_EQ(told[1].event().reason(), kSecondReason);

  // Third round: enough. 销号.
  constexpr char kThirdText[] =
      "已立案审查调查，给予开除党籍、开除公职处分，涉嫌犯罪移送司法机关；"
      "附立案决定书及处分决定书";
  ASSERT_TRUE(commission->FinalFeedback(id, kThirdText).ok());
  v1::Referral closed;
  status = inspection->Close(id, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(closed.state(), v1::REFERRAL_STATE_CLOSED);

  // Every round stays, in order.
  const v1::Referral final_view = inspection->Get(id);
  ASSERT_EQ(final_view.feedback_size(), 3);
  const char* const texts[] = {kFirstText, kSecondText, kThirdText};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(final_view.feedback(i).kind(), v1::FEEDBACK_KIND_FINAL) << i;
    EXPECT_EQ(final_view.feedback(i).text(), texts[i]) << i;
  }
  // The commission was told of each rejection and of the close; the
  // inspection office heard each round of feedback, and no rejection of its
  // own.
  EXPECT_EQ(TypesOf(commission->Inbox()),
            (std::vector<v1::EventType>{
                v1::EVENT_TYPE_SUBMITTED, v1::EVENT_TYPE_FEEDBACK_REJECTED,
                v1::EVENT_TYPE_FEEDBACK_REJECTED, v1::EVENT_TYPE_CLOSED}));
  const std::vector<v1::InboxEntry> heard = inspection->Inbox();
  EXPECT_EQ(OfType(heard, v1::EVENT_TYPE_FINAL_FEEDBACK).size(), 3u);
  EXPECT_TRUE(OfType(heard, v1::EVENT_TYPE_FEEDBACK_REJECTED).empty());

  // Statistics for today count both rejections, on either side: the sender
  // sees its own figures, the commission (a supervising agency) its own as
  // recipient.
  const std::string today = ChinaDate(absl::Now());
  const v1::UnitFigures sender =
      inspection->Figures(first_day_, today, kInspection);
  EXPECT_EQ(sender.as_sender().feedback_rejected(), 2u)
      << sender.ShortDebugString();
  EXPECT_EQ(sender.as_recipient().feedback_rejected(), 0u)
      << sender.ShortDebugString();
  EXPECT_EQ(sender.as_sender().closed(), 1u) << sender.ShortDebugString();
  const v1::UnitFigures recipient =
      commission->Figures(first_day_, today, kCommission);
  EXPECT_EQ(recipient.as_recipient().feedback_rejected(), 2u)
      << recipient.ShortDebugString();
  EXPECT_EQ(recipient.as_sender().feedback_rejected(), 0u)
      << recipient.ShortDebugString();
}

// 退回后重新移送: the commission returns the lead for want of the transfer
// records; the inspection office sends it again, naming the returned
// referral. Only its sender may, and only once it is returned; a refusal
// creates nothing.
TEST_F(FeedbackRoundsE2eTest, AReturnedLeadIsSentAgainLinkedToTheFirst) {
  auto inspection = As(kInspection);
  auto commission = As(kCommission);
  auto audit = As(kAudit);

  const std::string first = inspection->Submit(kCommission);
  ASSERT_FALSE(first.empty());
  ASSERT_TRUE(commission->Accept(first).ok());
  const std::vector<std::string> sent = inspection->Sent();
  ASSERT_EQ(sent, std::vector<std::string>{first});
  const std::vector<uint64_t> inbox = SequencesOf(commission->Inbox());
  ASSERT_EQ(inbox.size(), 1u) << "the first referral's entry";

  // Not before it is returned: accepted, it is the commission's to handle.
  v1::Referral refused;
  grpc::Status status = inspection->SubmitAgain(kCommission, first, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_NE(status.error_message().find(absl::StrCat(
                "resubmits_referral_id: only a returned (退回) referral can "
                "be sent again, and ",
                first, " is accepted")),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(inspection->Sent(), sent);
  EXPECT_EQ(SequencesOf(commission->Inbox()), inbox);

  // 退回, with the reason.
  status = commission->Return(first, kReturnReason);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(inspection->Get(first).state(), v1::REFERRAL_STATE_RETURNED);
  const std::vector<uint64_t> inbox_after_return =
      SequencesOf(commission->Inbox());

  // Not by another agency, although its route to the commission is open:
  // refused word for word as for a referral that does not exist, so that it
  // learns nothing of the inspection office's referrals.
  status = audit->SubmitAgain(kCommission, first, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
  const std::string missing = absl::StrCat(first, "9");
  const grpc::Status no_such =
      audit->SubmitAgain(kCommission, missing, &refused);
  EXPECT_EQ(no_such.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << no_such.error_message();
  EXPECT_EQ(absl::StrReplaceAll(no_such.error_message(), {{missing, first}}),
            status.error_message());
  EXPECT_TRUE(audit->Sent().empty());
  EXPECT_EQ(inspection->Sent(), sent);
  EXPECT_EQ(SequencesOf(commission->Inbox()), inbox_after_return);

  // The inspection office sends it again: a new referral that names the
  // first, in the commission's inbox as any new referral, its submitted
  // event naming the first too.
  v1::Referral again;
  status = inspection->SubmitAgain(kCommission, first, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(again.referral_id().empty());
  EXPECT_NE(again.referral_id(), first);
  EXPECT_EQ(again.resubmission_of(), first);
  EXPECT_EQ(again.state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(again.sender_agency_id(), kInspection);
  EXPECT_EQ(again.recipient_agency_id(), kCommission);
  EXPECT_EQ(inspection->Get(again.referral_id()).resubmission_of(), first);
  EXPECT_EQ(inspection->Sent(),
            (std::vector<std::string>{again.referral_id(), first}));

  std::vector<v1::InboxEntry> submitted;
  for (const v1::InboxEntry& entry :
       OfType(commission->Inbox(), v1::EVENT_TYPE_SUBMITTED)) {
    if (entry.referral().referral_id() == again.referral_id()) {
      submitted.push_back(entry);
    }
  }
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].event().referral_id(), again.referral_id());
  EXPECT_EQ(submitted[0].event().related_referral_id(), first);
  EXPECT_EQ(submitted[0].event().actor(), kInspection);
  EXPECT_EQ(submitted[0].referral().resubmission_of(), first);

  // The first stays returned, with its reason.
  const v1::Referral original = inspection->Get(first);
  EXPECT_EQ(original.state(), v1::REFERRAL_STATE_RETURNED);
  EXPECT_EQ(original.state_reason(), kReturnReason);
  EXPECT_EQ(original.resubmission_of(), "");
}

}  // namespace
}  // namespace sx::testing
