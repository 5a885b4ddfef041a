// ExchangeClient over gRPC with mutual TLS: deadlines on every attempt,
// retries with exponential backoff and jitter for transient failures, and
// request ids fixed before the first attempt so retries are deduplicated by
// the hub.
#include <openssl/rand.h>

#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client_sdk/grpc_status_convert.h"
#include "client_sdk/proto_convert.h"
#include "client_sdk/statistics_client_base.h"
#include "client_sdk/submit_batcher.h"
#include "client_sdk/unary_call.h"
#include "grpcpp/grpcpp.h"
#include "supervision/v1/distribution.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/rectification.grpc.pb.h"
#include "supervision/v1/supervision_ledger.grpc.pb.h"
#include "sx/client/exchange_client.h"

namespace sx::client {
namespace {

namespace v1 = ::supervision::v1;
using internal::FromGrpcStatus;
using internal::FromProto;
using internal::ToProto;
using Stub = v1::ExchangeService::Stub;
using RectificationStub = v1::RectificationService::Stub;
using DistributionStub = v1::DistributionService::Stub;
using LedgerStub = v1::SupervisionLedgerService::Stub;

// Entries it reads tell the client's connection history that the hub has
// answered, so that the acknowledgements that follow ride out a hub restart.
class GrpcInboxStream final : public InboxStream {
 public:
  GrpcInboxStream(Stub& stub, uint64_t after_sequence,
                  std::shared_ptr<internal::ConnectionHistory> history)
      : history_(std::move(history)) {
    v1::StreamInboxRequest request;
    request.set_after_sequence(after_sequence);
    // Wait for the hub rather than fail while it restarts; Cancel() ends it.
    context_.set_wait_for_ready(true);
    reader_ = stub.StreamInbox(&context_, request);
  }

  bool Next(InboxEntry* entry) override {
    v1::InboxEntry proto;
    if (!reader_->Read(&proto)) return false;
    history_->RecordAnswer();
    *entry = FromProto(proto);
    return true;
  }
  void Cancel() override { context_.TryCancel(); }
  absl::Status Finish() override {
    const grpc::Status status = reader_->Finish();
    return FromGrpcStatus(internal::ExplainConnectionFailure(
        status, internal::ClassifyConnectionFailure(status), *history_));
  }

 private:
  const std::shared_ptr<internal::ConnectionHistory> history_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::InboxEntry>> reader_;
};

// Thread-safe, as ServiceClient is. Overrides every method of ExchangeClient
// but the method-only Dispose, whose default forwards to the DisposeParams
// one: the interface's UNIMPLEMENTED defaults are for fakes only;
// GetStatistics comes with the base. The rectification ledger, distribution
// and supervision ledger calls go to RectificationService,
// DistributionService and SupervisionLedgerService on the same channel, and
// so share its connection history.
class GrpcExchangeClient final
    : public internal::StatisticsClientBase<ExchangeClient,
                                            v1::ExchangeService> {
 public:
  GrpcExchangeClient(const ClientOptions& options,
                     std::shared_ptr<grpc::Channel> channel)
      : StatisticsClientBase(options, channel),
        rectification_stub_(v1::RectificationService::NewStub(channel)),
        distribution_stub_(v1::DistributionService::NewStub(channel)),
        ledger_stub_(v1::SupervisionLedgerService::NewStub(channel)) {}

  absl::StatusOr<Referral> Submit(const NewReferral& referral,
                                  const CallOptions& options) override {
    v1::SubmitReferralRequest request = ToProto(referral);
    request.set_request_id(RequestIdFor(options));
    return Call(&Stub::SubmitReferral, request);
  }

  void SubmitAsync(const NewReferral& referral, SubmitCallback done,
                   const CallOptions& options) override {
    v1::SubmitReferralRequest request = ToProto(referral);
    request.set_request_id(RequestIdFor(options));
    submit_batcher_.Submit(std::move(request), std::move(done));
  }

  absl::StatusOr<Referral> Get(const std::string& referral_id,
                               bool include_attachment_content) override {
    v1::GetReferralRequest request;
    request.set_referral_id(referral_id);
    request.set_include_attachment_content(include_attachment_content);
    return Call(&Stub::GetReferral, request);
  }

  absl::StatusOr<ReferralPage> List(const ListQuery& query) override {
    return Call(&Stub::ListReferrals, ToProto(query));
  }

  absl::StatusOr<ReferralSteps> ListSteps(
      const ReferralStepsQuery& query) override {
    return Call(&Stub::ListReferralSteps, ToProto(query));
  }

  absl::StatusOr<Referral> Accept(const std::string& referral_id,
                                  const CallOptions& options) override {
    v1::AcceptReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    return Call(&Stub::AcceptReferral, request);
  }

  absl::StatusOr<Referral> Return(const ReturnParams& params,
                                  const CallOptions& options) override {
    return CallWithReason(&Stub::ReturnReferral, params, options);
  }

  absl::StatusOr<Referral> Reroute(const RerouteParams& params,
                                   const CallOptions& options) override {
    v1::RerouteReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(params.referral_id);
    request.set_target_agency_id(params.target_agency_id);
    request.set_reason(params.reason);
    return Call(&Stub::RerouteReferral, request);
  }

  // The method-only Dispose is the interface's, which forwards here.
  using ExchangeClient::Dispose;
  absl::StatusOr<Referral> Dispose(const DisposeParams& params,
                                   const CallOptions& options) override {
    v1::RecordDispositionRequest request = ToProto(params);
    request.set_request_id(RequestIdFor(options));
    return Call(&Stub::RecordDisposition, request);
  }

  absl::StatusOr<Referral> Reopen(const ReopenParams& params,
                                  const CallOptions& options) override {
    return CallWithReason(&Stub::ReopenReferral, params, options);
  }

  absl::StatusOr<Referral> Delegate(const DelegateParams& params,
                                    const CallOptions& options) override {
    v1::DelegateReferralRequest request = ToProto(params);
    request.set_request_id(RequestIdFor(options));
    return Call(&Stub::DelegateReferral, request);
  }

  absl::StatusOr<Referral> SendFeedback(const std::string& referral_id,
                                        const Feedback& feedback,
                                        const CallOptions& options) override {
    v1::SendFeedbackRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    *request.mutable_feedback() = ToProto(feedback);
    return Call(&Stub::SendFeedback, request);
  }

  absl::StatusOr<Referral> Close(const std::string& referral_id,
                                 const CallOptions& options) override {
    v1::CloseReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    return Call(&Stub::CloseReferral, request);
  }

  absl::StatusOr<Referral> RejectFeedback(const RejectFeedbackParams& params,
                                          const CallOptions& options) override {
    return CallWithReason(&Stub::RejectFeedback, params, options);
  }

  absl::StatusOr<Referral> Withdraw(const WithdrawParams& params,
                                    const CallOptions& options) override {
    return CallWithReason(&Stub::WithdrawReferral, params, options);
  }

  absl::StatusOr<Referral> Remind(const RemindParams& params,
                                  const CallOptions& options) override {
    v1::RemindReferralRequest request = ToProto(params);
    request.set_request_id(RequestIdFor(options));
    return Call(&Stub::RemindReferral, request);
  }

  absl::StatusOr<uint32_t> Ack(
      const std::vector<uint64_t>& sequences) override {
    v1::AckInboxRequest request;
    for (uint64_t sequence : sequences) request.add_sequences(sequence);
    return Call(&Stub::AckInbox, request);
  }

  absl::StatusOr<InboxPage> PeekInbox(const PeekInboxParams& params) override {
    v1::PeekInboxRequest request;
    request.set_after_sequence(params.after_sequence);
    request.set_page_size(params.page_size);
    return Call(&Stub::PeekInbox, request);
  }

  std::unique_ptr<InboxStream> OpenInbox(uint64_t after_sequence) override {
    return std::make_unique<GrpcInboxStream>(*stub_, after_sequence, history_);
  }

  absl::StatusOr<RectificationStepResult> AddRectificationItems(
      const AddRectificationItemsParams& params,
      const CallOptions& options) override {
    v1::AddRectificationItemsRequest request = ToProto(params);
    request.set_request_id(RequestIdFor(options));
    return CallOn(*rectification_stub_,
                  &RectificationStub::AddRectificationItems, request);
  }

  absl::StatusOr<RectificationStepResult> ReportRectification(
      const ReportRectificationParams& params,
      const CallOptions& options) override {
    v1::ReportRectificationRequest request = ToProto(params);
    request.set_request_id(RequestIdFor(options));
    return CallOn(*rectification_stub_, &RectificationStub::ReportRectification,
                  request);
  }

  absl::StatusOr<RectificationStepResult> VerifyRectification(
      const VerifyRectificationParams& params,
      const CallOptions& options) override {
    v1::VerifyRectificationRequest request = ToProto(params);
    request.set_request_id(RequestIdFor(options));
    return CallOn(*rectification_stub_, &RectificationStub::VerifyRectification,
                  request);
  }

  absl::StatusOr<RectificationItemPage> ListRectificationItems(
      const RectificationItemQuery& query) override {
    return CallOn(*rectification_stub_,
                  &RectificationStub::ListRectificationItems, ToProto(query));
  }

  absl::StatusOr<Distribution> SubmitDistribution(
      const NewDistribution& distribution,
      const CallOptions& options) override {
    v1::SubmitDistributionRequest request = ToProto(distribution);
    request.set_request_id(RequestIdFor(options));
    return CallOn(*distribution_stub_, &DistributionStub::SubmitDistribution,
                  request);
  }

  absl::StatusOr<Distribution> GetDistribution(
      const std::string& distribution_id) override {
    v1::GetDistributionRequest request;
    request.set_distribution_id(distribution_id);
    return CallOn(*distribution_stub_, &DistributionStub::GetDistribution,
                  request);
  }

  absl::StatusOr<DistributionPage> ListDistributions(
      const DistributionQuery& query) override {
    return CallOn(*distribution_stub_, &DistributionStub::ListDistributions,
                  ToProto(query));
  }

  absl::StatusOr<BatchResults> SubmitBatch(
      const std::vector<BatchSubmission>& submissions) override {
    // Ids fixed before the first attempt: every retry sends the same ones.
    v1::SubmitReferralsRequest request;
    for (const BatchSubmission& submission : submissions) {
      v1::SubmitReferralRequest& item = *request.add_referrals();
      item = ToProto(submission.referral);
      item.set_request_id(submission.request_id.empty()
                              ? NewRequestId()
                              : submission.request_id);
    }
    absl::StatusOr<BatchResults> results =
        Call(&Stub::SubmitReferrals, request);
    if (results.ok() && results->size() != submissions.size()) {
      return absl::DataLossError(absl::StrCat("the hub answered a batch of ",
                                              submissions.size(), " with ",
                                              results->size(), " results"));
    }
    return results;
  }

  absl::StatusOr<SupervisionLedgerPage> ListSupervisedReferrals(
      const SupervisionLedgerQuery& query) override {
    return CallOn(*ledger_stub_, &LedgerStub::ListSupervisedReferrals,
                  ToProto(query));
  }

 private:
  static std::string RequestIdFor(const CallOptions& options) {
    return options.request_id.empty() ? NewRequestId() : options.request_id;
  }

  // One call of SubmitAsync's batcher: SubmitReferral for one referral
  // (as before batching, and what a hub without SubmitReferrals takes),
  // SubmitReferrals for more; request and reply live until the last attempt.
  void SendSubmits(
      std::shared_ptr<const std::vector<v1::SubmitReferralRequest>> requests,
      internal::SubmitBatcher::CallDone done) {
    if (requests->size() == 1) {
      auto reply = std::make_shared<v1::Referral>();
      internal::CallWithRetriesAsync(
          options_, history_,
          [stub = stub_.get(), requests, reply](
              grpc::ClientContext* context,
              std::function<void(grpc::Status)> finished) {
            stub->async()->SubmitReferral(context, &requests->front(),
                                          reply.get(), std::move(finished));
          },
          [reply, done = std::move(done)](absl::Status status) {
            if (!status.ok()) return done(std::move(status));
            done(BatchResults{FromProto(*reply)});
          });
      return;
    }
    auto call = std::make_shared<
        std::pair<v1::SubmitReferralsRequest, v1::SubmitReferralsResponse>>();
    *call->first.mutable_referrals() = {requests->begin(), requests->end()};
    internal::CallWithRetriesAsync(
        options_, history_,
        [stub = stub_.get(), call](grpc::ClientContext* context,
                                   std::function<void(grpc::Status)> finished) {
          stub->async()->SubmitReferrals(context, &call->first, &call->second,
                                         std::move(finished));
        },
        [call, done = std::move(done)](absl::Status status) {
          if (!status.ok()) return done(std::move(status));
          done(FromProto(call->second));
        });
  }

  // The steps whose request names the referral and a reason and nothing else
  // (退回, 退回补充, 撤回, 重新启用): `Params` is the matching *Params struct.
  template <typename Request, typename Params>
  absl::StatusOr<Referral> CallWithReason(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   v1::Referral*),
      const Params& params, const CallOptions& options) {
    Request request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(params.referral_id);
    request.set_reason(params.reason);
    return Call(method, request);
  }

  const std::unique_ptr<RectificationStub> rectification_stub_;
  const std::unique_ptr<DistributionStub> distribution_stub_;
  const std::unique_ptr<LedgerStub> ledger_stub_;
  // Last, so that it goes first: its destructor waits for the submits in
  // flight, which use the stub until their last attempt (and gRPC must not
  // lose its last channel inside one of its own callbacks: that thread
  // would join itself).
  internal::SubmitBatcher submit_batcher_{
      options_.submit_batching, options_.retry,
      [this](std::shared_ptr<const std::vector<v1::SubmitReferralRequest>>
                 requests,
             internal::SubmitBatcher::CallDone done) {
        SendSubmits(std::move(requests), std::move(done));
      }};
};

}  // namespace

std::string NewRequestId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // OpenSSL's generator is unavailable only if the system has no entropy
    // source at all; fall back rather than fail the call.
    std::random_device device;
    for (unsigned char& byte : bytes)
      byte = static_cast<unsigned char>(device());
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20));
}

absl::StatusOr<std::unique_ptr<ExchangeClient>> ConnectExchangeClient(
    const ClientOptions& options) {
  return internal::ConnectClient<ExchangeClient, GrpcExchangeClient>(options);
}

}  // namespace sx::client
