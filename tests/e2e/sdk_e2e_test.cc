// The C++ SDK against the real hub: the whole loop through ExchangeClient,
// and an InboxConsumer that lives through a hub crash without losing,
// skipping or repeating entries.
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "sx/client/exchange_client.h"
#include "sx/client/inbox_consumer.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

using client::ExchangeClient;
using client::InboxEntry;

class SdkE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::unique_ptr<ExchangeClient> Connect(const std::string& name) {
    client::ClientOptions options;
    options.hub_address = absl::StrCat("127.0.0.1:", hub_->port());
    options.server_name_override = "localhost";
    options.certificate_file = pki_->Cert(name);
    options.private_key_file = pki_->Key(name);
    options.ca_file = pki_->Cert("ca");
    options.retry.max_attempts = 8;
    auto connected = client::ConnectExchangeClient(options);
    EXPECT_TRUE(connected.ok()) << connected.status();
    return connected.ok() ? std::move(*connected) : nullptr;
  }

  static client::NewReferral AuditFinding(int number) {
    client::NewReferral referral;
    referral.recipient_agency_id = "discipline-commission";
    referral.kind = client::ReferralKind::kAuditFinding;
    referral.lead.subject = absl::StrCat("市属国有企业担保项目", number);
    referral.lead.category = "审计移送";
    referral.lead.summary = "近三年投资担保记录比对发现违规担保";
    referral.lead.source = "审计发现";
    referral.lead.sensitivity = client::Sensitivity::kOrdinary;
    referral.lead.urgency = client::Urgency::kNormal;
    return referral;
  }

  // Kills the hub and starts it again 300 ms later, on the returned thread
  // (join it), so that calls made meanwhile ride out the restart.
  std::thread RestartHubSoon() {
    hub_->Kill();
    return std::thread([this] {
      absl::SleepFor(absl::Milliseconds(300));
      ASSERT_TRUE(hub_->Start().ok());
    });
  }

  // Starts every submit with SubmitAsync from this one thread, then waits
  // for all their results.
  static std::vector<absl::StatusOr<client::Referral>> SubmitAllAsync(
      ExchangeClient& client, int count) {
    struct Results {
      absl::Mutex mu;
      std::vector<absl::StatusOr<client::Referral>> all ABSL_GUARDED_BY(mu);
      size_t expected;
      bool Complete() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return all.size() == expected;
      }
    } results;
    results.expected = count;
    for (int number = 1; number <= count; ++number) {
      client.SubmitAsync(AuditFinding(number),
                         [&results](absl::StatusOr<client::Referral> result) {
                           absl::MutexLock lock(&results.mu);
                           results.all.push_back(std::move(result));
                         });
    }
    absl::MutexLock lock(&results.mu);
    results.mu.Await(absl::Condition(&results, &Results::Complete));
    return std::move(results.all);
  }

  std::unique_ptr<HubProcess> hub_;
};

TEST_F(SdkE2eTest, WholeLoopThroughTheSdk) {
  auto audit = Connect("audit-bureau");
  auto commission = Connect("discipline-commission");

  client::NewReferral finding = AuditFinding(1);
  finding.lead.attachments.push_back(
      {"担保台账.csv", "text/csv", "项目,金额\nA,300万\n", "", 0});
  auto sent = audit->Submit(finding);
  ASSERT_TRUE(sent.ok()) << sent.status();
  const std::string id = sent->referral_id;
  EXPECT_EQ(sent->state, client::ReferralState::kSubmitted);

  auto seen = commission->Get(id, /*include_attachment_content=*/true);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_TRUE(seen->has_lead);
  ASSERT_EQ(seen->lead.attachments.size(), 1u);
  EXPECT_EQ(seen->lead.attachments[0].content, "项目,金额\nA,300万\n");
  EXPECT_EQ(seen->lead.attachments[0].sha256_hex.size(), 64u);

  ASSERT_TRUE(commission->Accept(id).ok());
  ASSERT_TRUE(
      commission->Dispose(id, client::DispositionMethod::kTalkOrInquiry).ok());
  client::Feedback result;
  result.kind = client::FeedbackKind::kFinal;
  result.text = "经谈话函询，相关负责人作出说明并整改";
  ASSERT_TRUE(commission->SendFeedback(id, result).ok());
  auto closed = audit->Close(id);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state, client::ReferralState::kClosed);

  auto page = audit->List(
      {client::PartyRole::kSender, {client::ReferralState::kClosed}, 10, ""});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->referrals.size(), 1u);
  EXPECT_EQ(page->referrals[0].referral_id, id);

  // Errors come back as statuses with the hub's code and message.
  auto refused = commission->Close(id);
  EXPECT_TRUE(absl::IsPermissionDenied(refused.status())) << refused.status();
}

TEST_F(SdkE2eTest, CallerChosenRequestIdIsAppliedOnce) {
  auto audit = Connect("audit-bureau");
  client::CallOptions call;
  call.request_id = "audit-2024-017";
  auto first = audit->Submit(AuditFinding(17), call);
  auto again = audit->Submit(AuditFinding(17), call);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->referral_id, again->referral_id);
}

TEST_F(SdkE2eTest, CallsRideOutAHubRestart) {
  auto audit = Connect("audit-bureau");
  ASSERT_TRUE(audit->Submit(AuditFinding(1)).ok());
  // The hub comes back while the SDK is retrying with backoff.
  std::thread restart = RestartHubSoon();
  auto sent = audit->Submit(AuditFinding(2));
  restart.join();
  ASSERT_TRUE(sent.ok()) << sent.status() << hub_->ReadLog();
  auto page = audit->List({client::PartyRole::kSender, {}, 10, ""});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->referrals.size(), 2u);
}

TEST_F(SdkE2eTest, AsyncSubmitsFromOneThreadEachLandOnce) {
  auto audit = Connect("audit-bureau");
  constexpr int kSubmits = 64;
  std::set<std::string> ids;
  for (const absl::StatusOr<client::Referral>& sent :
       SubmitAllAsync(*audit, kSubmits)) {
    ASSERT_TRUE(sent.ok()) << sent.status();
    EXPECT_EQ(sent->state, client::ReferralState::kSubmitted);
    ids.insert(sent->referral_id);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kSubmits));
  auto page = audit->List({client::PartyRole::kSender, {}, 100, ""});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->referrals.size(), static_cast<size_t>(kSubmits));
}

TEST_F(SdkE2eTest, AsyncSubmitsRideOutAHubRestart) {
  auto audit = Connect("audit-bureau");
  ASSERT_TRUE(audit->Submit(AuditFinding(0)).ok());
  // The hub comes back while the SDK's alarms pace the retries.
  std::thread restart = RestartHubSoon();
  std::vector<absl::StatusOr<client::Referral>> sent =
      SubmitAllAsync(*audit, 8);
  restart.join();
  for (const absl::StatusOr<client::Referral>& one : sent) {
    ASSERT_TRUE(one.ok()) << one.status() << hub_->ReadLog();
  }
  auto page = audit->List({client::PartyRole::kSender, {}, 100, ""});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->referrals.size(), 9u) << "each retried submit applied once";
}

TEST_F(SdkE2eTest, ConsumerSurvivesHubCrashAndSeesEveryEntryOnce) {
  auto audit = Connect("audit-bureau");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(audit->Submit(AuditFinding(i)).ok());

  auto commission = Connect("discipline-commission");
  absl::Mutex mu;
  std::vector<uint64_t> handled;  // every handler call, in order
  absl::Notification reached_fifth;
  absl::Notification may_continue;
  client::InboxConsumer consumer(*commission,
                                 [&](const InboxEntry& entry) -> absl::Status {
                                   {
                                     absl::MutexLock lock(&mu);
                                     handled.push_back(entry.sequence);
                                   }
                                   if (entry.sequence == 5) {
                                     reached_fifth.Notify();
                                     // Hold the entry while the hub dies under
                                     // us.
                                     may_continue.WaitForNotification();
                                   }
                                   return absl::OkStatus();
                                 });
  std::thread worker([&] { EXPECT_TRUE(consumer.Run().ok()); });

  reached_fifth.WaitForNotification();
  hub_->Kill();
  may_continue.Notify();
  ASSERT_TRUE(hub_->Start().ok());
  auto audit_again = Connect("audit-bureau");
  for (int i = 10; i < 20; ++i) {
    ASSERT_TRUE(audit_again->Submit(AuditFinding(i)).ok());
  }

  {
    absl::MutexLock lock(&mu);
    auto twenty_distinct = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return std::set<uint64_t>(handled.begin(), handled.end()).size() >= 20;
    };
    EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(&twenty_distinct),
                                    absl::Seconds(60)));
  }
  consumer.Stop();
  worker.join();

  absl::MutexLock lock(&mu);
  std::vector<uint64_t> expected;
  for (uint64_t sequence = 1; sequence <= 20; ++sequence) {
    expected.push_back(sequence);
  }
  EXPECT_EQ(handled, expected) << "lost, skipped, repeated or reordered";
  // Everything handled was acknowledged: nothing is left for the next run.
  auto fresh = Connect("discipline-commission");
  auto stream = fresh->OpenInbox();
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(700));
    stream->Cancel();
  });
  InboxEntry leftover;
  EXPECT_FALSE(stream->Next(&leftover))
      << "entry " << leftover.sequence << " was never acknowledged";
  canceller.join();
}

TEST_F(SdkE2eTest, ConsumerStopsForGoodWhenTheHubRefusesTheIdentity) {
  auto admin = Connect("admin-ops");
  client::InboxConsumer consumer(
      *admin, [](const InboxEntry&) { return absl::OkStatus(); });
  absl::Status ended = consumer.Run();
  EXPECT_TRUE(absl::IsPermissionDenied(ended)) << ended;
}

}  // namespace
}  // namespace sx::testing
