// SubmitReferrals (SDK SubmitBatch) against the real hub killed with kill -9
// while several senders keep batches going. Afterwards every item the hub
// acknowledged exists with its own content; every batch sent again with the
// same request ids gets a referral per item, the first one for an item
// acknowledged before; and the sender has exactly one referral per request
// id, so no retry of a batch cut off by a kill duplicated anything.
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sample_leads.h"
#include "tests/e2e/sdk_options.h"

namespace sx::testing {
namespace {

constexpr char kSender[] = "inspection-office";
constexpr char kRecipient[] = "discipline-commission";
constexpr int kSenderThreads = 3;
constexpr int kKills = 3;

// The subject of the lead sent under `request_id`.
std::string SubjectOf(const std::string& request_id) {
  return absl::StrCat("县直单位 ", request_id);
}

// Item `item` of batch `batch` of sender thread `thread`: the request id is
// the test's own, so that a resend after the kill can repeat it, and the
// subject names it, so that a referral can be told apart from its
// neighbours'.
client::BatchSubmission Item(int thread, int batch, int item) {
  client::BatchSubmission submission;
  submission.request_id =
      absl::StrCat("crash-batch-", thread, "-", batch, "-", item);
  submission.referral = LeadTo(kRecipient, SubjectOf(submission.request_id));
  return submission;
}

// 10 to 20 items, varying from batch to batch and thread to thread.
std::vector<client::BatchSubmission> Batch(int thread, int batch) {
  std::vector<client::BatchSubmission> items;
  const int size = 10 + (thread * 7 + batch * 3) % 11;
  for (int item = 0; item < size; ++item) {
    items.push_back(Item(thread, batch, item));
  }
  return items;
}

std::unique_ptr<client::ExchangeClient> Connect(client::ClientOptions options) {
  auto connected = client::ConnectExchangeClient(options);
  EXPECT_TRUE(connected.ok()) << connected.status();
  return connected.ok() ? *std::move(connected) : nullptr;
}

// Every referral id the sender can list, page by page, duplicates kept.
std::vector<std::string> AllSent(client::ExchangeClient& sender) {
  std::vector<std::string> ids;
  client::ListQuery query;
  query.role = client::PartyRole::kSender;
  query.page_size = 500;
  for (;;) {
    absl::StatusOr<client::ReferralPage> page = sender.List(query);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return ids;
    for (const client::Referral& referral : page->referrals) {
      ids.push_back(referral.referral_id);
    }
    if (page->next_page_token.empty()) return ids;
    query.page_token = page->next_page_token;
  }
}

class BatchCrashTest : public DevPkiSuite {};

TEST_F(BatchCrashTest, KillNineMidBatchLosesAndDuplicatesNothing) {
  HubProcess hub(*pki_);
  ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();

  struct SentBatch {
    std::vector<client::BatchSubmission> items;
    // The call failed: which of its items the hub kept is unknown.
    bool in_doubt = false;
  };
  absl::Mutex mu;
  std::vector<SentBatch> sent;  // every batch, acknowledged or in doubt
  // Request id of each item the hub acknowledged -> its referral id.
  std::map<std::string, std::string> acknowledged;
  int next_batch[kSenderThreads] = {};

  std::mt19937 random(20260907);
  for (int kill = 0; kill < kKills; ++kill) {
    std::vector<std::thread> senders;
    for (int t = 0; t < kSenderThreads; ++t) {
      senders.emplace_back([&, t] {
        // No SDK retries: a call cut off by the kill must come back failed,
        // in doubt, for the test to resend after the restart, instead of
        // being ridden out by the SDK.
        client::ClientOptions options = SdkOptions(hub, *pki_, kSender);
        options.retry.max_attempts = 1;
        std::unique_ptr<client::ExchangeClient> sender = Connect(options);
        if (sender == nullptr) return;
        // Sends until a call fails: the one the kill cut off, or one sent
        // while the hub was down.
        for (bool failed = false; !failed;) {
          SentBatch batch{Batch(t, next_batch[t]++)};
          absl::StatusOr<client::BatchResults> results =
              sender->SubmitBatch(batch.items);
          absl::MutexLock lock(&mu);
          failed = !results.ok();
          batch.in_doubt = failed;
          if (results.ok()) {
            EXPECT_EQ(results->size(), batch.items.size());
            for (size_t i = 0; i < results->size(); ++i) {
              // Every item is valid: the hub takes each or fails the call.
              EXPECT_TRUE((*results)[i].ok()) << batch.items[i].request_id
                                              << ": " << (*results)[i].status();
              if (!(*results)[i].ok()) continue;
              acknowledged[batch.items[i].request_id] =
                  (*results)[i]->referral_id;
            }
          }
          sent.push_back(std::move(batch));
        }
      });
    }

    // Kill at a random point of progress: after 20 to 120 more acknowledged
    // items, so mostly while batches are in flight.
    {
      absl::MutexLock lock(&mu);
      const size_t target =
          acknowledged.size() +
          std::uniform_int_distribution<size_t>(20, 120)(random);
      auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return acknowledged.size() >= target;
      };
      // Kill even without progress, so that the senders stop.
      EXPECT_TRUE(
          mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60)))
          << "no progress before kill " << kill;
    }
    hub.Kill();
    for (std::thread& sender : senders) sender.join();
    const absl::Status started = hub.Start();
    ASSERT_TRUE(started.ok()) << started << hub.ReadLog();
  }

  absl::MutexLock lock(&mu);
  // Each sender ends each round with a failed call.
  size_t in_doubt_batches = 0;
  for (const SentBatch& batch : sent) in_doubt_batches += batch.in_doubt;
  EXPECT_GE(in_doubt_batches, static_cast<size_t>(kSenderThreads * kKills));

  // With retries, to ride out the first call on a hub just restarted.
  std::unique_ptr<client::ExchangeClient> sender =
      Connect(SdkOptions(hub, *pki_, kSender));
  ASSERT_NE(sender, nullptr);

  // What the hub acknowledged survived the kills, each with its own subject.
  std::set<std::string> acknowledged_referrals;
  for (const auto& [request_id, referral_id] : acknowledged) {
    EXPECT_TRUE(acknowledged_referrals.insert(referral_id).second)
        << referral_id << " was acknowledged for two request ids";
    absl::StatusOr<client::Referral> referral = sender->Get(referral_id);
    ASSERT_TRUE(referral.ok())
        << request_id << " was acknowledged as " << referral_id
        << " and is lost: " << referral.status();
    EXPECT_EQ(referral->lead.subject, SubjectOf(request_id));
  }

  // Every batch again with the same request ids, as a sender does with one
  // in doubt; the acknowledged ones too, since their request ids must also
  // have survived: each item gets a referral, the first one if there was.
  std::map<std::string, std::string> referral_of_request;
  for (const SentBatch& batch : sent) {
    absl::StatusOr<client::BatchResults> results =
        sender->SubmitBatch(batch.items);
    ASSERT_TRUE(results.ok()) << results.status();
    ASSERT_EQ(results->size(), batch.items.size());
    for (size_t i = 0; i < results->size(); ++i) {
      const std::string& request_id = batch.items[i].request_id;
      ASSERT_TRUE((*results)[i].ok())
          << request_id << ": " << (*results)[i].status();
      const std::string& referral_id = (*results)[i]->referral_id;
      if (auto before = acknowledged.find(request_id);
          before != acknowledged.end()) {
        EXPECT_EQ(referral_id, before->second)
            << request_id << " was acknowledged as " << before->second
            << "; sent again it made another referral";
      } else {
        // The reply carries no lead: whether this referral was made now or
        // before the kill, it must hold this item's lead.
        absl::StatusOr<client::Referral> referral = sender->Get(referral_id);
        ASSERT_TRUE(referral.ok()) << referral_id << ": " << referral.status();
        EXPECT_EQ(referral->lead.subject, SubjectOf(request_id));
      }
      referral_of_request[request_id] = referral_id;
    }
  }

  // One referral per request id and no more: nothing the kills cut off was
  // kept twice by the resend.
  std::set<std::string> expected;
  for (const auto& [request_id, referral_id] : referral_of_request) {
    expected.insert(referral_id);
  }
  EXPECT_EQ(expected.size(), referral_of_request.size())
      << "two request ids share a referral";
  const std::vector<std::string> listed = AllSent(*sender);
  EXPECT_EQ(listed.size(), referral_of_request.size())
      << "the sender has more (duplicates) or fewer (losses) referrals than "
         "request ids";
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), expected);
}

}  // namespace
}  // namespace sx::testing
