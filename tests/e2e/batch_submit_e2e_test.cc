// SubmitReferrals through the SDK's SubmitBatch against the real hub: each
// item is taken as SubmitReferral would take it (its own checks and result,
// one refused not refusing the others), a batch sent again with the same
// request ids returns the same referrals, and what the hub acknowledged
// survives a kill -9. And the same through SubmitAsync, which gathers the
// submits it has in flight into SubmitReferrals calls (SubmitBatching): each
// submit still gets its own result, exactly once, the hub's metrics show the
// gathered calls, and destroying the client waits for every callback.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/lead_exchange_suite.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/e2e/sample_leads.h"
#include "tests/e2e/sdk_options.h"

namespace sx::testing {
namespace {

// What the hub does with the i-th submit of the SubmitAsync tests: most are
// kept; every tenth is for an agency the hub does not know, lacks its
// subject, or takes a route the inspection office may not send on.
enum class Fate { kKept, kUnknownRecipient, kNoSubject, kRouteRefused };

Fate FateOf(int i) {
  switch (i % 10) {
    case 3:
      return Fate::kUnknownRecipient;
    case 6:
      return Fate::kNoSubject;
    case 9:
      return Fate::kRouteRefused;
    default:
      return Fate::kKept;
  }
}

absl::StatusCode CodeFor(Fate fate) {
  switch (fate) {
    case Fate::kUnknownRecipient:
      return absl::StatusCode::kNotFound;
    case Fate::kNoSubject:
      return absl::StatusCode::kInvalidArgument;
    case Fate::kRouteRefused:
      return absl::StatusCode::kPermissionDenied;
    case Fate::kKept:
      break;
  }
  return absl::StatusCode::kOk;
}

std::string SubjectOf(int i) { return absl::StrCat("单位", i); }

client::NewReferral ReferralFor(int i) {
  switch (FateOf(i)) {
    case Fate::kUnknownRecipient:
      return LeadTo("no-such-unit", SubjectOf(i));
    case Fate::kNoSubject:
      return LeadTo("discipline-commission", "");
    case Fate::kRouteRefused:
      return LeadTo("audit-bureau", SubjectOf(i));
    case Fate::kKept:
      break;
  }
  return LeadTo("discipline-commission", SubjectOf(i));
}

// What the SubmitAsync callbacks reported, index by index: shared with the
// callbacks, so that a callback running late (after the client is gone)
// still has somewhere to count itself.
class Outcomes {
 public:
  explicit Outcomes(int count)
      : calls_(count, 0),
        results_(count, absl::UnknownError("no callback ran")) {}

  // The first callback (index 0) waits until Release(), unless it runs on
  // the thread that submits. The SDK counts a call as out until its
  // callbacks have returned, so while it waits every later submit gathers:
  // the test does not depend on the submitting loop outpacing the hub.
  void HoldFirst() { held_ = true; }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

  client::SubmitCallback For(const std::shared_ptr<Outcomes>& self, int i) {
    const std::thread::id submitter = std::this_thread::get_id();
    return [self, i, submitter](absl::StatusOr<client::Referral> result) {
      std::unique_lock<std::mutex> lock(self->mu_);
      if (i == 0 && self->held_ && std::this_thread::get_id() != submitter) {
        self->changed_.wait(lock, [&] { return self->released_; });
      }
      ++self->calls_[i];
      self->results_[i] = std::move(result);
      ++self->finished_;
      self->changed_.notify_all();
    };
  }

  // Waits for a callback per submit. The bound only keeps a lost callback
  // from hanging the test; nothing is asserted about how long it takes.
  bool WaitForAll() {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(60), [&] {
      return finished_ >= static_cast<int>(calls_.size());
    });
  }

  int finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return finished_;
  }
  // How many times the callback of submit `i` ran.
  int calls(int i) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_[i];
  }
  absl::StatusOr<client::Referral> result(int i) {
    std::lock_guard<std::mutex> lock(mu_);
    return results_[i];
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  bool released_ = false;
  int finished_ = 0;
  std::vector<int> calls_;
  std::vector<absl::StatusOr<client::Referral>> results_;
};

// Submits ReferralFor(0 .. count-1) through SubmitAsync, each with the
// request id "<prefix>-<i>", all without waiting. With `hold_first`, the
// first callback waits until all have been submitted (see HoldFirst).
std::shared_ptr<Outcomes> SubmitAllAsync(client::ExchangeClient& sdk,
                                         const std::string& prefix, int count,
                                         bool hold_first) {
  auto outcomes = std::make_shared<Outcomes>(count);
  if (hold_first) outcomes->HoldFirst();
  for (int i = 0; i < count; ++i) {
    client::CallOptions options;
    options.request_id = absl::StrCat(prefix, "-", i);
    sdk.SubmitAsync(ReferralFor(i), outcomes->For(outcomes, i), options);
  }
  outcomes->Release();
  return outcomes;
}

// The value of `series` (name and labels, exactly as exposed) in a scrape;
// -1 if the scrape lacks it.
double MetricValue(const std::string& scrape, const std::string& series) {
  const std::string line_start = absl::StrCat("\n", series, " ");
  const size_t at = scrape.find(line_start);
  if (at == std::string::npos) return -1;
  const size_t start = at + line_start.size();
  double value = 0;
  if (!absl::SimpleAtod(scrape.substr(start, scrape.find('\n', start) - start),
                        &value)) {
    return -1;
  }
  return value;
}

// The hub's count of ExchangeService/`method` calls: all of them, or those
// it finished with `code` (e.g. "OK"). A series not yet exposed counts 0.
double Calls(const std::string& scrape, const std::string& method,
             const std::string& code = "") {
  const std::string series =
      code.empty()
          ? absl::StrCat(
                "sxhub_grpc_request_duration_seconds_count{method=\""
                "ExchangeService/",
                method, "\"}")
          : absl::StrCat("sxhub_grpc_requests_total{method=\"ExchangeService/",
                         method, "\",code=\"", code, "\"}");
  return std::max(MetricValue(scrape, series), 0.0);
}

// The ids of every referral `sdk`'s agency has sent, page by page.
absl::StatusOr<std::set<std::string>> SentIds(client::ExchangeClient& sdk) {
  std::set<std::string> ids;
  client::ListQuery query;
  query.role = client::PartyRole::kSender;
  query.page_size = 100;
  for (;;) {
    absl::StatusOr<client::ReferralPage> page = sdk.List(query);
    if (!page.ok()) return page.status();
    for (const client::Referral& referral : page->referrals) {
      ids.insert(referral.referral_id);
    }
    if (page->next_page_token.empty()) return ids;
    query.page_token = page->next_page_token;
  }
}

class BatchSubmitE2eTest : public LeadExchangeSuite {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartHub([](std::string& config) {
      absl::StrReplaceAll(
          {{"limits {", absl::StrCat("limits {\n  max_batch_submits: ",
                                     kHubMaxBatchSubmits)}},
          &config);
      // On a free port: the gathered calls show in the request counts.
      config += "\nmetrics_address: \"127.0.0.1:0\"\n";
    }));
  }

  std::unique_ptr<client::ExchangeClient> Sdk(
      const std::string& name,
      const client::SubmitBatching& batching = {}) const {
    client::ClientOptions options = SdkOptions(*hub_, *pki_, name);
    options.submit_batching = batching;
    auto connected = client::ConnectExchangeClient(options);
    EXPECT_TRUE(connected.ok()) << connected.status();
    return connected.ok() ? *std::move(connected) : nullptr;
  }

  // The SDK's batching as a program should set it for this hub: at most
  // the hub's limits.max_batch_submits (5 here) per gathered call.
  static client::SubmitBatching MatchingTheHub() {
    client::SubmitBatching batching;
    batching.max_count = kHubMaxBatchSubmits;
    return batching;
  }

  // The hub's metrics page, "" if the hub serves none.
  std::string Scrape() const {
    const int port = MetricsPort(hub_->ReadLog());
    EXPECT_NE(port, 0) << hub_->ReadLog();
    return port == 0 ? "" : HttpGet(port, "/metrics");
  }

  // Checks each result of `outcomes` (a run of SubmitAllAsync) against its
  // FateOf, that every callback ran exactly once, and returns the ids of
  // the kept referrals by index ("" for a refused one).
  static std::vector<std::string> CheckOutcomes(Outcomes& outcomes, int count) {
    std::vector<std::string> ids(count);
    for (int i = 0; i < count; ++i) {
      EXPECT_EQ(outcomes.calls(i), 1) << "callback of submit " << i;
      const absl::StatusOr<client::Referral> result = outcomes.result(i);
      const Fate fate = FateOf(i);
      if (fate == Fate::kKept) {
        EXPECT_TRUE(result.ok()) << i << ": " << result.status();
        if (!result.ok()) continue;
        // The reply omits the lead: the referral is matched to its submit
        // by ExpectKeptAsSubmitted.
        EXPECT_EQ(result->state, client::ReferralState::kSubmitted) << i;
        EXPECT_EQ(result->recipient_agency_id, "discipline-commission") << i;
        EXPECT_FALSE(result->referral_id.empty()) << i;
        ids[i] = result->referral_id;
      } else {
        EXPECT_EQ(result.status().code(), CodeFor(fate))
            << i << ": " << result.status();
        if (fate == Fate::kNoSubject) {
          EXPECT_NE(result.status().message().find("subject"),
                    std::string::npos)
              << i << ": " << result.status();
        }
      }
    }
    return ids;
  }

  // Each of `ids` (by submit index, "" for none) is a referral the
  // commission can read, with the subject of that very submit: no callback
  // got another submit's result.
  void ExpectKeptAsSubmitted(const std::vector<std::string>& ids) const {
    std::unique_ptr<client::ExchangeClient> commission =
        Sdk("discipline-commission");
    ASSERT_NE(commission, nullptr);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i].empty()) continue;
      absl::StatusOr<client::Referral> referral = commission->Get(ids[i]);
      ASSERT_TRUE(referral.ok()) << ids[i] << ": " << referral.status();
      EXPECT_EQ(referral->sender_agency_id, "inspection-office");
      EXPECT_EQ(referral->lead.subject, SubjectOf(static_cast<int>(i)))
          << "submit " << i << " got the referral of another";
    }
  }

  static constexpr int kHubMaxBatchSubmits = 5;
};

TEST_F(BatchSubmitE2eTest, EachItemStandsOnItsOwn) {
  std::unique_ptr<client::ExchangeClient> inspection = Sdk("inspection-office");
  ASSERT_NE(inspection, nullptr);
  std::vector<client::BatchSubmission> batch = {
      {LeadTo("discipline-commission", "县土地储备中心"), "batch-1"},
      {LeadTo("no-such-unit", "市住建局"), "batch-2"},
      // No route lets the inspection office send a lead to the audit bureau.
      {LeadTo("audit-bureau", "市审计局"), "batch-3"},
      {LeadTo("organization-dept", "某区委组织部"), "batch-4"},
  };
  batch[3].referral.lead.subject.clear();  // a required field missing
  absl::StatusOr<client::BatchResults> results = inspection->SubmitBatch(batch);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  ASSERT_TRUE((*results)[0].ok()) << (*results)[0].status();
  EXPECT_EQ((*results)[0]->state, client::ReferralState::kSubmitted);
  EXPECT_EQ((*results)[1].status().code(), absl::StatusCode::kNotFound)
      << (*results)[1].status();
  EXPECT_EQ((*results)[2].status().code(), absl::StatusCode::kPermissionDenied)
      << (*results)[2].status();
  EXPECT_EQ((*results)[3].status().code(), absl::StatusCode::kInvalidArgument)
      << (*results)[3].status();
  EXPECT_NE((*results)[3].status().message().find("subject"), std::string::npos)
      << (*results)[3].status();

  // The same batch again: the kept item returns its referral, not a second.
  absl::StatusOr<client::BatchResults> again = inspection->SubmitBatch(batch);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE((*again)[0].ok());
  EXPECT_EQ((*again)[0]->referral_id, (*results)[0]->referral_id);
  client::ListQuery sent;
  sent.role = client::PartyRole::kSender;
  absl::StatusOr<client::ReferralPage> page = inspection->List(sent);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->referrals.size(), 1u);
}

TEST_F(BatchSubmitE2eTest, TheBatchFailsAsAWholeOnlyForItsSize) {
  std::unique_ptr<client::ExchangeClient> inspection = Sdk("inspection-office");
  ASSERT_NE(inspection, nullptr);
  absl::StatusOr<client::BatchResults> empty = inspection->SubmitBatch({});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<client::BatchSubmission> six;
  for (int i = 0; i < 6; ++i) {
    six.push_back({LeadTo("discipline-commission", absl::StrCat("单位", i)),
                   absl::StrCat("six-", i)});
  }
  absl::StatusOr<client::BatchResults> too_many = inspection->SubmitBatch(six);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("max_batch_submits"),
            std::string::npos)
      << too_many.status();
  client::ListQuery sent;
  sent.role = client::PartyRole::kSender;
  absl::StatusOr<client::ReferralPage> page = inspection->List(sent);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->referrals.empty()) << "a refused batch keeps nothing";
}

TEST_F(BatchSubmitE2eTest, AcknowledgedItemsSurviveAKillNine) {
  std::vector<client::BatchSubmission> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back({LeadTo("discipline-commission", absl::StrCat("单位", i)),
                     absl::StrCat("durable-", i)});
  }
  std::vector<std::string> ids;
  {
    std::unique_ptr<client::ExchangeClient> inspection =
        Sdk("inspection-office");
    ASSERT_NE(inspection, nullptr);
    absl::StatusOr<client::BatchResults> results =
        inspection->SubmitBatch(batch);
    ASSERT_TRUE(results.ok()) << results.status();
    for (const auto& result : *results) {
      ASSERT_TRUE(result.ok()) << result.status();
      ids.push_back(result->referral_id);
    }
  }
  hub_->Kill();
  ASSERT_TRUE(hub_->Start().ok());
  std::unique_ptr<client::ExchangeClient> commission =
      Sdk("discipline-commission");
  ASSERT_NE(commission, nullptr);
  for (const std::string& id : ids) {
    absl::StatusOr<client::Referral> referral = commission->Get(id);
    ASSERT_TRUE(referral.ok()) << id << ": " << referral.status();
    EXPECT_EQ(referral->lead.subject_organization, "县自然资源局");
  }
}

// 200 submits in flight from one client, some refused: each gets its own
// result, exactly once, and the hub sees them in gathered SubmitReferrals
// calls of at most max_count (set to the hub's limit), not 200 calls.
TEST_F(BatchSubmitE2eTest, SubmitAsyncGathersSubmitsInFlight) {
  constexpr int kSubmits = 200;
  std::unique_ptr<client::ExchangeClient> inspection =
      Sdk("inspection-office", MatchingTheHub());
  ASSERT_NE(inspection, nullptr);
  std::shared_ptr<Outcomes> outcomes =
      SubmitAllAsync(*inspection, "async", kSubmits, /*hold_first=*/true);
  ASSERT_TRUE(outcomes->WaitForAll())
      << outcomes->finished() << " of " << kSubmits << " callbacks ran";
  // Nothing is in flight any more; a second callback would have run by the
  // time the destructor returns.
  inspection.reset();
  const std::vector<std::string> ids = CheckOutcomes(*outcomes, kSubmits);

  std::set<std::string> kept;
  int expected_kept = 0;
  for (int i = 0; i < kSubmits; ++i) {
    if (FateOf(i) != Fate::kKept) continue;
    ++expected_kept;
    if (!ids[i].empty()) kept.insert(ids[i]);
  }
  EXPECT_EQ(kept.size(), static_cast<size_t>(expected_kept))
      << "every kept submit has a referral of its own";
  ASSERT_NO_FATAL_FAILURE(ExpectKeptAsSubmitted(ids));
  std::unique_ptr<client::ExchangeClient> sender = Sdk("inspection-office");
  ASSERT_NE(sender, nullptr);
  absl::StatusOr<std::set<std::string>> sent = SentIds(*sender);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(*sent, kept) << "the hub holds the kept submits and nothing else";

  // The hub records a call before it answers, so the scrape has them all.
  const std::string scrape = Scrape();
  ASSERT_NE(scrape.find("HTTP/1.1 200"), std::string::npos) << scrape;
  const double singles = Calls(scrape, "SubmitReferral");
  const double gathered = Calls(scrape, "SubmitReferrals");
  RecordProperty("SubmitReferral_calls", static_cast<int>(singles));
  RecordProperty("SubmitReferrals_calls", static_cast<int>(gathered));
  ASSERT_GE(singles, 1) << "the first submit goes alone\n" << scrape;
  EXPECT_GE(gathered, 1) << "no gathered calls\n" << scrape;
  EXPECT_EQ(Calls(scrape, "SubmitReferrals", "OK"), gathered)
      << "a gathered call within the hub's limit is never refused whole\n"
      << scrape;
  EXPECT_EQ(Calls(scrape, "SubmitReferral", "OK") +
                Calls(scrape, "SubmitReferral", "NOT_FOUND") +
                Calls(scrape, "SubmitReferral", "INVALID_ARGUMENT") +
                Calls(scrape, "SubmitReferral", "PERMISSION_DENIED"),
            singles)
      << scrape;
  EXPECT_LT(singles + gathered, kSubmits) << "the hub got a call per submit\n"
                                          << scrape;
  EXPECT_GE(singles + gathered, kSubmits / kHubMaxBatchSubmits)
      << "a call carried more than max_count submits\n"
      << scrape;
}

// The same request ids through SubmitAsync again (from a new client, as
// after a restart of the program): the kept submits return the referrals
// of the first time, the refused ones are refused alike, nothing doubles.
TEST_F(BatchSubmitE2eTest, SubmitAsyncAgainWithTheSameRequestIds) {
  constexpr int kSubmits = 100;
  std::vector<std::string> first_ids;
  {
    std::unique_ptr<client::ExchangeClient> inspection =
        Sdk("inspection-office", MatchingTheHub());
    ASSERT_NE(inspection, nullptr);
    std::shared_ptr<Outcomes> first =
        SubmitAllAsync(*inspection, "again", kSubmits, /*hold_first=*/true);
    ASSERT_TRUE(first->WaitForAll()) << first->finished();
    first_ids = CheckOutcomes(*first, kSubmits);
  }
  std::unique_ptr<client::ExchangeClient> inspection =
      Sdk("inspection-office", MatchingTheHub());
  ASSERT_NE(inspection, nullptr);
  std::shared_ptr<Outcomes> second =
      SubmitAllAsync(*inspection, "again", kSubmits, /*hold_first=*/true);
  ASSERT_TRUE(second->WaitForAll()) << second->finished();
  const std::vector<std::string> second_ids = CheckOutcomes(*second, kSubmits);
  EXPECT_EQ(second_ids, first_ids);

  std::set<std::string> kept;
  for (const std::string& id : first_ids) {
    if (!id.empty()) kept.insert(id);
  }
  absl::StatusOr<std::set<std::string>> sent = SentIds(*inspection);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(*sent, kept) << "a resubmit made a second referral";
  EXPECT_GE(Calls(Scrape(), "SubmitReferrals"), 2)
      << "both rounds went (partly) as gathered calls";
}

// Destroying the client right after the submits: the destructor sends what
// has gathered and returns only when every callback has run; the hub holds
// exactly the submits reported kept.
TEST_F(BatchSubmitE2eTest, DestroyingTheClientWaitsForEverySubmit) {
  constexpr int kSubmits = 200;
  std::unique_ptr<client::ExchangeClient> inspection =
      Sdk("inspection-office", MatchingTheHub());
  ASSERT_NE(inspection, nullptr);
  std::shared_ptr<Outcomes> outcomes =
      SubmitAllAsync(*inspection, "drop", kSubmits, /*hold_first=*/false);
  const int before = outcomes->finished();
  inspection.reset();
  ASSERT_EQ(outcomes->finished(), kSubmits)
      << "callbacks still to come after the client is gone";
  // For the record: how many the destructor had to wait for (typically
  // nearly all; not asserted, it depends on the machine's speed).
  RecordProperty("callbacks_run_before_destruction", before);
  const std::vector<std::string> ids = CheckOutcomes(*outcomes, kSubmits);

  std::set<std::string> kept;
  for (const std::string& id : ids) {
    if (!id.empty()) kept.insert(id);
  }
  std::unique_ptr<client::ExchangeClient> sender = Sdk("inspection-office");
  ASSERT_NE(sender, nullptr);
  absl::StatusOr<std::set<std::string>> sent = SentIds(*sender);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(*sent, kept);
  ASSERT_NO_FATAL_FAILURE(ExpectKeptAsSubmitted(ids));
  // Still exactly once each, well after the destructor.
  for (int i = 0; i < kSubmits; ++i) EXPECT_EQ(outcomes->calls(i), 1) << i;
}

// max_count above the hub's limits.max_batch_submits (20 against 5): the
// hub refuses a gathered call of 20 as a whole (INVALID_ARGUMENT naming
// limits.max_batch_submits), and the SDK sends its referrals again in calls
// half as large until the hub takes them, with the same request ids: every
// submit gets what Submit would have given it, once.
TEST_F(BatchSubmitE2eTest, MaxCountAboveTheHubsLimitGoesAgainInSmallerCalls) {
  constexpr int kMaxCount = 20;
  constexpr int kSubmits = 1 + 2 * kMaxCount;
  client::SubmitBatching batching;
  batching.max_count = kMaxCount;
  // Gathered calls go out when full only: with the first callback held,
  // that makes the first gathered calls two of 20.
  batching.max_hold = absl::InfiniteDuration();
  std::unique_ptr<client::ExchangeClient> inspection =
      Sdk("inspection-office", batching);
  ASSERT_NE(inspection, nullptr);
  auto outcomes = std::make_shared<Outcomes>(kSubmits);
  outcomes->HoldFirst();
  for (int i = 0; i < kSubmits; ++i) {
    client::CallOptions options;
    options.request_id = absl::StrCat("over-", i);
    inspection->SubmitAsync(LeadTo("discipline-commission", SubjectOf(i)),
                            outcomes->For(outcomes, i), options);
  }
  outcomes->Release();
  ASSERT_TRUE(outcomes->WaitForAll()) << outcomes->finished();
  inspection.reset();

  std::set<std::string> kept;
  for (int i = 0; i < kSubmits; ++i) {
    EXPECT_EQ(outcomes->calls(i), 1) << i;
    const absl::StatusOr<client::Referral> result = outcomes->result(i);
    ASSERT_TRUE(result.ok()) << i << ": " << result.status();
    kept.insert(result->referral_id);
  }
  EXPECT_EQ(kept.size(), static_cast<size_t>(kSubmits));
  std::unique_ptr<client::ExchangeClient> sender = Sdk("inspection-office");
  ASSERT_NE(sender, nullptr);
  absl::StatusOr<std::set<std::string>> sent = SentIds(*sender);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(*sent, kept);

  const std::string scrape = Scrape();
  EXPECT_GE(Calls(scrape, "SubmitReferrals", "INVALID_ARGUMENT"), 1)
      << "the calls of 20 were not refused\n"
      << scrape;
  EXPECT_GE(Calls(scrape, "SubmitReferrals", "OK"), 1)
      << "the smaller calls did not gather\n"
      << scrape;
}

}  // namespace
}  // namespace sx::testing
