// Fakes of the SDK's client interfaces as an agency writes them for its own
// tests: each overrides only the calls its test makes. That compiles because
// no interface method is pure virtual, and the methods a fake leaves alone
// fail with UNIMPLEMENTED naming themselves. The last tests stand for a later
// SDK version that adds a method: the same fake source must still compile.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/exchange_client.h"
#include "sx/client/hub_info_client.h"
#include "sx/client/types.h"

namespace sx::client {
namespace {

// A method that becomes pure virtual makes every fake that does not override
// it abstract, and the integrator's test stops compiling; these fail first.
static_assert(!std::is_abstract_v<ExchangeClient>,
              "every ExchangeClient method needs a default");
static_assert(!std::is_abstract_v<InboxStream>,
              "every InboxStream method needs a default");
static_assert(!std::is_abstract_v<AdminClient>,
              "every AdminClient method needs a default");
static_assert(!std::is_abstract_v<AuditClient>,
              "every AuditClient method needs a default");
static_assert(!std::is_abstract_v<HubInfoClient>,
              "every HubInfoClient method needs a default");

// `status` must be the default's: UNIMPLEMENTED, naming `method`.
void ExpectUnimplemented(const absl::Status& status, absl::string_view method) {
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << method;
  EXPECT_EQ(status.message(),
            absl::StrCat(method, " is not implemented by this client"));
}

// A fake for a test that submits and reroutes, and does nothing else.
class SubmitAndRerouteFake final : public ExchangeClient {
 public:
  absl::StatusOr<Referral> Submit(const NewReferral& referral,
                                  const CallOptions& options) override {
    request_ids.push_back(options.request_id);
    Referral sent;
    sent.referral_id = "demo-0000000001";
    sent.recipient_agency_id = referral.recipient_agency_id;
    sent.state = ReferralState::kSubmitted;
    return sent;
  }
  absl::StatusOr<Referral> Reroute(const RerouteParams& params,
                                   const CallOptions& /*options*/) override {
    rerouted.push_back(params);
    Referral parent;
    parent.referral_id = params.referral_id;
    parent.state = ReferralState::kRerouted;
    parent.child_referral_id = "demo-0000000002";
    return parent;
  }

  std::vector<std::string> request_ids;
  std::vector<RerouteParams> rerouted;
};

TEST(ClientFakesTest, ExchangeFakeAnswersWhatItOverrides) {
  SubmitAndRerouteFake fake;
  ExchangeClient& client = fake;  // as the code under test holds it

  NewReferral referral;
  referral.recipient_agency_id = "discipline-commission";
  CallOptions options;
  options.request_id = "my-record-17";
  absl::StatusOr<Referral> sent = client.Submit(referral, options);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->recipient_agency_id, "discipline-commission");

  RerouteParams reroute;
  reroute.referral_id = "demo-0000000001";
  reroute.target_agency_id = "organization-department";
  reroute.reason = "属组织部门管辖";
  absl::StatusOr<Referral> parent = client.Reroute(reroute);
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(parent->state, ReferralState::kRerouted);
  ASSERT_EQ(fake.rerouted.size(), 1u);
  EXPECT_EQ(fake.rerouted[0].referral_id, "demo-0000000001");
  EXPECT_EQ(fake.rerouted[0].target_agency_id, "organization-department");
  EXPECT_EQ(fake.rerouted[0].reason, "属组织部门管辖");

  // SubmitAsync's default goes through the fake's Submit, request id and all.
  absl::StatusOr<Referral> reported = absl::UnknownError("done not run");
  client.SubmitAsync(
      referral, [&](absl::StatusOr<Referral> result) { reported = result; },
      options);
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_EQ(reported->referral_id, "demo-0000000001");
  EXPECT_EQ(fake.request_ids,
            (std::vector<std::string>{"my-record-17", "my-record-17"}));

  // What it leaves alone fails, rather than pretending to succeed.
  ExpectUnimplemented(client.Accept("demo-0000000001").status(),
                      "ExchangeClient::Accept");
  ExpectUnimplemented(client.Return(ReturnParams{}).status(),
                      "ExchangeClient::Return");
}

// A fake for a test of the sender's verification desk (对账销号), which only
// verifies or rejects reported ledger items.
class VerifyOnlyFake final : public ExchangeClient {
 public:
  absl::StatusOr<RectificationStepResult> VerifyRectification(
      const VerifyRectificationParams& params,
      const CallOptions& options) override {
    verified.push_back(params);
    request_ids.push_back(options.request_id);
    RectificationStepResult result;
    result.referral.referral_id = params.referral_id;
    result.referral.rectification.total = 11;
    result.referral.rectification.verified = 10;
    RectificationItem item;
    item.number = params.item_number;
    item.status = params.verdict == RectificationVerdict::kAccept
                      ? RectificationStatus::kVerified
                      : RectificationStatus::kInProgress;
    result.items.push_back(item);
    return result;
  }

  std::vector<VerifyRectificationParams> verified;
  std::vector<std::string> request_ids;
};

TEST(ClientFakesTest, LedgerFakeAnswersWhatItOverrides) {
  VerifyOnlyFake fake;
  ExchangeClient& client = fake;

  VerifyRectificationParams reject;
  reject.referral_id = "demo-0000000003";
  reject.item_number = 7;
  reject.verdict = RectificationVerdict::kReject;
  reject.reason = "缺少整改佐证材料";
  CallOptions options;
  options.request_id = "ledger-7-check-2";
  absl::StatusOr<RectificationStepResult> result =
      client.VerifyRectification(reject, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->items.size(), 1u);
  EXPECT_EQ(result->items[0].number, 7u);
  EXPECT_EQ(result->items[0].status, RectificationStatus::kInProgress);
  EXPECT_EQ(result->referral.rectification.verified, 10u);
  ASSERT_EQ(fake.verified.size(), 1u);
  EXPECT_EQ(fake.verified[0].reason, "缺少整改佐证材料");
  EXPECT_EQ(fake.request_ids, std::vector<std::string>{"ledger-7-check-2"});

  ExpectUnimplemented(client.ListRectificationItems({}).status(),
                      "ExchangeClient::ListRectificationItems");
}

// A fake for a test of a case-handling desk (承办) that records dispositions
// and delegates work, written against DisposeParams only.
class DispositionDeskFake final : public ExchangeClient {
 public:
  // Keeps the method-only Dispose visible; its default forwards here.
  using ExchangeClient::Dispose;
  absl::StatusOr<Referral> Dispose(const DisposeParams& params,
                                   const CallOptions& options) override {
    disposed.push_back(params);
    request_ids.push_back(options.request_id);
    Referral referral;
    referral.referral_id = params.referral_id;
    referral.disposition = params.method;
    return referral;
  }
  absl::StatusOr<Referral> Delegate(const DelegateParams& params,
                                    const CallOptions& options) override {
    delegated.push_back(params);
    request_ids.push_back(options.request_id);
    Referral parent;
    parent.referral_id = params.referral_id;
    parent.state = ReferralState::kDisposing;
    parent.delegated_referral_ids = {"demo-0000000014", "demo-0000000015"};
    return parent;
  }

  std::vector<DisposeParams> disposed;
  std::vector<DelegateParams> delegated;
  std::vector<std::string> request_ids;
};

TEST(ClientFakesTest, MethodOnlyDisposeForwardsToTheParamsOne) {
  DispositionDeskFake fake;
  ExchangeClient& client = fake;
  CallOptions options;
  options.request_id = "case-2026-031";

  // A program written before DisposeParams keeps working, request id and
  // all.
  absl::StatusOr<Referral> disposed = client.Dispose(
      "demo-0000000012", DispositionMethod::kPreliminaryVerification, options);
  ASSERT_TRUE(disposed.ok()) << disposed.status();
  EXPECT_EQ(disposed->disposition, DispositionMethod::kPreliminaryVerification);

  DisposeParams params;
  params.referral_id = "demo-0000000012";
  params.method = DispositionMethod::kKeptPending;
  params.handler = "张明";
  params.approver = "李华";
  params.review_at = absl::FromUnixSeconds(1782864000);
  ASSERT_TRUE(client.Dispose(params).ok());

  ASSERT_EQ(fake.disposed.size(), 2u);
  EXPECT_EQ(fake.disposed[0].referral_id, "demo-0000000012");
  EXPECT_EQ(fake.disposed[0].method,
            DispositionMethod::kPreliminaryVerification);
  EXPECT_EQ(fake.disposed[0].handler, "") << "the method alone";
  EXPECT_EQ(fake.disposed[0].review_at, absl::InfinitePast());
  EXPECT_EQ(fake.disposed[1].handler, "张明");
  EXPECT_EQ(fake.disposed[1].review_at, absl::FromUnixSeconds(1782864000));

  DelegateParams delegate;
  delegate.referral_id = "demo-0000000012";
  delegate.target_agency_id = "stationed-education";
  delegate.instructions = "请对第2项问题开展初步核实并于20日内报告";
  absl::StatusOr<Referral> parent = client.Delegate(delegate, options);
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(parent->delegated_referral_ids.back(), "demo-0000000015");
  ASSERT_EQ(fake.delegated.size(), 1u);
  EXPECT_EQ(fake.delegated[0].target_agency_id, "stationed-education");
  EXPECT_EQ(fake.request_ids,
            (std::vector<std::string>{"case-2026-031", "", "case-2026-031"}));

  ExpectUnimplemented(
      client.Reopen(ReopenParams{"demo-0000000012", "r"}).status(),
      "ExchangeClient::Reopen");
}

TEST(ClientFakesTest, EveryExchangeMethodHasAnUnimplementedDefault) {
  class BareFake final : public ExchangeClient {};
  BareFake fake;
  ExchangeClient& client = fake;
  const std::string id = "demo-0000000001";

  ExpectUnimplemented(client.Submit(NewReferral{}).status(),
                      "ExchangeClient::Submit");
  absl::Status async_status;
  client.SubmitAsync(NewReferral{}, [&](absl::StatusOr<Referral> result) {
    async_status = result.status();
  });
  ExpectUnimplemented(async_status, "ExchangeClient::Submit");
  ExpectUnimplemented(client.Get(id).status(), "ExchangeClient::Get");
  ExpectUnimplemented(client.List(ListQuery{}).status(),
                      "ExchangeClient::List");
  ExpectUnimplemented(client.Accept(id).status(), "ExchangeClient::Accept");
  ExpectUnimplemented(client.Return(ReturnParams{id, "reason"}).status(),
                      "ExchangeClient::Return");
  ExpectUnimplemented(
      client.Reroute(RerouteParams{id, "agency", "reason"}).status(),
      "ExchangeClient::Reroute");
  ExpectUnimplemented(
      client.Dispose(id, DispositionMethod::kCaseFiled).status(),
      "ExchangeClient::Dispose");
  DisposeParams dispose;
  dispose.referral_id = id;
  dispose.method = DispositionMethod::kCaseFiled;
  ExpectUnimplemented(client.Dispose(dispose).status(),
                      "ExchangeClient::Dispose");
  ExpectUnimplemented(client.Reopen(ReopenParams{id, "reason"}).status(),
                      "ExchangeClient::Reopen");
  ExpectUnimplemented(
      client.Delegate(DelegateParams{id, "agency", "instructions"}).status(),
      "ExchangeClient::Delegate");
  ExpectUnimplemented(client.SendFeedback(id, Feedback{}).status(),
                      "ExchangeClient::SendFeedback");
  ExpectUnimplemented(client.Close(id).status(), "ExchangeClient::Close");
  ExpectUnimplemented(
      client.RejectFeedback(RejectFeedbackParams{id, "reason"}).status(),
      "ExchangeClient::RejectFeedback");
  ExpectUnimplemented(client.Withdraw(WithdrawParams{id, "reason"}).status(),
                      "ExchangeClient::Withdraw");
  ExpectUnimplemented(client.Remind(RemindParams{id, "text"}).status(),
                      "ExchangeClient::Remind");
  ExpectUnimplemented(client.PeekInbox(PeekInboxParams{}).status(),
                      "ExchangeClient::PeekInbox");
  ExpectUnimplemented(client.Ack({1, 2}).status(), "ExchangeClient::Ack");
  ExpectUnimplemented(
      client.AddRectificationItems(AddRectificationItemsParams{id, {}})
          .status(),
      "ExchangeClient::AddRectificationItems");
  ExpectUnimplemented(
      client.ReportRectification(ReportRectificationParams{}).status(),
      "ExchangeClient::ReportRectification");
  ExpectUnimplemented(
      client.VerifyRectification(VerifyRectificationParams{}).status(),
      "ExchangeClient::VerifyRectification");
  ExpectUnimplemented(
      client.ListRectificationItems(RectificationItemQuery{}).status(),
      "ExchangeClient::ListRectificationItems");
  ExpectUnimplemented(client.SubmitDistribution(NewDistribution{}).status(),
                      "ExchangeClient::SubmitDistribution");
  ExpectUnimplemented(client.GetDistribution(id).status(),
                      "ExchangeClient::GetDistribution");
  ExpectUnimplemented(client.ListDistributions(DistributionQuery{}).status(),
                      "ExchangeClient::ListDistributions");
  ExpectUnimplemented(client.GetStatistics(StatisticsQuery{}).status(),
                      "ExchangeClient::GetStatistics");
  ExpectUnimplemented(
      client.ListSupervisedReferrals(SupervisionLedgerQuery{}).status(),
      "ExchangeClient::ListSupervisedReferrals");
  ExpectUnimplemented(client.ListSteps(ReferralStepsQuery{id, 0, ""}).status(),
                      "ExchangeClient::ListSteps");

  // Never null, since InboxConsumer and other callers read it at once: an
  // ended stream whose Finish() names the missing method.
  std::unique_ptr<InboxStream> stream = client.OpenInbox();
  ASSERT_NE(stream, nullptr);
  InboxEntry entry;
  EXPECT_FALSE(stream->Next(&entry));
  ExpectUnimplemented(stream->Finish(), "ExchangeClient::OpenInbox");
}

// A stream fake that only hands out entries: Cancel() and Finish() keep
// their defaults.
class ScriptedStream final : public InboxStream {
 public:
  explicit ScriptedStream(std::vector<uint64_t> sequences)
      : sequences_(std::move(sequences)) {}
  bool Next(InboxEntry* entry) override {
    if (next_ == sequences_.size()) return false;
    entry->sequence = sequences_[next_++];
    return true;
  }

 private:
  std::vector<uint64_t> sequences_;
  size_t next_ = 0;
};

TEST(ClientFakesTest, InboxStreamFakeNeedsOnlyNext) {
  ScriptedStream fake({4, 5});
  InboxStream& stream = fake;
  InboxEntry entry;
  ASSERT_TRUE(stream.Next(&entry));
  EXPECT_EQ(entry.sequence, 4u);
  stream.Cancel();  // the default does nothing
  ASSERT_TRUE(stream.Next(&entry));
  EXPECT_EQ(entry.sequence, 5u);
  EXPECT_FALSE(stream.Next(&entry));
  const absl::Status finished = stream.Finish();
  EXPECT_EQ(finished.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(finished.message(),
            "InboxStream::Finish is not implemented by this stream");
}

// A fake for a monitoring test that only reads the hub's status.
class HubStatusFake final : public AdminClient {
 public:
  absl::StatusOr<HubStatus> GetHubStatus() override {
    HubStatus status;
    status.hub_id = "hub-test";
    status.storage = "SERVING";
    return status;
  }
};

TEST(ClientFakesTest, AdminFakeAnswersWhatItOverrides) {
  HubStatusFake fake;
  AdminClient& admin = fake;
  absl::StatusOr<HubStatus> status = admin.GetHubStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->storage, "SERVING");

  ExpectUnimplemented(admin.ListTransfers(TransferQuery{}).status(),
                      "AdminClient::ListTransfers");
  ExpectUnimplemented(admin.GetInboxStats().status(),
                      "AdminClient::GetInboxStats");
  ExpectUnimplemented(admin.ListDeadLetters(DeadLetterQuery{}).status(),
                      "AdminClient::ListDeadLetters");
  ExpectUnimplemented(admin.RedriveDeadLetters("agency", {1}).status(),
                      "AdminClient::RedriveDeadLetters");
  ExpectUnimplemented(admin.GetTransferCounts().status(),
                      "AdminClient::GetTransferCounts");
  ExpectUnimplemented(admin.GetStatistics(StatisticsQuery{}).status(),
                      "AdminClient::GetStatistics");
}

TEST(ClientFakesTest, AdminDefaultOfGetHubStatusIsUnimplemented) {
  class BareFake final : public AdminClient {};
  BareFake fake;
  ExpectUnimplemented(fake.GetHubStatus().status(),
                      "AdminClient::GetHubStatus");
}

// A fake for a test of an auditor's program that only fetches checkpoints.
class CheckpointFake final : public AuditClient {
 public:
  absl::StatusOr<SignedCheckpoint> GetCheckpoint() override {
    SignedCheckpoint checkpoint;
    checkpoint.tree_size = 42;
    return checkpoint;
  }
};

TEST(ClientFakesTest, AuditFakeAnswersWhatItOverrides) {
  CheckpointFake fake;
  AuditClient& audit = fake;
  absl::StatusOr<SignedCheckpoint> checkpoint = audit.GetCheckpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->tree_size, 42u);

  ExpectUnimplemented(audit.QueryEvents(EventQuery{}).status(),
                      "AuditClient::QueryEvents");
  ExpectUnimplemented(audit.GetInclusionProof(1).status(),
                      "AuditClient::GetInclusionProof");
  ExpectUnimplemented(audit.GetConsistencyProof(1, 2).status(),
                      "AuditClient::GetConsistencyProof");
  ExpectUnimplemented(audit.ExportEvents(1).status(),
                      "AuditClient::ExportEvents");
  ExpectUnimplemented(audit.GetStatistics(StatisticsQuery{}).status(),
                      "AuditClient::GetStatistics");
}

// A fake for a test of an auditor's quarterly report, which only reads
// statistics: the same call an agency's or an administrator's fake would
// override.
class QuarterFiguresFake final : public AuditClient {
 public:
  absl::StatusOr<Statistics> GetStatistics(
      const StatisticsQuery& query) override {
    asked.push_back(query);
    Statistics statistics;
    statistics.from_date = query.from_date;
    statistics.to_date = query.to_date;
    UnitFigures commission;
    commission.agency_id = "discipline-commission";
    commission.as_recipient.referrals = 104;
    commission.as_recipient.persons_case_filed = 36;
    statistics.units.push_back(commission);
    return statistics;
  }

  std::vector<StatisticsQuery> asked;
};

TEST(ClientFakesTest, StatisticsFakeAnswersWhatItOverrides) {
  QuarterFiguresFake fake;
  AuditClient& audit = fake;
  StatisticsQuery first_quarter;
  first_quarter.from_date = "2026-01-01";
  first_quarter.to_date = "2026-03-31";
  absl::StatusOr<Statistics> statistics = audit.GetStatistics(first_quarter);
  ASSERT_TRUE(statistics.ok()) << statistics.status();
  ASSERT_EQ(statistics->units.size(), 1u);
  EXPECT_EQ(statistics->units[0].as_recipient.persons_case_filed, 36u);
  ASSERT_EQ(fake.asked.size(), 1u);
  EXPECT_EQ(fake.asked[0].to_date, "2026-03-31");
  EXPECT_EQ(fake.asked[0].agency_id, "") << "every unit";

  ExpectUnimplemented(audit.GetCheckpoint().status(),
                      "AuditClient::GetCheckpoint");
}

TEST(ClientFakesTest, AuditDefaultOfGetCheckpointIsUnimplemented) {
  class BareFake final : public AuditClient {};
  BareFake fake;
  ExpectUnimplemented(fake.GetCheckpoint().status(),
                      "AuditClient::GetCheckpoint");
}

TEST(ClientFakesTest, HubInfoDefaultOfWhoAmIIsUnimplemented) {
  class BareFake final : public HubInfoClient {};
  BareFake fake;
  ExpectUnimplemented(fake.WhoAmI().status(), "HubInfoClient::WhoAmI");
}

// ExchangeClient as a later SDK version would have it: one method more, with
// the default that ExchangeClient's comment promises.
class GrownExchangeClient : public ExchangeClient {
 public:
  virtual absl::StatusOr<Referral> Archive(
      const std::string& /*referral_id*/, const CallOptions& /*options*/ = {}) {
    return absl::UnimplementedError(
        "ExchangeClient::Archive is not implemented by this client");
  }
};

// The same growth without a default, which the promise rules out.
class GrownWithoutDefault : public ExchangeClient {
 public:
  virtual absl::StatusOr<Referral> Archive(const std::string& referral_id,
                                           const CallOptions& options = {}) = 0;
};

// An agency's fake, one source for whichever interface version it is
// compiled against: it overrides Accept and knows nothing of Archive.
template <typename Interface>
class AcceptOnlyFake final : public Interface {
 public:
  absl::StatusOr<Referral> Accept(const std::string& referral_id,
                                  const CallOptions& /*options*/) override {
    Referral accepted;
    accepted.referral_id = referral_id;
    accepted.state = ReferralState::kAccepted;
    return accepted;
  }
};

// With the default the fake stays a complete class; without it, it would be
// abstract and the integrator's `AcceptOnlyFake fake;` would not compile.
static_assert(!std::is_abstract_v<AcceptOnlyFake<GrownExchangeClient>>);
static_assert(std::is_abstract_v<AcceptOnlyFake<GrownWithoutDefault>>);

TEST(ClientFakesTest, FakeKeepsCompilingAndWorkingWhenTheInterfaceGrows) {
  AcceptOnlyFake<ExchangeClient> before;
  AcceptOnlyFake<GrownExchangeClient> after;

  for (ExchangeClient* client : {static_cast<ExchangeClient*>(&before),
                                 static_cast<ExchangeClient*>(&after)}) {
    absl::StatusOr<Referral> accepted = client->Accept("demo-0000000001");
    ASSERT_TRUE(accepted.ok()) << accepted.status();
    EXPECT_EQ(accepted->state, ReferralState::kAccepted);
    ExpectUnimplemented(client->Close("demo-0000000001").status(),
                        "ExchangeClient::Close");
  }
  // Code that uses the new method gets a clear answer from the old fake.
  GrownExchangeClient& grown = after;
  ExpectUnimplemented(grown.Archive("demo-0000000001").status(),
                      "ExchangeClient::Archive");
}

}  // namespace
}  // namespace sx::client
