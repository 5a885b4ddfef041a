// ExchangeClient over gRPC with mutual TLS: deadlines on every attempt,
// retries with exponential backoff and jitter for transient failures, and
// request ids fixed before the first attempt so retries are deduplicated by
// the hub.
#include <openssl/rand.h>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc_status_convert.h"
#include "grpcpp/grpcpp.h"
#include "proto_convert.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/client/exchange_client.h"

namespace sx::client {
namespace {

namespace v1 = ::supervision::v1;
using internal::FromGrpcStatus;
using internal::FromProto;
using internal::ToProto;

// Replies may carry attachments up to the hub's limits.
constexpr int kMaxReplyBytes = 64 * 1024 * 1024;

bool IsRetryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

absl::StatusOr<std::string> ReadPem(const std::string& pem,
                                    const std::string& file,
                                    absl::string_view what) {
  if (!pem.empty()) return pem;
  if (file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no ", what, " given (file or PEM)"));
  }
  std::ifstream in(file);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", file));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class GrpcInboxStream final : public InboxStream {
 public:
  GrpcInboxStream(v1::ExchangeService::Stub& stub, uint64_t after_sequence) {
    v1::StreamInboxRequest request;
    request.set_after_sequence(after_sequence);
    // Wait for the hub rather than fail while it restarts; Cancel() ends it.
    context_.set_wait_for_ready(true);
    reader_ = stub.StreamInbox(&context_, request);
  }

  bool Next(InboxEntry* entry) override {
    v1::InboxEntry proto;
    if (!reader_->Read(&proto)) return false;
    *entry = FromProto(proto);
    return true;
  }
  void Cancel() override { context_.TryCancel(); }
  absl::Status Finish() override { return FromGrpcStatus(reader_->Finish()); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::InboxEntry>> reader_;
};

// Thread-safe: the stub is, and the rest is immutable.
class GrpcExchangeClient final : public ExchangeClient {
 public:
  GrpcExchangeClient(const ClientOptions& options,
                     std::shared_ptr<grpc::Channel> channel)
      : options_(options), stub_(v1::ExchangeService::NewStub(channel)) {}

  absl::StatusOr<Referral> Submit(const NewReferral& referral,
                                  const CallOptions& options) override {
    v1::SubmitReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_recipient_agency_id(referral.recipient_agency_id);
    request.set_kind(static_cast<v1::ReferralKind>(referral.kind));
    *request.mutable_lead() = ToProto(referral.lead);
    return CallForReferral(&v1::ExchangeService::Stub::SubmitReferral, request);
  }

  absl::StatusOr<Referral> Get(const std::string& referral_id,
                               bool include_attachment_content) override {
    v1::GetReferralRequest request;
    request.set_referral_id(referral_id);
    request.set_include_attachment_content(include_attachment_content);
    return CallForReferral(&v1::ExchangeService::Stub::GetReferral, request);
  }

  absl::StatusOr<ReferralPage> List(const ListQuery& query) override {
    v1::ListReferralsResponse response;
    absl::Status status = Call(
        [&](grpc::ClientContext* context) {
          return stub_->ListReferrals(context, ToProto(query), &response);
        });
    if (!status.ok()) return status;
    return FromProto(response);
  }

  absl::StatusOr<Referral> Accept(const std::string& referral_id,
                                  const CallOptions& options) override {
    v1::AcceptReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    return CallForReferral(&v1::ExchangeService::Stub::AcceptReferral, request);
  }

  absl::StatusOr<Referral> Return(const std::string& referral_id,
                                  const std::string& reason,
                                  const CallOptions& options) override {
    v1::ReturnReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    request.set_reason(reason);
    return CallForReferral(&v1::ExchangeService::Stub::ReturnReferral, request);
  }

  absl::StatusOr<Referral> Reroute(const std::string& referral_id,
                                   const std::string& target_agency_id,
                                   const std::string& reason,
                                   const CallOptions& options) override {
    v1::RerouteReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    request.set_target_agency_id(target_agency_id);
    request.set_reason(reason);
    return CallForReferral(&v1::ExchangeService::Stub::RerouteReferral,
                           request);
  }

  absl::StatusOr<Referral> Dispose(const std::string& referral_id,
                                   DispositionMethod method,
                                   const CallOptions& options) override {
    v1::RecordDispositionRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    request.set_method(static_cast<v1::DispositionMethod>(method));
    return CallForReferral(&v1::ExchangeService::Stub::RecordDisposition,
                           request);
  }

  absl::StatusOr<Referral> SendFeedback(const std::string& referral_id,
                                        const Feedback& feedback,
                                        const CallOptions& options) override {
    v1::SendFeedbackRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    *request.mutable_feedback() = ToProto(feedback);
    return CallForReferral(&v1::ExchangeService::Stub::SendFeedback, request);
  }

  absl::StatusOr<Referral> Close(const std::string& referral_id,
                                 const CallOptions& options) override {
    v1::CloseReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    return CallForReferral(&v1::ExchangeService::Stub::CloseReferral, request);
  }

  absl::StatusOr<Referral> Withdraw(const std::string& referral_id,
                                    const std::string& reason,
                                    const CallOptions& options) override {
    v1::WithdrawReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    request.set_reason(reason);
    return CallForReferral(&v1::ExchangeService::Stub::WithdrawReferral,
                           request);
  }

  absl::StatusOr<Referral> Remind(const std::string& referral_id,
                                  const std::string& text,
                                  const CallOptions& options) override {
    v1::RemindReferralRequest request;
    request.set_request_id(RequestIdFor(options));
    request.set_referral_id(referral_id);
    request.set_text(text);
    return CallForReferral(&v1::ExchangeService::Stub::RemindReferral, request);
  }

  absl::StatusOr<uint32_t> Ack(const std::vector<uint64_t>& sequences) override {
    v1::AckInboxRequest request;
    for (uint64_t sequence : sequences) request.add_sequences(sequence);
    v1::AckInboxResponse response;
    absl::Status status = Call([&](grpc::ClientContext* context) {
      return stub_->AckInbox(context, request, &response);
    });
    if (!status.ok()) return status;
    return response.acknowledged();
  }

  std::unique_ptr<InboxStream> OpenInbox(uint64_t after_sequence) override {
    return std::make_unique<GrpcInboxStream>(*stub_, after_sequence);
  }

 private:
  static std::string RequestIdFor(const CallOptions& options) {
    return options.request_id.empty() ? NewRequestId() : options.request_id;
  }

  template <typename Request>
  absl::StatusOr<Referral> CallForReferral(
      grpc::Status (v1::ExchangeService::Stub::*method)(grpc::ClientContext*,
                                                        const Request&,
                                                        v1::Referral*),
      const Request& request) {
    v1::Referral response;
    absl::Status status = Call([&](grpc::ClientContext* context) {
      return ((*stub_).*method)(context, request, &response);
    });
    if (!status.ok()) return status;
    return FromProto(response);
  }

  // Runs `attempt` until it succeeds, fails for good, or attempts run out.
  // The request (and its id) is the same in every attempt.
  absl::Status Call(
      const std::function<grpc::Status(grpc::ClientContext*)>& attempt) {
    absl::Duration backoff = options_.retry.initial_backoff;
    thread_local std::minstd_rand jitter(std::random_device{}());
    for (int number = 1;; ++number) {
      grpc::ClientContext context;
      context.set_deadline(
          absl::ToChronoTime(absl::Now() + options_.call_timeout));
      // A retry waits (within its deadline) for the channel to reconnect
      // instead of failing at once while the channel is between attempts;
      // waiting calls also drive the reconnection.
      context.set_wait_for_ready(number > 1);
      grpc::Status status = attempt(&context);
      if (status.ok() || !IsRetryable(status.error_code()) ||
          number >= options_.retry.max_attempts) {
        return internal::FromGrpcStatus(status);
      }
      // Full jitter keeps many clients from retrying in lockstep after a
      // hub restart.
      std::uniform_int_distribution<int64_t> spread(
          0, absl::ToInt64Microseconds(backoff));
      absl::SleepFor(absl::Microseconds(spread(jitter)));
      backoff = std::min(backoff * 2, options_.retry.max_backoff);
    }
  }

  const ClientOptions options_;
  const std::unique_ptr<v1::ExchangeService::Stub> stub_;
};

}  // namespace

std::string NewRequestId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // OpenSSL's generator is unavailable only if the system has no entropy
    // source at all; fall back rather than fail the call.
    std::random_device device;
    for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(device());
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
  grpc::SslCredentialsOptions tls;
  absl::StatusOr<std::string> ca =
      ReadPem(options.ca_pem, options.ca_file, "CA certificate");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> certificate = ReadPem(
      options.certificate_pem, options.certificate_file, "client certificate");
  if (!certificate.ok()) return certificate.status();
  absl::StatusOr<std::string> key =
      ReadPem(options.private_key_pem, options.private_key_file, "private key");
  if (!key.ok()) return key.status();
  tls.pem_root_certs = *std::move(ca);
  tls.pem_cert_chain = *std::move(certificate);
  tls.pem_private_key = *std::move(key);
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError("retry.max_attempts must be at least 1");
  }

  grpc::ChannelArguments args;
  if (!options.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.server_name_override);
  }
  args.SetMaxReceiveMessageSize(kMaxReplyBytes);
  // Reconnect to a restarted hub as promptly as the retry policy retries,
  // rather than after gRPC's default backoff of up to two minutes.
  const int min_backoff_ms =
      static_cast<int>(absl::ToInt64Milliseconds(options.retry.initial_backoff));
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::max(min_backoff_ms, 1));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, std::max(min_backoff_ms, 1));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(absl::ToInt64Milliseconds(options.retry.max_backoff)));
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      options.hub_address, grpc::SslCredentials(tls), args);
  return std::unique_ptr<ExchangeClient>(
      new GrpcExchangeClient(options, std::move(channel)));
}

}  // namespace sx::client
