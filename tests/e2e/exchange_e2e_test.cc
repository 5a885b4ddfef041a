// End-to-end tests of the exchange: the real sxhub binary on loopback, real
// certificates from deploy/dev-pki.sh, plain generated gRPC stubs as clients.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/health_check.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kInspection[] = "inspection-office";
constexpr char kCommission[] = "discipline-commission";
constexpr char kOrganization[] = "organization-dept";
constexpr char kAudit[] = "audit-bureau";
constexpr char kStationed[] = "stationed-education";

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
  v1::Attachment* attachment = lead.add_attachments();
  attachment->set_name("转账记录.csv");
  attachment->set_media_type("text/csv");
  attachment->set_content("日期,金额,收款账户\n2023-05-06,1200000,个人账户A\n");
  return lead;
}

// One agency's view of the hub, through its own certificate.
class AgencyClient {
 public:
  AgencyClient(const HubProcess& hub, const std::string& name)
      : name_(name), stub_(v1::ExchangeService::NewStub(hub.Channel(name))) {}

  grpc::Status Submit(const std::string& recipient, v1::Referral* out,
                      const std::string& request_id = "",
                      v1::ReferralKind kind = v1::REFERRAL_KIND_LEAD) {
    v1::SubmitReferralRequest request;
    request.set_request_id(request_id.empty() ? NextRequestId() : request_id);
    request.set_recipient_agency_id(recipient);
    request.set_kind(kind);
    *request.mutable_lead() = LandReserveLead();
    return stub_->SubmitReferral(Context().get(), request, out);
  }

  grpc::Status Get(const std::string& id, v1::Referral* out,
                   bool content = false) {
    v1::GetReferralRequest request;
    request.set_referral_id(id);
    request.set_include_attachment_content(content);
    return stub_->GetReferral(Context().get(), request, out);
  }

  grpc::Status Accept(const std::string& id, v1::Referral* out = nullptr) {
    v1::AcceptReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return stub_->AcceptReferral(Context().get(), request,
                                 out ? out : &ignored);
  }

  grpc::Status Dispose(const std::string& id, v1::DispositionMethod method) {
    v1::RecordDispositionRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_method(method);
    v1::Referral ignored;
    return stub_->RecordDisposition(Context().get(), request, &ignored);
  }

  grpc::Status Feedback(const std::string& id, v1::FeedbackKind kind,
                        const std::string& text) {
    v1::SendFeedbackRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.mutable_feedback()->set_kind(kind);
    request.mutable_feedback()->set_text(text);
    v1::Referral ignored;
    return stub_->SendFeedback(Context().get(), request, &ignored);
  }

  grpc::Status Close(const std::string& id, v1::Referral* out = nullptr) {
    v1::CloseReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return stub_->CloseReferral(Context().get(), request, out ? out : &ignored);
  }

  grpc::Status Withdraw(const std::string& id) {
    v1::WithdrawReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_reason("线索已由本机关自行核实");
    v1::Referral ignored;
    return stub_->WithdrawReferral(Context().get(), request, &ignored);
  }

  grpc::Status Return(const std::string& id, const std::string& reason) {
    v1::ReturnReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_reason(reason);
    v1::Referral ignored;
    return stub_->ReturnReferral(Context().get(), request, &ignored);
  }

  grpc::Status Reroute(const std::string& id, const std::string& target,
                       v1::Referral* out = nullptr) {
    v1::RerouteReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_target_agency_id(target);
    request.set_reason("属干部选拔任用问题，转组织部门办理");
    v1::Referral ignored;
    return stub_->RerouteReferral(Context().get(), request,
                                  out ? out : &ignored);
  }

  grpc::Status Remind(const std::string& id) {
    v1::RemindReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_text("请于3日内反馈办理进展");
    v1::Referral ignored;
    return stub_->RemindReferral(Context().get(), request, &ignored);
  }

  grpc::Status List(v1::PartyRole role, v1::ListReferralsResponse* out) {
    v1::ListReferralsRequest request;
    request.set_role(role);
    return stub_->ListReferrals(Context().get(), request, out);
  }

  // Streams the inbox until `count` entries arrived (or the deadline).
  std::vector<v1::InboxEntry> ReadInbox(
      size_t count, uint64_t after = 0,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto context = Context(timeout);
    v1::StreamInboxRequest request;
    request.set_after_sequence(after);
    auto reader = stub_->StreamInbox(context.get(), request);
    std::vector<v1::InboxEntry> entries;
    v1::InboxEntry entry;
    while (entries.size() < count && reader->Read(&entry)) {
      entries.push_back(entry);
    }
    context->TryCancel();
    reader->Finish().ok();
    return entries;
  }

  // All entries that are there now: streams until nothing more comes.
  std::vector<v1::InboxEntry> DrainInbox(uint64_t after = 0) {
    return ReadInbox(1000, after, std::chrono::milliseconds(700));
  }

  grpc::Status Ack(const std::vector<uint64_t>& sequences,
                   uint32_t* acknowledged = nullptr) {
    v1::AckInboxRequest request;
    for (uint64_t sequence : sequences) request.add_sequences(sequence);
    v1::AckInboxResponse response;
    grpc::Status status = stub_->AckInbox(Context().get(), request, &response);
    if (acknowledged != nullptr) *acknowledged = response.acknowledged();
    return status;
  }

  v1::ExchangeService::Stub& stub() { return *stub_; }

 private:
  std::string NextRequestId() {
    // Process-wide, so that clients made after a restart never reuse an id.
    static std::atomic<int> counter{0};
    return absl::StrCat(name_, "-req-", ++counter);
  }

  const std::string name_;
  std::unique_ptr<v1::ExchangeService::Stub> stub_;
};

class ExchangeE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::unique_ptr<AgencyClient> Client(const std::string& name) {
    return std::make_unique<AgencyClient>(*hub_, name);
  }

  // Submits case 1 from the inspection office to the commission.
  std::string SubmitLead(AgencyClient& sender,
                         const std::string& recipient = kCommission) {
    v1::Referral referral;
    grpc::Status status = sender.Submit(recipient, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral.referral_id();
  }

  v1::Referral Fetch(AgencyClient& party, const std::string& id) {
    v1::Referral referral;
    grpc::Status status = party.Get(id, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral;
  }

  std::unique_ptr<HubProcess> hub_;
};

std::vector<v1::EventType> TypesOf(const std::vector<v1::InboxEntry>& entries) {
  std::vector<v1::EventType> types;
  for (const auto& entry : entries) types.push_back(entry.event().type());
  return types;
}

std::vector<uint64_t> SequencesOf(const std::vector<v1::InboxEntry>& entries) {
  std::vector<uint64_t> sequences;
  for (const auto& entry : entries) sequences.push_back(entry.sequence());
  return sequences;
}

TEST_F(ExchangeE2eTest, FullLoopFromInspectionToCommissionAndBack) {
  auto inspection = Client(kInspection);
  auto commission = Client(kCommission);

  // 移送, fast track.
  v1::Referral submitted;
  ASSERT_TRUE(inspection->Submit(kCommission, &submitted).ok());
  EXPECT_EQ(submitted.state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(submitted.sender_agency_id(), kInspection);
  EXPECT_FALSE(submitted.has_lead()) << "mutation replies omit the lead";
  const std::string id = submitted.referral_id();

  // The commission's inbox delivers the referral with its lead.
  std::vector<v1::InboxEntry> inbox = commission->ReadInbox(1);
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].event().type(), v1::EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(inbox[0].referral().referral_id(), id);
  EXPECT_EQ(inbox[0].referral().lead().subject(), "县土地储备中心");
  ASSERT_EQ(inbox[0].referral().lead().attachments_size(), 1);
  EXPECT_EQ(inbox[0].referral().lead().attachments(0).sha256_hex().size(), 64u);
  ASSERT_TRUE(commission->Ack({inbox[0].sequence()}).ok());
  EXPECT_EQ(Fetch(*inspection, id).state(), v1::REFERRAL_STATE_DELIVERED);

  // 签收 → 初步核实 → interim → final feedback.
  ASSERT_TRUE(commission->Accept(id).ok());
  ASSERT_TRUE(
      commission->Dispose(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION)
          .ok());
  ASSERT_TRUE(commission
                  ->Feedback(id, v1::FEEDBACK_KIND_INTERIM,
                             "已派员提前介入，正在调取账户流水")
                  .ok());
  ASSERT_TRUE(commission
                  ->Feedback(id, v1::FEEDBACK_KIND_FINAL,
                             "已立案审查调查，给予开除党籍、开除公职处分，涉嫌"
                             "犯罪移送司法机关")
                  .ok());
  EXPECT_EQ(Fetch(*commission, id).state(), v1::REFERRAL_STATE_FEEDBACK_SENT);

  // The inspection office hears of every step, in order.
  std::vector<v1::InboxEntry> heard = inspection->ReadInbox(4);
  EXPECT_EQ(
      TypesOf(heard),
      (std::vector<v1::EventType>{
          v1::EVENT_TYPE_ACCEPTED, v1::EVENT_TYPE_DISPOSITION_RECORDED,
          v1::EVENT_TYPE_INTERIM_FEEDBACK, v1::EVENT_TYPE_FINAL_FEEDBACK}));
  EXPECT_EQ(SequencesOf(heard), (std::vector<uint64_t>{1, 2, 3, 4}));
  ASSERT_TRUE(inspection->Ack(SequencesOf(heard)).ok());

  // 销号 by the sender; the commission is told.
  v1::Referral closed;
  ASSERT_TRUE(inspection->Close(id, &closed).ok());
  EXPECT_EQ(closed.state(), v1::REFERRAL_STATE_CLOSED);
  std::vector<v1::InboxEntry> told = commission->ReadInbox(1);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].event().type(), v1::EVENT_TYPE_CLOSED);

  v1::Referral final_view = Fetch(*inspection, id);
  EXPECT_EQ(final_view.feedback_size(), 2);
  EXPECT_EQ(final_view.disposition(),
            v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  EXPECT_EQ(final_view.version(), 7);  // submit, deliver, 5 steps
}

TEST_F(ExchangeE2eTest, RerouteCreatesChildForThirdAgency) {
  auto stationed = Client(kStationed);
  auto commission = Client(kCommission);
  auto organization = Client(kOrganization);

  const std::string parent_id = SubmitLead(*stationed);
  ASSERT_TRUE(commission->Accept(parent_id).ok());
  v1::Referral parent;
  ASSERT_TRUE(commission->Reroute(parent_id, kOrganization, &parent).ok());
  EXPECT_EQ(parent.state(), v1::REFERRAL_STATE_REROUTED);
  const std::string child_id = parent.child_referral_id();
  ASSERT_FALSE(child_id.empty());

  // The organization department receives the child with the same lead.
  std::vector<v1::InboxEntry> inbox = organization->ReadInbox(1);
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].referral().referral_id(), child_id);
  EXPECT_EQ(inbox[0].referral().parent_referral_id(), parent_id);
  EXPECT_EQ(inbox[0].referral().sender_agency_id(), kCommission);
  EXPECT_EQ(inbox[0].referral().lead().subject(), "县土地储备中心");

  // The original sender was told and may follow the child.
  std::vector<v1::InboxEntry> told = stationed->ReadInbox(2);
  EXPECT_EQ(TypesOf(told),
            (std::vector<v1::EventType>{v1::EVENT_TYPE_ACCEPTED,
                                        v1::EVENT_TYPE_REROUTED}));
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].event().related_referral_id(), child_id);
  EXPECT_EQ(Fetch(*stationed, child_id).state(), v1::REFERRAL_STATE_SUBMITTED);
  // ...but only follow it: acting on it is the recipient's business.
  EXPECT_EQ(stationed->Accept(child_id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(organization->Accept(child_id).ok());
}

TEST_F(ExchangeE2eTest, IllegalStepsAreRejectedAndChangeNothing) {
  auto inspection = Client(kInspection);
  auto commission = Client(kCommission);
  const std::string id = SubmitLead(*inspection);
  const int64_t version = Fetch(*inspection, id).version();

  // Wrong party: PERMISSION_DENIED.
  EXPECT_EQ(inspection->Accept(id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(commission->Withdraw(id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(commission->Close(id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(inspection->Feedback(id, v1::FEEDBACK_KIND_FINAL, "x").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(commission->Remind(id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Wrong step for the state: FAILED_PRECONDITION.
  EXPECT_EQ(
      commission->Feedback(id, v1::FEEDBACK_KIND_FINAL, "结果").error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(inspection->Close(id).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      commission->Dispose(id, v1::DISPOSITION_METHOD_CASE_FILED).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(commission->Reroute(id, kOrganization).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Bad fields: INVALID_ARGUMENT naming the field.
  grpc::Status no_reason = commission->Return(id, "  ");
  EXPECT_EQ(no_reason.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_reason.error_message().find("reason"), std::string::npos);
  EXPECT_EQ(
      commission->Dispose(id, v1::DISPOSITION_METHOD_TRANSFER).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(commission->Accept("").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A missing id answers like someone else's: ids reveal nothing.
  EXPECT_EQ(commission->Accept("demo-9999999999").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Fetch(*inspection, id).version(), version);
  EXPECT_EQ(Fetch(*inspection, id).state(), v1::REFERRAL_STATE_SUBMITTED);

  // After acceptance the sender may no longer withdraw; accepting twice fails.
  ASSERT_TRUE(commission->Accept(id).ok());
  EXPECT_EQ(inspection->Withdraw(id).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(commission->Accept(id).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(commission->Return(id, "不属于本机关管辖").ok());
  // Terminal: nothing more.
  EXPECT_EQ(commission->Dispose(id, v1::DISPOSITION_METHOD_TALK_OR_INQUIRY)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(inspection->Remind(id).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ExchangeE2eTest, SubmissionChecksRouteRecipientAndLead) {
  auto inspection = Client(kInspection);
  auto audit = Client(kAudit);
  v1::Referral out;
  // No route lets the audit bureau send to the organization department.
  EXPECT_EQ(audit->Submit(kOrganization, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(inspection->Submit("no-such-agency", &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(inspection->Submit(kInspection, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::SubmitReferralRequest request;
  request.set_request_id("missing-summary");
  request.set_recipient_agency_id(kCommission);
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  *request.mutable_lead() = LandReserveLead();
  request.mutable_lead()->clear_summary();
  grpc::Status status =
      inspection->stub().SubmitReferral(Context().get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("lead.summary"), std::string::npos);

  *request.mutable_lead() = LandReserveLead();
  request.set_request_id("bad-digest");
  request.mutable_lead()->mutable_attachments(0)->set_sha256_hex(
      std::string(64, '0'));
  status = inspection->stub().SubmitReferral(Context().get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("sha256_hex"), std::string::npos);

  v1::ListReferralsResponse sent;
  ASSERT_TRUE(inspection->List(v1::PARTY_ROLE_SENDER, &sent).ok());
  EXPECT_EQ(sent.referrals_size(), 0) << "rejected submissions left a trace";
}

TEST_F(ExchangeE2eTest, OversizeRequestIsResourceExhaustedAndChangesNothing) {
  // The example config allows 16 MiB messages and 8 MiB attachments.
  auto inspection = Client(kInspection);
  v1::SubmitReferralRequest request;
  request.set_request_id("big-attachment");
  request.set_recipient_agency_id(kCommission);
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  *request.mutable_lead() = LandReserveLead();
  request.mutable_lead()->mutable_attachments(0)->set_content(
      std::string(9 * 1024 * 1024, 'x'));
  v1::Referral out;
  grpc::Status status =
      inspection->stub().SubmitReferral(Context().get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();

  request.mutable_lead()->mutable_attachments(0)->set_content(
      std::string(17 * 1024 * 1024, 'x'));
  status = Client(kInspection)
               ->stub()
               .SubmitReferral(Context().get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();

  // Metadata beyond limits.max_metadata_bytes (16 KiB in the example). The
  // hub may drop the connection over it, so this uses a channel of its own.
  request.mutable_lead()->mutable_attachments(0)->set_content("small");
  auto context = Context();
  context->AddMetadata("x-padding", std::string(32 * 1024, 'm'));
  status =
      Client(kInspection)->stub().SubmitReferral(context.get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();

  v1::ListReferralsResponse sent;
  grpc::Status listed = inspection->List(v1::PARTY_ROLE_SENDER, &sent);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(sent.referrals_size(), 0);
}

TEST_F(ExchangeE2eTest, NobodyReadsWhatIsNotTheirs) {
  auto inspection = Client(kInspection);
  auto commission = Client(kCommission);
  auto audit = Client(kAudit);
  const std::string id = SubmitLead(*inspection);

  v1::Referral out;
  EXPECT_EQ(audit->Get(id, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(audit->Accept(id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(audit->Remind(id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(audit->List(v1::PARTY_ROLE_RECIPIENT, &listed).ok());
  EXPECT_EQ(listed.referrals_size(), 0);
  EXPECT_TRUE(audit->DrainInbox().empty());
  // Acknowledging someone else's sequence numbers touches only one's own inbox.
  uint32_t acknowledged = 99;
  ASSERT_TRUE(audit->Ack({1}, &acknowledged).ok());
  EXPECT_EQ(acknowledged, 0u);
  EXPECT_EQ(commission->ReadInbox(1).size(), 1u);

  // A non-party learns nothing from the answer: another's referral and a
  // missing id get the same words (ids aside).
  const std::string missing = "demo-0000009999";
  const std::string foreign = audit->Get(id, &out).error_message();
  const std::string absent = audit->Get(missing, &out).error_message();
  EXPECT_EQ(absl::StrReplaceAll(foreign, {{id, "<id>"}}),
            absl::StrReplaceAll(absent, {{missing, "<id>"}}));
  EXPECT_NE(foreign.find("agency \"audit-bureau\" is not a party"),
            std::string::npos)
      << foreign;

  // Administrators and auditors have no business in the exchange; the
  // refusal names them as their certificates do (admin-ops.crt carries
  // spiffe://.../admin/ops).
  for (const auto& [file, named] :
       {std::pair<const char*, const char*>{"admin-ops", "admin \"ops\""},
        {"auditor-audit", "auditor \"audit\""}}) {
    AgencyClient op(*hub_, file);
    grpc::Status status = op.Get(id, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << file;
    EXPECT_NE(status.error_message().find(
                  absl::StrCat("the caller's certificate names ", named)),
              std::string::npos)
        << status.error_message();
    EXPECT_EQ(op.Submit(kCommission, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << file;
    EXPECT_TRUE(op.DrainInbox().empty());
  }

  // Every call-log line gives its duration as plain milliseconds
  // ("ms=0.046"), never in exponent form ("ms=4.6e-05").
  const std::string log = hub_->ReadLog();
  int durations = 0;
  for (size_t at = log.find(" ms="); at != std::string::npos;
       at = log.find(" ms=", at + 1)) {
    const size_t begin = at + 4;
    const size_t end = log.find_first_of(" \n", begin);
    const std::string ms = log.substr(begin, end - begin);
    const size_t dot = ms.find('.');
    EXPECT_TRUE(dot != std::string::npos && dot > 0 && ms.size() == dot + 4 &&
                ms.find_first_not_of("0123456789.") == std::string::npos &&
                ms.find('.', dot + 1) == std::string::npos)
        << "ms=" << ms;
    ++durations;
  }
  EXPECT_GT(durations, 5) << log;
}

TEST_F(ExchangeE2eTest, HandshakeRefusesCertificatesWithoutValidIdentity) {
  struct Case {
    std::string name;
    std::string cert;
    std::string key;
  };
  std::vector<Case> cases = {{"no client certificate", "", ""}};
  for (const char* name :
       {"negative/foreign", "negative/no-uri", "negative/two-uris",
        "negative/unknown-agency", "negative/expired", "negative/not-yet-valid",
        "negative/revoked", "negative/server-only"}) {
    cases.push_back({name, pki_->Cert(name), pki_->Key(name)});
  }
  for (const Case& c : cases) {
    auto stub = v1::ExchangeService::NewStub(hub_->ChannelWith(c.cert, c.key));
    v1::ListReferralsRequest request;
    request.set_role(v1::PARTY_ROLE_SENDER);
    v1::ListReferralsResponse response;
    grpc::Status status = stub->ListReferrals(
        Context(std::chrono::seconds(5)).get(), request, &response);
    // A refused handshake leaves no connection: the call is UNAVAILABLE.
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << c.name << ": " << status.error_message();
  }
  // The identity checks refused these, not some transport accident.
  const std::string log = hub_->ReadLog();
  EXPECT_NE(log.find("exactly one URI SAN, found 0"), std::string::npos) << log;
  EXPECT_NE(log.find("exactly one URI SAN, found 2"), std::string::npos) << log;
  EXPECT_NE(log.find("agency/no-such-agency is not configured"),
            std::string::npos)
      << log;
  // A good certificate still works after all those attempts.
  auto inspection = Client(kInspection);
  v1::ListReferralsResponse listed;
  EXPECT_TRUE(inspection->List(v1::PARTY_ROLE_SENDER, &listed).ok());
}

TEST_F(ExchangeE2eTest, RetriedSubmitHasItsEffectOnce) {
  auto inspection = Client(kInspection);
  auto commission = Client(kCommission);
  v1::Referral first, second;
  ASSERT_TRUE(inspection->Submit(kCommission, &first, "case-1-handover").ok());
  ASSERT_TRUE(inspection->Submit(kCommission, &second, "case-1-handover").ok());
  EXPECT_EQ(first.referral_id(), second.referral_id());

  v1::ListReferralsResponse sent;
  ASSERT_TRUE(inspection->List(v1::PARTY_ROLE_SENDER, &sent).ok());
  EXPECT_EQ(sent.referrals_size(), 1);
  EXPECT_EQ(commission->DrainInbox().size(), 1u);

  // The same request id for a different request is refused.
  v1::Referral other;
  grpc::Status reused = inspection->Submit(
      kCommission, &other, "case-1-handover", v1::REFERRAL_KIND_PROBLEM_LIST);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ExchangeE2eTest, RestartKeepsStateAndInboxPositions) {
  auto inspection = Client(kInspection);
  auto commission = Client(kCommission);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(SubmitLead(*inspection));
  ASSERT_TRUE(commission->Accept(ids[1]).ok());
  std::vector<v1::InboxEntry> inbox = commission->ReadInbox(3);
  ASSERT_EQ(inbox.size(), 3u);
  ASSERT_TRUE(commission->Ack({inbox[0].sequence()}).ok());

  // Idle connections would hold a graceful shutdown for its whole grace time.
  inspection.reset();
  commission.reset();
  hub_->Stop();
  ASSERT_TRUE(hub_->Start().ok());
  inspection = Client(kInspection);
  commission = Client(kCommission);

  EXPECT_EQ(Fetch(*inspection, ids[0]).state(), v1::REFERRAL_STATE_DELIVERED);
  EXPECT_EQ(Fetch(*inspection, ids[1]).state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(Fetch(*inspection, ids[2]).state(), v1::REFERRAL_STATE_SUBMITTED);
  // Unacknowledged entries come again, in order; new ones continue the count.
  EXPECT_EQ(SequencesOf(commission->DrainInbox()),
            (std::vector<uint64_t>{2, 3}));
  const std::string next = SubmitLead(*inspection);
  EXPECT_EQ(next, "demo-0000000004");
  EXPECT_EQ(SequencesOf(commission->DrainInbox()),
            (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(SequencesOf(inspection->DrainInbox()), (std::vector<uint64_t>{1}));
}

TEST_F(ExchangeE2eTest, KillNineRightAfterSubmitLosesNothing) {
  auto inspection = Client(kInspection);
  std::vector<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) acknowledged.push_back(SubmitLead(*inspection));
    // Killed the moment the last reply arrived: no chance to flush anything.
    hub_->Kill();
    ASSERT_TRUE(hub_->Start().ok());
    inspection = Client(kInspection);
  }
  auto commission = Client(kCommission);
  for (const std::string& id : acknowledged) {
    v1::Referral referral;
    EXPECT_TRUE(commission->Get(id, &referral).ok()) << id << " lost";
  }
  std::vector<v1::InboxEntry> inbox = commission->DrainInbox();
  ASSERT_EQ(inbox.size(), acknowledged.size());
  for (size_t i = 0; i < inbox.size(); ++i) {
    EXPECT_EQ(inbox[i].sequence(), i + 1);
    EXPECT_EQ(inbox[i].referral().referral_id(), acknowledged[i]);
  }
}

TEST_F(ExchangeE2eTest, InboxStreamDeliversNewEntriesLiveAndResumesAfter) {
  auto inspection = Client(kInspection);
  auto commission = Client(kCommission);
  // A consumer waiting before anything exists gets entries as they arrive.
  std::vector<v1::InboxEntry> live;
  std::thread consumer([&] { live = commission->ReadInbox(2); });
  const std::string a = SubmitLead(*inspection);
  const std::string b = SubmitLead(*inspection);
  consumer.join();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].referral().referral_id(), a);
  EXPECT_EQ(live[1].referral().referral_id(), b);
  // after_sequence skips what the consumer already holds.
  std::vector<v1::InboxEntry> rest = commission->DrainInbox(1);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].referral().referral_id(), b);
}

TEST_F(ExchangeE2eTest, HealthServiceAnswersOverMutualTls) {
  EXPECT_EQ(HealthStatus(hub_->Channel(kInspection)), 1);  // SERVING
}

}  // namespace
}  // namespace sx::testing
