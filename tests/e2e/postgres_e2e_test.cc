// The real sxhub on PostgreSQL (storage.postgres) over mTLS: what it
// acknowledged survives a kill -9 of the hub, exactly once and in an audit
// log that still verifies; a database that goes away turns writes into
// UNAVAILABLE and the same request succeeds once it is back, as does a
// commit whose outcome the crash hid; --check-config names an unreachable
// database and a weak synchronous_commit; and a DBA reads the schema with
// psql, without finding a lead's content in it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/transparency/checkpoint.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/merkle_verifier.h"
#include "tests/e2e/agency_client.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/health_check.h"
#include "tests/e2e/hub_process.h"
#include "tests/support/postgres_install.h"
#include "tests/support/read_file.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_postgres.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kSender[] = "inspection-office";
constexpr char kRecipient[] = "discipline-commission";
constexpr char kAuditor[] = "auditor-audit";
// A person's name with an ASCII part, so that it can be looked for both as
// UTF-8 bytes and in psql's escaped text (which shows only ASCII as it is).
constexpr char kSubject[] = "王五 (Wang Wu, 330102-0417)";

// Clients that submit while the hub is killed, and how many
// acknowledgements they collect before the kill.
constexpr int kClients = 4;
constexpr size_t kKillAfterAcknowledgements = 20;

// How long the database may take to serve again after a restart (the writer
// waits a second after a failed connection attempt), and how often to ask.
constexpr absl::Duration kResumeWithin = absl::Seconds(30);
constexpr absl::Duration kRetryPause = absl::Milliseconds(200);
// A call that meets a lost database must hear UNAVAILABLE well before this.
constexpr std::chrono::seconds kOutageCallDeadline(15);

// The lead of sample_leads.h, as the exchange API takes it.
v1::Lead SampleLead() {
  v1::Lead lead;
  lead.set_subject(kSubject);
  lead.set_subject_organization("县自然资源局");
  lead.set_category("进一步了解关注类");
  lead.set_summary("巡察发现土地出让金未及时缴入国库");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::SubmitReferralRequest LeadRequest(const std::string& request_id) {
  v1::SubmitReferralRequest request;
  request.set_request_id(request_id);
  request.set_recipient_agency_id(kRecipient);
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  *request.mutable_lead() = SampleLead();
  return request;
}

// The config section that keeps the hub's data in `conninfo`'s database.
std::string StorageSection(const std::string& conninfo,
                           const std::string& more = "") {
  return absl::StrCat("\nstorage { postgres { conninfo: \"", conninfo, "\"",
                      more, " } }\n");
}

grpc::Status Submit(v1::ExchangeService::Stub& stub,
                    const v1::SubmitReferralRequest& request,
                    v1::Referral* referral,
                    std::chrono::milliseconds timeout =
                        std::chrono::seconds(10)) {
  return stub.SubmitReferral(Context(timeout).get(), request, referral);
}

// Sends `request` again, kRetryPause apart, for as long as the hub answers
// UNAVAILABLE (the contract's "retry with the same request_id"), at most
// kResumeWithin. The last answer.
grpc::Status SubmitUntilAccepted(v1::ExchangeService::Stub& stub,
                                 const v1::SubmitReferralRequest& request,
                                 v1::Referral* referral) {
  const absl::Time give_up = absl::Now() + kResumeWithin;
  for (;;) {
    const grpc::Status status = Submit(stub, request, referral);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        absl::Now() > give_up) {
      return status;
    }
    absl::SleepFor(kRetryPause);
  }
}

// Every referral `agency` sent, all pages, newest first. A read may meet a
// pooled connection that the database lost meanwhile: UNAVAILABLE, which
// the contract says to retry, so a few retries are allowed.
std::vector<std::string> SentBy(const HubProcess& hub,
                                const std::string& agency) {
  constexpr int kAttempts = 10;
  auto stub = v1::ExchangeService::NewStub(hub.Channel(agency));
  v1::ListReferralsRequest request;
  request.set_role(v1::PARTY_ROLE_SENDER);
  request.set_page_size(500);
  std::vector<std::string> ids;
  int attempts = 0;
  for (;;) {
    v1::ListReferralsResponse page;
    const grpc::Status status =
        stub->ListReferrals(Context().get(), request, &page);
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
        ++attempts < kAttempts) {
      absl::SleepFor(kRetryPause);
      continue;
    }
    EXPECT_TRUE(status.ok()) << agency << ": " << status.error_message();
    if (!status.ok()) return ids;
    for (const v1::Referral& referral : page.referrals()) {
      ids.push_back(referral.referral_id());
    }
    if (page.next_page_token().empty()) return ids;
    request.set_page_token(page.next_page_token());
  }
}

// How often each string occurs.
std::map<std::string, int> Tally(const std::vector<std::string>& items) {
  std::map<std::string, int> tally;
  for (const std::string& item : items) ++tally[item];
  return tally;
}

int CountOf(const std::map<std::string, int>& tally, const std::string& key) {
  auto found = tally.find(key);
  return found == tally.end() ? 0 : found->second;
}

// psql's rows ("1\n"), or "" with a test failure.
std::string Psql(const std::string& conninfo, const std::string& sql) {
  const absl::StatusOr<std::string> rows = RunPsql(conninfo, sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
  return rows.ok() ? *rows : "";
}

// Whether `condition` holds within `within`, asked every 20 ms.
bool Eventually(const std::function<bool()>& condition,
                absl::Duration within) {
  const absl::Time give_up = absl::Now() + within;
  while (!condition()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

// A loopback port bound but never listened on, for as long as this lives:
// a connection there is refused, and nobody else can take the port.
class ClosedPort {
 public:
  ClosedPort() : socket_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (socket_ >= 0 &&
        bind(socket_, reinterpret_cast<sockaddr*>(&address),
             sizeof(address)) == 0 &&
        getsockname(socket_, reinterpret_cast<sockaddr*>(&address),
                    &length) == 0) {
      port_ = ntohs(address.sin_port);
    }
  }
  ~ClosedPort() {
    if (socket_ >= 0) close(socket_);
  }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;

  // 0 if no port could be bound.
  int port() const { return port_; }

 private:
  const int socket_;
  int port_ = 0;
};

// Whether a write transaction's commit on the server of `conninfo` now
// waits for a synchronous standby: a reload of synchronous_standby_names
// reaches the checkpointer (which tells the backends) a moment after
// pg_reload_conf() returns. A probe that waits is cut off after a second;
// its transaction stays waiting until the server is killed.
bool CommitsWaitForAStandby(const std::string& conninfo) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const ProgramResult probe =
        RunProgram({"timeout", "1", PsqlPath(), "-X", "-q", "-d", conninfo,
                    "-c", "INSERT INTO sync_probe VALUES (1)"});
    if (probe.exit_code == 124) return true;  // timeout(1): cut off
    if (probe.exit_code != 0) {
      ADD_FAILURE() << "the probe failed (" << probe.exit_code
                    << "): " << probe.err;
      return false;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

class PostgresE2eTest : public DevPkiSuite {
 protected:
  // A hub on the example config with its data in `conninfo`'s database.
  void StartHubOn(const std::string& conninfo) {
    hub_ = std::make_unique<HubProcess>(
        *pki_, [conninfo](std::string& config) {
          config += StorageSection(conninfo);
        });
    const absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::unique_ptr<v1::ExchangeService::Stub> Exchange(
      const std::string& who) const {
    return v1::ExchangeService::NewStub(hub_->Channel(who));
  }

  // `sxhub --check-config` on the example config (with the dev PKI) plus
  // `storage_section`.
  ProgramResult CheckConfig(const std::string& storage_section) {
    std::string config =
        ReadFile(absl::StrCat(SX_SOURCE_DIR, "/deploy/hub.example.textproto"));
    EXPECT_FALSE(config.empty()) << "no example config";
    config = absl::StrReplaceAll(
        config, {{"\"pki/", absl::StrCat("\"", pki_->dir(), "/pki/")}});
    config += storage_section;
    const std::string path = work_.Sub("hub.textproto");
    std::ofstream(path) << config;
    return RunProgram(
        {SX_HUB_BINARY, absl::StrCat("--config=", path), "--check-config"});
  }

  // The auditor's check of the whole log: a checkpoint signed by the hub's
  // key, every event in its tree, sequences 1..N without a gap, each event
  // naming the digest of the one before. Counts the SUBMITTED events of
  // each referral into `submitted`.
  void VerifyTheLog(std::map<std::string, int>* submitted) {
    auto audit = v1::AuditService::NewStub(hub_->Channel(kAuditor));
    v1::ExportEventsRequest request;
    request.set_from_sequence(1);
    v1::EventExport exported;
    const grpc::Status status = audit->ExportEvents(
        Context(std::chrono::seconds(30)).get(), request, &exported);
    ASSERT_TRUE(status.ok()) << status.error_message();

    std::string signature;
    ASSERT_TRUE(absl::Base64Unescape(exported.checkpoint().signature_base64(),
                                     &signature));
    const absl::Status signed_by_hub = transparency::VerifyCheckpointSignature(
        exported.checkpoint().text(), signature, ReadFile(pki_->Cert("hub")));
    ASSERT_TRUE(signed_by_hub.ok()) << signed_by_hub;
    const absl::StatusOr<transparency::Checkpoint> checkpoint =
        transparency::ParseCheckpoint(exported.checkpoint().text());
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    EXPECT_EQ(checkpoint->origin, "demo");
    ASSERT_GT(checkpoint->tree_size, 0u);
    ASSERT_EQ(static_cast<uint64_t>(exported.events_size()),
              checkpoint->tree_size);

    const absl::StatusOr<transparency::MerkleHasher> hasher =
        transparency::MerkleHasher::Create(
            transparency::HashAlgorithm::kSha256);
    ASSERT_TRUE(hasher.ok()) << hasher.status();
    std::string previous_digest(32, '\0');
    for (int i = 0; i < exported.events_size(); ++i) {
      const v1::ExportedEvent& stored = exported.events(i);
      const uint64_t sequence = static_cast<uint64_t>(i) + 1;
      v1::Event event;
      ASSERT_TRUE(event.ParseFromString(stored.event_bytes())) << sequence;
      EXPECT_EQ(event.sequence(), sequence) << "a gap or a reordering";
      EXPECT_EQ(event.previous_event_sha256(), previous_digest)
          << "event " << sequence << " does not follow the one before";
      previous_digest = hasher->Digest(stored.event_bytes());
      const std::vector<std::string> path(stored.proof().hashes().begin(),
                                          stored.proof().hashes().end());
      const absl::Status included = transparency::VerifyInclusion(
          *hasher, sequence - 1, checkpoint->tree_size,
          hasher->LeafHash(stored.event_bytes()), path, checkpoint->root_hash);
      EXPECT_TRUE(included.ok()) << "event " << sequence << ": " << included;
      if (event.type() == v1::EVENT_TYPE_SUBMITTED) {
        ++(*submitted)[event.referral_id()];
      }
    }
  }

  TempDir work_;
  std::unique_ptr<HubProcess> hub_;
};

TEST_F(PostgresE2eTest, AcknowledgedReferralsSurviveAHubKill) {
  ASSERT_NO_FATAL_FAILURE(StartHubOn(TestPostgres::Shared().NewDatabase()));

  absl::Mutex mu;
  // Request id → the referral id the hub acknowledged for it.
  std::map<std::string, std::string> acknowledged;
  // Each client's first error, which ends it.
  std::vector<grpc::Status> endings(kClients);
  std::vector<std::unique_ptr<v1::ExchangeService::Stub>> stubs;
  for (int t = 0; t < kClients; ++t) stubs.push_back(Exchange(kSender));
  // Only a safety bound: the kill ends the clients long before.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      for (int n = 0; absl::Now() < give_up; ++n) {
        const std::string request_id = absl::StrCat("client-", t, "-", n);
        v1::Referral referral;
        const grpc::Status status =
            Submit(*stubs[t], LeadRequest(request_id), &referral);
        absl::MutexLock lock(&mu);
        if (!status.ok()) {
          endings[t] = status;
          return;
        }
        acknowledged.emplace(request_id, referral.referral_id());
      }
    });
  }
  bool reached = false;
  {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return acknowledged.size() >= kKillAfterAcknowledgements;
    };
    reached = mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(60));
  }
  hub_->Kill();
  for (std::thread& client : clients) client.join();
  ASSERT_TRUE(reached) << "only " << acknowledged.size()
                       << " acknowledgements in 60 s";
  for (int t = 0; t < kClients; ++t) {
    // Each client was still submitting when the hub died.
    EXPECT_FALSE(endings[t].ok()) << "client " << t << " never saw the kill";
  }
  std::printf("[   INFO   ] %zu referrals acknowledged before the kill\n",
              acknowledged.size());

  const absl::Status restarted = hub_->Start();
  ASSERT_TRUE(restarted.ok()) << restarted;
  AgencyClient inspection(*hub_, kSender);
  AgencyClient commission(*hub_, kRecipient);

  const std::vector<std::string> sent = SentBy(*hub_, kSender);
  const std::map<std::string, int> listed = Tally(sent);
  for (const auto& [id, times] : listed) {
    EXPECT_EQ(times, 1) << id << " is listed " << times << " times";
  }
  std::map<std::string, int> submitted_entries;
  for (const v1::InboxEntry& entry : commission.Inbox()) {
    if (entry.event().type() == v1::EVENT_TYPE_SUBMITTED) {
      ++submitted_entries[entry.event().referral_id()];
    }
  }
  std::set<std::string> acknowledged_ids;
  auto replayer = Exchange(kSender);
  for (const auto& [request_id, referral_id] : acknowledged) {
    EXPECT_TRUE(acknowledged_ids.insert(referral_id).second)
        << referral_id << " was acknowledged for two requests";
    EXPECT_EQ(CountOf(listed, referral_id), 1)
        << referral_id << " (" << request_id << ") was acknowledged";
    const v1::Referral read = inspection.Get(referral_id);
    EXPECT_EQ(read.referral_id(), referral_id);
    EXPECT_EQ(read.sender_agency_id(), kSender);
    EXPECT_EQ(read.recipient_agency_id(), kRecipient);
    EXPECT_EQ(read.state(), v1::REFERRAL_STATE_SUBMITTED);
    EXPECT_EQ(read.lead().subject(), kSubject);
    // The request is remembered too: sent again, it is the same referral.
    v1::Referral replayed;
    const grpc::Status replay =
        Submit(*replayer, LeadRequest(request_id), &replayed);
    EXPECT_TRUE(replay.ok()) << request_id << ": " << replay.error_message();
    EXPECT_EQ(replayed.referral_id(), referral_id) << request_id;
  }
  // Besides those acknowledged, a few may have committed unanswered; each
  // referral that exists is in the commission's inbox exactly once.
  EXPECT_GE(sent.size(), acknowledged.size());
  for (const std::string& id : sent) {
    EXPECT_EQ(CountOf(submitted_entries, id), 1) << id << " in the inbox";
  }
  EXPECT_EQ(submitted_entries.size(), listed.size());
  // The replays added nothing.
  EXPECT_EQ(SentBy(*hub_, kSender).size(), sent.size());

  std::map<std::string, int> submitted_events;
  ASSERT_NO_FATAL_FAILURE(VerifyTheLog(&submitted_events));
  for (const std::string& id : sent) {
    EXPECT_EQ(CountOf(submitted_events, id), 1) << id << " in the log";
  }
  EXPECT_EQ(submitted_events.size(), listed.size());
}

// Whether the hub's gRPC health turns to `status` (1 SERVING, 2 NOT_SERVING)
// within 15 seconds.
bool HealthBecomes(const HubProcess& hub, int status) {
  const auto channel = hub.Channel("admin-ops");
  for (const absl::Time end = absl::Now() + absl::Seconds(15);
       absl::Now() < end; absl::SleepFor(absl::Milliseconds(100))) {
    if (HealthStatus(channel) == status) return true;
  }
  return false;
}

TEST_F(PostgresE2eTest, TheDatabaseGoneAnswersUnavailableAndServiceResumes) {
  TestPostgresOptions options;
  options.fsync = true;
  const std::unique_ptr<TestPostgres> database = TestPostgres::Start(options);
  ASSERT_NO_FATAL_FAILURE(StartHubOn(database->NewDatabase()));
  auto sender = Exchange(kSender);
  v1::Referral first;
  const grpc::Status submitted =
      Submit(*sender, LeadRequest("before-the-outage"), &first);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  const std::vector<std::string> before = SentBy(*hub_, kSender);
  ASSERT_EQ(before, std::vector<std::string>{first.referral_id()});

  database->Kill();
  const v1::SubmitReferralRequest request = LeadRequest("during-the-outage");
  const absl::Time asked = absl::Now();
  v1::Referral refused;
  const grpc::Status outage =
      Submit(*sender, request, &refused, kOutageCallDeadline);
  const absl::Duration answered_after = absl::Now() - asked;
  std::printf("[   INFO   ] with the database gone, a submit was answered %s "
              "after %s\n",
              outage.ok() ? "OK" : "with an error",
              absl::FormatDuration(answered_after).c_str());
  RecordProperty("outage_answer_ms",
                 static_cast<int>(absl::ToInt64Milliseconds(answered_after)));
  EXPECT_EQ(outage.error_code(), grpc::StatusCode::UNAVAILABLE)
      << outage.error_message();
  // Health says so, for load balancers and monitoring (2: NOT_SERVING).
  EXPECT_TRUE(HealthBecomes(*hub_, 2)) << hub_->ReadLog();

  database->Restart();
  // And SERVING again without a call: the hub tries the database by itself.
  EXPECT_TRUE(HealthBecomes(*hub_, 1)) << hub_->ReadLog();
  v1::Referral resumed;
  const grpc::Status retried = SubmitUntilAccepted(*sender, request, &resumed);
  ASSERT_TRUE(retried.ok()) << "the same request after the restart: "
                            << retried.error_message();
  EXPECT_NE(resumed.referral_id(), first.referral_id());
  const std::vector<std::string> after = SentBy(*hub_, kSender);
  EXPECT_EQ(after.size(), before.size() + 1);
  EXPECT_EQ(CountOf(Tally(after), resumed.referral_id()), 1);

  v1::Referral again;
  const grpc::Status replay = Submit(*sender, request, &again);
  ASSERT_TRUE(replay.ok()) << replay.error_message();
  EXPECT_EQ(again.referral_id(), resumed.referral_id());
  EXPECT_EQ(SentBy(*hub_, kSender).size(), before.size() + 1);
}

// The hub's COMMIT is flushed and then waits for a synchronous standby that
// never comes (synchronous_standby_names names one), so that a kill of the
// database at that moment loses the answer but not the commit: the client
// hears UNAVAILABLE, "unknown", and its retry finds the request done.
TEST_F(PostgresE2eTest, ACommitInDoubtResolvesByRetry) {
  TestPostgresOptions options;
  options.fsync = true;
  const std::unique_ptr<TestPostgres> database = TestPostgres::Start(options);
  const std::string conninfo = database->NewDatabase();
  ASSERT_NO_FATAL_FAILURE(StartHubOn(conninfo));
  auto sender = Exchange(kSender);
  v1::Referral first;
  const grpc::Status submitted =
      Submit(*sender, LeadRequest("before-the-doubt"), &first);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  const std::vector<std::string> before = SentBy(*hub_, kSender);
  ASSERT_EQ(before.size(), 1u);

  const std::string postgres = database->ConnInfo("postgres");
  Psql(postgres, "CREATE TABLE sync_probe (n integer)");
  Psql(postgres,
       "ALTER SYSTEM SET synchronous_standby_names = 'sx_never_connects'");
  EXPECT_EQ(Psql(postgres, "SELECT pg_reload_conf()"), "t\n");
  ASSERT_TRUE(CommitsWaitForAStandby(postgres))
      << "commits never started to wait for the standby";

  const v1::SubmitReferralRequest request = LeadRequest("in-doubt");
  grpc::Status in_doubt;
  std::thread submitting([&] {
    v1::Referral unanswered;
    in_doubt = Submit(*sender, request, &unanswered, kOutageCallDeadline);
  });
  const bool waiting = Eventually(
      [&] {
        return Psql(conninfo,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND wait_event = 'SyncRep'") == "1\n";
      },
      absl::Seconds(10));
  // Written for the restart; the waiting commit is not released by it.
  Psql(postgres, "ALTER SYSTEM RESET synchronous_standby_names");
  database->Kill();
  submitting.join();
  ASSERT_TRUE(waiting) << "the hub's commit never waited for the standby";
  EXPECT_EQ(in_doubt.error_code(), grpc::StatusCode::UNAVAILABLE)
      << in_doubt.error_message();
  EXPECT_TRUE(absl::StrContains(in_doubt.error_message(), "unknown"))
      << in_doubt.error_message();

  database->Restart();
  // Committed before the crash, though nobody was told.
  EXPECT_EQ(Psql(conninfo,
                 "SELECT count(*) FROM requests WHERE request_id = 'in-doubt'"),
            "1\n");
  EXPECT_EQ(Psql(conninfo, "SELECT count(*) FROM referrals"), "2\n");
  const std::string kept = Psql(
      conninfo, absl::StrCat("SELECT referral_id FROM referrals WHERE "
                             "referral_id <> '",
                             first.referral_id(), "'"));

  v1::Referral resolved;
  const grpc::Status retried = SubmitUntilAccepted(*sender, request, &resolved);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(absl::StrCat(resolved.referral_id(), "\n"), kept);
  const std::vector<std::string> after = SentBy(*hub_, kSender);
  EXPECT_EQ(after.size(), before.size() + 1);
  EXPECT_EQ(CountOf(Tally(after), resolved.referral_id()), 1);
  v1::Referral again;
  ASSERT_TRUE(Submit(*sender, request, &again).ok());
  EXPECT_EQ(again.referral_id(), resolved.referral_id());
  EXPECT_EQ(Psql(conninfo, "SELECT count(*) FROM referrals"), "2\n");
}

TEST_F(PostgresE2eTest, CheckConfigNamesAnUnreachableDatabase) {
  const ClosedPort closed;
  ASSERT_NE(closed.port(), 0);
  const std::string storage = StorageSection(
      absl::StrCat("host=127.0.0.1 port=", closed.port(),
                   " dbname=x user=x connect_timeout=2"));
  const ProgramResult checked = CheckConfig(storage);
  EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
  EXPECT_TRUE(absl::StrContains(checked.err, "storage.postgres.conninfo"))
      << checked.err;
  EXPECT_FALSE(absl::StrContains(checked.out, "is valid")) << checked.out;

  HubProcess hub(*pki_, [&storage](std::string& config) { config += storage; });
  const absl::Status started = hub.Start();
  EXPECT_FALSE(started.ok());
  EXPECT_FALSE(hub.running());
  // Start() returns the hub's log when it did not come up.
  EXPECT_TRUE(absl::StrContains(started.message(), "storage.postgres.conninfo"))
      << started;
}

TEST_F(PostgresE2eTest, CheckConfigRefusesAWeakSynchronousCommit) {
  const std::string conninfo = TestPostgres::Shared().NewDatabase();
  // The same database with the default passes: only the setting differs.
  const ProgramResult valid =
      CheckConfig(StorageSection(conninfo, " synchronous_commit: \"on\""));
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_TRUE(absl::StrContains(valid.out, "is valid")) << valid.out;

  const std::string weak =
      StorageSection(conninfo, " synchronous_commit: \"off\"");
  const ProgramResult checked = CheckConfig(weak);
  EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
  EXPECT_TRUE(
      absl::StrContains(checked.err, "storage.postgres.synchronous_commit"))
      << checked.err;
  EXPECT_FALSE(absl::StrContains(checked.err, "storage.postgres.conninfo"))
      << checked.err;

  HubProcess hub(*pki_, [&weak](std::string& config) { config += weak; });
  const absl::Status started = hub.Start();
  EXPECT_FALSE(started.ok());
  EXPECT_TRUE(absl::StrContains(started.message(),
                                "storage.postgres.synchronous_commit"))
      << started;
}

TEST_F(PostgresE2eTest, TheSchemaIsReadableByADba) {
  const std::string conninfo = TestPostgres::Shared().NewDatabase();
  ASSERT_NO_FATAL_FAILURE(StartHubOn(conninfo));
  AgencyClient inspection(*hub_, kSender);
  AgencyClient commission(*hub_, kRecipient);
  const std::string id = inspection.Submit(kRecipient, SampleLead());
  ASSERT_FALSE(id.empty());
  const grpc::Status accepted = commission.Accept(id);
  ASSERT_TRUE(accepted.ok()) << accepted.error_message();

  EXPECT_EQ(Psql(conninfo,
                 "SELECT referral_id, sender_agency_id, recipient_agency_id, "
                 "state FROM referrals"),
            absl::StrCat(id, "|", kSender, "|", kRecipient, "|",
                         static_cast<int>(v1::REFERRAL_STATE_ACCEPTED), "\n"));

  auto audit = v1::AuditService::NewStub(hub_->Channel(kAuditor));
  v1::SignedCheckpoint checkpoint;
  const grpc::Status got =
      audit->GetCheckpoint(Context().get(), {}, &checkpoint);
  ASSERT_TRUE(got.ok()) << got.error_message();
  v1::QueryEventsRequest query;
  query.set_page_size(1000);
  v1::QueryEventsResponse events;
  const grpc::Status queried =
      audit->QueryEvents(Context().get(), query, &events);
  ASSERT_TRUE(queried.ok()) << queried.error_message();
  std::vector<v1::EventType> types;
  for (const v1::Event& event : events.events()) types.push_back(event.type());
  EXPECT_EQ(types, (std::vector<v1::EventType>{v1::EVENT_TYPE_SUBMITTED,
                                               v1::EVENT_TYPE_ACCEPTED}));
  EXPECT_EQ(checkpoint.tree_size(), 2u);
  EXPECT_EQ(Psql(conninfo, "SELECT count(*) FROM events"),
            absl::StrCat(checkpoint.tree_size(), "\n"));
  EXPECT_EQ(Psql(conninfo, "SELECT version FROM schema_migrations"), "1\n");

  // The example config encrypts at rest: the lead row is there, its subject
  // is not, neither as UTF-8 bytes nor in psql's escaped text (which shows
  // ASCII as it is and the rest as octal escapes).
  EXPECT_EQ(Psql(conninfo, "SELECT count(*) FROM leads"), "1\n");
  const std::string escaped =
      Psql(conninfo, "SELECT encode(record, 'escape') FROM leads");
  EXPECT_GT(escaped.size(), 1u);
  EXPECT_FALSE(absl::StrContains(escaped, "Wang Wu, 330102-0417")) << escaped;
  const std::string subject_bytes =
      absl::StrCat("convert_to('", kSubject, "', 'UTF8')");
  EXPECT_EQ(Psql(conninfo, absl::StrCat("SELECT position(", subject_bytes,
                                        " IN record) FROM leads")),
            "0\n");
  // Nor in any other record the hub keeps.
  EXPECT_EQ(
      Psql(conninfo,
           absl::StrCat(
               "SELECT 'referrals' FROM referrals WHERE position(",
               subject_bytes, " IN record) > 0 UNION ALL ",
               "SELECT 'requests' FROM requests WHERE position(",
               subject_bytes, " IN record) > 0 UNION ALL ",
               "SELECT 'inbox_entries' FROM inbox_entries WHERE position(",
               subject_bytes, " IN entry) > 0 UNION ALL ",
               "SELECT 'events' FROM events WHERE position(", subject_bytes,
               " IN bytes) > 0")),
      "");
  // The same search finds what is stored in the clear: the search works.
  EXPECT_EQ(Psql(conninfo, absl::StrCat("SELECT position(convert_to('",
                                        kRecipient,
                                        "', 'UTF8') IN record) > 0 "
                                        "FROM referrals")),
            "t\n");
  EXPECT_TRUE(absl::StrContains(
      Psql(conninfo, "SELECT encode(record, 'escape') FROM referrals"),
      kRecipient));
}

}  // namespace
}  // namespace sx::testing
