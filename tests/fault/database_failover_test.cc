// One hub on a replicated PostgreSQL: a primary and a synchronous standby,
// the hub's conninfo listing both (target_session_attrs=read-write).
// Senders use the SDK with request ids of their own. Drill after drill the
// primary is killed with kill -9 while they submit, the standby is
// promoted, and a new standby of it takes the dead primary's port (the old
// primary never comes back: that is the fencing). The hub's writer finds
// the new primary by itself, and the SDK retries the calls cut off. Since
// every acknowledged commit was on the standby before the hub answered,
// afterwards every referral the SDK acknowledged exists once, no request
// id made two, each is in the recipient's inbox, and the event chain is one
// unbroken history. Failover times are printed.
//
// 5 drills; SX_FAULT_LONG=1: 50.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
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
constexpr char kDatabase[] = "sxhub";
constexpr int kSenderThreads = 3;

int Drills() { return std::getenv("SX_FAULT_LONG") != nullptr ? 50 : 5; }

std::string Milliseconds(absl::Duration took) {
  return absl::FormatDuration(absl::Trunc(took, absl::Milliseconds(1)));
}

// Threads submitting one referral after another, each with a request id of
// its own, from construction until Stop(). Thread-safe.
class Senders {
 public:
  struct Acknowledged {
    std::string referral_id;
    absl::Time called;
    absl::Time answered;
  };

  explicit Senders(const client::ClientOptions& options) {
    for (int t = 0; t < kSenderThreads; ++t) {
      threads_.emplace_back([this, options, t] { Send(options, t); });
    }
  }
  ~Senders() { Stop(); }

  // Lets the calls under way finish, and starts no more.
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  // Until `more` calls beyond those acknowledged now are: false if that
  // takes longer than `timeout` or a call failed.
  bool AwaitMore(size_t more, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    const size_t target = acknowledged_.size() + more;
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return acknowledged_.size() >= target || !failure_.ok();
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout) &&
           failure_.ok();
  }
  // The first call that failed although the SDK retried it: OK if none.
  absl::Status failure() const {
    absl::MutexLock lock(&mu_);
    return failure_;
  }
  // By request id.
  std::map<std::string, Acknowledged> acknowledged() const {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }

 private:
  void Send(const client::ClientOptions& options, int t) {
    absl::StatusOr<std::unique_ptr<client::ExchangeClient>> sender =
        client::ConnectExchangeClient(options);
    if (!sender.ok()) {
      Fail(sender.status());
      return;
    }
    for (int n = 0;; ++n) {
      {
        absl::MutexLock lock(&mu_);
        if (stopping_ || !failure_.ok()) return;
      }
      const std::string request_id = absl::StrCat("failover-", t, "-", n);
      client::CallOptions call;
      call.request_id = request_id;
      const absl::Time called = absl::Now();
      absl::StatusOr<client::Referral> referral = (*sender)->Submit(
          LeadTo(kRecipient, absl::StrCat("县直单位 ", request_id)), call);
      // The SDK rides out the failover: every call ends acknowledged.
      if (!referral.ok()) {
        Fail(absl::Status(
            referral.status().code(),
            absl::StrCat(request_id, ": ", referral.status().message())));
        return;
      }
      absl::MutexLock lock(&mu_);
      acknowledged_[request_id] = {referral->referral_id, called, absl::Now()};
    }
  }
  void Fail(const absl::Status& failure) {
    absl::MutexLock lock(&mu_);
    if (failure_.ok()) failure_ = failure;
  }

  mutable absl::Mutex mu_;
  std::map<std::string, Acknowledged> acknowledged_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// When the first call made after `since` was acknowledged: a call that
// could only have committed on the new primary. (A call under way at the
// kill may have committed on the old primary just before it died.)
absl::Time FirstAnswerToACallAfter(
    const std::map<std::string, Senders::Acknowledged>& acknowledged,
    absl::Time since) {
  absl::Time first = absl::InfiniteFuture();
  for (const auto& [request_id, ack] : acknowledged) {
    if (ack.called > since) first = std::min(first, ack.answered);
  }
  return first;
}

class DatabaseFailoverTest : public DevPkiSuite {
 protected:
  // The example config on a free port, its data in `conninfo`.
  std::unique_ptr<HubProcess> HubOn(const std::string& conninfo) {
    const std::string storage = absl::StrCat(
        "\nstorage { postgres { conninfo: \"", conninfo, "\" } }\n");
    const int port = FreeLoopbackPort();
    return std::make_unique<HubProcess>(*pki_, [=](std::string& config) {
      config = absl::StrReplaceAll(
          config, {{"127.0.0.1:7443", absl::StrCat("127.0.0.1:", port)}});
      config += storage;
    });
  }
};

TEST_F(DatabaseFailoverTest, PromotingTheSynchronousStandbyLosesNothing) {
  // Without fsync: only processes are killed here, never the machine, and
  // the kernel keeps what a killed server wrote (test_postgres.h). A busy
  // disk would otherwise stretch each base backup's checkpoint to seconds.
  TestPostgresOptions server_options;
  server_options.fsync = false;
  std::unique_ptr<TestPostgres> primary =
      TestPostgres::StartPrimary(server_options);
  std::unique_ptr<TestPostgres> standby =
      TestPostgres::StartStandbyOf(*primary, server_options);
  // Made once the standby streams: until then, commits wait for one.
  const absl::StatusOr<std::string> created =
      RunPsql(primary->ConnInfo("postgres"),
              absl::StrCat("CREATE DATABASE ", kDatabase));
  ASSERT_TRUE(created.ok()) << created.status();
  // The two ports stay the database's for the whole test: each new
  // standby takes the port of the primary that died.
  const std::string conninfo = absl::StrCat(
      "host=127.0.0.1,127.0.0.1 port=", primary->port(), ",", standby->port(),
      " dbname=", kDatabase,
      " user=sxtest target_session_attrs=read-write connect_timeout=2");
  std::unique_ptr<HubProcess> hub = HubOn(conninfo);
  ASSERT_TRUE(hub->Start().ok()) << hub->ReadLog();

  client::ClientOptions options = SdkOptions(*hub, *pki_, kSender);
  // Enough for a failover of several seconds.
  options.retry.max_attempts = 60;
  options.retry.max_backoff = absl::Milliseconds(250);
  auto senders = std::make_unique<Senders>(options);

  // Each from the kill until: the old primary's processes are gone; the
  // standby takes writes; the new standby is synchronous; the hub answers a
  // call made after the old primary was gone.
  struct Failover {
    absl::Duration dead;
    absl::Duration promoted;
    absl::Duration standby_synced;
    absl::Duration answered;
  };
  std::vector<Failover> failovers;
  for (int drill = 0; drill < Drills(); ++drill) {
    // Kill once the senders are well under way.
    ASSERT_TRUE(senders->AwaitMore(30, absl::Seconds(60)))
        << "no progress before drill " << drill << ": " << senders->failure()
        << "\n"
        << hub->ReadLog();
    const absl::Time killed = absl::Now();
    primary->Kill();
    const absl::Time dead = absl::Now();
    standby->Promote();
    const absl::Time promoted = absl::Now();
    // Fenced: the old primary never comes back; its data goes.
    const int dead_port = primary->port();
    primary = std::move(standby);
    TestPostgresOptions in_its_place = server_options;
    in_its_place.port = dead_port;
    standby = TestPostgres::StartStandbyOf(*primary, in_its_place);
    const absl::Time standby_synced = absl::Now();
    // Some more on the new primary, then the next drill.
    ASSERT_TRUE(senders->AwaitMore(10, absl::Seconds(60)))
        << "no progress after drill " << drill << ": " << senders->failure()
        << "\n"
        << hub->ReadLog();
    failovers.push_back(
        {dead - killed, promoted - killed, standby_synced - killed,
         FirstAnswerToACallAfter(senders->acknowledged(), dead) - killed});
  }
  senders->Stop();
  ASSERT_TRUE(senders->failure().ok()) << senders->failure();

  std::vector<std::string> times;
  std::vector<absl::Duration> answered;
  for (const Failover& failover : failovers) {
    times.push_back(absl::StrCat(Milliseconds(failover.answered), " (gone ",
                                 Milliseconds(failover.dead), ", promoted ",
                                 Milliseconds(failover.promoted),
                                 ", new standby synchronous ",
                                 Milliseconds(failover.standby_synced), ")"));
    answered.push_back(failover.answered);
  }
  std::sort(answered.begin(), answered.end());
  const std::map<std::string, Senders::Acknowledged> acknowledged =
      senders->acknowledged();
  std::printf(
      "database failover (kill -9 of the primary until the hub answers a "
      "call made after it), %zu drills, %zu referrals acknowledged: %s; "
      "median %s\n",
      failovers.size(), acknowledged.size(), absl::StrJoin(times, ", ").c_str(),
      Milliseconds(answered[answered.size() / 2]).c_str());
  std::fflush(stdout);

  // Read the database as a store of the test's own, on the last primary:
  // it takes the write lock the hub held.
  hub->Stop();
  std::map<std::string, std::string> referral_by_request_id;
  for (const auto& [request_id, ack] : acknowledged) {
    referral_by_request_id.emplace(request_id, ack.referral_id);
  }
  ExpectEachAcknowledgedOnce(primary->ConnInfo(kDatabase),
                             referral_by_request_id, kSender, kRecipient);
}

}  // namespace
}  // namespace sx::testing
