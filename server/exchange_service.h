// The gRPC face of the exchange: authenticates the caller from its
// certificate, translates requests into core calls and core results into
// replies. All steps on a referral share one path (RunStep).
#pragma once

#include "server/certificate_revocations.h"
#include "server/inbox_notifier.h"
#include "server/step_signature_check.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/core/exchange_core.h"

namespace sx::server {

// Thread-safe; handlers never block (mutations finish from the store's
// writer thread once durable).
class ExchangeService final
    : public ::supervision::v1::ExchangeService::CallbackService {
 public:
  // `revocations`: null when no tls.crl_directory is configured.
  ExchangeService(core::ExchangeCore& core, InboxNotifier& notifier,
                  const CertificateRevocations* revocations,
                  const StepSignatureCheck& signatures);

  grpc::ServerUnaryReactor* SubmitReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::SubmitReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* SubmitReferrals(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::SubmitReferralsRequest* request,
      ::supervision::v1::SubmitReferralsResponse* response) override;
  grpc::ServerWriteReactor<::supervision::v1::InboxEntry>* StreamInbox(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::StreamInboxRequest* request) override;
  grpc::ServerUnaryReactor* PeekInbox(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::PeekInboxRequest* request,
      ::supervision::v1::PeekInboxResponse* response) override;
  grpc::ServerUnaryReactor* AckInbox(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::AckInboxRequest* request,
      ::supervision::v1::AckInboxResponse* response) override;
  grpc::ServerUnaryReactor* GetReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::GetReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* ListReferralSteps(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListReferralStepsRequest* request,
      ::supervision::v1::ListReferralStepsResponse* response) override;
  grpc::ServerUnaryReactor* ListReferrals(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ListReferralsRequest* request,
      ::supervision::v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* AcceptReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::AcceptReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* ReturnReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ReturnReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RerouteReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::RerouteReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RecordDisposition(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::RecordDispositionRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* ReopenReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::ReopenReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* DelegateReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::DelegateReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* SendFeedback(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::SendFeedbackRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* CloseReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::CloseReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RejectFeedback(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::RejectFeedbackRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* WithdrawReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::WithdrawReferralRequest* request,
      ::supervision::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RemindReferral(
      grpc::CallbackServerContext* context,
      const ::supervision::v1::RemindReferralRequest* request,
      ::supervision::v1::Referral* response) override;

 private:
  // The calling agency, or an error status for the reply.
  absl::StatusOr<core::Identity> Authenticate(
      grpc::CallbackServerContext* context) const;
  // Authenticates the caller and the step's signature, fills method,
  // fingerprint and signature, takes the step, replies.
  grpc::ServerUnaryReactor* RunStep(grpc::CallbackServerContext* context,
                                    const char* method,
                                    const google::protobuf::Message& request,
                                    core::StepRequest step,
                                    ::supervision::v1::Referral* response);

  core::ExchangeCore& core_;
  InboxNotifier& notifier_;
  const CertificateRevocations* const revocations_;
  const StepSignatureCheck& signatures_;
};

}  // namespace sx::server
