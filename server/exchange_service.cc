#include "server/exchange_service.h"

#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/call_support.h"
#include "server/grpc_status.h"
#include "server/inbox_stream.h"
#include "sx/core/timestamps.h"

namespace sx::server {

namespace v1 = ::supervision::v1;
namespace {

std::string ExchangeMethod(absl::string_view method) {
  return FullMethodName(v1::ExchangeService::service_full_name(), method);
}

// Completes a unary call with a referral result.
core::ReferralCallback ReplyWithReferral(grpc::ServerUnaryReactor* reactor,
                                         v1::Referral* response,
                                         std::shared_ptr<CallRecord> record) {
  return [reactor, response, record](absl::StatusOr<v1::Referral> result) {
    if (result.ok()) *response = std::move(*result);
    record->Log(result.status(), result.ok() ? response->referral_id() : "");
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

}  // namespace

ExchangeService::ExchangeService(core::ExchangeCore& core,
                                 InboxNotifier& notifier,
                                 const CertificateRevocations* revocations,
                                 const StepSignatureCheck& signatures)
    : core_(core),
      notifier_(notifier),
      revocations_(revocations),
      signatures_(signatures) {}

absl::StatusOr<core::Identity> ExchangeService::Authenticate(
    grpc::CallbackServerContext* context) const {
  return AuthenticateCall(context, *core_.config(), revocations_,
                          core::Service::kExchange);
}

grpc::ServerUnaryReactor* ExchangeService::RunStep(
    grpc::CallbackServerContext* context, const char* method,
    const google::protobuf::Message& request, core::StepRequest step,
    v1::Referral* response) {
  const absl::Time start = absl::Now();
  absl::StatusOr<AuthenticatedStep> authenticated =
      AuthenticateStep(context, *core_.config(), revocations_, signatures_,
                       ExchangeMethod(method), request);
  if (!authenticated.ok()) {
    return FinishNow(context, CallRecord(method, "", start),
                     authenticated.status());
  }
  const core::Identity& caller = authenticated->caller;
  auto record = std::make_shared<CallRecord>(method, caller.name, start);
  step.method = method;
  step.request_fingerprint = std::move(authenticated->request_sha256);
  step.signed_step = std::move(authenticated->signed_step);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_.TakeStep(caller, std::move(step),
                 ReplyWithReferral(reactor, response, record));
  return reactor;
}

grpc::ServerUnaryReactor* ExchangeService::SubmitReferral(
    grpc::CallbackServerContext* context,
    const v1::SubmitReferralRequest* request, v1::Referral* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "SubmitReferral";
  absl::StatusOr<AuthenticatedStep> step =
      AuthenticateStep(context, *core_.config(), revocations_, signatures_,
                       ExchangeMethod(kMethod), *request);
  if (!step.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), step.status());
  }
  auto record = std::make_shared<CallRecord>(kMethod, step->caller.name, start);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_.Submit(step->caller, *request, std::move(step->request_sha256),
               ReplyWithReferral(reactor, response, record),
               std::move(step->signed_step));
  return reactor;
}

grpc::ServerUnaryReactor* ExchangeService::SubmitReferrals(
    grpc::CallbackServerContext* context,
    const v1::SubmitReferralsRequest* request,
    v1::SubmitReferralsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "SubmitReferrals";
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  const int items = request->referrals_size();
  const uint32_t most = core_.config()->limits().max_batch_submits();
  if (items == 0 || static_cast<uint32_t>(items) > most) {
    return FinishNow(
        context, CallRecord(kMethod, caller->name, start),
        absl::InvalidArgumentError(absl::StrCat(
            "referrals: ", items, " items; a batch holds 1 to ", most,
            " (limits.max_batch_submits): split it or send them one by one")));
  }
  // One signature covers the batch: a bad one refuses it whole. Each item
  // keeps its own audit path, so that it verifies alone as a SubmitReferral.
  std::vector<std::string> item_sha256s;
  item_sha256s.reserve(items);
  for (const v1::SubmitReferralRequest& item : request->referrals()) {
    item_sha256s.push_back(RequestSha256(item));
  }
  absl::StatusOr<std::vector<std::optional<core::SignedStep>>> signed_steps =
      signatures_.CheckBatch(*context, *core_.config(), *caller,
                             ExchangeMethod("SubmitReferral"), item_sha256s);
  if (!signed_steps.ok()) {
    return FinishNow(context, CallRecord(kMethod, caller->name, start),
                     signed_steps.status());
  }
  // Each item is an ordinary submission; the store's group commit makes
  // them durable together. Callbacks come from the store's completion
  // thread, or at once from this one for an item refused up front: each
  // writes only its own slot, and the last one finishes the call.
  for (int i = 0; i < items; ++i) response->add_results();
  auto record = std::make_shared<CallRecord>(kMethod, caller->name, start);
  auto pending = std::make_shared<std::atomic<int>>(items);
  auto accepted = std::make_shared<std::atomic<int>>(0);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  for (int i = 0; i < items; ++i) {
    const v1::SubmitReferralRequest& item = request->referrals(i);
    core_.Submit(
        *caller, item, std::move(item_sha256s[i]),
        [reactor, response, record, pending, accepted,
         i](absl::StatusOr<v1::Referral> result) {
          v1::SubmitReferralResult& slot = *response->mutable_results(i);
          if (result.ok()) {
            *slot.mutable_referral() = std::move(*result);
            accepted->fetch_add(1);
          } else {
            slot.set_code(static_cast<int>(result.status().code()));
            slot.set_message(std::string(result.status().message()));
          }
          if (pending->fetch_sub(1) > 1) return;
          record->Log(absl::OkStatus(),
                      absl::StrCat(accepted->load(), " of ",
                                   response->results_size(), " submitted"));
          reactor->Finish(grpc::Status::OK);
        },
        std::move((*signed_steps)[i]));
  }
  return reactor;
}

grpc::ServerWriteReactor<v1::InboxEntry>* ExchangeService::StreamInbox(
    grpc::CallbackServerContext* context,
    const v1::StreamInboxRequest* request) {
  const absl::Time start = absl::Now();
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  CallRecord record("StreamInbox", caller.ok() ? caller->name : "", start);
  if (!caller.ok()) {
    record.Log(caller.status(), "");
    // A reactor that refuses at once.
    class Refusal final : public grpc::ServerWriteReactor<v1::InboxEntry> {
     public:
      explicit Refusal(const absl::Status& status) {
        Finish(ToGrpcStatus(status));
      }
      void OnDone() override { delete this; }
    };
    return new Refusal(caller.status());
  }
  record.Log(absl::OkStatus(), "");
  // The connection's certificate, to check again when the config or the
  // CRLs change while the stream is open. It must still name the same
  // agency: a reload may map its URI to another one.
  InboxStream::Reauthenticator reauthenticate = [this,
                                                 auth = context->auth_context(),
                                                 opened_as = *caller] {
    absl::StatusOr<core::Identity> now = AuthenticatePeer(
        auth.get(), *core_.config(), revocations_, core::Service::kExchange);
    if (!now.ok()) return now.status();
    if (now->kind != opened_as.kind || now->name != opened_as.name) {
      return absl::UnauthenticatedError(absl::StrCat(
          "the client certificate now names \"", now->name,
          "\"; this inbox stream was opened as \"", opened_as.name, "\""));
    }
    return absl::OkStatus();
  };
  return new InboxStream(
      core_, notifier_, *caller, std::move(reauthenticate),
      request->after_sequence(),
      core_.config()->limits().max_inbox_streams_per_agency());
}

grpc::ServerUnaryReactor* ExchangeService::PeekInbox(
    grpc::CallbackServerContext* context, const v1::PeekInboxRequest* request,
    v1::PeekInboxResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "PeekInbox";
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  absl::StatusOr<v1::PeekInboxResponse> page =
      core_.PeekInbox(*caller, *request);
  if (page.ok()) *response = std::move(*page);
  return FinishNow(context, CallRecord(kMethod, caller->name, start),
                   page.status());
}

grpc::ServerUnaryReactor* ExchangeService::AckInbox(
    grpc::CallbackServerContext* context, const v1::AckInboxRequest* request,
    v1::AckInboxResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "AckInbox";
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  auto record = std::make_shared<CallRecord>(kMethod, caller->name, start);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_.Acknowledge(
      *caller, {request->sequences().begin(), request->sequences().end()},
      [reactor, response, record](absl::StatusOr<uint32_t> acknowledged) {
        if (acknowledged.ok()) response->set_acknowledged(*acknowledged);
        record->Log(acknowledged.status(), "");
        reactor->Finish(ToGrpcStatus(acknowledged.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* ExchangeService::GetReferral(
    grpc::CallbackServerContext* context, const v1::GetReferralRequest* request,
    v1::Referral* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "GetReferral";
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  absl::StatusOr<v1::Referral> referral = core_.Get(
      *caller, request->referral_id(), request->include_attachment_content());
  if (referral.ok()) *response = std::move(*referral);
  CallRecord(kMethod, caller->name, start)
      .Log(referral.status(), request->referral_id());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(referral.status()));
  return reactor;
}

grpc::ServerUnaryReactor* ExchangeService::ListReferrals(
    grpc::CallbackServerContext* context,
    const v1::ListReferralsRequest* request,
    v1::ListReferralsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "ListReferrals";
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  absl::StatusOr<v1::ListReferralsResponse> page =
      core_.List(*caller, *request);
  if (page.ok()) *response = std::move(*page);
  return FinishNow(context, CallRecord(kMethod, caller->name, start),
                   page.status());
}

grpc::ServerUnaryReactor* ExchangeService::ListReferralSteps(
    grpc::CallbackServerContext* context,
    const v1::ListReferralStepsRequest* request,
    v1::ListReferralStepsResponse* response) {
  const absl::Time start = absl::Now();
  constexpr char kMethod[] = "ListReferralSteps";
  absl::StatusOr<core::Identity> caller = Authenticate(context);
  if (!caller.ok()) {
    return FinishNow(context, CallRecord(kMethod, "", start), caller.status());
  }
  return FinishWith(context, CallRecord(kMethod, caller->name, start),
                    core_.ListSteps(*caller, *request), response);
}

grpc::ServerUnaryReactor* ExchangeService::AcceptReferral(
    grpc::CallbackServerContext* context,
    const v1::AcceptReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kAccept;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  return RunStep(context, "AcceptReferral", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::ReturnReferral(
    grpc::CallbackServerContext* context,
    const v1::ReturnReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kReturn;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.text = request->reason();
  return RunStep(context, "ReturnReferral", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::RerouteReferral(
    grpc::CallbackServerContext* context,
    const v1::RerouteReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kReroute;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.target_agency_id = request->target_agency_id();
  step.text = request->reason();
  return RunStep(context, "RerouteReferral", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::RecordDisposition(
    grpc::CallbackServerContext* context,
    const v1::RecordDispositionRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kDispose;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.disposition = request->method();
  step.handler = request->handler();
  step.approver = request->approver();
  step.approval_reference = request->approval_reference();
  step.text = request->reason();
  if (request->has_review_at()) {
    step.due_at = core::FromTimestamp(request->review_at());
  }
  return RunStep(context, "RecordDisposition", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::ReopenReferral(
    grpc::CallbackServerContext* context,
    const v1::ReopenReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kReopen;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.text = request->reason();
  return RunStep(context, "ReopenReferral", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::DelegateReferral(
    grpc::CallbackServerContext* context,
    const v1::DelegateReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kDelegate;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.target_agency_id = request->target_agency_id();
  step.text = request->instructions();
  if (request->has_feedback_due_at()) {
    step.due_at = core::FromTimestamp(request->feedback_due_at());
  }
  return RunStep(context, "DelegateReferral", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::SendFeedback(
    grpc::CallbackServerContext* context,
    const v1::SendFeedbackRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = request->feedback().kind() == v1::FEEDBACK_KIND_INTERIM
                    ? core::Action::kInterimFeedback
                    : core::Action::kFinalFeedback;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.feedback = request->feedback();
  return RunStep(context, "SendFeedback", *request, std::move(step), response);
}

grpc::ServerUnaryReactor* ExchangeService::CloseReferral(
    grpc::CallbackServerContext* context,
    const v1::CloseReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kClose;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  return RunStep(context, "CloseReferral", *request, std::move(step), response);
}

grpc::ServerUnaryReactor* ExchangeService::RejectFeedback(
    grpc::CallbackServerContext* context,
    const v1::RejectFeedbackRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kRejectFeedback;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.text = request->reason();
  return RunStep(context, "RejectFeedback", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::WithdrawReferral(
    grpc::CallbackServerContext* context,
    const v1::WithdrawReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kWithdraw;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.text = request->reason();
  return RunStep(context, "WithdrawReferral", *request, std::move(step),
                 response);
}

grpc::ServerUnaryReactor* ExchangeService::RemindReferral(
    grpc::CallbackServerContext* context,
    const v1::RemindReferralRequest* request, v1::Referral* response) {
  core::StepRequest step;
  step.action = core::Action::kRemind;
  step.request_id = request->request_id();
  step.referral_id = request->referral_id();
  step.text = request->text();
  step.supervision_level = request->level();
  return RunStep(context, "RemindReferral", *request, std::move(step),
                 response);
}

}  // namespace sx::server
