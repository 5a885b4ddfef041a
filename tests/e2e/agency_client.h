// One agency's ExchangeService calls through its own certificate, for
// end-to-end tests that play several agencies against the real sxhub: every
// step under a fresh request id unless the request names one, the inbox read
// with PeekInbox (which takes no delivery), and the (event type, referral)
// pairs that tests compare inboxes by.
//
//   AgencyClient commission(hub, "discipline-commission");
//   ASSERT_TRUE(commission.Accept(id).ok());
//   EXPECT_EQ(EventsOf(finder.Inbox()),
//             (std::vector<InboxEvent>{{EVENT_TYPE_ACCEPTED, id}}));
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {

// An inbox entry as tests compare inboxes: what happened, to which referral.
struct InboxEvent {
  ::supervision::v1::EventType type;
  std::string referral_id;

  bool operator==(const InboxEvent& other) const {
    return type == other.type && referral_id == other.referral_id;
  }
};

// gtest prints InboxEvent{EVENT_TYPE_ACCEPTED, demo-0000000003} on failure.
void PrintTo(const InboxEvent& event, std::ostream* out);

// The entries' events in inbox order.
std::vector<InboxEvent> EventsOf(
    const std::vector<::supervision::v1::InboxEntry>& entries);

// The entries of event type `type` about referral `referral_id`.
std::vector<::supervision::v1::InboxEntry> EntriesAbout(
    const std::vector<::supervision::v1::InboxEntry>& entries,
    ::supervision::v1::EventType type, const std::string& referral_id);

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time ToTime(const google::protobuf::Timestamp& timestamp);

// Whether a call was refused with `code` and a message that mentions
// `mention` (if not empty); the failure message has what the hub said.
::testing::AssertionResult IsRefused(const grpc::Status& status,
                                     grpc::StatusCode code,
                                     absl::string_view mention = "");

// Thread-compatible: one test thread uses it at a time. After a hub
// restart, make new clients (the old channel's first call may fail).
class AgencyClient {
 public:
  // `agency` names the agency and its certificate in the dev PKI.
  AgencyClient(const HubProcess& hub, std::string agency);

  const std::string& agency() const { return agency_; }

  // 移送 of `lead` to `recipient`: the new referral's id, or empty (with a
  // test failure) if the hub refused it.
  std::string Submit(const std::string& recipient,
                     const ::supervision::v1::Lead& lead);

  // The steps. A request without request_id gets a fresh one; `out`, if
  // given, receives the reply.
  grpc::Status Accept(const std::string& referral_id);
  grpc::Status Return(const std::string& referral_id,
                      const std::string& reason);
  grpc::Status RecordDisposition(
      ::supervision::v1::RecordDispositionRequest request,
      ::supervision::v1::Referral* out = nullptr);
  grpc::Status Reopen(::supervision::v1::ReopenReferralRequest request,
                      ::supervision::v1::Referral* out = nullptr);
  grpc::Status Delegate(::supervision::v1::DelegateReferralRequest request,
                        ::supervision::v1::Referral* out = nullptr);
  grpc::Status SendFeedback(::supervision::v1::SendFeedbackRequest request,
                            ::supervision::v1::Referral* out = nullptr);

  // The referral as this agency reads it (a test failure if it may not).
  ::supervision::v1::Referral Get(const std::string& referral_id);
  // The ids of the referrals this agency sent or received, newest first.
  std::vector<std::string> Listed(::supervision::v1::PartyRole role);
  // The unacknowledged entries of the inbox, oldest first; takes no delivery.
  std::vector<::supervision::v1::InboxEntry> Inbox();

 private:
  template <typename Request>
  grpc::Status Step(
      grpc::Status (::supervision::v1::ExchangeService::Stub::*rpc)(
          grpc::ClientContext*, const Request&, ::supervision::v1::Referral*),
      Request request, ::supervision::v1::Referral* out);
  std::string NextRequestId();

  const std::string agency_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<::supervision::v1::ExchangeService::Stub> exchange_;
};

// Requests that tests complete with the fields they are about.
::supervision::v1::RecordDispositionRequest DispositionOf(
    const std::string& referral_id,
    ::supervision::v1::DispositionMethod method);
::supervision::v1::SendFeedbackRequest FeedbackOf(
    const std::string& referral_id, ::supervision::v1::FeedbackKind kind,
    const std::string& text);
::supervision::v1::ReopenReferralRequest ReopeningOf(
    const std::string& referral_id, const std::string& reason);

}  // namespace sx::testing
