#include "tests/e2e/agency_client.h"

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sx::testing {

namespace v1 = ::supervision::v1;

void PrintTo(const InboxEvent& event, std::ostream* out) {
  *out << "InboxEvent{" << v1::EventType_Name(event.type) << ", "
       << event.referral_id << "}";
}

std::vector<InboxEvent> EventsOf(const std::vector<v1::InboxEntry>& entries) {
  std::vector<InboxEvent> events;
  for (const v1::InboxEntry& entry : entries) {
    events.push_back({entry.event().type(), entry.event().referral_id()});
  }
  return events;
}

std::vector<v1::InboxEntry> EntriesAbout(
    const std::vector<v1::InboxEntry>& entries, v1::EventType type,
    const std::string& referral_id) {
  std::vector<v1::InboxEntry> found;
  for (const v1::InboxEntry& entry : entries) {
    if (entry.event().type() == type &&
        entry.event().referral_id() == referral_id) {
      found.push_back(entry);
    }
  }
  return found;
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t nanos = absl::ToUnixNanos(time);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(nanos / 1'000'000'000);
  timestamp.set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  return timestamp;
}

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

::testing::AssertionResult IsRefused(const grpc::Status& status,
                                     grpc::StatusCode code,
                                     absl::string_view mention) {
  if (status.error_code() != code) {
    return ::testing::AssertionFailure()
           << "expected status " << code << ", got " << status.error_code()
           << ": " << status.error_message();
  }
  if (!absl::StrContains(status.error_message(), mention)) {
    return ::testing::AssertionFailure()
           << "the message does not mention \"" << mention
           << "\": " << status.error_message();
  }
  return ::testing::AssertionSuccess() << status.error_message();
}

AgencyClient::AgencyClient(const HubProcess& hub, std::string agency)
    : agency_(std::move(agency)),
      channel_(hub.Channel(agency_)),
      exchange_(v1::ExchangeService::NewStub(channel_)) {}

std::string AgencyClient::Submit(const std::string& recipient,
                                 const v1::Lead& lead) {
  v1::SubmitReferralRequest request;
  request.set_request_id(NextRequestId());
  request.set_recipient_agency_id(recipient);
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  *request.mutable_lead() = lead;
  v1::Referral referral;
  const grpc::Status status =
      exchange_->SubmitReferral(Context().get(), request, &referral);
  EXPECT_TRUE(status.ok()) << agency_ << ": " << status.error_message();
  return referral.referral_id();
}

// Every step: a fresh request id unless the request has one, the reply to
// `out` if given.
template <typename Request>
grpc::Status AgencyClient::Step(grpc::Status (v1::ExchangeService::Stub::*rpc)(
                                    grpc::ClientContext*, const Request&,
                                    v1::Referral*),
                                Request request, v1::Referral* out) {
  if (request.request_id().empty()) request.set_request_id(NextRequestId());
  v1::Referral ignored;
  return ((*exchange_).*rpc)(Context().get(), request, out ? out : &ignored);
}

grpc::Status AgencyClient::Accept(const std::string& referral_id) {
  v1::AcceptReferralRequest request;
  request.set_referral_id(referral_id);
  return Step(&v1::ExchangeService::Stub::AcceptReferral, std::move(request),
              nullptr);
}

grpc::Status AgencyClient::Return(const std::string& referral_id,
                                  const std::string& reason) {
  v1::ReturnReferralRequest request;
  request.set_referral_id(referral_id);
  request.set_reason(reason);
  return Step(&v1::ExchangeService::Stub::ReturnReferral, std::move(request),
              nullptr);
}

grpc::Status AgencyClient::RecordDisposition(
    v1::RecordDispositionRequest request, v1::Referral* out) {
  return Step(&v1::ExchangeService::Stub::RecordDisposition, std::move(request),
              out);
}

grpc::Status AgencyClient::Reopen(v1::ReopenReferralRequest request,
                                  v1::Referral* out) {
  return Step(&v1::ExchangeService::Stub::ReopenReferral, std::move(request),
              out);
}

grpc::Status AgencyClient::Delegate(v1::DelegateReferralRequest request,
                                    v1::Referral* out) {
  return Step(&v1::ExchangeService::Stub::DelegateReferral, std::move(request),
              out);
}

grpc::Status AgencyClient::SendFeedback(v1::SendFeedbackRequest request,
                                        v1::Referral* out) {
  return Step(&v1::ExchangeService::Stub::SendFeedback, std::move(request),
              out);
}

v1::Referral AgencyClient::Get(const std::string& referral_id) {
  v1::GetReferralRequest request;
  request.set_referral_id(referral_id);
  v1::Referral referral;
  const grpc::Status status =
      exchange_->GetReferral(Context().get(), request, &referral);
  EXPECT_TRUE(status.ok()) << agency_ << " reading " << referral_id << ": "
                           << status.error_message();
  return referral;
}

std::vector<std::string> AgencyClient::Listed(v1::PartyRole role) {
  v1::ListReferralsRequest request;
  request.set_role(role);
  request.set_page_size(500);
  v1::ListReferralsResponse response;
  const grpc::Status status =
      exchange_->ListReferrals(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << agency_ << ": " << status.error_message();
  std::vector<std::string> ids;
  for (const v1::Referral& referral : response.referrals()) {
    ids.push_back(referral.referral_id());
  }
  return ids;
}

std::vector<v1::InboxEntry> AgencyClient::Inbox() {
  v1::PeekInboxRequest request;
  request.set_page_size(500);
  v1::PeekInboxResponse response;
  const grpc::Status status =
      exchange_->PeekInbox(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << agency_ << ": " << status.error_message();
  return {response.entries().begin(), response.entries().end()};
}

std::string AgencyClient::NextRequestId() {
  // One series for the whole test binary: ids stay unique across agencies,
  // tests and hub restarts.
  static std::atomic<int> counter{0};
  return absl::StrCat(agency_, "-e2e-", ++counter);
}

v1::RecordDispositionRequest DispositionOf(const std::string& referral_id,
                                           v1::DispositionMethod method) {
  v1::RecordDispositionRequest request;
  request.set_referral_id(referral_id);
  request.set_method(method);
  return request;
}

v1::SendFeedbackRequest FeedbackOf(const std::string& referral_id,
                                   v1::FeedbackKind kind,
                                   const std::string& text) {
  v1::SendFeedbackRequest request;
  request.set_referral_id(referral_id);
  request.mutable_feedback()->set_kind(kind);
  request.mutable_feedback()->set_text(text);
  return request;
}

v1::ReopenReferralRequest ReopeningOf(const std::string& referral_id,
                                      const std::string& reason) {
  v1::ReopenReferralRequest request;
  request.set_referral_id(referral_id);
  request.set_reason(reason);
  return request;
}

}  // namespace sx::testing
