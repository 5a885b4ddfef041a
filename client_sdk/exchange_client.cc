// The defaults of ExchangeClient and InboxStream. They live here, out of
// line, so that the vtables live in the SDK library, and so that an agency's
// fake that overrides only a few methods links against them: a method added
// to the interface later comes with its default, and the fake keeps
// compiling. GrpcExchangeClient overrides every one of them but the
// method-only Dispose, whose default forwards to the DisposeParams one.
#include "sx/client/exchange_client.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"

namespace sx::client {
namespace {

// What OpenInbox gives by default: a stream that has already ended, since
// callers (InboxConsumer among them) expect a stream, never null.
class UnimplementedInboxStream final : public InboxStream {
 public:
  bool Next(InboxEntry*) override { return false; }
  void Cancel() override {}
  absl::Status Finish() override {
    return absl::UnimplementedError(
        "ExchangeClient::OpenInbox is not implemented by this client");
  }
};

}  // namespace

InboxStream::~InboxStream() = default;

bool InboxStream::Next(InboxEntry*) { return false; }

void InboxStream::Cancel() {}

absl::Status InboxStream::Finish() {
  return absl::UnimplementedError(
      "InboxStream::Finish is not implemented by this stream");
}

ExchangeClient::~ExchangeClient() = default;

absl::StatusOr<Referral> ExchangeClient::Submit(const NewReferral&,
                                                const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Submit is not implemented by this client");
}

void ExchangeClient::SubmitAsync(const NewReferral& referral,
                                 SubmitCallback done,
                                 const CallOptions& options) {
  done(Submit(referral, options));
}

absl::StatusOr<BatchResults> ExchangeClient::SubmitBatch(
    const std::vector<BatchSubmission>&) {
  return absl::UnimplementedError(
      "ExchangeClient::SubmitBatch is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Get(const std::string&, bool) {
  return absl::UnimplementedError(
      "ExchangeClient::Get is not implemented by this client");
}

absl::StatusOr<ReferralPage> ExchangeClient::List(const ListQuery&) {
  return absl::UnimplementedError(
      "ExchangeClient::List is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Accept(const std::string&,
                                                const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Accept is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Return(const ReturnParams&,
                                                const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Return is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Reroute(const RerouteParams&,
                                                 const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Reroute is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Dispose(const std::string& referral_id,
                                                 DispositionMethod method,
                                                 const CallOptions& options) {
  DisposeParams params;
  params.referral_id = referral_id;
  params.method = method;
  return Dispose(params, options);
}

absl::StatusOr<Referral> ExchangeClient::Dispose(const DisposeParams&,
                                                 const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Dispose is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Reopen(const ReopenParams&,
                                                const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Reopen is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Delegate(const DelegateParams&,
                                                  const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Delegate is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::SendFeedback(const std::string&,
                                                      const Feedback&,
                                                      const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::SendFeedback is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Close(const std::string&,
                                               const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Close is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::RejectFeedback(
    const RejectFeedbackParams&, const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::RejectFeedback is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Withdraw(const WithdrawParams&,
                                                  const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Withdraw is not implemented by this client");
}

absl::StatusOr<Referral> ExchangeClient::Remind(const RemindParams&,
                                                const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::Remind is not implemented by this client");
}

absl::StatusOr<InboxPage> ExchangeClient::PeekInbox(const PeekInboxParams&) {
  return absl::UnimplementedError(
      "ExchangeClient::PeekInbox is not implemented by this client");
}

absl::StatusOr<uint32_t> ExchangeClient::Ack(const std::vector<uint64_t>&) {
  return absl::UnimplementedError(
      "ExchangeClient::Ack is not implemented by this client");
}

std::unique_ptr<InboxStream> ExchangeClient::OpenInbox(uint64_t) {
  return std::make_unique<UnimplementedInboxStream>();
}

absl::StatusOr<RectificationStepResult> ExchangeClient::AddRectificationItems(
    const AddRectificationItemsParams&, const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::AddRectificationItems is not implemented by this "
      "client");
}

absl::StatusOr<RectificationStepResult> ExchangeClient::ReportRectification(
    const ReportRectificationParams&, const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::ReportRectification is not implemented by this client");
}

absl::StatusOr<RectificationStepResult> ExchangeClient::VerifyRectification(
    const VerifyRectificationParams&, const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::VerifyRectification is not implemented by this client");
}

absl::StatusOr<RectificationItemPage> ExchangeClient::ListRectificationItems(
    const RectificationItemQuery&) {
  return absl::UnimplementedError(
      "ExchangeClient::ListRectificationItems is not implemented by this "
      "client");
}

absl::StatusOr<Distribution> ExchangeClient::SubmitDistribution(
    const NewDistribution&, const CallOptions&) {
  return absl::UnimplementedError(
      "ExchangeClient::SubmitDistribution is not implemented by this client");
}

absl::StatusOr<Distribution> ExchangeClient::GetDistribution(
    const std::string&) {
  return absl::UnimplementedError(
      "ExchangeClient::GetDistribution is not implemented by this client");
}

absl::StatusOr<DistributionPage> ExchangeClient::ListDistributions(
    const DistributionQuery&) {
  return absl::UnimplementedError(
      "ExchangeClient::ListDistributions is not implemented by this client");
}

absl::StatusOr<Statistics> ExchangeClient::GetStatistics(
    const StatisticsQuery&) {
  return absl::UnimplementedError(
      "ExchangeClient::GetStatistics is not implemented by this client");
}

absl::StatusOr<SupervisionLedgerPage> ExchangeClient::ListSupervisedReferrals(
    const SupervisionLedgerQuery&) {
  return absl::UnimplementedError(
      "ExchangeClient::ListSupervisedReferrals is not implemented by this "
      "client");
}

absl::StatusOr<ReferralSteps> ExchangeClient::ListSteps(
    const ReferralStepsQuery&) {
  return absl::UnimplementedError(
      "ExchangeClient::ListSteps is not implemented by this client");
}

}  // namespace sx::client
