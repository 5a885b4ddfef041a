// Two hubs on one PostgreSQL database: one serves, the other waits for the
// database's write lock without listening. Senders use the SDK with both
// addresses. Drill after drill the serving hub is killed with kill -9 while
// they submit; the waiting one takes over, and the killed one comes back as
// the standby. Afterwards every referral the SDK acknowledged exists once,
// no request id made two referrals (the SDK retried the calls the kill cut
// off, with their request ids, on whichever hub served by then), every
// acknowledged referral is in the recipient's inbox, and the event chain is
// one unbroken history. Takeover times are printed.
//
// 5 drills; SX_FAULT_LONG=1: 50.
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sample_leads.h"
#include "tests/e2e/sdk_options.h"
#include "tests/fault/drill_checks.h"
#include "tests/support/free_port.h"
#include "tests/support/test_postgres.h"

namespace sx::testing {
namespace {

constexpr char kSender[] = "inspection-office";
constexpr char kRecipient[] = "discipline-commission";
constexpr int kSenderThreads = 3;

int Drills() { return std::getenv("SX_FAULT_LONG") != nullptr ? 50 : 5; }

// A hub starting in the background: as the standby, its Start() returns
// only once it has taken over.
class StartingHub {
 public:
  explicit StartingHub(HubProcess& hub) : hub_(hub) {
    thread_ = std::thread([this] {
      status_ = hub_.Start();
      started_at_ = absl::Now();
      started_.Notify();
    });
  }
  ~StartingHub() { thread_.join(); }

  // OK once the hub serves; false if it did not within `timeout`.
  bool WaitServing(absl::Duration timeout) {
    return started_.WaitForNotificationWithTimeout(timeout);
  }
  const absl::Status& status() const { return status_; }
  absl::Time started_at() const { return started_at_; }

 private:
  HubProcess& hub_;
  absl::Notification started_;
  absl::Status status_;
  absl::Time started_at_;
  std::thread thread_;
};

class HubTakeoverTest : public DevPkiSuite {
 protected:
  // The example config on `port`, its data in the test's database.
  std::unique_ptr<HubProcess> HubOn(int port) {
    const std::string storage = absl::StrCat(
        "\nstorage { postgres { conninfo: \"", conninfo_, "\" } }\n");
    return std::make_unique<HubProcess>(*pki_, [=](std::string& config) {
      config = absl::StrReplaceAll(
          config, {{"127.0.0.1:7443", absl::StrCat("127.0.0.1:", port)}});
      config += storage;
    });
  }

  const std::string conninfo_ = TestPostgres::Shared().NewDatabase();
};

TEST_F(HubTakeoverTest, KillingTheServingHubLosesAndDuplicatesNothing) {
  const int ports[2] = {FreeLoopbackPort(), FreeLoopbackPort()};
  std::unique_ptr<HubProcess> hubs[2] = {HubOn(ports[0]), HubOn(ports[1])};
  ASSERT_TRUE(hubs[0]->Start().ok()) << hubs[0]->ReadLog();
  auto standby = std::make_unique<StartingHub>(*hubs[1]);
  // The standby waits: it does not listen while the other hub serves.
  EXPECT_FALSE(standby->WaitServing(absl::Seconds(2)));

  // Both addresses: gRPC's pick_first reaches whichever listens.
  client::ClientOptions options = SdkOptions(*hubs[0], *pki_, kSender);
  options.hub_address =
      absl::StrCat("ipv4:127.0.0.1:", ports[0], ",127.0.0.1:", ports[1]);
  options.retry.max_attempts = 40;
  options.retry.max_backoff = absl::Milliseconds(250);

  absl::Mutex mu;
  std::map<std::string, std::string> acknowledged;  // request id → referral
  std::vector<absl::Duration> takeovers;
  int serving = 0;
  for (int drill = 0; drill < Drills(); ++drill) {
    bool stop = false;
    std::vector<std::thread> senders;
    for (int t = 0; t < kSenderThreads; ++t) {
      senders.emplace_back([&, t] {
        absl::StatusOr<std::unique_ptr<client::ExchangeClient>> sender =
            client::ConnectExchangeClient(options);
        ASSERT_TRUE(sender.ok()) << sender.status();
        for (int n = 0;; ++n) {
          {
            absl::MutexLock lock(&mu);
            if (stop) return;
          }
          const std::string request_id =
              absl::StrCat("takeover-", drill, "-", t, "-", n);
          client::CallOptions call;
          call.request_id = request_id;
          absl::StatusOr<client::Referral> referral = (*sender)->Submit(
              LeadTo(kRecipient, absl::StrCat("县直单位 ", request_id)), call);
          // The SDK rides out the takeover: every call ends acknowledged.
          ASSERT_TRUE(referral.ok()) << request_id << ": " << referral.status();
          absl::MutexLock lock(&mu);
          acknowledged[request_id] = referral->referral_id;
        }
      });
    }
    // Kill once the senders are well under way.
    {
      absl::MutexLock lock(&mu);
      const size_t target = acknowledged.size() + 30;
      auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return acknowledged.size() >= target;
      };
      EXPECT_TRUE(
          mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60)))
          << "no progress before drill " << drill;
    }
    const absl::Time killed = absl::Now();
    hubs[serving]->Kill();
    ASSERT_TRUE(standby->WaitServing(absl::Seconds(30)))
        << "no takeover in drill " << drill << "\n"
        << hubs[1 - serving]->ReadLog();
    ASSERT_TRUE(standby->status().ok()) << standby->status();
    takeovers.push_back(standby->started_at() - killed);
    // Some more on the hub that took over, then the next drill.
    {
      absl::MutexLock lock(&mu);
      const size_t target = acknowledged.size() + 10;
      auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return acknowledged.size() >= target;
      };
      EXPECT_TRUE(
          mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60)));
      stop = true;
    }
    for (std::thread& sender : senders) sender.join();
    standby.reset();
    serving = 1 - serving;
    standby = std::make_unique<StartingHub>(*hubs[1 - serving]);
  }

  std::vector<std::string> times;
  for (absl::Duration took : takeovers) {
    times.push_back(absl::FormatDuration(absl::Trunc(took, absl::Milliseconds(1))));
  }
  std::sort(takeovers.begin(), takeovers.end());
  std::printf("takeover (kill -9 of the serving hub until the standby "
              "listens), %zu drills: %s; median %s\n",
              takeovers.size(), absl::StrJoin(times, " ").c_str(),
              absl::FormatDuration(takeovers[takeovers.size() / 2]).c_str());
  std::fflush(stdout);

  absl::MutexLock lock(&mu);
  // Stop both hubs, then read the database as a store of the test's own
  // (it takes the write lock the hubs held). A clean stop hands over too.
  hubs[serving]->Stop();
  ASSERT_TRUE(standby->WaitServing(absl::Seconds(30)));
  standby.reset();
  hubs[1 - serving]->Stop();
  ExpectEachAcknowledgedOnce(conninfo_, acknowledged, kSender, kRecipient);
}

// systemctl stop of a standby: SIGTERM ends it at once, cleanly, though it
// never served (its stop signals wait for a serving hub's loop otherwise).
TEST_F(HubTakeoverTest, AStandbyStopsWhenAskedTo) {
  const int ports[2] = {FreeLoopbackPort(), FreeLoopbackPort()};
  std::unique_ptr<HubProcess> serving = HubOn(ports[0]);
  std::unique_ptr<HubProcess> waiting = HubOn(ports[1]);
  ASSERT_TRUE(serving->Start().ok()) << serving->ReadLog();
  auto standby = std::make_unique<StartingHub>(*waiting);
  // Until it says it waits: then it holds its database connection.
  for (int i = 0; i < 100 && !absl::StrContains(waiting->ReadLog(), "standby:");
       ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(absl::StrContains(waiting->ReadLog(), "standby:"))
      << waiting->ReadLog();
  ASSERT_GT(waiting->pid(), 0);
  kill(waiting->pid(), SIGTERM);
  const bool ended = standby->WaitServing(absl::Seconds(10));
  if (!ended) waiting->Kill();  // so that the test ends either way
  EXPECT_TRUE(ended) << "a standby ignored SIGTERM";
  standby.reset();
  EXPECT_TRUE(absl::StrContains(waiting->ReadLog(),
                                "stopped while waiting for the database's "
                                "write lock"))
      << waiting->ReadLog();
  // The serving hub was not disturbed.
  EXPECT_EQ(serving->ExitStatus(), std::nullopt);
}

}  // namespace
}  // namespace sx::testing
