// End-to-end tests of AdminService and AuditService on the real hub: who may
// call them, that administrators never see content, dead letters and
// redrive, and that auditors can verify the event log's checkpoints and
// proofs with nothing but the hub's certificate.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.grpc.pb.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/transparency/checkpoint.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/merkle_verifier.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/lead_submission.h"
#include "tests/support/read_file.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

// Distinctive content that must never reach an administrator.
constexpr char kSubject[] = "机密主体-甲乙丙";
constexpr char kSummary[] = "机密摘要-个人账户收取出让金";
constexpr char kAttachment[] = "机密附件内容-转账流水";
constexpr char kFeedback[] = "机密反馈-已立案审查";
constexpr char kReminder[] = "机密督办-请限期反馈";

class AdminAuditE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    // Two unacknowledged deliveries make a dead letter, to test quickly.
    hub_ = std::make_unique<HubProcess>(*pki_, [](std::string& config) {
      config = absl::StrReplaceAll(
          config,
          {{"max_inbox_streams_per_agency: 4",
            "max_inbox_streams_per_agency: 4\n  max_delivery_attempts: 2"}});
    });
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::unique_ptr<v1::ExchangeService::Stub> Exchange(const std::string& who) {
    return v1::ExchangeService::NewStub(hub_->Channel(who));
  }
  std::unique_ptr<v1::AdminService::Stub> Admin(const std::string& who) {
    return v1::AdminService::NewStub(hub_->Channel(who));
  }
  std::unique_ptr<v1::AuditService::Stub> Audit(const std::string& who) {
    return v1::AuditService::NewStub(hub_->Channel(who));
  }

  // The full loop with distinctive content; returns the referral id.
  std::string RunLoop() {
    auto inspection = Exchange("inspection-office");
    auto commission = Exchange("discipline-commission");
    v1::SubmitReferralRequest submit = LeadSubmission(
        "loop-1", "discipline-commission", kSubject, kSummary);
    v1::Lead& lead = *submit.mutable_lead();
    lead.add_attachments()->set_name("a.txt");
    lead.mutable_attachments(0)->set_content(kAttachment);
    v1::Referral referral;
    EXPECT_TRUE(
        inspection->SubmitReferral(Context().get(), submit, &referral).ok());
    const std::string id = referral.referral_id();

    v1::RemindReferralRequest remind;
    remind.set_request_id("remind-1");
    remind.set_referral_id(id);
    remind.set_text(kReminder);
    EXPECT_TRUE(
        inspection->RemindReferral(Context().get(), remind, &referral).ok());
    v1::AcceptReferralRequest accept;
    accept.set_request_id("accept-1");
    accept.set_referral_id(id);
    EXPECT_TRUE(
        commission->AcceptReferral(Context().get(), accept, &referral).ok());
    v1::RecordDispositionRequest dispose;
    dispose.set_request_id("dispose-1");
    dispose.set_referral_id(id);
    dispose.set_method(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
    EXPECT_TRUE(
        commission->RecordDisposition(Context().get(), dispose, &referral)
            .ok());
    v1::SendFeedbackRequest feedback;
    feedback.set_request_id("feedback-1");
    feedback.set_referral_id(id);
    feedback.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_FINAL);
    feedback.mutable_feedback()->set_text(kFeedback);
    EXPECT_TRUE(
        commission->SendFeedback(Context().get(), feedback, &referral).ok());
    return id;
  }

  // Streams `who`'s inbox until `count` entries came, without acknowledging.
  size_t ReadWithoutAck(const std::string& who, size_t count) {
    auto stub = Exchange(who);
    auto context = Context();
    auto reader = stub->StreamInbox(context.get(), v1::StreamInboxRequest());
    v1::InboxEntry entry;
    size_t read = 0;
    while (read < count && reader->Read(&entry)) ++read;
    context->TryCancel();
    reader->Finish().ok();
    return read;
  }

  std::unique_ptr<HubProcess> hub_;
};

TEST_F(AdminAuditE2eTest, OnlyTheRightRoleMayCallEachService) {
  for (const char* who :
       {"inspection-office", "discipline-commission", "auditor-audit"}) {
    v1::HubStatus status;
    EXPECT_EQ(
        Admin(who)->GetHubStatus(Context().get(), {}, &status).error_code(),
        grpc::StatusCode::PERMISSION_DENIED)
        << who;
  }
  for (const char* who : {"inspection-office", "audit-bureau", "admin-ops"}) {
    v1::SignedCheckpoint checkpoint;
    EXPECT_EQ(Audit(who)
                  ->GetCheckpoint(Context().get(), {}, &checkpoint)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << who;
  }
  v1::HubStatus status;
  ASSERT_TRUE(
      Admin("admin-ops")->GetHubStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.hub_id(), "demo");
  EXPECT_EQ(status.storage(), "SERVING");
  v1::SignedCheckpoint checkpoint;
  EXPECT_TRUE(Audit("auditor-audit")
                  ->GetCheckpoint(Context().get(), {}, &checkpoint)
                  .ok());
}

TEST_F(AdminAuditE2eTest, AdministratorsNeverSeeContent) {
  const std::string id = RunLoop();
  ReadWithoutAck("discipline-commission", 1);
  auto admin = Admin("admin-ops");
  std::string everything;
  v1::ListTransfersResponse transfers;
  ASSERT_TRUE(admin->ListTransfers(Context().get(), {}, &transfers).ok());
  ASSERT_EQ(transfers.transfers_size(), 1);
  EXPECT_EQ(transfers.transfers(0).referral_id(), id);
  EXPECT_EQ(transfers.transfers(0).state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  EXPECT_EQ(transfers.transfers(0).reminder_count(), 1u);
  everything += transfers.SerializeAsString();
  v1::GetInboxStatsResponse stats;
  ASSERT_TRUE(admin->GetInboxStats(Context().get(), {}, &stats).ok());
  everything += stats.SerializeAsString();
  v1::ListDeadLettersResponse letters;
  ASSERT_TRUE(admin->ListDeadLetters(Context().get(), {}, &letters).ok());
  everything += letters.SerializeAsString();
  v1::GetTransferCountsResponse counts;
  ASSERT_TRUE(admin->GetTransferCounts(Context().get(), {}, &counts).ok());
  everything += counts.SerializeAsString();
  v1::HubStatus status;
  ASSERT_TRUE(admin->GetHubStatus(Context().get(), {}, &status).ok());
  everything += status.SerializeAsString();
  for (const char* secret :
       {kSubject, kSummary, kAttachment, kFeedback, kReminder}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
  ASSERT_EQ(counts.by_state_size(), 1);
  EXPECT_EQ(counts.by_state(0).count(), 1u);
  ASSERT_EQ(counts.by_route_size(), 1);
  EXPECT_EQ(counts.by_route(0).sender_type(), "inspection_office");
}

TEST_F(AdminAuditE2eTest, ListTransfersFilters) {
  RunLoop();
  auto admin = Admin("admin-ops");
  v1::ListTransfersRequest request;
  request.set_sender_agency_id("audit-bureau");
  v1::ListTransfersResponse response;
  ASSERT_TRUE(admin->ListTransfers(Context().get(), request, &response).ok());
  EXPECT_EQ(response.transfers_size(), 0);
  request.Clear();
  request.add_states(v1::REFERRAL_STATE_FEEDBACK_SENT);
  request.set_recipient_agency_id("discipline-commission");
  ASSERT_TRUE(admin->ListTransfers(Context().get(), request, &response).ok());
  EXPECT_EQ(response.transfers_size(), 1);
  request.set_overdue_only(true);
  ASSERT_TRUE(admin->ListTransfers(Context().get(), request, &response).ok());
  EXPECT_EQ(response.transfers_size(), 0);
}

TEST_F(AdminAuditE2eTest, UnacknowledgedEntriesBecomeDeadLettersAndRedrive) {
  RunLoop();
  // The commission's inbox holds the new referral and the reminder.
  EXPECT_EQ(ReadWithoutAck("discipline-commission", 2), 2u);
  EXPECT_EQ(ReadWithoutAck("discipline-commission", 2), 2u);
  auto admin = Admin("admin-ops");
  // The hub counts deliveries when each stream ends; give it a moment by
  // asking until the letters are there (bounded).
  v1::ListDeadLettersResponse letters;
  for (int i = 0; i < 50 && letters.dead_letters_size() < 2; ++i) {
    ASSERT_TRUE(admin->ListDeadLetters(Context().get(), {}, &letters).ok());
    if (letters.dead_letters_size() < 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_EQ(letters.dead_letters_size(), 2);
  EXPECT_EQ(letters.dead_letters(0).agency_id(), "discipline-commission");
  EXPECT_EQ(letters.dead_letters(0).delivery_attempts(), 2u);
  EXPECT_EQ(letters.dead_letters(0).event().type(), v1::EVENT_TYPE_SUBMITTED);

  v1::GetInboxStatsResponse stats;
  ASSERT_TRUE(admin->GetInboxStats(Context().get(), {}, &stats).ok());
  for (const auto& inbox : stats.inboxes()) {
    if (inbox.agency_id() != "discipline-commission") continue;
    EXPECT_EQ(inbox.depth(), 0u);
    EXPECT_EQ(inbox.dead_letters(), 2u);
  }
  // Streams that ended on the client may still be closing on the hub; one
  // that is still open would carry (and count) the redriven entries.
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(admin->GetInboxStats(Context().get(), {}, &stats).ok());
    bool open = false;
    for (const auto& inbox : stats.inboxes()) {
      open |= inbox.agency_id() == "discipline-commission" &&
              inbox.connected_streams() > 0;
    }
    if (!open) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  v1::RedriveDeadLettersRequest redrive;
  redrive.set_agency_id("discipline-commission");
  v1::RedriveDeadLettersResponse redriven;
  ASSERT_TRUE(
      admin->RedriveDeadLetters(Context().get(), redrive, &redriven).ok());
  EXPECT_EQ(redriven.redriven(), 2u);
  auto stub = Exchange("discipline-commission");
  auto context = Context();
  auto reader = stub->StreamInbox(context.get(), v1::StreamInboxRequest());
  v1::InboxEntry entry;
  ASSERT_TRUE(reader->Read(&entry));
  EXPECT_EQ(entry.event().type(), v1::EVENT_TYPE_SUBMITTED);
  EXPECT_GT(entry.sequence(), letters.dead_letters(1).sequence());
  EXPECT_EQ(entry.delivery_attempts(), 0u);
  context->TryCancel();
  reader->Finish().ok();

  // The redrive is in the audit log as the administrator's, under the agency.
  v1::QueryEventsRequest query;
  query.set_type(v1::EVENT_TYPE_DEAD_LETTERS_REDRIVEN);
  query.set_agency_id("discipline-commission");
  v1::QueryEventsResponse events;
  ASSERT_TRUE(Audit("auditor-audit")
                  ->QueryEvents(Context().get(), query, &events)
                  .ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).actor(), "admin/ops");
  EXPECT_EQ(events.events(0).reason(),
            "2 dead letters back in the inbox of discipline-commission");
  // Nothing left to redrive: nothing done, nothing recorded.
  ASSERT_TRUE(
      admin->RedriveDeadLetters(Context().get(), redrive, &redriven).ok());
  EXPECT_EQ(redriven.redriven(), 0u);
  ASSERT_TRUE(Audit("auditor-audit")
                  ->QueryEvents(Context().get(), query, &events)
                  .ok());
  EXPECT_EQ(events.events_size(), 1);
}

TEST_F(AdminAuditE2eTest, AuditorsQueryAndVerifyTheLog) {
  const std::string id = RunLoop();
  auto audit = Audit("auditor-audit");

  v1::QueryEventsRequest by_referral;
  by_referral.set_referral_id(id);
  v1::QueryEventsResponse events;
  ASSERT_TRUE(audit->QueryEvents(Context().get(), by_referral, &events).ok());
  std::vector<v1::EventType> types;
  for (const auto& event : events.events()) types.push_back(event.type());
  EXPECT_EQ(types,
            (std::vector<v1::EventType>{
                v1::EVENT_TYPE_SUBMITTED, v1::EVENT_TYPE_REMINDED,
                v1::EVENT_TYPE_ACCEPTED, v1::EVENT_TYPE_DISPOSITION_RECORDED,
                v1::EVENT_TYPE_FINAL_FEEDBACK}));
  v1::QueryEventsRequest by_type;
  by_type.set_type(v1::EVENT_TYPE_ACCEPTED);
  ASSERT_TRUE(audit->QueryEvents(Context().get(), by_type, &events).ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).actor(), "discipline-commission");
  v1::QueryEventsRequest by_agency;
  by_agency.set_agency_id("audit-bureau");
  ASSERT_TRUE(audit->QueryEvents(Context().get(), by_agency, &events).ok());
  EXPECT_EQ(events.events_size(), 0);
  v1::QueryEventsRequest paged;
  paged.set_page_size(2);
  ASSERT_TRUE(audit->QueryEvents(Context().get(), paged, &events).ok());
  ASSERT_EQ(events.events_size(), 2);
  paged.set_page_token(events.next_page_token());
  ASSERT_TRUE(audit->QueryEvents(Context().get(), paged, &events).ok());
  EXPECT_EQ(events.events(0).sequence(), 3u);

  // A checkpoint now, verified with the hub's certificate only.
  const std::string hub_certificate = ReadFile(pki_->Cert("hub"));
  v1::SignedCheckpoint first;
  ASSERT_TRUE(audit->GetCheckpoint(Context().get(), {}, &first).ok());
  std::string signature;
  ASSERT_TRUE(absl::Base64Unescape(first.signature_base64(), &signature));
  ASSERT_TRUE(transparency::VerifyCheckpointSignature(first.text(), signature,
                                                      hub_certificate)
                  .ok());
  auto parsed = transparency::ParseCheckpoint(first.text());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->tree_size, 5u);
  EXPECT_EQ(parsed->origin, "demo");

  // Every exported event is in the log of that checkpoint.
  auto hasher =
      transparency::MerkleHasher::Create(transparency::HashAlgorithm::kSha256);
  ASSERT_TRUE(hasher.ok());
  v1::ExportEventsRequest export_request;
  export_request.set_from_sequence(1);
  v1::EventExport exported;
  ASSERT_TRUE(
      audit->ExportEvents(Context().get(), export_request, &exported).ok());
  ASSERT_EQ(exported.events_size(), 5);
  for (const auto& event : exported.events()) {
    std::vector<std::string> path(event.proof().hashes().begin(),
                                  event.proof().hashes().end());
    EXPECT_TRUE(
        transparency::VerifyInclusion(
            *hasher, event.proof().leaf_index(), event.proof().tree_size(),
            hasher->LeafHash(event.event_bytes()), path, parsed->root_hash)
            .ok());
  }
  // A changed event would not be.
  std::string altered = exported.events(2).event_bytes();
  altered[altered.size() / 2] ^= 1;
  std::vector<std::string> path(exported.events(2).proof().hashes().begin(),
                                exported.events(2).proof().hashes().end());
  EXPECT_FALSE(transparency::VerifyInclusion(*hasher, 2, 5,
                                             hasher->LeafHash(altered), path,
                                             parsed->root_hash)
                   .ok());

  // The log grows; the later checkpoint extends the earlier one.
  v1::Referral ignored;
  v1::CloseReferralRequest close;
  close.set_request_id("close-1");
  close.set_referral_id(id);
  ASSERT_TRUE(Exchange("inspection-office")
                  ->CloseReferral(Context().get(), close, &ignored)
                  .ok());
  v1::SignedCheckpoint second;
  ASSERT_TRUE(audit->GetCheckpoint(Context().get(), {}, &second).ok());
  EXPECT_EQ(second.tree_size(), 6u);
  v1::GetConsistencyProofRequest consistency_request;
  consistency_request.set_first_size(first.tree_size());
  consistency_request.set_second_size(second.tree_size());
  v1::ConsistencyProof consistency;
  ASSERT_TRUE(audit
                  ->GetConsistencyProof(Context().get(), consistency_request,
                                        &consistency)
                  .ok());
  std::vector<std::string> proof(consistency.hashes().begin(),
                                 consistency.hashes().end());
  EXPECT_TRUE(transparency::VerifyConsistency(*hasher, 5, 6, first.root_hash(),
                                              second.root_hash(), proof)
                  .ok());
  // A forked first root fails.
  std::string forked = first.root_hash();
  forked[0] ^= 1;
  EXPECT_FALSE(transparency::VerifyConsistency(*hasher, 5, 6, forked,
                                               second.root_hash(), proof)
                   .ok());
}

}  // namespace
}  // namespace sx::testing
