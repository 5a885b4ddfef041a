// The real hub under faults: kill -9 at random moments under load, a damaged
// write-ahead log, and a full disk. Whatever happens, every acknowledged
// referral exists exactly once and each inbox delivers everything without
// gaps. SX_FAULT_LONG=1 runs ten times as many kills.
#include <sys/mount.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kSender[] = "inspection-office";
constexpr char kRecipient[] = "discipline-commission";

v1::SubmitReferralRequest NewLead(const std::string& request_id,
                                  size_t attachment_bytes = 0) {
  v1::SubmitReferralRequest request;
  request.set_request_id(request_id);
  request.set_recipient_agency_id(kRecipient);
  request.set_kind(v1::REFERRAL_KIND_LEAD);
  v1::Lead& lead = *request.mutable_lead();
  lead.set_subject("县土地储备中心");
  lead.set_category("进一步了解关注类");
  lead.set_summary("通过个人账户收取土地出让金");
  lead.set_source("巡察");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_FAST_TRACK);
  if (attachment_bytes > 0) {
    v1::Attachment& attachment = *lead.add_attachments();
    attachment.set_name("流水.bin");
    attachment.set_content(std::string(attachment_bytes, 'x'));
  }
  return request;
}

grpc::Status Submit(v1::ExchangeService::Stub& stub,
                    const v1::SubmitReferralRequest& request,
                    v1::Referral* referral, bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  context.set_wait_for_ready(wait_for_ready);
  return stub.SubmitReferral(&context, request, referral);
}

// Every referral the sender has, by listing all pages.
std::set<std::string> AllSent(HubProcess& hub) {
  auto stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
  std::set<std::string> ids;
  v1::ListReferralsRequest request;
  request.set_role(v1::PARTY_ROLE_SENDER);
  request.set_page_size(500);
  for (;;) {
    grpc::ClientContext context;
    v1::ListReferralsResponse page;
    grpc::Status status = stub->ListReferrals(&context, request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& referral : page.referrals())
      ids.insert(referral.referral_id());
    if (!status.ok() || page.next_page_token().empty()) return ids;
    request.set_page_token(page.next_page_token());
  }
}

// The recipient's whole inbox, streamed until it is quiet.
std::vector<v1::InboxEntry> WholeInbox(HubProcess& hub) {
  auto stub = v1::ExchangeService::NewStub(hub.Channel(kRecipient));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  auto reader = stub->StreamInbox(&context, v1::StreamInboxRequest());
  std::vector<v1::InboxEntry> entries;
  v1::InboxEntry entry;
  // Entries arrive in bursts; a short quiet spell after the last one ends it.
  std::atomic<bool> done{false};
  std::atomic<size_t> count{0};
  std::thread watchdog([&] {
    size_t seen = 0;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      if (done) return;
      if (count == seen) {
        context.TryCancel();
        return;
      }
      seen = count;
    }
  });
  while (reader->Read(&entry)) {
    entries.push_back(entry);
    ++count;
  }
  done = true;
  watchdog.join();
  reader->Finish().ok();
  return entries;
}

void ExpectEverythingOnceWithoutGaps(HubProcess& hub,
                                     const std::set<std::string>& acknowledged,
                                     size_t requests) {
  const std::set<std::string> sent = AllSent(hub);
  for (const std::string& id : acknowledged) {
    EXPECT_TRUE(sent.count(id)) << id << " was acknowledged and is lost";
  }
  // Every request was retried until acknowledged, with the same request id:
  // each has exactly one referral, no more.
  EXPECT_EQ(sent.size(), requests) << "duplicates or losses";
  EXPECT_EQ(acknowledged.size(), requests);

  std::vector<v1::InboxEntry> inbox = WholeInbox(hub);
  ASSERT_EQ(inbox.size(), sent.size());
  std::set<std::string> delivered;
  for (size_t i = 0; i < inbox.size(); ++i) {
    EXPECT_EQ(inbox[i].sequence(), i + 1) << "gap in the inbox";
    EXPECT_TRUE(delivered.insert(inbox[i].referral().referral_id()).second)
        << "delivered twice";
  }
  EXPECT_EQ(delivered, sent);
}

class CrashTest : public DevPkiSuite {
 protected:
};

TEST_F(CrashTest, KillNineUnderLoadLosesAndDuplicatesNothing) {
  const bool long_mode = std::getenv("SX_FAULT_LONG") != nullptr;
  const int kills = long_mode ? 200 : 20;
  HubProcess hub(*pki_);
  ASSERT_TRUE(hub.Start().ok());

  absl::Mutex mu;
  std::set<std::string> acknowledged;
  size_t requests = 0;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
      for (int n = 0; !stop; ++n) {
        const v1::SubmitReferralRequest request =
            NewLead(absl::StrCat("client-", t, "-", n));
        {
          absl::MutexLock lock(&mu);
          ++requests;
        }
        // Retry the same request id until the hub acknowledges it: the
        // outcome of an attempt cut off by a kill is unknown to us.
        v1::Referral referral;
        while (
            !Submit(*stub, request, &referral, /*wait_for_ready=*/true).ok()) {
        }
        absl::MutexLock lock(&mu);
        acknowledged.insert(referral.referral_id());
      }
    });
  }

  std::mt19937 random(26112026);
  for (int kill = 0; kill < kills; ++kill) {
    // Kill at a random point of progress: after 1 to 25 more acknowledgements.
    const size_t target = [&] {
      absl::MutexLock lock(&mu);
      return acknowledged.size() +
             std::uniform_int_distribution<size_t>(1, 25)(random);
    }();
    {
      absl::MutexLock lock(&mu);
      auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return acknowledged.size() >= target;
      };
      ASSERT_TRUE(
          mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60)))
          << "no progress before kill " << kill;
    }
    hub.Kill();
    absl::Status started = hub.Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  stop = true;
  for (std::thread& client : clients) client.join();

  hub.Kill();
  ASSERT_TRUE(hub.Start().ok());
  absl::MutexLock lock(&mu);
  EXPECT_GT(acknowledged.size(), static_cast<size_t>(kills));
  ExpectEverythingOnceWithoutGaps(hub, acknowledged, requests);
}

std::string NewestWal(const std::string& data_dir) {
  std::string newest;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0 &&
        entry.path().string() > newest) {
      newest = entry.path().string();
    }
  }
  return newest;
}

TEST_F(CrashTest, DamagedLogStopsTheHubButATornTailDoesNot) {
  HubProcess hub(*pki_);
  ASSERT_TRUE(hub.Start().ok());
  std::set<std::string> acknowledged;
  {
    auto stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
    for (int i = 0; i < 30; ++i) {
      v1::Referral referral;
      ASSERT_TRUE(
          Submit(*stub, NewLead(absl::StrCat("r", i)), &referral, true).ok());
      acknowledged.insert(referral.referral_id());
    }
  }
  hub.Kill();
  const std::string wal = NewestWal(hub.data_dir());
  ASSERT_FALSE(wal.empty());

  // A crash in the middle of writing an unacknowledged record leaves a torn
  // record at the end of the log: the hub starts and has everything.
  const uintmax_t clean_size = std::filesystem::file_size(wal);
  {
    std::ofstream tail(wal, std::ios::app | std::ios::binary);
    tail.write("\x12\x34\x56\x78\x9a\xbc\xde", 7);
  }
  ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
  EXPECT_EQ(AllSent(hub), acknowledged);
  // Recovery flushed the old log; write some more so that the new log holds
  // acknowledged data.
  {
    auto stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
    for (int i = 0; i < 30; ++i) {
      v1::Referral referral;
      ASSERT_TRUE(
          Submit(*stub, NewLead(absl::StrCat("s", i)), &referral, true).ok());
    }
  }
  hub.Kill();

  // Damage before the end is damage to acknowledged data: refuse to start.
  const std::string damaged = NewestWal(hub.data_dir());
  ASSERT_FALSE(damaged.empty());
  {
    std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(
        std::min<uintmax_t>(clean_size, std::filesystem::file_size(damaged)) /
        2));
    file.write("\x55\xAA\x55\xAA\x55\xAA\x55\xAA", 8);
  }
  absl::Status refused = hub.Start();
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("will not start on a partial database"),
            std::string::npos)
      << refused;
}

TEST_F(CrashTest, FullDiskFailsCleanlyAndServiceResumesWhenSpaceReturns) {
  TempDir mount_point;
  if (mount("tmpfs", mount_point.path().c_str(), "tmpfs", 0, "size=48m") != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root and "
                    "CAP_SYS_ADMIN); the full-disk test did not run";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point.path()};

  HubProcess hub(*pki_, [&](std::string& config) {
    config = absl::StrReplaceAll(
        config, {{"data_dir: \"data\"",
                  absl::StrCat("data_dir: \"", mount_point.path(), "/data\"")},
                 {"max_text_bytes: 65536",
                  "max_text_bytes: 65536\n  min_free_disk_megabytes: 8"}});
  });
  ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
  auto stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
  std::set<std::string> acknowledged;
  v1::Referral referral;
  ASSERT_TRUE(Submit(*stub, NewLead("before"), &referral, true).ok());
  acknowledged.insert(referral.referral_id());

  // Fill the disk, leaving less than one more submission needs.
  const std::string filler = mount_point.Sub("filler");
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 20, 'f');
    while (std::filesystem::space(mount_point.path()).available >
           12 * (1 << 20)) {
      out.write(block.data(), block.size());
      out.flush();
    }
  }
  grpc::Status full;
  int attempts = 0;
  for (; attempts < 20; ++attempts) {
    full = Submit(*stub, NewLead(absl::StrCat("full-", attempts), 1 << 20),
                  &referral, false);
    if (!full.ok()) break;
    acknowledged.insert(referral.referral_id());
  }
  ASSERT_FALSE(full.ok()) << "the disk never filled up";
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << full.error_message();
  EXPECT_NE(full.error_message().find("free disk space"), std::string::npos)
      << full.error_message();
  EXPECT_TRUE(hub.running() && !hub.ExitStatus().has_value())
      << "the hub stays up on a full disk\n"
      << hub.ReadLog();

  // Space returns: the hub serves again (after a restart by its supervisor
  // if it had to stop), and nothing acknowledged was harmed.
  std::filesystem::remove(filler);
  if (std::optional<int> exited = hub.ExitStatus(); exited.has_value()) {
    EXPECT_EQ(*exited, 75) << "only the restart-me status is acceptable\n"
                           << hub.ReadLog();
    ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
    stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
  }
  grpc::Status resumed;
  for (int i = 0; i < 50; ++i) {
    resumed = Submit(*stub, NewLead("after"), &referral, true);
    if (resumed.ok()) break;
    if (std::optional<int> exited = hub.ExitStatus(); exited.has_value()) {
      EXPECT_EQ(*exited, 75);
      ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
      stub = v1::ExchangeService::NewStub(hub.Channel(kSender));
    }
  }
  ASSERT_TRUE(resumed.ok()) << resumed.error_message() << hub.ReadLog();
  acknowledged.insert(referral.referral_id());
  const std::set<std::string> sent = AllSent(hub);
  for (const std::string& id : acknowledged) EXPECT_TRUE(sent.count(id)) << id;
}

}  // namespace
}  // namespace sx::testing
